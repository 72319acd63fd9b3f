"""The report's row lists, read from the books' stored rows as plain tuples (fast at 100k rows).

Nothing here computes a gain: a Form 8949 row is one stored lot piece of a stored disposal, with
its own proceeds and gain; its cost is what makes (h) = (d) - (e) hold (proceeds less gain: the
US has no column (g) adjustment, ``portfolio.accounting.form8949``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cached_property
from zoneinfo import ZoneInfo

import pandas as pd
from django.db import connection
from django.db.models import Count

from accounts.models import KrakenConnection
from portfolio.books.models import AccountingRun, DisposalRow, IncomeRow
from portfolio.models import LedgerEntry

ZERO = Decimal(0)

#: UK share matching names its stand-in lots by rule (``accounting.runner``); the rest is the pool.
UK_RULES = (("same-day:", "same day"), ("30-day:", "30 days (bed and breakfast)"))


@dataclass(frozen=True, slots=True)
class Disposal:
    event_id: str
    day: date
    asset: str
    wallet: str
    quantity: Decimal
    proceeds: Decimal
    basis: Decimal
    gain: Decimal
    term: str
    reason: str
    source: str
    #: UK: the Section 104 pool (quantity, allowable cost) right after it; None elsewhere.
    pool_quantity_after: Decimal | None = None
    pool_cost_after: Decimal | None = None


class Rows:
    """The year's stored rows, each list read from the database the first time it is asked for
    (a CSV of Form 8949 needs only the lot pieces, never the disposals as objects)."""

    def __init__(self, *, run: AccountingRun, year: int, zone: ZoneInfo, year_end: datetime):
        self.run, self.year, self.zone, self.year_end = run, year, zone, year_end
        self.lots_as_of = run.as_of

    @cached_property
    def disposals(self) -> list[Disposal]:
        return disposals_of(self.run, self.year, self.zone)

    @cached_property
    def pieces(self) -> pd.DataFrame:
        return pieces_of(self.run, self.year)

    @cached_property
    def income(self) -> list[tuple]:
        return list(
            IncomeRow.objects.filter(run=self.run, tax_year=self.year)
            .order_by("time", "event_id")
            .values_list(*INCOME_COLUMNS)
        )

    @cached_property
    def open_lots(self) -> list[tuple]:
        from reports.year_end import year_end_lots

        return year_end_lots(run=self.run, year=self.year, year_end=self.year_end)

    @property
    def year_end_recorded(self) -> bool:
        """The books were recorded at the year's end: ``open_lots`` is exact, pools included."""
        from reports.year_end import recorded

        return recorded(self.run, self.year_end)

    @cached_property
    def price_sources(self) -> list[tuple[str, int]]:
        sources: Counter[str] = Counter()
        for model, column in ((DisposalRow, "proceeds_source"), (IncomeRow, "source")):
            counts = (
                model.objects.filter(run=self.run, tax_year=self.year)
                .order_by()
                .values_list(column)
                .annotate(n=Count("id"))
            )
            for source, n in counts:
                sources[source or "(none)"] += n
        return sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))

    @cached_property
    def ledger(self) -> dict[str, str]:
        keys = set(self.pieces["event_id"].tolist()) | set(self.pieces["lot_id"].dropna().tolist())
        keys |= {row[5] for row in self.open_lots}
        return ledger_ids(user_id=self.run.user_id, keys={k.split(":", 1)[0] for k in keys})

    def ledger_of(self, event_id: str) -> str:
        """The Kraken ledger ids behind an engine event or lot id (a trade's ``REFID:give`` is
        its ledger rows; a deposit's or reward's id is its ledger id); the id itself if none."""
        return self.ledger.get(event_id.split(":", 1)[0], event_id)

    def piece_ledger(self, column: str) -> list[str]:
        """The ledger ids of the pieces' ``event_id`` or ``lot_id`` column (computed once)."""
        cache = self.__dict__.setdefault("_piece_ledger", {})
        if column not in cache:
            cache[column] = self.ledger_column(self.pieces[column])
        return cache[column]

    def ledger_column(self, ids: pd.Series) -> list[str]:
        ledger = self.ledger
        return [ledger.get(i.split(":", 1)[0], i) for i in ids.fillna("").tolist()]


def uk_rule(lot_id: str) -> str:
    for prefix, name in UK_RULES:
        if lot_id.startswith(prefix):
            return name
    return "Section 104 pool"


DISPOSAL_COLUMNS = (
    "event_id", "time", "asset", "wallet", "quantity", "proceeds", "basis", "gain", "term",
    "reason", "proceeds_source", "pool_quantity_after", "pool_cost_after",
)  # fmt: skip


