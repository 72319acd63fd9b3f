"""Kraken's CSV exports -> typed records, one streaming parser for every way they arrive.

The same parser reads the files a person downloads from Kraken's web interface (the ledgers CSV,
the trades CSV, the Kraken Futures account log CSV, or the ZIP they come in) and the ZIP that
RetrieveExport answers (reference 3.9). Kraken's columns drift over the years: ``wallet`` from
2024, ``subclass`` and ``amountusd`` later, quoted or bare headers, a trailing empty column, display
asset names (BTC) or codes (XXBT), pairs as XBTUSD or BTC/USD. Every known column is read by its
name; a column this parser does not know refuses the file (a silent guess could misread amounts).

Numbers are Decimal; times are "YYYY-MM-DD HH:MM:SS" UTC. Rows with an empty id (txid, or uid in
the futures log) are failed or pending transactions: skipped and counted. Text cells are checked
against the characters Kraken uses for them, so a spreadsheet formula (``=HYPERLINK(...)``) is
refused, never stored; nothing read here is evaluated.

Every refusal is a CsvRefused naming the file, line and column.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from portfolio.kraken.assets import normalize_asset, split_pair
from portfolio.kraken.parsing_futures import futures_asset
from portfolio.kraken.records import FuturesLogEntry, LedgerEntry, Trade

LEDGERS, TRADES, FUTURES_LOG = "ledgers", "trades", "futures_log"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ZIP_MAGIC = b"PK\x03\x04"
BOM = b"\xef\xbb\xbf"

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,63}")
_WORDS = re.compile(r"[A-Za-z0-9 ._/:-]{0,32}")
_LONG_WORDS = re.compile(r"[A-Za-z0-9 ._/:-]{0,64}")
_ASSET = re.compile(r"[A-Za-z0-9.]{1,32}")
_SYMBOL = re.compile(r"[A-Za-z0-9._:-]{0,64}")
_PAIR = re.compile(r"[A-Za-z0-9./]{2,32}")
_IDS = re.compile(r"[A-Za-z0-9, -]{0,4000}")
_MISC = re.compile(r"[A-Za-z0-9 ,._-]{0,128}")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")

LEDGER_COLUMNS = [
    "txid",
    "refid",
    "time",
    "type",
    "subtype",
    "aclass",
    "subclass",
    "asset",
    "wallet",
    "amount",
    "fee",
    "balance",
    "amountusd",
]
TRADE_COLUMNS = [
    "txid",
    "ordertxid",
    "pair",
    "aclass",
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
    "postxid",
    "posstatus",
    "cprice",
    "ccost",
    "cfee",
    "cvol",
    "cmargin",
    "net",
    "trades",
]
FUTURES_COLUMNS = [
    "uid",
    "dateTime",
    "account",
    "type",
    "symbol",
    "contract",
    "change",
    "new balance",
    "new average entry price",
    "trade price",
    "mark price",
    "funding rate",
    "realized pnl",
    "fee",
    "realized funding",
    "collateral",
    "conversion spread percentage",
    "liquidation fee",
    "position uid",
    "exchange rate",
    "exchange rate from",
    "conversion fee",
]
REQUIRED = {
    LEDGERS: ("txid", "time", "type", "asset", "amount", "balance"),
    TRADES: ("txid", "pair", "time", "type", "price", "cost", "vol"),
    FUTURES_LOG: ("uid", "dateTime", "type", "symbol", "new balance"),
}
KNOWN = {LEDGERS: LEDGER_COLUMNS, TRADES: TRADE_COLUMNS, FUTURES_LOG: FUTURES_COLUMNS}
# Ledger types Kraken documents or is known to write (reference 3.5); others are counted.
LEDGER_TYPES = frozenset(
    [
        "none",
        "trade",
        "deposit",
        "withdrawal",
        "transfer",
        "margin",
        "adjustment",
        "rollover",
        "spend",
        "receive",
        "settled",
        "credit",
        "staking",
        "reward",
        "dividend",
        "sale",
        "conversion",
        "nfttrade",
        "nftcreatorfee",
        "nftrebate",
        "custodytransfer",
        "earn",
    ]
) | {"invite bonus", "margin trade"}


class CsvRefused(ValueError):
    """A file that is not a Kraken export we can read, with where the problem is."""

    def __init__(self, file: str, message: str, *, line: int | None = None, column: str = ""):
        self.file, self.line, self.column, self.message = file, line, column, message
        where = [file]
        if line is not None:
            where.append(f"line {line}")
        if column:
            where.append(f"column {column}")
        super().__init__(f"{', '.join(where)}: {message}")


@dataclass(frozen=True, slots=True)
class CsvRow:
    line: int
    record: LedgerEntry | Trade | FuturesLogEntry | None  # None: an empty id, skipped


@dataclass
class CsvFile:
    name: str
    kind: str
    rows: Iterator[CsvRow]


class _Cells:
    """One row's cells by column name, with typed readers that refuse with line and column."""

    __slots__ = ("file", "line", "values", "index")

    def __init__(self, file: str, line: int, index: dict[str, int], values: list[str]) -> None:
        self.file, self.line, self.index, self.values = file, line, index, values

    def refuse(self, name: str, message: str) -> CsvRefused:
        where = f"{self.index[name] + 1} ({name})" if name in self.index else name
        return CsvRefused(self.file, message, line=self.line, column=where)

    def text(self, name: str, pattern: re.Pattern[str] = _WORDS) -> str:
        at = self.index.get(name)
        value = self.values[at].strip() if at is not None else ""
        if value and not pattern.fullmatch(value):
            raise self.refuse(name, f"{value[:40]!r} is not a value Kraken writes here")
        return value

    def number(self, name: str, default: Decimal | None = None) -> Decimal | None:
        value = self.text_raw(name)
        if value == "":
            return default
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or "_" in value:
            raise self.refuse(name, f"{value[:40]!r} is not a number")
        if number and number.adjusted() >= 19:
            raise self.refuse(name, f"{value[:40]!r} is too large for an amount")
        return number

    def required_number(self, name: str) -> Decimal:
        number = self.number(name)
        if number is None:
            raise self.refuse(name, "the number is missing")
        return number

    def text_raw(self, name: str) -> str:
        at = self.index.get(name)
        return self.values[at].strip() if at is not None else ""

    def time(self, name: str) -> datetime:
        value = self.text_raw(name)
        if not _TIME.fullmatch(value):
            raise self.refuse(name, f"{value[:40]!r} is not a time as YYYY-MM-DD HH:MM:SS")
        try:
            return datetime.fromisoformat(value).replace(tzinfo=UTC)
        except ValueError:
            raise self.refuse(name, f"{value!r} is not a valid date") from None


