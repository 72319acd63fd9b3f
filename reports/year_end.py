"""The lots open at a tax year's end, from a run's stored rows.

Runs record the books at the end of every tax year that ended by their ``as_of``
(``YearEndLotRow``, the engine's ``EngineResult.year_end``): the lots on Kraken and those held
outside it as they stood at the year's end, pools (UK Section 104, the Canadian ACB) included.
Those are read as they are, exact (``year_end_lots``).

Runs stored before the year ends were recorded (``AccountingRun.year_ends_recorded`` false), and
a year that has not ended by the run's ``as_of``, take the derivation (``derived_year_end_lots``):
the books store the lots open when the run was computed (``run.as_of``). A lot open at the year's
end is either still open (a stored lot acquired by then), or was used, in whole or in part, by a
disposal after the year's end: each stored disposal names the lot pieces it used, with their
acquisition dates, quantities and bases, so those pieces are added back to their lots. A lot
stored as held outside Kraken was still on Kraken at the year's end if its withdrawal is later.
Units withdrawn before the year's end and deposited back after it are not recorded per lot, so
they count as on Kraken: each lot's quantity and basis are exact, that split is not
(tests/reports/test_year_end_lots.py compares with the engine's lots at the year's end). Pools
are not lots: acquisitions after the year's end are in the stored pool, so a pool's figure is
the run's, not the year end's (the report says so).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from django.db import connection

from portfolio.books.models import AccountingRun, DisposalRow, LotRow, YearEndLotRow
from portfolio.models import LedgerEntry

#: LOT_COLUMNS of ``reports.rows``, then the withdrawal id (not printed)
COLUMNS = ("asset", "wallet", "acquired", "quantity", "cost_basis", "lot_id", "held_outside",
           "source", "withdrawal_id")  # fmt: skip
POOL_PREFIXES = ("s104:", "pool:")


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def later_pieces(run_id: int, year_end: datetime) -> list[tuple]:
    """(lot_id, asset, wallet, acquired, quantity, basis) of every lot piece a disposal at or
    after ``year_end`` used, amounts exact (the stored strings)."""
    table = DisposalRow._meta.db_table
    keys = ("lot_id", "acquired", "quantity", "basis")
    if connection.vendor == "postgresql":
        fields = ", ".join(f"u->>'{k}'" for k in keys)
        source = "CROSS JOIN LATERAL jsonb_array_elements(d.lots) AS j(u)"
    else:
        fields = ", ".join(f"json_extract(j.value, '$.{k}')" for k in keys)
        source = ", json_each(d.lots) AS j"
    sql = f"SELECT d.asset, d.wallet, {fields} FROM {table} AS d {source} WHERE d.run_id = %s"
    with connection.cursor() as cursor:
        end = connection.ops.adapt_datetimefield_value(year_end)
        cursor.execute(sql + " AND d.time >= %s", [run_id, end])
        return [(lot, asset, wallet, acq, q, b) for asset, wallet, lot, acq, q, b in cursor]


def _withdrawn_at(user_id: int, ids: set[str]) -> dict[str, datetime]:
    if not ids:
        return {}
    rows = LedgerEntry.objects.filter(connection__user_id=user_id, ledger_id__in=ids)
    return dict(rows.values_list("ledger_id", "time"))


def recorded(run: AccountingRun, year_end: datetime) -> bool:
    """Whether ``run`` recorded its books at ``year_end`` (module doc)."""
    return run.year_ends_recorded and year_end <= run.as_of


def year_end_lots(*, run: AccountingRun, year: int, year_end: datetime) -> list[tuple]:
    """The lots open at the end (``year_end``) of tax year ``year`` as LOT_COLUMNS tuples (asset,
    wallet, acquired, quantity, cost basis, lot id, held outside, source), by asset and
    acquisition, exact Decimals: the recorded books where the run has them, else derived."""
    if not recorded(run, year_end):
        return derived_year_end_lots(run=run, year_end=year_end)
    rows = YearEndLotRow.objects.filter(run=run, tax_year=year).order_by("id")
    lots: dict[tuple, list] = {}
    for asset, wallet, acquired, qty, basis, lot_id, outside, source, _ in rows.values_list(
        *COLUMNS
    ):
        row = lots.setdefault(
            (lot_id, asset, wallet, outside),
            [asset, wallet, acquired, Decimal(0), Decimal(0), lot_id, outside, source],
        )
        row[3] += qty
        row[4] += basis
    return _in_order(lots)


def _in_order(lots: dict[tuple, list]) -> list[tuple]:
    far = datetime.max.replace(tzinfo=UTC)
    return sorted((tuple(r) for r in lots.values()), key=lambda r: (r[0], r[2] or far, r[5], r[1]))


def derived_year_end_lots(*, run: AccountingRun, year_end: datetime) -> list[tuple]:
    """``year_end_lots`` derived from the lots open at ``run.as_of`` and the disposals after
    ``year_end`` (module doc): for runs that did not record the year's end."""
    stored = list(
        LotRow.objects.filter(run=run, acquired__lt=year_end).order_by().values_list(*COLUMNS)
    )
    withdrawn = _withdrawn_at(run.user_id, {r[8] for r in stored if r[6] and r[8]})
    lots: dict[tuple, list] = {}
    for asset, wallet, acquired, qty, basis, lot_id, outside, source, withdrawal in stored:
        # withdrawn after the year's end: on Kraken at the year's end
        when = withdrawn.get(withdrawal)
        outside = bool(outside) and not (when is not None and when >= year_end)
        row = lots.setdefault(
            (lot_id, asset, wallet, outside),
            [asset, wallet, acquired, Decimal(0), Decimal(0), lot_id, outside, source],
        )
        row[3] += Decimal(qty)
        row[4] += Decimal(basis)
    inside = {k[:2]: k for k in lots if not k[3]}
    for lot_id, asset, wallet, acquired, qty, basis in later_pieces(run.pk, year_end):
        when = _when(acquired)
        if when is None or when >= year_end or lot_id.startswith(POOL_PREFIXES):
            continue
        key = (lot_id, asset, wallet, False)
        if key not in lots:  # the stored lot under another wallet name (universal books)
            key = inside.get(key[:2], key)
        row = lots.setdefault(key, [asset, wallet, when, Decimal(0), Decimal(0), lot_id, False, ""])
        row[3] += Decimal(qty)
        row[4] += Decimal(basis)
    return _in_order(lots)
