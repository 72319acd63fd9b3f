"""Futures: accounts, one open position, fills and the account log (v2, v3) against the truth."""

from __future__ import annotations

from decimal import Decimal

from portfolio.simulator import SimAccount
from portfolio.simulator.futures_api import iso

from .helpers import Futures


def test_exactly_one_open_position_matches_the_truth(futures: Futures, account: SimAccount) -> None:
    (truth,) = account.truth.futures_positions
    (served,) = futures.json("/derivatives/api/v3/openpositions")["openPositions"]
    assert (served["side"], served["symbol"], served["size"], served["price"]) == (
        truth.side,
        "PF_XBTUSD",
        truth.size,
        truth.price,
    )


def test_flex_usd_quantity_is_the_last_wallet_balance_of_the_log(
    futures: Futures, account: SimAccount
) -> None:
    flex = futures.json("/derivatives/api/v3/accounts")["accounts"]["flex"]
    last_usd = [e for e in account.truth.futures_log if e.asset == "usd"][-1].new_balance
    assert flex["currencies"]["USD"]["quantity"] == last_usd.quantize(Decimal("1e-8"))
    assert account.truth.futures_balances == {"usd": last_usd}


def test_fills_are_the_last_100_newest_first(futures: Futures, account: SimAccount) -> None:
    fills = futures.json("/derivatives/api/v3/fills")["fills"]
    expected = [f.fill_id for f in reversed(account.truth.futures_fills)][:100]
    assert [f["fill_id"] for f in fills] == expected


def test_fills_before_last_fill_time(futures: Futures, account: SimAccount) -> None:
    pivot = account.truth.futures_fills[5]
    moment = iso(pivot.ms)
    fills = futures.json("/derivatives/api/v3/fills", f"lastFillTime={moment}")["fills"]
    assert [f["fill_id"] for f in fills] == [
        f.fill_id for f in reversed(account.truth.futures_fills[:5])
    ]


def test_each_fill_writes_a_wallet_row_and_a_position_row(account: SimAccount) -> None:
    by_execution: dict[str, list] = {}
    for entry in account.truth.futures_log:
        if entry.execution:
            by_execution.setdefault(entry.execution, []).append(entry)
    assert set(by_execution) == {f.fill_id for f in account.truth.futures_fills}
    for rows in by_execution.values():
        assert [r.asset for r in rows] == ["usd", "pf_xbtusd"]


def test_wallet_rows_chain_balances_through_pnl_fees_funding_and_transfers(
    account: SimAccount,
) -> None:
    balance = Decimal(0)
    kinds = set()
    for entry in (e for e in account.truth.futures_log if e.asset == "usd"):
        assert entry.old_balance == balance
        change = (entry.realized_pnl or 0) - (entry.fee or 0) + (entry.realized_funding or 0)
        if entry.info == "cross-exchange transfer":
            change = entry.new_balance - entry.old_balance
        assert entry.new_balance == entry.old_balance + change
        balance = entry.new_balance
        kinds.add(entry.info)
    assert kinds == {"cross-exchange transfer", "futures trade", "funding rate change"}
    assert any(e.realized_pnl for e in account.truth.futures_log)


def test_spot_transfers_to_futures_mirror_futures_transfer_rows(account: SimAccount) -> None:
    spot = [
        e.amount for e in account.truth.ledgers if e.subtype in ("spottofutures", "spotfromfutures")
    ]
    futures_side = [
        e.new_balance - e.old_balance
        for e in account.truth.futures_log
        if e.info == "cross-exchange transfer"
    ]
    assert [-a for a in spot] == futures_side


def test_account_log_default_is_newest_first_and_sort_asc_reverses(
    futures: Futures, account: SimAccount
) -> None:
    log = account.truth.futures_log
    newest = futures.json("/api/history/v3/account-log", "count=3")["logs"]
    assert [r["id"] for r in newest] == [log[-1].id, log[-2].id, log[-3].id]
    oldest = futures.json("/api/history/v2/account-log", "count=3&sort=asc")["logs"]
    assert [r["id"] for r in oldest] == [1, 2, 3]


def test_account_log_from_to_and_since_before_bounds(futures: Futures, account: SimAccount) -> None:
    log = account.truth.futures_log
    ranged = futures.json("/api/history/v3/account-log", "from=4&to=9&sort=asc")["logs"]
    assert [r["id"] for r in ranged] == [4, 5, 6, 7, 8, 9]
    since, before = log[10].ms, log[20].ms
    timed = futures.json("/api/history/v3/account-log", f"since={since}&before={before}&sort=asc")[
        "logs"
    ]
    assert [r["id"] for r in timed] == [e.id for e in log if since <= e.ms < before]


def test_account_log_info_filter(futures: Futures, account: SimAccount) -> None:
    rows = futures.json("/api/history/v3/account-log", "info=funding%20rate%20change&count=1000")[
        "logs"
    ]
    expected = [
        e.id for e in reversed(account.truth.futures_log) if e.info == "funding rate change"
    ]
    assert [r["id"] for r in rows] == expected[:1000]


def test_account_log_rejects_a_bad_count(futures: Futures) -> None:
    assert futures.json("/api/history/v3/account-log", "count=0")["error"] == "invalidArgument"