def _aware(value) -> datetime:
    """A stored time: PostgreSQL gives it aware; SQLite gives UTC text."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _local_days(stamps: pd.Series, zone: ZoneInfo) -> tuple[pd.Series, pd.Series]:
    """Stored times (ISO text, or aware datetimes) as local days: (present, naive midnights)."""
    present = stamps.notna() & (stamps.astype(str) != "")
    moments = pd.to_datetime(stamps[present], utc=True, format="ISO8601")
    return present, moments.dt.tz_convert(zone).dt.tz_localize(None).dt.normalize()


def local_text(stamps: pd.Series, zone: ZoneInfo, fmt: str, missing: str = "") -> list:
    """Stored times as local dates written with ``fmt`` (each distinct day formatted once)."""
    out = [missing] * len(stamps)
    if len(stamps):
        present, days = _local_days(stamps.reset_index(drop=True), zone)
        codes, uniques = pd.factorize(days)
        written = [d.strftime(fmt) for d in uniques]
        for i, code in zip(present[present].index, codes, strict=True):
            out[i] = written[code]
    return out


def local_dates(stamps: list, zone: ZoneInfo) -> list[date]:
    """Stored times as local dates (all present)."""
    if not stamps:
        return []
    _, days = _local_days(pd.Series(stamps, dtype=object), zone)
    codes, uniques = pd.factorize(days)
    found = [d.date() for d in uniques]
    return [found[c] for c in codes]


def disposals_of(run: AccountingRun, year: int, zone: ZoneInfo) -> list[Disposal]:
    """The year's disposals in time order, read with one plain query: the ORM's per-value
    converters cost more than everything else at 100,000 rows."""
    table = DisposalRow._meta.db_table
    sql = (
        f"SELECT {', '.join(DISPOSAL_COLUMNS)} FROM {table} "
        "WHERE run_id = %s AND tax_year = %s ORDER BY time, event_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [run.pk, year])
        found = cursor.fetchall()
    days = local_dates([r[1] for r in found], zone)
    return [
        Disposal(
            e, day, asset, wallet, _decimal(q), _decimal(p), _decimal(b), _decimal(g), term,
            reason, source, None if pq is None else _decimal(pq),
            None if pc is None else _decimal(pc),
        )
        for (e, _t, asset, wallet, q, p, b, g, term, reason, source, pq, pc), day in zip(
            found, days, strict=True
        )
    ]  # fmt: skip


PIECE_KEYS = ("lot_id", "acquired", "quantity", "basis", "proceeds", "gain", "term")
PIECE_COLUMNS = ("event_id", "time", "asset", "disposal_term", *PIECE_KEYS)


def pieces_sql(table: str) -> str:
    """Each lot piece of the year's disposals, one row each, unpacked by the database's JSON
    functions (no per-row JSON parsing in Python); amounts stay the stored strings."""
    if connection.vendor == "postgresql":
        fields = ", ".join(f"u->>'{k}'" for k in PIECE_KEYS)
        source = "CROSS JOIN LATERAL jsonb_array_elements(d.lots) WITH ORDINALITY AS j(u, n)"
        order = "j.n"
    else:
        fields = ", ".join(f"json_extract(j.value, '$.{k}')" for k in PIECE_KEYS)
        source, order = ", json_each(d.lots) AS j", "j.key"
    return (
        f"SELECT d.event_id, d.time, d.asset, d.term, {fields} FROM {table} AS d {source} "
        f"WHERE d.run_id = %s AND d.tax_year = %s ORDER BY d.time, d.event_id, {order}"
    )


def pieces_of(run: AccountingRun, year: int) -> pd.DataFrame:
    """The year's lot pieces as a DataFrame of the stored values (amounts as strings)."""
    with connection.cursor() as cursor:
        cursor.execute(pieces_sql(DisposalRow._meta.db_table), [run.pk, year])
        found = cursor.fetchall()
    return pd.DataFrame(found, columns=list(PIECE_COLUMNS), dtype=object)


INCOME_COLUMNS = (
    "time",
    "asset",
    "quantity",
    "value",
    "income_type",
    "taxable",
    "source",
    "event_id",
)
LOT_COLUMNS = (
    "asset", "wallet", "acquired", "quantity", "cost_basis", "lot_id", "held_outside", "source",
)  # fmt: skip


def rows_for(*, run: AccountingRun, year: int, zone: ZoneInfo, year_end: datetime) -> Rows:
    """The year's disposals, lot pieces and income, and the lots open at the year's end."""
    return Rows(run=run, year=year, zone=zone, year_end=year_end)


def ledger_ids(*, user_id: int, keys: set[str], chunk: int = 10000) -> dict[str, str]:
    """refid or ledger id -> the user's ledger ids it names, space-separated."""
    found: dict[str, list[str]] = {}
    ordered = sorted(k for k in keys if k)
    connections = list(
        KrakenConnection.objects.filter(user_id=user_id).values_list("pk", flat=True)
    )
    if not connections:
        return {}
    table = LedgerEntry._meta.db_table
    for start in range(0, len(ordered), chunk):
        part = ordered[start : start + chunk]
        marks, conn_marks = ", ".join(["%s"] * len(part)), ", ".join(["%s"] * len(connections))
        sql = (
            f"SELECT ledger_id, refid FROM {table} WHERE connection_id IN ({conn_marks}) "
            f"AND (ledger_id IN ({marks}) OR refid IN ({marks}))"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*connections, *part, *part])
            rows = cursor.fetchall()
        for ledger_id, refid in rows:
            found.setdefault(ledger_id, [ledger_id])
            if refid and refid != ledger_id:
                found.setdefault(refid, []).append(ledger_id)
    return {key: " ".join(sorted(set(ids))) for key, ids in found.items()}
