"""Helpers for tests that sync from the Kraken simulator over real HTTP."""

from __future__ import annotations

from decimal import Decimal

from portfolio.models import SyncRun, SyncTrigger
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
