"""Raw Kraken spot JSON -> records. Numbers become Decimal, times aware UTC datetimes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from portfolio.kraken.assets import normalize_asset, split_pair
from portfolio.kraken.records import (
    AssetBalance,
    AssetInfo,
    AssetPair,
    BalanceExEntry,
    ClosedOrder,
    ExportStatus,
    LedgerEntry,
    OHLCBar,
    OpenPosition,
    PublicTrade,
    Ticker,
    Trade,
    TradeBalance,
)

Raw = Mapping[str, Any]
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def loads(text: str | bytes) -> Any:
    """JSON with every non-integer number as Decimal (never float)."""
    return json.loads(text, parse_float=Decimal)


def dec(value: Any) -> Decimal:
    """Decimal from a JSON string or number; Kraken writes most amounts as strings."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or value is None or isinstance(value, float):
        raise ValueError(f"not a Kraken decimal: {value!r}")
    return Decimal(str(value).strip())


def dec_or_none(value: Any) -> Decimal | None:
    return None if value is None or value == "" else dec(value)


def utc_from_unix(value: Any) -> datetime:
    """Aware UTC datetime from unix seconds, exact to the microsecond (no float rounding)."""
    seconds = dec(value)
    whole = int(seconds)
    micros = int(((seconds - whole) * 1_000_000).to_integral_value())
    return EPOCH + timedelta(seconds=whole, microseconds=micros)


def utc_or_none(value: Any) -> datetime | None:
    return None if value in (None, "", 0, "0") else utc_from_unix(value)