def _seconds(moment: datetime) -> Decimal:
    return Decimal(int((moment - EPOCH).total_seconds()))


def _ledger(c: _Cells) -> LedgerEntry:
    moment = c.time("time")
    raw_asset = c.text("asset", _ASSET)
    if not raw_asset:
        raise c.refuse("asset", "the asset is missing")
    return LedgerEntry(
        ledger_id=c.text("txid", _ID),
        refid=c.text("refid", _ID),
        time=moment,
        timestamp=_seconds(moment),
        type=c.text("type"),
        subtype=c.text("subtype"),
        aclass=c.text("aclass"),
        asset=normalize_asset(raw_asset),
        raw_asset=raw_asset,
        amount=c.required_number("amount"),
        fee=c.number("fee", Decimal(0)),  # type: ignore[arg-type]
        balance=c.required_number("balance"),
        wallet=c.text("wallet", _LONG_WORDS),
        subclass=c.text("subclass"),
        amount_usd=c.number("amountusd"),
    )


def _fast_ledgers(index: dict[str, int]) -> Callable[[_Cells], LedgerEntry]:
    """The ledger builder for well-formed rows, several times faster than _ledger; any cell it
    is not sure of sends the row to _ledger, which refuses it with the line and column."""
    at = [index.get(n) for n in ("txid", "refid", "time", "type", "subtype", "aclass", "subclass")]
    at.append(index.get("asset"))
    numbers = [index.get(n) for n in ("amount", "fee", "balance")]
    wallet_at, usd_at = index.get("wallet"), index.get("amountusd")
    checks = (_ID, _ID, _TIME, _WORDS, _WORDS, _WORDS, _WORDS, _ASSET)
    fromiso, decimal, names = datetime.fromisoformat, Decimal, {}

    def build(c: _Cells) -> LedgerEntry:
        v = c.values
        texts = [v[i].strip() if i is not None else "" for i in at]
        wallet = v[wallet_at].strip() if wallet_at is not None else ""
        amounts = [v[i].strip() if i is not None else "0" for i in numbers]
        usd = v[usd_at].strip() if usd_at is not None else ""
        try:
            if (
                usd
                or not all(p.fullmatch(t) for p, t in zip(checks, texts, strict=True) if t)
                or not (texts[2] and texts[7] and _LONG_WORDS.fullmatch(wallet))
            ):
                raise ValueError
            amount, fee, balance = (decimal(a or "0") for a in amounts)
            if not all(x.is_finite() and x.adjusted() < 19 for x in (amount, fee, balance)):
                raise ValueError
            if "_" in "".join(amounts) or not amounts[0] or not amounts[2]:
                raise ValueError
        except (ValueError, ArithmeticError):
            return _ledger(c)
        moment = fromiso(texts[2]).replace(tzinfo=UTC)
        raw = texts[7]
        asset = names.get(raw) or names.setdefault(raw, normalize_asset(raw))
        return LedgerEntry(
            texts[0], texts[1], moment, _seconds(moment), texts[3], texts[4], texts[5], asset,
            raw, amount, fee, balance, wallet, texts[6], None,
        )  # fmt: skip

    return build


