"""The report's row lists, read from the books' stored rows as plain tuples (fast at 100k rows).

Nothing here computes a gain: a Form 8949 row is one stored lot piece of a stored disposal, with
its own proceeds and gain; its cost is what makes (h) = (d) - (e) hold (proceeds less gain: the
US has no column (g) adjustment, ``portfolio.accounting.form8949``).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.db import connection

from accounts.models import KrakenConnection
from portfolio.accounting.jurisdictions.us import form_8949_box, form_8949_part
from portfolio.books.models import AccountingRun, DisposalRow, IncomeRow, LotRow
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
    lots: list[dict]
    #: UK: the Section 104 pool (quantity, allowable cost) right after it; None elsewhere.
    pool_quantity_after: Decimal | None = None
    pool_cost_after: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Piece:
    """One Form 8949 row: a lot piece of a disposal."""

    box: str
    part: str
    description: str
    acquired: str  # mm/dd/yyyy, or UNKNOWN
    sold: str
    proceeds: Decimal
    cost: Decimal
    gain: Decimal
    event_id: str
    lot_id: str


@dataclass
class Rows:
    disposals: list[Disposal] = field(default_factory=list)
    income: list[tuple] = field(default_factory=list)
    open_lots: list[tuple] = field(default_factory=list)
    lots_as_of: datetime | None = None
    price_sources: list[tuple[str, int]] = field(default_factory=list)
    ledger: dict[str, str] = field(default_factory=dict)

    def ledger_of(self, event_id: str) -> str:
        """The Kraken ledger ids behind an engine event or lot id (a trade's ``REFID:give`` is
        its ledger rows; a deposit's or reward's id is its ledger id); the id itself if none."""
        return self.ledger.get(event_id.split(":", 1)[0], event_id)

    def pieces(self, year: int, zone: ZoneInfo) -> list[Piece]:
        return [p for d in self.disposals for p in _pieces(d, year, zone, self.ledger_of)]


@lru_cache(maxsize=4096)
def _us(day: date | None) -> str:
    return "UNKNOWN" if day is None else day.strftime("%m/%d/%Y")


@lru_cache(maxsize=4096)
def _local_day(moment: str, zone: ZoneInfo) -> date:
    return datetime.fromisoformat(moment).astimezone(zone).date()


def _pieces(d: Disposal, year: int, zone: ZoneInfo, ledger_of) -> list[Piece]:
    out = []
    for use in d.lots:
        term = use.get("term") or d.term
        term = term if term in ("short", "long") else "short"
        acquired = use.get("acquired")
        acq_day = _local_day(acquired, zone) if acquired else None
        proceeds, gain = Decimal(use["proceeds"]), Decimal(use["gain"])
        out.append(
            Piece(
                box=form_8949_box(term, year),  # type: ignore[arg-type]
                part=form_8949_part(term),  # type: ignore[arg-type]
                description=f"{format(Decimal(use['quantity']).normalize(), 'f')} {d.asset}",
                acquired=_us(acq_day),
                sold=_us(d.day),
                proceeds=proceeds,
                cost=proceeds - gain,
                gain=gain,
                event_id=ledger_of(d.event_id),
                lot_id=ledger_of(use.get("lot_id", "")),
            )
        )
    return out


def uk_rule(lot_id: str) -> str:
    for prefix, name in UK_RULES:
        if lot_id.startswith(prefix):
            return name
    return "Section 104 pool"


DISPOSAL_COLUMNS = (
    "event_id", "time", "asset", "wallet", "quantity", "proceeds", "basis", "gain", "term",
    "reason", "proceeds_source", "lots", "pool_quantity_after", "pool_cost_after",
)  # fmt: skip


def _aware(value) -> datetime:
    """A stored time: PostgreSQL gives it aware; SQLite gives UTC text."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def _decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def disposals_of(run: AccountingRun, year: int, zone: ZoneInfo) -> list[Disposal]:
    """The year's disposals in time order, read with one plain query: the ORM's per-value
    converters cost more than everything else at 100,000 rows."""
    table = DisposalRow._meta.db_table
    sql = (
        f"SELECT {', '.join(DISPOSAL_COLUMNS)} FROM {table} "
        "WHERE run_id = %s AND tax_year = %s ORDER BY time, event_id"
    )
    out = []
    with connection.cursor() as cursor:
        cursor.execute(sql, [run.pk, year])
        while batch := cursor.fetchmany(5000):
            for e, t, asset, wallet, q, p, b, g, term, reason, source, lots, pq, pc in batch:
                out.append(
                    Disposal(
                        e, _aware(t).astimezone(zone).date(), asset, wallet, _decimal(q),
                        _decimal(p), _decimal(b), _decimal(g), term, reason, source,
                        json.loads(lots) if isinstance(lots, str) else lots,
                        None if pq is None else _decimal(pq), None if pc is None else _decimal(pc),
                    )
                )  # fmt: skip
    return out


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
    """The year's disposals and income, and the open lots acquired before the year's end.

    The books store open lots as of the run (``run.as_of``); for a past year these are the lots
    acquired by its end and still open at the run, and the report says so."""
    disposals = disposals_of(run, year, zone)
    income = list(
        IncomeRow.objects.filter(run=run, tax_year=year)
        .order_by("time", "event_id")
        .values_list(*INCOME_COLUMNS)
    )
    lots = list(
        LotRow.objects.filter(run=run, acquired__lt=year_end)
        .order_by("asset", "acquired")
        .values_list(*LOT_COLUMNS)
    )
    keys = {d.event_id.split(":", 1)[0] for d in disposals}
    keys |= {u.get("lot_id", "").split(":", 1)[0] for d in disposals for u in d.lots}
    sources = Counter(d.source or "(none)" for d in disposals)
    sources.update(row[6] or "(none)" for row in income)
    return Rows(
        disposals=disposals,
        income=income,
        open_lots=lots,
        lots_as_of=run.as_of,
        price_sources=sorted(sources.items(), key=lambda kv: (-kv[1], kv[0])),
        ledger=ledger_ids(user_id=run.user_id, keys=keys),
    )


def ledger_ids(*, user_id: int, keys: set[str], chunk: int = 2000) -> dict[str, str]:
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