def utc_from_iso(text: str) -> datetime:
    """Aware UTC datetime from ISO 8601 ("2020-07-22T13:37:27.077Z")."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _split_or_blank(pair: str) -> tuple[str, str]:
    try:
        return split_pair(pair)
    except ValueError:
        return "", ""


def ledger_entry(ledger_id: str, raw: Raw) -> LedgerEntry:
    return LedgerEntry(
        ledger_id=ledger_id,
        refid=str(raw.get("refid", "")),
        time=utc_from_unix(raw["time"]),
        timestamp=dec(raw["time"]),
        type=raw.get("type", ""),
        subtype=raw.get("subtype", "") or "",
        aclass=raw.get("aclass", ""),
        asset=normalize_asset(raw["asset"]),
        raw_asset=raw["asset"],
        amount=dec(raw["amount"]),
        fee=dec(raw.get("fee", "0")),
        balance=dec(raw["balance"]),
        wallet=raw.get("wallet", "") or "",
        subclass=raw.get("subclass", "") or "",
    )


def trade(txid: str, raw: Raw) -> Trade:
    base, quote = _split_or_blank(raw["pair"])
    return Trade(
        txid=txid,
        ordertxid=raw.get("ordertxid", ""),
        postxid=raw.get("postxid", ""),
        pair=raw["pair"],
        base=base,
        quote=quote,
        time=utc_from_unix(raw["time"]),
        timestamp=dec(raw["time"]),
        type=raw["type"],
        ordertype=raw.get("ordertype", ""),
        price=dec(raw["price"]),
        cost=dec(raw["cost"]),
        fee=dec(raw["fee"]),
        vol=dec(raw["vol"]),
        margin=dec(raw.get("margin", "0")),
        misc=raw.get("misc", ""),
        ledgers=tuple(raw.get("ledgers") or ()),
        trade_id=raw.get("trade_id"),
        maker=raw.get("maker"),
        leverage=dec_or_none(raw.get("leverage")),
        posstatus=raw.get("posstatus", ""),
        cprice=dec_or_none(raw.get("cprice")),
        ccost=dec_or_none(raw.get("ccost")),
        cfee=dec_or_none(raw.get("cfee")),
        cvol=dec_or_none(raw.get("cvol")),
        cmargin=dec_or_none(raw.get("cmargin")),
        net=dec_or_none(raw.get("net")),
        closing_trades=tuple(raw.get("trades") or ()),
    )


def closed_order(txid: str, raw: Raw) -> ClosedOrder:
    descr = raw.get("descr") or {}
    return ClosedOrder(
        txid=txid,
        refid=str(raw.get("refid") or ""),
        userref=raw.get("userref"),
        status=raw.get("status", ""),
        reason=raw.get("reason") or "",
        opentm=utc_from_unix(raw["opentm"]),
        closetm=utc_or_none(raw.get("closetm")),
        timestamp=dec(raw["opentm"]),
        pair=descr.get("pair", ""),
        type=descr.get("type", ""),
        ordertype=descr.get("ordertype", ""),
        descr_price=dec(descr.get("price", "0")),
        descr_price2=dec(descr.get("price2", "0")),
        leverage=descr.get("leverage", ""),
        order=descr.get("order", ""),
        vol=dec(raw["vol"]),
        vol_exec=dec(raw["vol_exec"]),
        cost=dec(raw["cost"]),
        fee=dec(raw["fee"]),
        price=dec(raw["price"]),
        stopprice=dec(raw.get("stopprice", "0")),
        limitprice=dec(raw.get("limitprice", "0")),
        misc=raw.get("misc", ""),
        oflags=raw.get("oflags", ""),
        trades=tuple(raw.get("trades") or ()),
    )


def balances(result: Raw | None) -> tuple[AssetBalance, ...]:
    # An empty account has been seen to answer without a result at all.
    return tuple(
        AssetBalance(asset=normalize_asset(code), raw_asset=code, balance=dec(amount))
        for code, amount in (result or {}).items()
    )


def balance_ex(result: Raw | None) -> tuple[BalanceExEntry, ...]:
    return tuple(
        BalanceExEntry(
            asset=normalize_asset(code),
            raw_asset=code,
            balance=dec(raw.get("balance", "0")),
            hold_trade=dec(raw.get("hold_trade", "0")),
            credit=dec(raw.get("credit", "0")),
            credit_used=dec(raw.get("credit_used", "0")),
        )
        for code, raw in (result or {}).items()
    )


def trade_balance(raw: Raw) -> TradeBalance:
    fields = ("eb", "tb", "m", "n", "c", "v", "e", "mf")
    values = {name: dec(raw.get(name, "0")) for name in fields}
    return TradeBalance(**values, ml=dec_or_none(raw.get("ml")), uv=dec_or_none(raw.get("uv")))


def open_position(posid: str, raw: Raw) -> OpenPosition:
    return OpenPosition(
        posid=posid,
        ordertxid=raw.get("ordertxid", ""),
        posstatus=raw.get("posstatus", ""),
        pair=raw["pair"],
        time=utc_from_unix(raw["time"]),
        type=raw["type"],
        ordertype=raw.get("ordertype", ""),
        cost=dec(raw["cost"]),
        fee=dec(raw["fee"]),
        vol=dec(raw["vol"]),
        vol_closed=dec(raw.get("vol_closed", "0")),
        margin=dec(raw.get("margin", "0")),
        value=dec_or_none(raw.get("value")),
        net=dec_or_none(raw.get("net")),
        terms=raw.get("terms", ""),
        rollovertm=str(raw.get("rollovertm", "")),
        misc=raw.get("misc", ""),
        oflags=raw.get("oflags", ""),
    )


def asset_info(code: str, raw: Raw) -> AssetInfo:
    return AssetInfo(
        raw_asset=code,
        asset=normalize_asset(code),
        aclass=raw.get("aclass", ""),
        altname=raw.get("altname", ""),
        decimals=int(raw["decimals"]),
        display_decimals=int(raw.get("display_decimals", raw["decimals"])),
        collateral_value=dec_or_none(raw.get("collateral_value")),
        status=raw.get("status", ""),
    )


def asset_pair(pair_id: str, raw: Raw) -> AssetPair:
    return AssetPair(
        pair_id=pair_id,
        altname=raw.get("altname", ""),
        wsname=raw.get("wsname", ""),
        base=normalize_asset(raw["base"]),
        quote=normalize_asset(raw["quote"]),
        raw_base=raw["base"],
        raw_quote=raw["quote"],
        aclass_base=raw.get("aclass_base", ""),
        aclass_quote=raw.get("aclass_quote", ""),
        pair_decimals=int(raw["pair_decimals"]),
        lot_decimals=int(raw["lot_decimals"]),
        cost_decimals=raw.get("cost_decimals"),
        lot_multiplier=int(raw.get("lot_multiplier", 1)),
        ordermin=dec_or_none(raw.get("ordermin")),
        costmin=dec_or_none(raw.get("costmin")),
        tick_size=dec_or_none(raw.get("tick_size")),
        status=raw.get("status", ""),
        fee_volume_currency=raw.get("fee_volume_currency", ""),
    )


def ohlc_bar(pair: str, row: list[Any]) -> OHLCBar:
    stamp, open_, high, low, close, vwap, volume, count = row
    return OHLCBar(
        pair=pair,
        time=utc_from_unix(stamp),
        open=dec(open_),
        high=dec(high),
        low=dec(low),
        close=dec(close),
        vwap=dec(vwap),
        volume=dec(volume),
        count=int(count),
    )


def public_trade(pair: str, row: list[Any]) -> PublicTrade:
    price, volume, stamp, side, ordertype, misc = row[:6]
    return PublicTrade(
        pair=pair,
        price=dec(price),
        volume=dec(volume),
        time=utc_from_unix(stamp),
        timestamp=dec(stamp),
        side=side,
        ordertype=ordertype,
        misc=misc,
        trade_id=int(row[6]) if len(row) > 6 else None,
    )


def ticker(pair: str, raw: Raw) -> Ticker:
    return Ticker(
        pair=pair,
        ask=dec(raw["a"][0]),
        bid=dec(raw["b"][0]),
        last=dec(raw["c"][0]),
        volume_today=dec(raw["v"][0]),
        volume_24h=dec(raw["v"][1]),
        vwap_today=dec(raw["p"][0]),
        vwap_24h=dec(raw["p"][1]),
        trades_today=int(raw["t"][0]),
        trades_24h=int(raw["t"][1]),
        low_today=dec(raw["l"][0]),
        low_24h=dec(raw["l"][1]),
        high_today=dec(raw["h"][0]),
        high_24h=dec(raw["h"][1]),
        open=dec(raw["o"]),
    )


def export_status(raw: Raw) -> ExportStatus:
    return ExportStatus(
        id=raw["id"],
        descr=raw.get("descr", ""),
        format=raw.get("format", ""),
        report=raw.get("report", ""),
        subtype=raw.get("subtype", ""),
        status=raw["status"],
        fields=raw.get("fields", ""),
        createdtm=utc_or_none(raw.get("createdtm")),
        starttm=utc_or_none(raw.get("starttm")),
        completedtm=utc_or_none(raw.get("completedtm")),
        datastarttm=utc_or_none(raw.get("datastarttm")),
        dataendtm=utc_or_none(raw.get("dataendtm")),
        asset=raw.get("asset", ""),
    )
