"""Prices entered by hand: the last resort of the rule, for moments Kraken's data cannot price."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from portfolio.prices.models import ManualPrice


def manual_price_set(
    *, user, asset: str, quote: str, at: datetime, price: str | Decimal, note: str = ""
) -> ManualPrice:
    """Enter (or replace) the user's price of one ``asset`` in ``quote`` at ``at``."""
    try:
        value = Decimal(str(price).strip())
    except InvalidOperation:
        raise ValidationError(f"{price!r} is not a number") from None
    if not value.is_finite() or value <= 0:
        raise ValidationError("a price must be a positive number")
    if value != value.quantize(Decimal("1e-10")):
        raise ValidationError("a price has at most 10 decimal places")
    if at.tzinfo is None:
        raise ValidationError("the moment needs a time zone (UTC, for example 2024-05-01T12:00Z)")
    asset, quote = asset.strip().upper(), quote.strip().upper()
    if not asset or not quote or asset == quote:
        raise ValidationError("give an asset and a different currency, e.g. DOT and USD")
    row, _created = ManualPrice.objects.update_or_create(
        user=user, asset=asset, quote=quote, time=at, defaults={"price": value, "note": note[:200]}
    )
    return row


def manual_prices_for(*, user) -> list[ManualPrice]:
    return list(ManualPrice.objects.filter(user=user).order_by("-time"))
