"""Helpers for tests that sync from the Kraken simulator over real HTTP."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portfolio.models import SyncRun, SyncTrigger
from portfolio.simulator.server import SimulatorServer
from portfolio.sync.pipeline import sync_run_execute
from portfolio.sync.runs import sync_request
from tests.factories import UserFactory, make_connection

SPEED = 100


def connect(simulator, account, *, user=None, label: str = "Main"):
    """A connection to a simulator account at the Pro tier scaled by SPEED."""
    credentials = account.credentials()
    return make_connection(
        user=user or UserFactory(),
        label=label,
        api_key=credentials["spot_key"],
        api_secret=credentials["spot_secret"],
        futures_key=credentials["futures_key"],
        futures_secret=credentials["futures_secret"],
        api_url=simulator.base_url,
        futures_url=simulator.futures_base_url,
        rate_tier="custom",
        rate_max=Decimal(20),
        rate_decay=Decimal(SPEED),
    )


def sync(connection) -> SyncRun:
    run, _ = sync_request(connection=connection, trigger=SyncTrigger.COMMAND, full=False)
    sync_run_execute(run_id=run.pk)
    return SyncRun.objects.get(pk=run.pk)


@pytest.fixture(scope="session")
def simulator():
    """One simulator for a test folder (import this fixture in its conftest)."""
    server = SimulatorServer(speed=SPEED, seed=23).start()
    yield server
    server.stop()


@pytest.fixture
def fast_public_calls(settings, tmp_path):
    """Public calls paced for the simulator's speed; shared state in the test's own folder."""
    settings.KRAKEN_PUBLIC_RATE = "1000"
    settings.KRAKEN_RETRY_BASE_DELAY = 0.005
    if not settings.REDIS_URL:
        settings.KRAKEN_STATE_DIR = tmp_path / "kraken-state"
    return settings
