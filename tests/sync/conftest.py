"""Sync tests run over real HTTP against the Kraken simulator in a background thread.

The simulator runs SPEED times faster than Kraken and each connection uses a custom tier whose
decay is scaled by the same factor, so the client's shared rate limiter paces itself exactly as
it would against Kraken, only faster.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from portfolio.models import SyncRun, SyncTrigger
from portfolio.simulator.server import SimulatorServer
from portfolio.sync.pipeline import sync_run_execute
from portfolio.sync.runs import sync_request
from tests.factories import UserFactory, make_connection

SPEED = 100
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def simulator():
    server = SimulatorServer(speed=SPEED, seed=11).start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def sync_settings(settings, tmp_path):
    settings.KRAKEN_PUBLIC_RATE = "1000"
    settings.KRAKEN_RETRY_BASE_DELAY = 0.005
    settings.KRAKEN_SYNC_EXPORT_POLL_SECONDS = 0.01
    settings.KRAKEN_SYNC_EXPORT_THRESHOLD = 5000
    if not settings.REDIS_URL:
        settings.KRAKEN_STATE_DIR = tmp_path / "kraken-state"
    return settings


@pytest.fixture(autouse=True)
def clear_faults(simulator):
    yield
    simulator.faults.clear()


def connect(simulator, account, *, user=None, label="Main", futures=True):
    """A KrakenConnection for a simulator account, at the account's tier times SPEED."""
    credentials = account.credentials()
    user = user or UserFactory()
    extra = {}
    if futures:
        extra = {
            "futures_key": credentials["futures_key"],
            "futures_secret": credentials["futures_secret"],
        }
    return make_connection(
        user=user,
        label=label,
        api_key=credentials["spot_key"],
        api_secret=credentials["spot_secret"],
        api_url=simulator.base_url,
        futures_url=simulator.futures_base_url,
        rate_tier="custom",
        rate_max=Decimal(20),
        rate_decay=Decimal(SPEED),
        **extra,
    )


def run_sync(connection, *, full=False, trigger=SyncTrigger.COMMAND, **options) -> SyncRun:
    """Request and execute a sync in this thread; the finished run, reloaded."""
    run, _ = sync_request(connection=connection, trigger=trigger, full=full)
    sync_run_execute(run_id=run.pk, **options)
    return SyncRun.objects.get(pk=run.pk)


def when(ticks: int) -> dt.datetime:
    return EPOCH + dt.timedelta(microseconds=ticks * 100)


def spot_calls(simulator, account) -> dict[str, int]:
    return dict(simulator.counters["calls"].get(account.spot_key, {}))


def futures_calls(simulator, account) -> dict[str, int]:
    return dict(simulator.counters["calls"].get(account.futures_key, {}))


def truth_ledger(account) -> set[tuple]:
    return {
        (e.id, e.refid, when(e.ticks), e.type, e.subtype, e.asset, e.amount, e.fee, e.balance)
        for e in account.truth.ledgers
    }


def stored_ledger(connection) -> set[tuple]:
    fields = (
        "ledger_id",
        "refid",
        "time",
        "type",
        "subtype",
        "raw_asset",
        "amount",
        "fee",
        "balance",
    )
    return set(connection.ledger_entries.values_list(*fields))


def truth_trades(account) -> set[tuple]:
    return {
        (t.txid, t.ordertxid, t.pair, when(t.ticks), t.type, t.price, t.cost, t.fee, t.vol)
        for t in account.truth.trades
    }


def stored_trades(connection) -> set[tuple]:
    fields = ("txid", "ordertxid", "pair", "time", "type", "price", "cost", "fee", "vol")
    return set(connection.trades.values_list(*fields))


def database_state(connection) -> dict[str, set]:
    """Everything a sync writes that must not depend on how the sync got there."""
    return {
        "ledger": stored_ledger(connection),
        "trades": stored_trades(connection),
        "orders": set(
            connection.closed_orders.values_list("txid", "status", "vol_exec", "closetm")
        ),
        "fills": set(connection.futures_fills.values_list("fill_id", "size", "price")),
        "log": set(connection.futures_log_entries.values_list("log_id", "info", "new_balance")),
        "cursors": set(connection.sync_cursors.values_list("dataset", "position")),
    }