def _ids(c: _Cells, name: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in c.text(name, _IDS).split(",") if x.strip())


def _trade(c: _Cells) -> Trade:
    moment = c.time("time")
    pair = c.text("pair", _PAIR)
    kind = c.text("type")
    if kind not in ("buy", "sell"):
        raise c.refuse("type", f"{kind!r} is neither buy nor sell")
    try:
        base, quote = split_pair(pair)
    except ValueError:
        base, quote = "", ""
    return Trade(
        txid=c.text("txid", _ID),
        ordertxid=c.text("ordertxid", _ID),
        postxid=c.text("postxid", _ID),
        pair=pair,
        base=base,
        quote=quote,
        time=moment,
        timestamp=_seconds(moment),
        type=kind,
        ordertype=c.text("ordertype"),
        price=c.required_number("price"),
        cost=c.required_number("cost"),
        fee=c.number("fee", Decimal(0)),  # type: ignore[arg-type]
        vol=c.required_number("vol"),
        margin=c.number("margin", Decimal(0)),  # type: ignore[arg-type]
        misc=c.text("misc", _MISC),
        ledgers=_ids(c, "ledgers"),
        posstatus=c.text("posstatus"),
        cprice=c.number("cprice"),
        ccost=c.number("ccost"),
        cfee=c.number("cfee"),
        cvol=c.number("cvol"),
        cmargin=c.number("cmargin"),
        net=c.number("net"),
        closing_trades=_ids(c, "trades"),
    )


def _futures(c: _Cells) -> FuturesLogEntry:
    new_balance = c.required_number("new balance")
    change = c.number("change")
    symbol = c.text("symbol", _SYMBOL)
    return FuturesLogEntry(
        id=0,  # the CSV has no log id; the importer assigns one
        date=c.time("dateTime"),
        asset=futures_asset(symbol),
        raw_asset=symbol,
        info=c.text("type", _LONG_WORDS),
        booking_uid=c.text("uid", _ID),
        margin_account=c.text("account", _LONG_WORDS),
        old_balance=new_balance - change if change is not None else None,
        new_balance=new_balance,
        old_average_entry_price=None,
        new_average_entry_price=c.number("new average entry price"),
        trade_price=c.number("trade price"),
        mark_price=c.number("mark price"),
        realized_pnl=c.number("realized pnl"),
        fee=c.number("fee"),
        execution="",
        collateral=c.text("collateral", _SYMBOL),
        contract=c.text("contract", _SYMBOL),
        funding_rate=c.number("funding rate"),
        realized_funding=c.number("realized funding"),
        conversion_spread_percentage=c.number("conversion spread percentage"),
        liquidation_fee=c.number("liquidation fee"),
        exchange_rate=c.number("exchange rate"),
        conversion_fee=c.number("conversion fee"),
    )


BUILDERS: dict[str, Callable[[_Cells], Any]] = {
    LEDGERS: _ledger,
    TRADES: _trade,
    FUTURES_LOG: _futures,
}
ID_COLUMN = {LEDGERS: "txid", TRADES: "txid", FUTURES_LOG: "uid"}


def header_kind(file: str, header: list[str]) -> tuple[str, list[str]]:
    """(kind, column names) of a header row; a trailing empty column is dropped."""
    names = [h.strip() for h in header]
    if names and names[-1] == "":
        names.pop()
    found = set(names)
    if {"uid", "dateTime"} <= found:
        kind = FUTURES_LOG
    elif {"txid", "pair"} <= found:
        kind = TRADES
    elif {"txid", "asset", "amount"} <= found:
        kind = LEDGERS
    else:
        shown = ",".join(names)[:120]
        raise CsvRefused(
            file, f"this is not a Kraken ledgers, trades or futures log export (header {shown!r})"
        )
    unknown = [n for n in names if n not in KNOWN[kind]]
    if unknown or len(found) != len(names):
        what = f"unknown column {unknown[0]!r}" if unknown else "a column is repeated"
        raise CsvRefused(file, f"{what} in the {kind} header; nothing was read", line=1)
    missing = [n for n in REQUIRED[kind] if n not in found]
    if missing:
        raise CsvRefused(file, f"the {kind} header lacks {', '.join(missing)}", line=1)
    return kind, names


