"""The Kraken client against the Kraken simulator over real HTTP on 127.0.0.1.

One simulator runs the session at speed 50: a Pro key's counter decays 50 units/s there, so the
clients use ``scaled(TIERS["pro"], 50)`` = RateTier(20, 50) and the scaled public and futures tiers.
One MemoryState is shared by every client of the session, as one process would share it, so the
client's model of each key's counter stays in step with the simulator's from test to test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from portfolio.kraken import (
    FUTURES_DERIVATIVES_TIER,
    FUTURES_HISTORY_TIER,
    PUBLIC_TIER,
    TIERS,
    KrakenFuturesClient,
    KrakenPublicClient,
    KrakenSpotClient,
    MemoryState,
    RetryPolicy,
    SharedState,
    scaled,
)
from portfolio.simulator import SimAccount, SimulatorServer

SPEED = 50
SPOT_TIER = scaled(TIERS["pro"], SPEED)  # RateTier(20, 50)
FAST_RETRY = RetryPolicy(max_retries=6, base_delay=0.05, max_delay=1.0)


@pytest.fixture(scope="session")
def sim() -> Iterator[SimulatorServer]:
    with SimulatorServer(speed=SPEED, seed=0) as server:
        yield server


@pytest.fixture(scope="session")
def state() -> MemoryState:
    return MemoryState()


@pytest.fixture(scope="session")
def account(sim: SimulatorServer) -> SimAccount:
    """A read-only account of about 1,500 ledger rows that no test changes."""
    return sim.add_account(seed=7, size=1500)


@pytest.fixture(scope="session")
def futures_account(sim: SimulatorServer) -> SimAccount:
    """Enough futures history for several fills pages and account-log pages."""
    return sim.add_account(seed=11, size=12_000)


def spot_client(
    sim: SimulatorServer,
    account: SimAccount,
    state: SharedState,
    *,
    key: str | None = None,
    secret: str | None = None,
    timeout: float = 10,
    retry: RetryPolicy = FAST_RETRY,
) -> KrakenSpotClient:
    return KrakenSpotClient(
        api_key=account.spot_key if key is None else key,
        api_secret=account.spot_secret if secret is None else secret,
        base_url=sim.base_url,
        tier=SPOT_TIER,
        state=state,
        timeout=timeout,
        retry=retry,
    )


def public_client(
    sim: SimulatorServer, state: SharedState, *, timeout: float = 10
) -> KrakenPublicClient:
    return KrakenPublicClient(
        base_url=sim.base_url,
        state=state,
        tier=scaled(PUBLIC_TIER, SPEED),
        timeout=timeout,
        retry=FAST_RETRY,
    )


def futures_client(
    sim: SimulatorServer, account: SimAccount, state: SharedState, **kwargs: object
) -> KrakenFuturesClient:
    return KrakenFuturesClient(
        api_key=account.futures_key,
        api_secret=account.futures_secret,
        base_url=sim.futures_base_url,
        state=state,
        derivatives_tier=scaled(FUTURES_DERIVATIVES_TIER, SPEED),
        history_tier=scaled(FUTURES_HISTORY_TIER, SPEED),
        retry=FAST_RETRY,
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.fixture
def spot(sim: SimulatorServer, account: SimAccount, state: MemoryState) -> KrakenSpotClient:
    return spot_client(sim, account, state)


@pytest.fixture
def public(sim: SimulatorServer, state: MemoryState) -> KrakenPublicClient:
    return public_client(sim, state)


@pytest.fixture
def futures(
    sim: SimulatorServer, futures_account: SimAccount, state: MemoryState
) -> KrakenFuturesClient:
    return futures_client(sim, futures_account, state)
