"""Every fault the simulator injects is retried by the client; the data still equals the truth."""

from __future__ import annotations

import pytest

from portfolio.kraken import KrakenFuturesClient, KrakenPublicClient, MemoryState
from portfolio.simulator import FAULT_KINDS, SimAccount, SimulatorServer

from .conftest import spot_client
from .truth import client_fill_row, client_ledger_row, fill_row, ledger_row

SPOT_KINDS = sorted(FAULT_KINDS)
assert SPOT_KINDS == [
    "http_500",
    "http_502",
    "http_503",
    "http_504",
    "http_520",
    "service_busy",
    "service_unavailable",
    "slow",
    "truncated",
]


@pytest.fixture(scope="module")
def small_account(sim: SimulatorServer) -> SimAccount:
    """300 ledger rows: 7 pages, so each paging run fits in one burst of the rate counter."""
    return sim.add_account(seed=41, size=300)


def faults(sim: SimulatorServer, kind: str) -> int:
    return sim.counters["faults"].get(kind, 0)


@pytest.mark.parametrize("kind", SPOT_KINDS)
def test_ledger_paging_retries_each_fault_kind_and_equals_the_truth(
    sim: SimulatorServer, small_account: SimAccount, state: MemoryState, kind: str
) -> None:
    # "slow" answers after 0.6 s; a 0.3 s client timeout turns that into a retried timeout.
    sim.set_faults(fail_next=(kind, 2, "private/Ledgers"), slow_seconds=0.6)
    client = spot_client(sim, small_account, state, timeout=0.3 if kind == "slow" else 10)
    before = faults(sim, kind)
    received = [client_ledger_row(e) for e in client.iter_ledgers()]
    assert received == [ledger_row(e) for e in reversed(small_account.truth.ledgers)]
    assert len(received) == 301
    assert faults(sim, kind) - before == 2


@pytest.mark.parametrize("kind", ["http_502", "service_unavailable", "truncated"])
def test_futures_fills_retry_faults_and_equal_the_truth(
    sim: SimulatorServer, futures: KrakenFuturesClient, futures_account: SimAccount, kind: str
) -> None:
    sim.set_faults(fail_next=(kind, 2, "futures/fills"))
    before = faults(sim, kind)
    received = [client_fill_row(f) for f in futures.iter_fills()]
    assert received == [fill_row(f) for f in reversed(futures_account.truth.futures_fills)]
    assert faults(sim, kind) - before == 2


@pytest.mark.parametrize("kind", ["http_504", "service_busy", "truncated"])
def test_public_ohlc_retries_faults(
    sim: SimulatorServer, public: KrakenPublicClient, kind: str
) -> None:
    expected, expected_last = public.ohlc("XBTUSD", interval=1440)
    sim.set_faults(fail_next=(kind, 2, "public/OHLC"))
    before = faults(sim, kind)
    bars, last = public.ohlc("XBTUSD", interval=1440)
    # The open candle keeps trading between the two calls; the closed ones never change.
    assert bars[:-1] == expected[:-1]
    assert (bars[-1].time, last) == (expected[-1].time, expected_last)
    assert faults(sim, kind) - before == 2
