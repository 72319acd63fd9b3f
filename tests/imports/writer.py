"""Kraken's CSV exports of a simulator account, in every header variant the importer reads.

The rows come from the account's ground truth, so what an import must store is known exactly.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

from portfolio.simulator.assets import ASSETS, PAIRS, fmt, fmt_asset
from portfolio.simulator.exports import _number, _wallet
from portfolio.simulator.market import TICKS

LEDGER_BASE = ["txid", "refid", "time", "type", "subtype", "aclass", "asset"]
LEDGER_TAIL = ["amount", "fee", "balance"]
LEDGER_VARIANTS = {
    # the 2024+ web export: quoted, wallet, display names (BTC)
    "wallet": {"columns": [*LEDGER_BASE, "wallet", *LEDGER_TAIL]},
    # late 2025: subclass after aclass
    "subclass": {
        "columns": [*LEDGER_BASE[:6], "subclass", "asset", "wallet", *LEDGER_TAIL],
    },
    "amountusd": {"columns": [*LEDGER_BASE, "wallet", *LEDGER_TAIL, "amountusd"]},
    # before 2024: no wallet, bare header, Kraken's codes (XXBT), a trailing empty column
    "legacy": {
        "columns": [*LEDGER_BASE, *LEDGER_TAIL],
        "quoted": False,
        "codes": True,
        "trailing": True,
    },
    "bom_crlf": {"columns": [*LEDGER_BASE, "wallet", *LEDGER_TAIL], "bom": True, "crlf": True},
}
TRADE_BASE = [
    "txid", "ordertxid", "pair", "time", "type", "ordertype", "price", "cost", "fee", "vol",
    "margin", "misc", "ledgers",
]  # fmt: skip
TRADE_POSITIONS = ["postxid", "posstatus", "cprice", "ccost", "cfee", "cvol", "cmargin", "net"]
TRADE_VARIANTS = {
    "pair_id": {"columns": TRADE_BASE, "pair": "id"},
    "altname": {"columns": TRADE_BASE, "pair": "altname", "quoted": False},
    "slash": {"columns": TRADE_BASE, "pair": "slash"},
    "positions": {"columns": [*TRADE_BASE, *TRADE_POSITIONS, "trades"], "pair": "altname"},
}
FUTURES_FULL = [
    "uid", "dateTime", "account", "type", "symbol", "contract", "change", "new balance",
    "new average entry price", "trade price", "mark price", "funding rate", "realized pnl", "fee",
    "realized funding", "collateral", "conversion spread percentage", "liquidation fee",
    "position uid", "exchange rate", "exchange rate from", "conversion fee",
]  # fmt: skip
FUTURES_OLD = [
    "uid", "dateTime", "account", "type", "symbol", "change", "new balance",
    "new average entry price", "trade price", "mark price", "funding rate", "realized pnl", "fee",
    "realized funding", "collateral",
]  # fmt: skip
FUTURES_VARIANTS = {"full": {"columns": FUTURES_FULL}, "old": {"columns": FUTURES_OLD}}


def when(ticks: int) -> str:
    return dt.datetime.fromtimestamp(ticks // TICKS, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _ledger_cells(e, codes: bool) -> dict[str, str]:
    places = ASSETS[e.asset].decimals
    return {
        "txid": e.id,
        "refid": e.refid,
        "time": when(e.ticks),
        "type": e.type,
        "subtype": e.subtype,
        "aclass": e.aclass,
        "subclass": "crypto" if e.asset not in ("ZUSD", "ZEUR", "ZGBP") else "fiat",
        "asset": e.asset if codes else ASSETS[e.asset].display,
        "wallet": _wallet(e.asset),
        "amount": _number(e.amount, places),
        "fee": _number(e.fee, places),
        "balance": fmt_asset(e.asset, e.balance),
        "amountusd": "",
    }


def _pair_name(pair_id: str, style: str) -> str:
    pair = PAIRS[pair_id]
    if style == "altname":
        return pair.altname
    if style == "slash":
        return pair.wsname.replace("XBT", "BTC")
    return pair.id


def _trade_cells(t, style: str) -> dict[str, str]:
    pair = PAIRS[t.pair]
    return {
        "txid": t.txid,
        "ordertxid": t.ordertxid,
        "pair": _pair_name(t.pair, style),
        "time": when(t.ticks),
        "type": t.type,
        "ordertype": t.ordertype,
        "price": fmt(t.price, pair.pair_decimals),
        "cost": fmt(t.cost, pair.cost_decimals),
        "fee": fmt(t.fee, pair.cost_decimals),
        "vol": fmt(t.vol, pair.lot_decimals),
        "margin": fmt(t.margin, pair.cost_decimals),
        "misc": t.misc,
        "ledgers": ",".join(t.ledgers),
        "postxid": t.postxid,
        "posstatus": t.posstatus or "",
        "trades": "",
    }


def _text(value) -> str:
    return "" if value is None else f"{value:f}" if not isinstance(value, str) else value


def _futures_cells(e) -> dict[str, str]:
    moment = dt.datetime.fromtimestamp(e.ms // 1000, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
    return {
        "uid": e.booking_uid,
        "dateTime": moment,
        "account": e.margin_account,
        "type": e.info,
        "symbol": e.asset,
        "contract": e.contract or "",
        "change": _text(e.new_balance - e.old_balance),
        "new balance": _text(e.new_balance),
        "new average entry price": _text(e.new_average_entry_price),
        "trade price": _text(e.trade_price),
        "mark price": _text(e.mark_price),
        "funding rate": _text(e.funding_rate),
        "realized pnl": _text(e.realized_pnl),
        "fee": _text(e.fee),
        "realized funding": _text(e.realized_funding),
    }


def render(rows: Sequence[dict[str, str]], columns: Sequence[str], **style) -> bytes:
    def quote(value: str) -> str:  # every cell quoted, or only those that need it
        return f'"{value}"' if style.get("quoted", True) or "," in value else value

    ending = "\r\n" if style.get("crlf") else "\n"
    extra = [""] if style.get("trailing") else []
    lines = [",".join([*map(quote, columns), *extra])]
    lines += [",".join([*(quote(r.get(c, "")) for c in columns), *extra]) for r in rows]
    text = ending.join(lines) + ending
    return (b"\xef\xbb\xbf" if style.get("bom") else b"") + text.encode()


FAILED_LEDGER = {
    "txid": "",
    "refid": "FAILED-ROW",
    "time": "2021-01-01 00:00:00",
    "type": "withdrawal",
    "asset": "BTC",
    "amount": "-1",
    "fee": "0",
    "balance": "0",
}


def ledgers_csv(account, variant: str) -> bytes:
    style = dict(LEDGER_VARIANTS[variant])
    rows = [_ledger_cells(e, style.get("codes", False)) for e in account.truth.ledgers]
    rows.insert(len(rows) // 2, FAILED_LEDGER)  # a failed withdrawal: skipped and counted
    return render(rows, style.pop("columns"), **style)


def trades_csv(account, variant: str) -> bytes:
    style = dict(TRADE_VARIANTS[variant])
    pair = style.pop("pair")
    rows = [_trade_cells(t, pair) for t in account.truth.trades]
    return render(rows, style.pop("columns"), **style)


def futures_csv(account, variant: str) -> bytes:
    style = dict(FUTURES_VARIANTS[variant])
    rows = [_futures_cells(e) for e in reversed(account.truth.futures_log)]  # Kraken: newest first
    return render(rows, style.pop("columns"), quoted=False)


def write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()