def _rows(file: str, reader: Any, kind: str, names: list[str], width: int) -> Iterator[CsvRow]:
    index = {name: i for i, name in enumerate(names)}
    build, id_at = BUILDERS[kind], index[ID_COLUMN[kind]]
    if kind == LEDGERS:
        build = _fast_ledgers(index)
    for values in reader:
        line = reader.line_num
        if not values or values == [""]:
            continue
        if len(values) != len(names) and not (len(values) == width and values[-1] == ""):
            raise CsvRefused(
                file, f"{len(values)} columns where the header has {len(names)}", line=line
            )
        if not values[id_at].strip():
            yield CsvRow(line, None)
            continue
        yield CsvRow(line, build(_Cells(file, line, index, values)))


def _lines(file: str, binary: IO[bytes]) -> Iterator[str]:
    """Text lines, decoded one by one so a bad byte is reported with its line."""
    for number, raw in enumerate(binary, 1):
        try:
            yield (raw[3:] if number == 1 and raw.startswith(BOM) else raw).decode("utf-8")
        except UnicodeDecodeError:
            raise CsvRefused(file, "not UTF-8 text", line=number) from None


def read_csv(file: str, binary: IO[bytes], *, tsv: bool = False) -> CsvFile:
    """Open one CSV (or TSV) stream: read its header now, its rows as they are iterated."""
    reader = csv.reader(_lines(file, binary), dialect="excel-tab" if tsv else "excel", strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise CsvRefused(file, f"unreadable header ({error})", line=1) from None
    if header is None or not any(h.strip() for h in header):
        raise CsvRefused(file, "the file is empty")
    kind, names = header_kind(file, header)

    def rows() -> Iterator[CsvRow]:
        try:
            yield from _rows(file, reader, kind, names, len(header))
        except csv.Error as error:
            raise CsvRefused(file, f"malformed CSV ({error})", line=reader.line_num) from None

    return CsvFile(name=file, kind=kind, rows=rows())


def is_zip(head: bytes) -> bool:
    return head.startswith(ZIP_MAGIC)


def zip_members(file: str, archive: zipfile.ZipFile, *, max_bytes: int | None) -> list[str]:
    """The CSV/TSV members of an export ZIP; anything else in it refuses the whole ZIP."""
    members = [i for i in archive.infolist() if not i.is_dir()]
    if not members:
        raise CsvRefused(file, "the ZIP is empty")
    for info in members:
        if not info.filename.lower().endswith((".csv", ".tsv")):
            raise CsvRefused(
                file, f"the ZIP holds {info.filename!r}, which is not a Kraken CSV export"
            )
    unpacked = sum(i.file_size for i in members)
    if max_bytes is not None and unpacked > max_bytes:
        raise CsvRefused(
            file, f"the ZIP unpacks to {unpacked} bytes, over the limit of {max_bytes} bytes"
        )
    return [i.filename for i in members]


def iter_export(file: str, binary: IO[bytes], *, max_bytes: int | None = None) -> Iterator[CsvFile]:
    """Every CSV in one upload (a CSV, a TSV or a ZIP of them), each read as it is iterated."""
    head = binary.read(4)
    binary.seek(0)
    if not is_zip(head):
        yield read_csv(file, binary, tsv=file.lower().endswith(".tsv"))
        return
    try:
        archive = zipfile.ZipFile(binary)
    except zipfile.BadZipFile as error:
        raise CsvRefused(file, f"a damaged ZIP ({error})") from None
    with archive:
        for member in zip_members(file, archive, max_bytes=max_bytes):
            with archive.open(member) as stream:
                yield read_csv(f"{file}/{member}", stream, tsv=member.lower().endswith(".tsv"))


def export_records(data: bytes, name: str = "export.zip") -> tuple[Any, ...]:
    """All records of an in-memory export (RetrieveExport's ZIP); skipped rows left out."""
    records: list[Any] = []
    for csv_file in iter_export(name, io.BytesIO(data)):
        records.extend(row.record for row in csv_file.rows if row.record is not None)
    return tuple(records)
