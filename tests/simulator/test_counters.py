"""Counters: calls per endpoint per key, rejections by reason, faults by kind, cost, time series."""

from __future__ import annotations

from portfolio.simulator import SimulatorServer

from .helpers import Futures, Spot


def test_counters_record_calls_rejections_cost_and_events(fresh: SimulatorServer) -> None:
    acc = fresh.add_account(seed=2, size=200)
    spot = Spot(fresh.base_url, acc.spot_key, acc.spot_secret)
    spot.call("Ledgers")
    spot.call("Balance")
    spot.raw("Balance", secret="AAAA")
    spot.raw("Balance", key="nobody")
    fresh.set_faults(fail_next=("http_500", 1))
    spot.raw("Balance")
    counters = fresh.counters
    assert counters["calls"][acc.spot_key] == {"private/Ledgers": 1, "private/Balance": 3}
    assert counters["calls"]["nobody"] == {"private/Balance": 1}
    assert counters["rejections"] == {"EAPI:Invalid signature": 1, "EAPI:Invalid key": 1}
    assert counters["rejections_by_key"][acc.spot_key] == {"EAPI:Invalid signature": 1}
    assert counters["faults"] == {"http_500": 1}
    assert counters["cost"][acc.spot_key] == 3.0
    events = counters["events"]
    assert [e[2:] for e in events] == [
        ["private/Ledgers", "ok", 2.0],
        ["private/Balance", "ok", 1.0],
        ["private/Balance", "EAPI:Invalid signature", 0.0],
        ["private/Balance", "EAPI:Invalid key", 0.0],
        ["private/Balance", "fault:http_500", 0.0],
    ]
    times = [e[0] for e in events]
    assert times == sorted(times) and times[-1] <= counters["uptime"]


def test_counters_count_futures_costs_and_rate_limit_rejections(fresh: SimulatorServer) -> None:
    acc = fresh.add_account(seed=2, size=200, tier="pro")
    futures = Futures(fresh.base_url, acc.futures_key, acc.futures_secret)
    futures.get("/derivatives/api/v3/accounts")
    futures.get("/api/history/v3/account-log", "count=30")
    spot = Spot(fresh.base_url, acc.spot_key, acc.spot_secret)
    for _ in range(11):
        spot.call("TradesHistory")
    counters = fresh.counters
    assert counters["cost"][acc.futures_key] == 4.0
    assert counters["cost"][acc.spot_key] == 20.0
    assert counters["rejections"] == {"EAPI:Rate limit exceeded": 1}


def test_reset_zeroes_every_counter(fresh: SimulatorServer) -> None:
    Spot(fresh.base_url, "", "").public("Time")
    fresh.reset_counters()
    counters = fresh.counters
    assert (counters["calls"], counters["events"], counters["cost"]) == ({}, [], {})
