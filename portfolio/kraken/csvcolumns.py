"""The columns of Kraken's CSV exports (reference 3.9 and 4.4), and how a header is recognised.

A header is a ledgers, trades or futures account log header by its identifying columns; any
column not listed here refuses the file, since a silent guess could misread an amount.
"""

from __future__ import annotations

LEDGERS, TRADES, FUTURES_LOG = "ledgers", "trades", "futures_log"

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


ID_COLUMN = {LEDGERS: "txid", TRADES: "txid", FUTURES_LOG: "uid"}


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
