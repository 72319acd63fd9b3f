"""Kraken paging: newest first, 50 a page, ofs, count after filters, start excl., end incl."""

from __future__ import annotations

from decimal import Decimal

from portfolio.simulator import SimAccount, SimulatorServer

from .helpers import Spot


def _all_pages(spot: Spot, method: str, key: str, **params: object) -> tuple[list[str], list[int]]:
    ids, counts = [], []
    while True:
        result = spot.result(method, ofs=len(ids), **params)
        counts.append(result["count"])
        if not result[key]:
            return ids, counts
        ids.extend(result[key])


def test_ledgers_page_through_everything_newest_first(spot: Spot, account: SimAccount) -> None:
    ids, counts = _all_pages(spot, "Ledgers", "ledger")
    assert ids == [e.id for e in reversed(account.truth.ledgers)]
    assert set(counts) == {len(account.truth.ledgers)}


def test_a_page_holds_50_entries(spot: Spot, account: SimAccount) -> None:
    result = spot.result("Ledgers", ofs=0)
    assert len(result["ledger"]) == 50
    times = [entry["time"] for entry in result["ledger"].values()]
    assert times == sorted(times, reverse=True)


def test_start_is_exclusive_and_end_inclusive_for_timestamps(
    spot: Spot, account: SimAccount
) -> None:
    entries = account.truth.ledgers
    start, end = entries[100], entries[130]
    result = spot.result("Ledgers", start=str(start.time), end=str(end.time))
    expected = [e.id for e in entries if start.ticks < e.ticks <= end.ticks]
    assert list(result["ledger"]) == list(reversed(expected))
    assert result["count"] == len(expected)
    assert start.id not in result["ledger"] and end.id in result["ledger"]


def test_integer_timestamps_bound_whole_seconds(spot: Spot, account: SimAccount) -> None:
    entry = next(e for e in account.truth.ledgers[200:] if e.ticks % 10_000)
    second = int(entry.time)
    assert entry.id in spot.result("Ledgers", start=second, end=second + 1)["ledger"]
    assert entry.id not in spot.result("Ledgers", start=second - 1, end=second)["ledger"]
    assert entry.id not in spot.result("Ledgers", start=second + 1, end=second + 3600)["ledger"]


def test_start_and_end_accept_ids(spot: Spot, account: SimAccount) -> None:
    entries = account.truth.ledgers
    result = spot.result("Ledgers", start=entries[10].id, end=entries[20].id)
    assert list(result["ledger"]) == [e.id for e in reversed(entries[11:21])]
    assert result["count"] == 10


def test_ofs_skips_from_the_newest(spot: Spot, account: SimAccount) -> None:
    result = spot.result("Ledgers", ofs=60)
    expected = [e.id for e in reversed(account.truth.ledgers)][60:110]
    assert list(result["ledger"]) == expected


def test_ofs_past_the_end_gives_an_empty_page_with_the_count(
    spot: Spot, account: SimAccount
) -> None:
    result = spot.result("Ledgers", ofs=len(account.truth.ledgers) + 5)
    assert result == {"ledger": {}, "count": len(account.truth.ledgers)}


def test_without_count_omits_count(spot: Spot) -> None:
    result = spot.result("Ledgers", without_count="true")
    assert "count" not in result and len(result["ledger"]) == 50


def test_count_is_the_total_after_asset_and_type_filters(spot: Spot, account: SimAccount) -> None:
    expected = [e for e in account.truth.ledgers if e.asset == "XXBT" and e.type == "trade"]
    result = spot.result("Ledgers", asset="XBT", type="trade")
    assert result["count"] == len(expected)
    assert list(result["ledger"]) == [e.id for e in reversed(expected)][:50]
    both = spot.result("Ledgers", asset="XXBT,ZEUR")["count"]
    assert both == sum(1 for e in account.truth.ledgers if e.asset in ("XXBT", "ZEUR"))


