"""Kraken ledger rows -> events (kraken_api.md 3.5 and 6)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from portfolio.accounting import (
    Acquisition,
    Deposit,
    Disposal,
    Income,
    Leg,
    Margin,
    Transfer,
    Withdrawal,
    classify_ledger,
    compute,
)
from portfolio.accounting.kraken_events import RULES, LedgerRow, economic_asset
from portfolio.kraken.assets import base_asset, normalize_asset

T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def row(
    ledger_id,
    refid,
    type_,
    asset,
    amount,
    fee="0",
    subtype="",
    seconds=0,
    wallet="spot",
    balance="0",
):
    return LedgerRow(
        ledger_id,
        refid,
        T0 + timedelta(seconds=seconds),
        type_,
        subtype,
        "currency",
        asset,
        Decimal(amount),
        Decimal(fee),
        Decimal(balance),
        wallet,
    )


DOCUMENTED = [
    ("none", ""),
    ("trade", ""),
    ("deposit", ""),
    ("withdrawal", ""),
    ("transfer", ""),
    ("margin", ""),
    ("adjustment", ""),
    ("rollover", ""),
    ("spend", ""),
    ("receive", ""),
    ("settled", ""),
    ("credit", ""),
    ("staking", ""),
    ("reward", ""),
    ("dividend", ""),
    ("sale", ""),
    ("conversion", ""),
    ("nfttrade", ""),
    ("nftcreatorfee", ""),
    ("nftrebate", ""),
    ("custodytransfer", ""),
    ("earn", "reward"),
    ("invite bonus", ""),
    ("margin trade", ""),
    ("nft_rebate", ""),
    ("transfer", "spottostaking"),
    ("transfer", "stakingfromspot"),
    ("transfer", "stakingtospot"),
    ("transfer", "spotfromstaking"),
    ("transfer", "spottofutures"),
    ("transfer", "spotfromfutures"),
    ("transfer", "airdrop"),
    ("transfer", "delistingconversion"),
    ("trade", "tradespot"),
    ("earn", "allocation"),
    ("earn", "deallocation"),
    ("earn", "autoallocation"),
    ("earn", "autoallocate"),
    ("earn", "migration"),
    ("earn", "airdrop"),
    ("earn", "delistingconversion"),
]


@pytest.mark.parametrize(("type_", "subtype"), DOCUMENTED)
def test_every_documented_type_and_subtype_has_an_explicit_rule(type_, subtype):
    assert (type_, subtype) in RULES


def test_unknown_type_becomes_a_warning_not_a_silent_drop():
    result = classify_ledger([row("L1", "R1", "mystery", "BTC", "1")])
    assert result.events == ()
    assert [(w.code, w.ledger_ids) for w in result.warnings] == [("unknown_type", ("L1",))]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("DOT28.S", ("DOT", "staking")),
        ("ETH2.S", ("ETH", "staking")),
        ("ETH2", ("ETH", "staking")),
        ("BTC.M", ("BTC", "earn")),
        ("USD.HOLD", ("USD", "hold")),
        ("XBT", ("BTC", "spot")),
        ("SOL03.S", ("SOL", "staking")),
        ("KSM.P", ("KSM", "staking")),
        ("SPCXx.T", ("SPCXx", "tokenized")),
        ("FLOWH.S", ("FLOW", "staking")),  # as the client's table names it (was FLOWH)
        ("ADA.T", ("ADA", "tokenized")),  # was kept as "ADA.T"
        ("XXBT.M", ("BTC", "earn")),
    ],
)
def test_suffixes_map_to_the_economic_asset_and_a_sub_wallet(code, expected):
    assert expected[0] == base_asset(normalize_asset(code))  # one table: the client's
    assert economic_asset(code) == expected


def test_sale_for_fiat_becomes_a_disposal_with_the_fiat_fee():
    result = classify_ledger(
        [row("L1", "T1", "trade", "BTC", "-0.5"), row("L2", "T1", "trade", "USD", "15000", "24")]
    )
    assert result.events == (
        Disposal(
            "T1:give",
            T0,
            "BTC",
            Decimal("0.5"),
            Leg("USD", Decimal("15000")),
            (Leg("USD", Decimal("24")),),
            None,
            "spot",
            "T1",
            "sale",
        ),
    )


def test_kfee_leg_becomes_a_fee_of_the_trade():
    result = classify_ledger(
        [
            row("L1", "T1", "trade", "USD", "-600.2"),
            row("L2", "T1", "trade", "BTC", "0.02"),
            row("L3", "T1", "trade", "KFEE", "0.00", "5.95"),
        ]
    )
    [event] = result.events
    assert isinstance(event, Acquisition)
    assert (event.quantity, event.paid, event.fees) == (
        Decimal("0.02"),
        Leg("USD", Decimal("600.2")),
        (Leg("KFEE", Decimal("5.95")),),
    )


def test_instant_buy_pairs_spend_and_receive_and_nets_the_fee_on_the_received_crypto():
    result = classify_ledger(
        [
            row("L1", "1", "receive", "ETH", "1", "0.000123", seconds=0),
            row("L2", "1", "spend", "EUR", "-100", "0.45", seconds=1),
        ]
    )
    [event] = result.events
    assert (event.asset, event.quantity, event.paid, event.fees) == (
        "ETH",
        Decimal("0.999877"),
        Leg("EUR", Decimal("100")),
        (Leg("EUR", Decimal("0.45")),),
    )


def test_crypto_to_crypto_trade_is_a_disposal_and_an_acquisition():
    result = classify_ledger(
        [row("L1", "T9", "trade", "ETH", "-1"), row("L2", "T9", "trade", "BTC", "0.05")]
    )
    kinds = [(type(e).__name__, e.asset, e.quantity) for e in result.events]
    assert sorted(kinds) == [
        ("Acquisition", "BTC", Decimal("0.05")),
        ("Disposal", "ETH", Decimal("1")),
    ]


def test_order_filled_from_two_wallets_is_summed_into_one_trade():
    result = classify_ledger(
        [
            row("L1", "T2", "trade", "BTC", "-0.3"),
            row("L2", "T2", "trade", "BTC", "-0.2", wallet="spot"),
            row("L3", "T2", "trade", "USD", "15000"),
        ]
    )
    [event] = result.events
    assert event.quantity == Decimal("0.5")


def test_staking_transfer_legs_with_different_refids_pair_into_one_transfer():
    result = classify_ledger(
        [
            row("L1", "A", "transfer", "ETH", "-0.06", subtype="spottostaking"),
            row("L2", "B", "transfer", "ETH2.S", "0.06", subtype="stakingfromspot", seconds=5),
        ]
    )
    assert result.events == (
        Transfer("L1", T0, "ETH", Decimal("0.06"), "spot", "staking", (), "A"),
    )
    assert result.warnings == ()


def test_spot_from_futures_alone_is_a_transfer_without_warning():
    result = classify_ledger(
        [row("L1", "X", "transfer", "SYRUP", "283.796", subtype="spotfromfutures")]
    )
    assert result.events == (
        Transfer("L1", T0, "SYRUP", Decimal("283.796"), "futures", "spot", (), "X"),
    )
    assert result.warnings == ()


def test_staking_reward_is_income_in_the_staking_wallet():
    result = classify_ledger([row("L1", "S1", "staking", "ETH2", "0.0000538620")])
    assert result.events == (
        Income("L1", T0, "ETH", Decimal("0.0000538620"), "staking", None, "staking", "S1"),
    )


def test_failed_withdrawal_legs_cancel_and_make_nothing():
    result = classify_ledger(
        [
            row("L1", "W1", "withdrawal", "BTC", "-1000.0", "1.0"),
            row("L2", "W1", "withdrawal", "BTC", "1000", "-1.0", seconds=60),
        ]
    )
    assert (result.events, result.warnings) == ((), ())


def test_withdrawal_and_deposit_carry_their_network_fees():
    result = classify_ledger(
        [
            row("L1", "D1", "deposit", "BTC", "1", "0.0001"),
            row("L2", "W1", "withdrawal", "BTC", "-0.5", "0.0002", seconds=1),
        ]
    )
    assert result.events == (
        Deposit(
            "L1",
            T0,
            "BTC",
            Decimal("1"),
            None,
            None,
            (Leg("BTC", Decimal("0.0001")),),
            "spot",
            "D1",
        ),
        Withdrawal(
            "L2",
            T0 + timedelta(seconds=1),
            "BTC",
            Decimal("0.5"),
            (Leg("BTC", Decimal("0.0002")),),
            "spot",
            "W1",
        ),
    )


def test_margin_rows_become_margin_events():
    result = classify_ledger(
        [
            row("L1", "M1", "margin", "USD", "-12.5", "0.1"),
            row("L2", "M2", "rollover", "USD", "0", "0.3", seconds=1),
        ]
    )
    assert [(type(e), e.action, e.amount) for e in result.events] == [
        (Margin, "pnl", Decimal("-12.5")),
        (Margin, "rollover", Decimal("0")),
    ]


def test_transfer_without_subtype_is_booked_as_an_airdrop_and_flagged_for_review():
    result = classify_ledger([row("L1", "X1", "transfer", "ETHW", "1")])
    assert [(type(e), e.income_type) for e in result.events] == [(Income, "airdrop")]
    assert [w.code for w in result.warnings] == ["review_transfer"]


def test_classified_ledger_through_the_engine_matches_the_ledger_balance():
    rows = [
        row("L1", "T1", "trade", "USD", "-20000"),
        row("L2", "T1", "trade", "BTC", "1"),
        row("L3", "T2", "trade", "BTC", "-0.4", seconds=60),
        row("L4", "T2", "trade", "USD", "12000", "20", seconds=60),
        row("L5", "A", "transfer", "BTC", "-0.1", subtype="spottostaking", seconds=120),
        row("L6", "B", "transfer", "BTC.S", "0.1", subtype="stakingfromspot", seconds=121),
        row("L7", "S", "staking", "BTC.S", "0.001", seconds=180),
    ]
    events = classify_ledger(rows).events
    result = compute(
        events,
        method="fifo",
        jurisdiction="us",
        base_currency="USD",
        per_wallet=True,
        as_of=T0 + timedelta(days=1),
        prices=None,
    )
    assert {(lot.wallet, lot.quantity) for lot in result.open_lots} == {
        ("spot", Decimal("0.5")),
        ("staking", Decimal("0.1")),
        ("staking", Decimal("0.001")),
    }
    assert [p.code for p in result.problems] == [
        "missing_price"
    ]  # the staking reward needs a price
    assert result.disposals[0].gain == Decimal("3980.0")
