"""Fiat balances are holdings: in the value at as_of and in the daily series."""

from datetime import UTC, date, datetime
from decimal import Decimal

from portfolio.accounting import LedgerRow, TablePriceSource, portfolio_value_by_day, scenario
from portfolio.accounting.cash import (
    cash_balances,
    cash_holdings,
    futures_cash_moves,
    ledger_cash_moves,
)
from portfolio.accounting.futures import FuturesLogRow

D = Decimal
T1 = datetime(2024, 3, 1, 10, tzinfo=UTC)
T2 = datetime(2024, 3, 2, 10, tzinfo=UTC)
PRICES = TablePriceSource({("EUR", "USD"): [(T1, D("1.08"))], ("BTC", "USD"): [(T1, D("60000"))]})


def row(lid, when, type_, asset, amount, fee="0", subtype="") -> LedgerRow:
    return LedgerRow(lid, lid, when, type_, subtype, "currency", asset, D(amount), D(fee), D(0))


def moves():
    ledger = [
        row("L1", T1, "deposit", "USD", "1000", "1.5"),
        row("L2", T1, "deposit", "EUR", "500"),
        row("L3", T2, "transfer", "USD", "-200", subtype="spottofutures"),
        row("L4", T2, "trade", "BTC", "0.01"),
    ]
    log = [
        FuturesLogRow(1, T2, "USD", "cross-exchange transfer", "flex", D("0"), D("200")),
        FuturesLogRow(
            2,
            T2,
            "USD",
            "futures trade",
            "flex",
            D("200"),
            D("230.25"),
            realized_pnl=D("30.5"),
            fee=D("0.25"),
            contract="pf_xbtusd",
        ),  # fmt: skip
        FuturesLogRow(3, T2, "PF_XBTUSD", "futures trade", "flex", D("0"), D("1")),
    ]
    return ledger_cash_moves(ledger) + futures_cash_moves(log)


def test_transfers_to_futures_move_cash_between_wallets():
    assert cash_balances(moves(), T2) == {
        ("USD", "spot"): D("798.5"),
        ("EUR", "spot"): D("500"),
        ("USD", "futures"): D("230.25"),
    }


def test_cash_is_valued_at_krakens_rate():
    held = cash_holdings(moves(), base_currency="USD", prices=PRICES, at=T2)
    assert [(h.asset, h.wallet, h.quantity, h.value) for h in held] == [
        ("EUR", "spot", D("500"), D("540.00")),
        ("USD", "futures", D("230.25"), D("230.25")),
        ("USD", "spot", D("798.5"), D("798.5")),
    ]


def test_the_daily_value_includes_cash():
    events = scenario("buy 0.01 BTC @ 60000 USD on 2024-03-02")
    days = portfolio_value_by_day(
        events,
        base_currency="USD",
        prices=PRICES,
        start=date(2024, 3, 1),
        end=date(2024, 3, 2),
        cash=moves(),
    )
    assert [(d, v) for d, v, _missing in days] == [
        (date(2024, 3, 1), D("1538.50")),  # 998.5 USD + 500 EUR x 1.08
        (date(2024, 3, 2), D("2168.75")),  # + 0.01 BTC x 60000, 200 USD moved to futures
    ]
