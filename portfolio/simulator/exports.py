"""AddExport / ExportStatus / RetrieveExport / RemoveExport (reference 3.9).

A report moves Queued -> Processing -> Processed after 0.5 and 1.0 seconds divided by the speed. Its
rows are fixed when it is requested, so later activity never changes a report. RetrieveExport
answers a raw ZIP holding one CSV (or TSV) with the 2024+ quoted header, display asset names,
``wallet`` and ``YYYY-MM-DD HH:MM:SS`` UTC times, numbers unquoted and zero written as ``0``.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import time
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from .assets import ASSETS, PAIRS, fmt, fmt_asset
from .errors import INVALID_ARGUMENTS, KrakenError
from .ids import IdFactory
from .market import TICKS
from .records import LedgerEntry, Trade, Truth

LEDGER_FIELDS = (
    "refid",
    "time",
    "type",
    "subtype",
    "aclass",
    "asset",
    "wallet",
    "amount",
    "fee",
    "balance",
)
TRADE_FIELDS = (
    "ordertxid",
    "pair",
    "time",
    "type",
    "ordertype",
    "price",
    "cost",
    "fee",
    "vol",
    "margin",
    "misc",
    "ledgers",
)
QUEUED_FOR, PROCESSING_FOR = 0.5, 1.0


@dataclass(slots=True)
class ExportJob:
    id: str
    report: str
    description: str
    format: str
    fields: tuple[str, ...]
    fields_param: str
    starttm: int
    endtm: int
    created_at: float  # monotonic
    created_unix: int
    rows: list = field(default_factory=list)


class ExportStore:
    def __init__(self, *, seed: int, speed: float) -> None:
        self._ids = IdFactory(random.Random(f"exports:{seed}"))
        self._speed = speed
        self._jobs: dict[str, ExportJob] = {}

    def add(self, truth: Truth, params: dict[str, str]) -> dict[str, str]:
        report, description = params.get("report"), params.get("description")
        fmt_name = params.get("format", "CSV").upper()
        if report not in ("ledgers", "trades") or not description or fmt_name not in ("CSV", "TSV"):
            raise KrakenError(INVALID_ARGUMENTS)
        now = int(time.time())
        month_start = int(
            dt.datetime.now(dt.UTC)
            .replace(day=1, hour=0, minute=0, second=0, microsecond=0)
            .timestamp()
        )
        starttm, endtm = _int(params.get("starttm"), month_start), _int(params.get("endtm"), now)
        columns = _columns(report, params.get("fields", "all"))
        source = truth.ledgers if report == "ledgers" else truth.trades
        rows = [r for r in source if starttm * TICKS <= r.ticks <= endtm * TICKS]
        job = ExportJob(
            id=self._ids.export_id(),
            report=report,
            description=description,
            format=fmt_name,
            fields=columns,
            fields_param=params.get("fields", "all"),
            starttm=starttm,
            endtm=endtm,
            created_at=time.monotonic(),
            created_unix=now,
            rows=rows,
        )
        self._jobs[job.id] = job
        return {"id": job.id}

    def _status(self, job: ExportJob) -> str:
        age = (time.monotonic() - job.created_at) * self._speed
        return (
            "Queued" if age < QUEUED_FOR else "Processing" if age < PROCESSING_FOR else "Processed"
        )

    def status(self, report: str | None) -> list[dict[str, str]]:
        if report not in ("ledgers", "trades"):
            raise KrakenError(INVALID_ARGUMENTS)
        return [self._describe(j) for j in self._jobs.values() if j.report == report]

    def _describe(self, job: ExportJob) -> dict[str, str]:
        status = self._status(job)
        started = job.created_unix + int(QUEUED_FOR / self._speed)
        return {
            "id": job.id,
            "descr": job.description,
            "format": job.format,
            "report": job.report,
            "subtype": "all",
            "status": status,
            "flags": "0",
            "fields": job.fields_param,
            "createdtm": str(job.created_unix),
            "expiretm": str(job.created_unix + 14 * 86_400),
            "starttm": str(started) if status != "Queued" else "",
            "completedtm": str(started) if status == "Processed" else "",
            "datastarttm": str(job.starttm),
            "dataendtm": str(job.endtm),
            "aclass": "forex",
            "asset": "all",
        }

    def retrieve(self, ident: str | None) -> bytes:
        job = self._jobs.get(ident or "")
        if job is None or self._status(job) != "Processed":
            raise KrakenError(INVALID_ARGUMENTS)
        return _zip(job)

    def remove(self, ident: str | None, kind: str | None) -> dict[str, bool]:
        job = self._jobs.get(ident or "")
        if job is None or kind not in ("delete", "cancel"):
            raise KrakenError(INVALID_ARGUMENTS)
        if (kind == "delete") != (self._status(job) == "Processed"):
            raise KrakenError(INVALID_ARGUMENTS)
        del self._jobs[job.id]
        return {kind: True}


def _int(raw: str | None, default: int) -> int:
    if raw in (None, ""):
        return default
    try:
        return int(Decimal(raw))
    except ArithmeticError:
        raise KrakenError(INVALID_ARGUMENTS) from None


def _columns(report: str, raw: str) -> tuple[str, ...]:
    allowed = LEDGER_FIELDS if report == "ledgers" else TRADE_FIELDS
    if raw in ("", "all"):
        return allowed
    wanted = {f.strip() for f in raw.split(",")}
    if not wanted <= set(allowed):
        raise KrakenError(INVALID_ARGUMENTS)
    return tuple(f for f in allowed if f in wanted)


def _number(value: Decimal, places: int) -> str:
    return "0" if value == 0 else fmt(value, places)


def _wallet(asset: str) -> str:
    if asset.endswith(".S") or asset == "ETH2":
        return "earn / bonded"
    return "earn / flexible" if "." in asset else "spot / main"


def _when(ticks: int) -> str:
    return dt.datetime.fromtimestamp(ticks // TICKS, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _ledger_cells(e: LedgerEntry) -> dict[str, str]:
    places = ASSETS[e.asset].decimals
    return {
        "txid": f'"{e.id}"',
        "refid": f'"{e.refid}"',
        "time": f'"{_when(e.ticks)}"',
        "type": f'"{e.type}"',
        "subtype": f'"{e.subtype}"',
        "aclass": f'"{e.aclass}"',
        "asset": f'"{ASSETS[e.asset].display}"',
        "wallet": f'"{_wallet(e.asset)}"',
        "amount": _number(e.amount, places),
        "fee": _number(e.fee, places),
        "balance": fmt_asset(e.asset, e.balance),
    }


def _trade_cells(t: Trade) -> dict[str, str]:
    pair = PAIRS[t.pair]
    return {
        "txid": f'"{t.txid}"',
        "ordertxid": f'"{t.ordertxid}"',
        "pair": f'"{t.pair}"',
        "time": f'"{_when(t.ticks)}"',
        "type": f'"{t.type}"',
        "ordertype": f'"{t.ordertype}"',
        "price": fmt(t.price, pair.cost_decimals),
        "cost": fmt(t.cost, pair.cost_decimals),
        "fee": fmt(t.fee, pair.cost_decimals),
        "vol": fmt(t.vol, pair.lot_decimals),
        "margin": fmt(t.margin, pair.cost_decimals),
        "misc": f'"{t.misc}"',
        "ledgers": '"' + ",".join(t.ledgers) + '"',
    }


def render(job: ExportJob) -> str:
    sep = "," if job.format == "CSV" else "\t"
    columns = ("txid", *job.fields)
    cells = _ledger_cells if job.report == "ledgers" else _trade_cells
    lines = [sep.join(f'"{c}"' for c in columns)]
    lines += [sep.join(row[c] for c in columns) for row in map(cells, job.rows)]
    return "\n".join(lines) + "\n"


def _zip(job: ExportJob) -> bytes:
    buffer = io.BytesIO()
    stamp = dt.datetime.fromtimestamp(job.created_unix, dt.UTC).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        extension = "csv" if job.format == "CSV" else "tsv"
        archive.writestr(zipfile.ZipInfo(f"{job.report}.{extension}", date_time=stamp), render(job))
    return buffer.getvalue()
