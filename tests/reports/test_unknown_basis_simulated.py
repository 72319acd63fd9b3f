"""On a fresh simulated account, the unknown-basis list holds only the deposits larger than what
had left before, under US lots and under UK share matching alike; nothing on Kraken leaves at zero
basis. The expected list is worked out here from the stored ledger alone."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from portfolio.books.models import UnknownBasisDepositRow
from portfolio.books.services import accounting_rebuild
from portfolio.models import LedgerEntry
from tests.simulated import connect, sync

pytestmark = pytest.mark.django_db(transaction=True)
AS_OF = datetime(2026, 1, 1, tzinfo=UTC)
CASH = {"USD", "EUR", "GBP", "CAD", "KFEE"}


def _beyond_what_left(connection) -> list[tuple[str, Decimal]]:
    """Per deposit of a crypto asset: the part beyond what its withdrawals left outside."""
    outside: dict[str, Decimal] = {}
    beyond = []
    rows = LedgerEntry.objects.filter(
        connection=connection, type__in=["withdrawal", "deposit"], time__lte=AS_OF
    ).order_by("time", "ledger_id")
    for row in rows:
        if row.asset in CASH:
            continue
        away = outside.get(row.asset, Decimal(0))
        if row.type == "withdrawal":
            outside[row.asset] = away - row.amount  # the amount is negative
            continue
        back = min(away, row.amount)
        outside[row.asset] = away - back
        if row.amount > back:
            beyond.append((row.ledger_id, row.amount - back))
    return sorted(beyond)


@pytest.fixture
def account(simulator):
    connection = connect(simulator, simulator.add_account(seed=7, size=600))
    assert sync(connection).state == "succeeded"
    return connection  # no prices: zero basis for unknown history needs none


def test_the_unknown_basis_list_holds_only_deposits_beyond_what_left(account):
    expected = _beyond_what_left(account)
    assert expected, "the simulated history has deposits of unknown history to list"
    for jurisdiction, method in [("us", "fifo"), ("uk", "uk")]:
        run = accounting_rebuild(
            user=account.user,
            jurisdiction=jurisdiction,
            method=method,
            as_of=AS_OF,
            daily_values=False,
        )
        stored = UnknownBasisDepositRow.objects.filter(run=run)
        assert sorted((u.event_id, u.quantity.normalize()) for u in stored) == [
            (ledger_id, quantity.normalize()) for ledger_id, quantity in expected
        ], jurisdiction
        assert not [p for p in run.problems if p["code"] == "shortfall"], jurisdiction
