"""Paging whole histories over HTTP gives exactly the simulator's truth: every id once, no gaps."""

from __future__ import annotations

from portfolio.kraken import KrakenSpotClient, MemoryState
from portfolio.simulator import SimAccount, SimulatorServer
from portfolio.simulator.assets import PAIRS

from .conftest import spot_client
from .truth import (
    client_ledger_row,
    client_order_row,
    client_trade_row,
    ledger_row,
    order_row,
    trade_row,
)


def test_paging_the_whole_ledger_equals_the_truth(
    spot: KrakenSpotClient, account: SimAccount
) -> None:
    totals: list[int | None] = []
    received = [
        client_ledger_row(e) for e in spot.iter_ledgers(progress=lambda n, t: totals.append(t))
    ]
    expected = [ledger_row(e) for e in reversed(account.truth.ledgers)]
    assert len(received) == len(expected) == 1501
    assert sorted(received) == sorted(expected)
    assert [r[0] for r in received] == [r[0] for r in expected]  # newest first, ties in order
    assert set(totals) == {1501}


def test_paging_the_whole_trade_history_with_ledger_ids_equals_the_truth(
    spot: KrakenSpotClient, account: SimAccount
) -> None:
    received = [client_trade_row(t) for t in spot.iter_trades(ledgers=True)]
    expected = [trade_row(t) for t in reversed(account.truth.trades)]
    assert len(received) == 451
    assert received == expected


def calls(sim: SimulatorServer, key: str, endpoint: str) -> int:
    return sim.counters["calls"].get(key, {}).get(endpoint, 0)


def test_paging_closed_orders_by_close_time_equals_the_truth_without_restarts(
    sim: SimulatorServer, spot: KrakenSpotClient, account: SimAccount
) -> None:
    before = calls(sim, account.spot_key, "private/ClosedOrders")
    totals: list[int | None] = []
    orders = list(spot.iter_closed_orders(trades=True, progress=lambda n, t: totals.append(t)))
    received = sorted(client_order_row(o) for o in orders)
    expected = sorted(order_row(o, PAIRS[o.pair].altname) for o in account.truth.closed_orders)
    assert len(received) == 391
    assert received == expected
    assert [o.closetm for o in orders] == sorted((o.closetm for o in orders), reverse=True)
    assert calls(sim, account.spot_key, "private/ClosedOrders") - before == 8  # 391 / 50, once
    assert set(totals) == {391}


def test_ledger_paging_while_entries_arrive_gives_the_snapshot_then_the_new_entries(
    sim: SimulatorServer, state: MemoryState
) -> None:
    account = sim.add_account(seed=21, size=800)
    client = spot_client(sim, account, state)
    before = [ledger_row(e) for e in reversed(account.truth.ledgers)]
    totals: list[int | None] = []

    def progress(received: int, total: int | None) -> None:
        totals.append(total)
        account.append_activity(7)  # new rows land between every two pages

    snapshot = [client_ledger_row(e) for e in client.iter_ledgers(progress=progress)]
    pages = len(totals)
    assert pages == 17  # 801 rows, 50 a page
    assert snapshot == before
    assert set(totals) == {801}
    newest = snapshot[0][3]
    appended = [ledger_row(e) for e in reversed(account.truth.ledgers[801:])]
    assert len(appended) == 7 * pages
    follow_up = [client_ledger_row(e) for e in client.iter_ledgers(start=newest)]
    assert follow_up == appended
    ids = [r[0] for r in snapshot + follow_up]
    assert len(ids) == len(set(ids)) == len(account.truth.ledgers)


def test_trade_paging_while_activity_arrives_misses_and_repeats_nothing(
    sim: SimulatorServer, state: MemoryState
) -> None:
    account = sim.add_account(seed=22, size=1200)
    client = spot_client(sim, account, state)
    before = [trade_row(t, with_ledgers=False) for t in reversed(account.truth.trades)]
    first = list(client.iter_trades(progress=lambda n, t: account.append_activity(20)))
    assert [client_trade_row(t) for t in first] == before
    grown = [trade_row(t, with_ledgers=False) for t in reversed(account.truth.trades)]
    assert len(grown) > len(before)
    rest = list(client.iter_trades(start=first[0].timestamp))
    assert [client_trade_row(t) for t in rest + first] == grown
