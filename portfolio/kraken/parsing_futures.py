"""Raw Kraken Futures JSON -> records.

Futures write numbers as JSON numbers (parsed as Decimal by ``parsing.loads``), asset keys in
``cash.balances`` in lower case ("xbt") and in ``flex.currencies`` in upper case ("BTC"); both
go through ``normalize_asset`` after upper-casing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from portfolio.kraken.assets import normalize_asset
from portfolio.kraken.parsing import Raw, dec, dec_or_none, utc_from_iso
from portfolio.kraken.records import (
    FuturesAccount,
    FuturesFill,
    FuturesLogEntry,
    FuturesOpenOrder,
    FuturesPosition,
)


def futures_asset(raw: str) -> str:
    return normalize_asset(raw.upper())


def _decimals(raw: Raw | None) -> dict[str, Decimal]:
    return {name: dec(value) for name, value in (raw or {}).items() if value is not None}


def futures_account(name: str, raw: Raw) -> FuturesAccount:
    if raw.get("type") == "multiCollateralMarginAccount":
        currencies = raw.get("currencies") or {}
        holdings = {futures_asset(code): dec(c["quantity"]) for code, c in currencies.items()}
        figures = {k: dec(v) for k, v in raw.items() if isinstance(v, int | Decimal)}
    else:
        holdings = {futures_asset(code): dec(v) for code, v in (raw.get("balances") or {}).items()}
        figures = {}
    return FuturesAccount(
        name=name,
        type=raw.get("type", ""),
        currency=futures_asset(raw["currency"]) if raw.get("currency") else "",
        balances=holdings,
        auxiliary=_decimals(raw.get("auxiliary")),
        figures=figures,
    )


def futures_fill(raw: Raw) -> FuturesFill:
    return FuturesFill(
        fill_id=raw["fill_id"],
        symbol=raw["symbol"],
        side=raw["side"],
        order_id=raw.get("order_id", ""),
        size=dec(raw["size"]),
        price=dec(raw["price"]),
        fill_time=utc_from_iso(raw["fillTime"]),
        fill_type=raw.get("fillType", ""),
        cli_ord_id=raw.get("cliOrdId", "") or "",
    )


def futures_position(raw: Raw) -> FuturesPosition:
    return FuturesPosition(
        symbol=raw["symbol"],
        side=raw["side"],
        price=dec(raw["price"]),
        size=dec(raw["size"]),
        fill_time=utc_from_iso(raw["fillTime"]) if raw.get("fillTime") else None,
        unrealized_funding=dec_or_none(raw.get("unrealizedFunding")),
        pnl_currency=raw.get("pnlCurrency", "") or "",
        max_fixed_leverage=dec_or_none(raw.get("maxFixedLeverage")),
    )


def futures_open_order(raw: Raw) -> FuturesOpenOrder:
    return FuturesOpenOrder(
        order_id=str(raw["order_id"]),
        symbol=raw["symbol"],
        side=raw["side"],
        order_type=raw.get("orderType", "") or "",
        limit_price=dec_or_none(raw.get("limitPrice")),
        stop_price=dec_or_none(raw.get("stopPrice")),
        unfilled_size=dec(raw.get("unfilledSize", "0")),
        filled_size=dec(raw.get("filledSize", "0")),
        received_time=utc_from_iso(raw["receivedTime"]) if raw.get("receivedTime") else None,
        status=raw.get("status", "") or "",
        reduce_only=bool(raw.get("reduceOnly", False)),
    )


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def futures_log_entry(raw: Raw) -> FuturesLogEntry:
    numbers = (
        "old_balance",
        "new_balance",
        "old_average_entry_price",
        "new_average_entry_price",
        "trade_price",
        "mark_price",
        "realized_pnl",
        "fee",
        "funding_rate",
        "realized_funding",
        "conversion_spread_percentage",
        "liquidation_fee",
        "exchange_rate",
        "conversion_fee",
    )
    return FuturesLogEntry(
        id=int(raw["id"]),
        date=utc_from_iso(raw["date"]),
        asset=futures_asset(raw["asset"]),
        raw_asset=raw["asset"],
        info=raw.get("info", ""),
        booking_uid=_text(raw.get("booking_uid")),
        margin_account=_text(raw.get("margin_account")),
        execution=_text(raw.get("execution")),
        collateral=_text(raw.get("collateral")),
        contract=_text(raw.get("contract")),
        **{name: dec_or_none(raw.get(name)) for name in numbers},
    )
