from __future__ import annotations

from collections.abc import Iterator

import pytest

from portfolio.simulator import SimAccount, SimulatorServer

from .helpers import Futures, Spot

SEED, SIZE = 7, 1500


@pytest.fixture(scope="session")
def sim() -> Iterator[SimulatorServer]:
    """A server so fast (speed 10^6) that limits never bite, shared by most tests."""
    with SimulatorServer(speed=1_000_000, seed=0) as server:
        yield server


@pytest.fixture(scope="session")
def account(sim: SimulatorServer) -> SimAccount:
    return sim.add_account(seed=SEED, size=SIZE)


@pytest.fixture(scope="session")
def spot(sim: SimulatorServer, account: SimAccount) -> Spot:
    return Spot(sim.base_url, account.spot_key, account.spot_secret)


@pytest.fixture(scope="session")
def futures(sim: SimulatorServer, account: SimAccount) -> Futures:
    return Futures(sim.futures_base_url, account.futures_key, account.futures_secret)


@pytest.fixture
def fresh() -> Iterator[SimulatorServer]:
    """A server for tests that change faults, counters or limits (speed 1: real limits)."""
    with SimulatorServer(speed=1, seed=0) as server:
        yield server
