"""Margin positions and futures log rows become their own records (kraken_api.md 3.7, 4.4)."""

from datetime import UTC, datetime
from decimal import Decimal

from portfolio.accounting import (
    LedgerRow,
    TablePriceSource,
    classify_ledger,
    compute,
    get_jurisdiction,
)
from portfolio.accounting.futures import (
    FuturesLogRow,
    futures_by_contract,
    futures_by_year,
    futures_records,
    value_futures,
    wallet_balances,
)
from portfolio.accounting.margin import (
    MarginTrade,
    margin_by_year,
    margin_positions,
    value_margin,
)

D = Decimal
#: The OpenPositions sample (kraken_api.md 3.7), here closed at its rollovertm.
POSITION = "TF5GVO-T7ZZ2-6NBKBI"
OPENED = datetime.fromtimestamp(1605280097.8294, UTC)
CLOSED = datetime.fromtimestamp(1616672637, UTC)
ROLLED = datetime.fromtimestamp(1605280097.8294 + 4 * 3600, UTC)


def row(ledger_id, refid, when, type_, asset, amount, fee="0") -> LedgerRow:
    return LedgerRow(ledger_id, refid, when, type_, "", "currency", asset, D(amount), D(fee), D(0))


def sample_rows() -> list[LedgerRow]:
    return [
        row("LOPEN", POSITION, OPENED, "margin", "USD", "0", "289.06565"),
        row("LROLL", POSITION, ROLLED, "rollover", "USD", "0", "10.46105"),
        row("LCLOSE", "TCLOSE-AAAAA-BBBBBB", CLOSED, "margin", "USD", "154186.9728", "12.5"),
        # a spot trade from the TradesHistory sample: its postxid is Kraken's placeholder
        row("LSPOT1", "THVRQM-33VKH-UCI7BS", OPENED, "trade", "BTC", "0.02"),
        row("LSPOT2", "THVRQM-33VKH-UCI7BS", OPENED, "trade", "USD", "-600.20000"),
    ]


def sample_trades() -> list[MarginTrade]:
    return [
        MarginTrade(POSITION, POSITION, "XXBTZUSD", OPENED, "buy", D("8.82412861")),
        MarginTrade("TCLOSE-AAAAA-BBBBBB", POSITION, "XXBTZUSD", CLOSED, "sell", D("8.82412861")),
        MarginTrade(
            "THVRQM-33VKH-UCI7BS", "TKH2SE-M7IF5-CFI7LT", "XXBTZUSD", OPENED, "buy", D("0.02")
        ),
    ]


def test_a_closed_position_is_one_record_with_its_fees_and_ledger_ids():
    [record] = margin_positions(sample_rows(), sample_trades())
    assert (record.position, record.pair, record.side, record.volume) == (
        POSITION,
        "XXBTZUSD",
        "long",
        D("8.82412861"),
    )
    assert (record.opened, record.closed, record.currency) == (OPENED, CLOSED, "USD")
    assert (record.pnl, record.trade_fees, record.rollover_fees, record.settlement_fees) == (
        D("154186.9728"),
        D("301.56565"),
        D("10.46105"),
        D("0"),
    )
    assert record.net == D("153874.94610")
    assert record.ledger_ids == ("LOPEN", "LROLL", "LCLOSE")


def test_an_open_position_has_no_record_yet():
    rows = [r for r in sample_rows() if r.ledger_id != "LCLOSE"]
    trades = [t for t in sample_trades() if t.txid != "TCLOSE-AAAAA-BBBBBB"]
    assert margin_positions(rows, trades) == ()


def test_a_settled_position_counts_its_settlement_fee_and_no_pnl():
    rows = [
        row("LOPEN", POSITION, OPENED, "margin", "USD", "0", "289.06565"),
        row("LSET1", POSITION, CLOSED, "settled", "BTC", "8.82412861"),
        row("LSET2", POSITION, CLOSED, "settled", "USD", "-104610.52842", "10.46106"),
    ]
    [record] = margin_positions(rows, sample_trades()[:1])
    assert (record.pnl, record.settlement_fees, record.net) == (
        D("0"),
        D("10.46106"),
        D("-299.52671"),
    )


def test_margin_pnl_is_never_a_disposal_of_fiat():
    events = classify_ledger(sample_rows()).events
    result = compute(
        events,
        method="fifo",
        jurisdiction="us",
        base_currency="USD",
        as_of=datetime(2022, 1, 1, tzinfo=UTC),
    )
    assert [d.asset for d in result.disposals] == []


