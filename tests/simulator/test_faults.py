"""Faults on demand: HTTP 5xx, EService errors, slow replies, truncated JSON; data never changes."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import requests

from portfolio.simulator import SimAccount, SimulatorServer

from .helpers import Futures, Spot


@pytest.fixture
def client() -> Iterator[tuple[SimulatorServer, SimAccount, Spot]]:
    """A fresh server whose limits never bite, so only faults differ between calls."""
    with SimulatorServer(speed=1_000_000) as server:
        acc = server.add_account(seed=4, size=300)
        yield server, acc, Spot(server.base_url, acc.spot_key, acc.spot_secret)


@pytest.mark.parametrize(
    ("kind", "status"),
    [("http_500", 500), ("http_502", 502), ("http_503", 503), ("http_504", 504), ("http_520", 520)],
)
def test_fail_next_http_kind_answers_that_status_then_recovers(
    client, kind: str, status: int
) -> None:
    sim, _, spot = client
    sim.set_faults(fail_next=(kind, 2))
    assert [spot.raw("Balance").status_code for _ in range(3)] == [status, status, 200]
    assert sim.counters["faults"] == {kind: 2}


@pytest.mark.parametrize(
    ("kind", "message"),
    [("service_unavailable", "EService:Unavailable"), ("service_busy", "EService:Busy")],
)
def test_service_faults_answer_kraken_service_errors(client, kind: str, message: str) -> None:
    sim, _, spot = client
    sim.set_faults(fail_next=(kind, 1))
    reply = spot.raw("Ledgers")
    assert (reply.status_code, reply.json()) == (200, {"error": [message]})
    assert spot.call("Ledgers")["error"] == []


def test_service_fault_on_futures_uses_the_futures_envelope(client) -> None:
    sim, acc, _ = client
    sim.set_faults(fail_next=("service_unavailable", 1))
    reply = (
        Futures(sim.base_url, acc.futures_key, acc.futures_secret)
        .get("/derivatives/api/v3/accounts")
        .json()
    )
    assert (reply["result"], reply["error"]) == ("error", "Unavailable")


def test_slow_reply_trips_a_client_timeout(client) -> None:
    sim, _, spot = client
    sim.set_faults(fail_next=("slow", 1), slow_seconds=0.6)
    with pytest.raises(requests.Timeout):
        spot.raw("Balance", timeout=0.2)
    assert spot.call("Balance")["error"] == []
    assert sim.counters["faults"] == {"slow": 1}


def test_truncated_reply_is_half_the_json(client) -> None:
    sim, _, spot = client
    whole = spot.raw("Ledgers", {"end": "1700000000"}).content
    sim.set_faults(fail_next=("truncated", 1))
    cut = spot.raw("Ledgers", {"end": "1700000000"}).content
    assert cut == whole[: len(whole) // 2]
    with pytest.raises(json.JSONDecodeError):
        json.loads(cut)


def test_fail_next_can_target_one_endpoint(client) -> None:
    sim, _, spot = client
    sim.set_faults(fail_next=("http_502", 1, "private/Ledgers"))
    assert spot.raw("Balance").status_code == 200
    assert spot.raw("Ledgers").status_code == 502
    assert spot.raw("Ledgers").status_code == 200


def test_faults_never_change_the_data(client) -> None:
    sim, acc, spot = client
    before = spot.result("Ledgers")
    sim.set_faults(rate=0.5, kinds={"http_503", "service_busy", "truncated"})
    for _ in range(30):
        spot.raw("Ledgers")
    sim.set_faults(rate=0.0)
    assert spot.result("Ledgers") == before
    assert sum(sim.counters["faults"].values()) > 0


def test_rate_one_with_a_kind_set_fails_every_request_with_those_kinds(client) -> None:
    sim, _, spot = client
    sim.set_faults(rate=1.0, kinds={"http_504"})
    assert {spot.raw("Balance").status_code for _ in range(5)} == {504}
    assert sim.counters["faults"] == {"http_504": 5}


def test_seeded_fault_draws_repeat_for_the_same_seed() -> None:
    def draw() -> list[str | None]:
        with SimulatorServer(fault_rate=0.5, seed=9) as server:
            return [server.faults.pick("public/Time") for _ in range(40)]

    first, second = draw(), draw()
    assert first == second
    assert {None} < set(first)


def test_unknown_fault_kind_is_refused(fresh: SimulatorServer) -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        fresh.set_faults(fail_next=("meteor", 1))
