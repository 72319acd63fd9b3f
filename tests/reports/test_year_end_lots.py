"""The open lots at a tax year's end, derived from a later run's stored rows, are the lots the
engine holds when the ledger ends at that year's end (the books store only the run's open lots).

Each lot's quantity and basis are compared; whether a unit was on Kraken or held outside at the
year's end is not (units withdrawn before it and deposited back after it are not recorded per
lot in the stored rows: ``reports.year_end``)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from portfolio.books.models import LotRow
from portfolio.books.services import accounting_rebuild
from portfolio.models import LedgerEntry
from reports.year_end import derived_year_end_lots, later_pieces
from tests.simulated import connect, sync

pytestmark = pytest.mark.django_db(transaction=True)
AS_OF = datetime(2026, 1, 1, tzinfo=UTC)


def _by_lot(rows) -> dict[tuple, tuple[Decimal, Decimal]]:
    """(asset, lot id) -> (quantity, basis), on Kraken and outside together, zero lots left out."""
    sums: dict[tuple, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for asset, _wallet, _acquired, qty, basis, lot_id, *_ in rows:
        sums[(asset, lot_id)][0] += qty
        sums[(asset, lot_id)][1] += basis
    return {k: (q, b) for k, (q, b) in sums.items() if q}


def test_lots_sold_after_the_year_end_are_open_at_the_year_end(simulator):
    connection = connect(simulator, simulator.add_account(seed=61, size=300))
    assert sync(connection).state == "succeeded"
    run = accounting_rebuild(user=connection.user, as_of=AS_OF)
    years = sorted(run.years.values_list("year", flat=True))
    year_end = next(  # the first year whose lots later disposals used
        end
        for end in (datetime(y + 1, 1, 1, tzinfo=UTC) for y in years[:-1])
        if any(_before(acquired, end) for *_, acquired, _q, _b in later_pieces(run.pk, end))
    )
    derived = _by_lot(derived_year_end_lots(run=run, year_end=year_end))
    stored_then = _by_lot(
        LotRow.objects.filter(run=run, acquired__lt=year_end).values_list(
            "asset", "wallet", "acquired", "quantity", "cost_basis", "lot_id", "held_outside"
        )
    )

    # the truth: the engine's open lots when the ledger ends at the year's end
    LedgerEntry.objects.filter(connection=connection, time__gte=year_end).delete()
    truth_run = accounting_rebuild(user=connection.user, as_of=year_end, force=True)
    truth = _by_lot(
        LotRow.objects.filter(run=truth_run).values_list(
            "asset", "wallet", "acquired", "quantity", "cost_basis", "lot_id", "held_outside"
        )
    )
    assert truth and stored_then != truth  # the lots open at the run are not the year end's
    assert derived == truth


def _before(acquired: str | None, end: datetime) -> bool:
    return acquired is not None and datetime.fromisoformat(acquired) < end