def test_margin_is_valued_at_the_close_in_the_users_tax_year():
    gbp = TablePriceSource({("USD", "GBP"): [(OPENED, D("0.75"))]})
    new_year = datetime(2021, 1, 1, 2, 0, tzinfo=UTC)  # 21:00 on 31 Dec in New York
    rows = [
        row("LOPEN", POSITION, OPENED, "margin", "USD", "0", "4"),
        row("LCLOSE", "TCLOSE-AAAAA-BBBBBB", new_year, "margin", "USD", "-100", "0"),
    ]
    opening, closing = sample_trades()[:2]
    closing = MarginTrade(closing.txid, POSITION, "XXBTZUSD", new_year, "sell", closing.vol)
    records = margin_positions(rows, [opening, closing])
    us = get_jurisdiction("us")
    for zone, year in (("America/New_York", 2020), ("UTC", 2021)):
        valued, problems = value_margin(
            records, jurisdiction=us.with_time_zone(zone), base_currency="GBP", prices=gbp
        )
        assert problems == ()
        assert [(v.tax_year, v.pnl, v.fees, v.net) for v in valued] == [
            (year, D("-75.00"), D("3.00"), D("-78.00"))
        ]
    totals = margin_by_year(valued)
    assert (totals[2021].realized_pnl, totals[2021].fees, totals[2021].count) == (
        D("-75.00"),
        D("3.00"),
        1,
    )


T0 = datetime(2023, 4, 4, 16, 10, 46, 260000, tzinfo=UTC)


def log(log_id, asset, info, old, new, **more) -> FuturesLogRow:
    fields = {k: D(v) for k, v in more.items() if k != "contract"}
    return FuturesLogRow(
        log_id, T0.replace(minute=log_id), asset, info, "flex", D(old), D(new),
        contract=more.get("contract", ""), **fields,
    )  # fmt: skip


def futures_log() -> list[FuturesLogRow]:
    return [
        # the account-log sample (kraken_api.md 4.4): a transfer into the ETH wallet
        log(10, "ETH", "admin transfer", "0.0", "2.6868286287"),
        log(11, "USD", "cross-exchange transfer", "0", "5000"),
        log(12, "USD", "futures trade", "5000", "4999.5", fee="0.5", contract="pf_xbtusd"),
        # the position row repeats the wallet row's PnL and fee: counted once
        log(
            13,
            "PF_XBTUSD",
            "futures trade",
            "0",
            "1",
            realized_pnl="0",
            fee="0.5",
            contract="pf_xbtusd",
        ),  # fmt: skip
        log(
            14,
            "USD",
            "funding rate change",
            "4999.5",
            "4998.25",
            realized_funding="-1.25",
            contract="pf_xbtusd",
        ),  # fmt: skip
        log(
            15,
            "USD",
            "futures trade",
            "4998.25",
            "5118.05",
            realized_pnl="120.30",
            fee="0.5",
            contract="pf_xbtusd",
        ),  # fmt: skip
        log(
            16,
            "PF_XBTUSD",
            "futures trade",
            "1",
            "0",
            realized_pnl="120.30",
            fee="0.5",
            contract="pf_xbtusd",
        ),  # fmt: skip
    ]


def test_futures_pnl_funding_and_fees_count_once_per_wallet_row():
    records = futures_records(futures_log())
    assert [(r.log_id, r.realized_pnl, r.funding, r.fee) for r in records] == [
        (12, D("0"), D("0"), D("0.5")),
        (14, D("0"), D("-1.25"), D("0")),
        (15, D("120.30"), D("0"), D("0.5")),
    ]
    valued, problems = value_futures(
        records, jurisdiction=get_jurisdiction("us"), base_currency="USD", prices=None
    )
    assert problems == ()
    [(year, totals)] = futures_by_year(valued).items()
    assert (year, totals.realized_pnl, totals.funding, totals.fees, totals.net, totals.count) == (
        2023,
        D("120.30"),
        D("-1.25"),
        D("1.0"),
        D("118.05"),
        3,
    )
    assert list(futures_by_contract(valued, 2023)) == ["PF_XBTUSD"]


def test_transfers_move_wallet_balances_and_are_never_records():
    assert wallet_balances(futures_log()) == {
        ("flex", "ETH"): D("2.6868286287"),
        ("flex", "USD"): D("5118.05"),
    }
    assert all(r.info != "admin transfer" for r in futures_records(futures_log()))


def test_transfers_between_spot_and_futures_are_never_income_or_disposals():
    def transfer(lid, when, subtype, asset, amount) -> LedgerRow:
        return LedgerRow(lid, lid, when, "transfer", subtype, "currency", asset, D(amount), D(0),
                         D(0))  # fmt: skip

    bought = [
        row("LB1", "TB", T0, "trade", "BTC", "0.5"),
        row("LB2", "TB", T0, "trade", "USD", "-10000"),
    ]
    later = T0.replace(day=5)
    rows = [
        *bought,
        transfer("LT1", later, "spottofutures", "BTC", "-0.5"),
        transfer("LT2", later, "spottofutures", "USD", "-2000"),
        transfer("LT3", later.replace(day=9), "spotfromfutures", "BTC", "0.5"),
    ]
    result = compute(
        classify_ledger(rows).events,
        method="fifo",
        jurisdiction="us",
        base_currency="USD",
        as_of=datetime(2024, 1, 1, tzinfo=UTC),
    )
    assert (result.disposals, result.income) == ((), ())
    assert [(lot.quantity, lot.cost_basis) for lot in result.open_lots] == [(D("0.5"), D("10000"))]