def test_trades_history_pages_newest_first_with_count(spot: Spot, account: SimAccount) -> None:
    ids, counts = _all_pages(spot, "TradesHistory", "trades")
    assert ids == [t.txid for t in reversed(account.truth.trades)]
    assert set(counts) == {len(account.truth.trades)}


def test_trades_history_bounds_accept_txids(spot: Spot, account: SimAccount) -> None:
    trades = account.truth.trades
    result = spot.result("TradesHistory", start=trades[5].txid, end=trades[9].txid)
    assert list(result["trades"]) == [t.txid for t in reversed(trades[6:10])]


def test_trades_history_ledgers_flag_lists_the_ledger_ids(spot: Spot, account: SimAccount) -> None:
    newest = account.truth.trades[-1]
    page = spot.result("TradesHistory", ledgers="true")["trades"]
    assert page[newest.txid]["ledgers"] == list(newest.ledgers)
    assert "ledgers" not in spot.result("TradesHistory")["trades"][newest.txid]


def test_trades_history_type_filters_positions(spot: Spot, account: SimAccount) -> None:
    margin = [t for t in account.truth.trades if t.margin]
    assert spot.result("TradesHistory", type="any position")["count"] == len(margin)
    assert spot.result("TradesHistory", type="no position")["count"] == len(
        account.truth.trades
    ) - len(margin)


def test_closed_orders_page_by_close_time_with_trades(spot: Spot, account: SimAccount) -> None:
    orders = sorted(account.truth.closed_orders, key=lambda o: (o.closetm, o.seq))
    result = spot.result("ClosedOrders", trades="true")
    assert result["count"] == len(orders)
    assert list(result["closed"]) == [o.txid for o in reversed(orders)][:50]
    newest = orders[-1]
    assert result["closed"][newest.txid]["trades"] == list(newest.trades)


def test_query_ledgers_and_query_trades_return_objects_keyed_by_id(
    spot: Spot, account: SimAccount
) -> None:
    entries = account.truth.ledgers[:3]
    result = spot.result("QueryLedgers", id=",".join(e.id for e in entries))
    assert list(result) == [e.id for e in entries]
    assert Decimal(result[entries[0].id]["balance"]) == entries[0].balance
    trades = account.truth.trades[:2]
    assert list(spot.result("QueryTrades", txid=",".join(t.txid for t in trades))) == [
        t.txid for t in trades
    ]


def test_appended_entries_are_newer_and_exact_in_number(sim: SimulatorServer) -> None:
    acc = sim.add_account(seed=21, size=400)
    client = Spot(sim.base_url, acc.spot_key, acc.spot_secret)
    before = acc.truth.ledgers[-1]
    added = acc.append_activity(37)
    assert len(added) == 37 and len(acc.truth.ledgers) == len({e.id for e in acc.truth.ledgers})
    assert all(e.ticks > before.ticks for e in added)
    newer = client.result("Ledgers", start=before.id)
    assert list(newer["ledger"]) == [e.id for e in reversed(added)] and newer["count"] == 37
    served = {a: Decimal(v) for a, v in client.result("Balance").items()}
    assert served == {e.asset: e.balance for e in acc.truth.ledgers}


def test_paging_with_a_fixed_end_is_stable_while_new_entries_arrive(sim: SimulatorServer) -> None:
    acc = sim.add_account(seed=22, size=300)
    client = Spot(sim.base_url, acc.spot_key, acc.spot_secret)
    end = acc.truth.ledgers[-1].id
    first = client.result("Ledgers", end=end)
    acc.append_activity(20)
    second = client.result("Ledgers", end=end, ofs=50)
    unbounded = client.result("Ledgers", ofs=50)
    assert second["count"] == first["count"]
    assert not set(first["ledger"]) & set(second["ledger"])
    expected = [e.id for e in reversed(acc.truth.ledgers[:-20])][50:100]
    assert list(second["ledger"]) == expected
    assert unbounded["count"] == first["count"] + 20
