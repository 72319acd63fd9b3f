"""A crash after any committed window, then a resume, gives an uninterrupted sync's database."""

import pytest

from portfolio.models import SyncRun, SyncState
from portfolio.sync.pipeline import sync_run_execute
from tests.factories import UserFactory
from tests.sync.conftest import connect, database_state, run_sync

pytestmark = pytest.mark.django_db(transaction=True)


class SimulatedCrash(BaseException):
    """Like a killed worker: not an Exception, so nothing in the sync catches it."""


def crash_after(n: int):
    def hook(dataset: str, windows: int) -> None:
        if windows == n:
            raise SimulatedCrash(f"crash after window {n} ({dataset})")

    return hook


def test_a_crash_after_each_window_then_resume_equals_an_uninterrupted_sync(simulator, settings):
    settings.KRAKEN_SYNC_PREFETCH_WINDOWS = 0  # one commit per window: every crash point exists
    account = simulator.add_account(seed=401, size=260)
    reference = connect(simulator, account, label="Reference")
    run = run_sync(reference)
    assert run.state == SyncState.SUCCEEDED
    expected = database_state(reference)
    windows = run.counters["windows"]
    assert windows >= 12

    for n in range(1, windows + 1):  # one key per user: each crash copy has its own user
        connection = connect(simulator, account, label=f"Crash {n}", user=UserFactory())
        with pytest.raises(SimulatedCrash):
            run_sync(connection, after_window=crash_after(n))
        crashed = SyncRun.objects.get(connection=connection)
        assert crashed.state == SyncState.RUNNING  # as a killed worker leaves it
        settings.KRAKEN_SYNC_STALE_SECONDS = 0
        if n % 2:  # the broker redelivers the same task (acks_late)
            sync_run_execute(run_id=crashed.pk)
            resumed = SyncRun.objects.get(pk=crashed.pk)
        else:  # or the next "Sync now" / schedule replaces the dead run
            resumed = run_sync(connection)
            assert SyncRun.objects.get(pk=crashed.pk).state == SyncState.FAILED
        settings.KRAKEN_SYNC_STALE_SECONDS = 900
        assert resumed.state == SyncState.SUCCEEDED, (n, resumed.error)
        assert database_state(connection) == expected, n


@pytest.mark.parametrize("n", [2, 5])
def test_a_crash_with_windows_fetched_ahead_still_resumes_exactly(simulator, settings, n):
    account = simulator.add_account(seed=402, size=400)
    reference = connect(simulator, account, label="Reference")
    assert run_sync(reference).state == SyncState.SUCCEEDED
    connection = connect(simulator, account, label="Crash")  # one key per user: another user

    with pytest.raises(SimulatedCrash):
        run_sync(connection, after_window=crash_after(n))
    settings.KRAKEN_SYNC_STALE_SECONDS = 0
    resumed = run_sync(connection)

    assert resumed.state == SyncState.SUCCEEDED, resumed.error
    assert database_state(connection) == database_state(reference)
