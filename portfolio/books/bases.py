"""Bases the user enters for deposits of unknown history, and the rebuild that uses them."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from portfolio.books.models import DepositBasis, UnknownBasisDepositRow
from portfolio.books.rebuilds import rebuild_request

#: What a basis may hold (``portfolio.books.models.AMOUNT``: 38 digits, 18 after the point).
MAX_BASIS = Decimal(10) ** 20


def deposit_basis_save(
    *, user, deposit: UnknownBasisDepositRow, basis: Decimal, acquired: datetime
) -> DepositBasis:
    """Store the basis and acquisition date of ``deposit``'s unknown part; rebuild after commit.

    The deposit must be the user's; the basis a finite amount from zero; the date aware and not
    after the deposit itself (units cannot be acquired after they arrived).
    """
    errors: dict[str, str] = {}
    if deposit.run.user_id != user.pk:
        raise ValidationError("This deposit is not yours.")
    if not basis.is_finite() or basis < 0 or basis >= MAX_BASIS:
        errors["basis"] = "Enter a basis from zero up, in your base currency."
    if acquired.tzinfo is None:
        errors["acquired"] = "Give the acquisition time with its time zone."
    elif acquired > deposit.time:
        errors["acquired"] = "Coins are acquired before they are deposited: pick an earlier date."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        entered, _ = DepositBasis.objects.update_or_create(
            user=user,
            event_id=deposit.event_id,
            defaults={"basis": basis, "acquired": acquired},
        )
        rebuild_request(user=user, reason="a deposit's basis was entered")
    return entered


def entered_for(*, user, event_ids) -> dict[str, DepositBasis]:
    rows = DepositBasis.objects.filter(user=user, event_id__in=list(event_ids))
    return {row.event_id: row for row in rows}
