"""A dead sync never blocks the next one: a killed process, a run left queued by a failure."""

import queue
import signal
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jobs.models import Job, JobState
from portfolio.kraken_factory import shared_state
from portfolio.models import SyncRun, SyncState
from tests.processes import manage, wait_for
from tests.sync.conftest import connect, stored_ledger, truth_ledger

pytestmark = pytest.mark.django_db(transaction=True)

STALE = 5  # seconds; short for the test, long enough for a busy machine


def child_env(tmp_path) -> dict[str, str]:
    return {
        "KRAKEN_SYNC_STALE_SECONDS": str(STALE),
        "KRAKEN_STATE_DIR": str(tmp_path / "kraken-state"),
        "KRAKEN_PUBLIC_RATE": "1000",
        "KRAKEN_RETRY_BASE_DELAY": "0.005",
        "KRAKEN_SYNC_EXPORT_THRESHOLD": "5000",
        "PYTHONUNBUFFERED": "1",
    }


def test_a_command_waiting_on_a_sync_whose_process_is_killed_takes_over_and_finishes(
    simulator, tmp_path
):
    account = simulator.add_account(seed=1201, size=3000)
    connection = connect(simulator, account)
    user = connection.user.username
    # Every Kraken answer takes 0.3 s (about 35 s for the whole sync), so the first sync is
    # still on its first pages of ledger when this test sees it store some.
    simulator.set_faults(rate=1.0, kinds={"slow"}, slow_seconds=0.3)
    first = manage("kraken_sync", "--user", user, env=child_env(tmp_path))
    try:
        wait_for(
            lambda: _ledger_rows_stored(connection),
            timeout=120,
            what="the first sync to store ledger rows",
        )
        # Then hold its key's request lock, in the shared state its client uses: the first
        # sync stays alive (its heartbeat thread beats) but makes no further Kraken call, so
        # it cannot finish before the second command has joined it, however long a busy
        # machine takes to start that command.
        with shared_state().lock(account.spot_key):
            dead = SyncRun.objects.get(connection=connection)
            assert (dead.state, first.poll()) == (SyncState.RUNNING, None)
            second = manage("kraken_sync", "--user", user, env=child_env(tmp_path))
            joined = f"Sync #{dead.shown_number} is already running; waiting for it."
            seen = _line_with(second, joined)
            first.send_signal(signal.SIGKILL)  # the process that runs the sync dies
            first.wait()
    finally:
        simulator.set_faults(rate=0.0, kinds=set())
        if first.poll() is None:
            first.kill()
            first.wait()
    rest, err = second.communicate(timeout=180)
    out = seen + rest

    assert second.returncode == 0, err
    dead.refresh_from_db()
    note = f"Stopped: no sign of life for {STALE} seconds (the worker probably died)."
    assert (dead.state, dead.error) == (SyncState.FAILED, note)
    assert Job.objects.get(pk=dead.job_id).state == JobState.FAILED
    assert f"Sync #{dead.shown_number} stopped: {note} Starting a new one." in out
    fresh = SyncRun.objects.filter(connection=connection).exclude(pk=dead.pk).get()
    assert fresh.state == SyncState.SUCCEEDED
    assert f"sync #{fresh.shown_number} succeeded" in out
    assert stored_ledger(connection) == truth_ledger(account)


def _ledger_rows_stored(connection) -> bool:
    run = SyncRun.objects.filter(connection=connection).first()
    return run is not None and run.progress.get("ledgers", {}).get("fetched", 0) > 0


def _line_with(process, text: str, *, timeout: float = 120) -> str:
    """Read the child's output up to a line containing `text`; all of it so far.

    A child that neither prints it nor ends within `timeout` is killed, so the test fails
    instead of hanging.
    """
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in process.stdout:
            lines.put(line)
            if text in line:
                return
        lines.put("")  # the child ended

    threading.Thread(target=read, daemon=True).start()
    seen = ""
    while True:
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            process.kill()
            raise AssertionError(f"no {text!r} within {timeout} s: {seen!r}") from None
        seen += line
        if text in line:
            return seen
        if not line:
            raise AssertionError(f"the child ended without printing {text!r}: {seen!r}")


def test_a_transient_failure_on_the_command_line_fails_the_run_instead_of_leaving_it_queued(
    simulator,
):
    account = simulator.add_account(seed=1202, size=200)
    connection = connect(simulator, account)
    user = connection.user.username
    simulator.set_faults(fail_next=("http_503", 1000, "private/TradesHistory"))

    with pytest.raises(CommandError, match="Kraken kept failing"):
        call_command("kraken_sync", "--user", user)

    failed = SyncRun.objects.get(connection=connection)
    assert failed.state == SyncState.FAILED
    assert "Could not reach Kraken" in failed.error  # no network details to users (issue 9.3)
    assert Job.objects.get(pk=failed.job_id).state == JobState.FAILED
    simulator.faults.clear()
    call_command("kraken_sync", "--user", user)  # not blocked by the failed run
    fresh = SyncRun.objects.filter(connection=connection).exclude(pk=failed.pk).get()
    assert fresh.state == SyncState.SUCCEEDED
    assert stored_ledger(connection) == truth_ledger(account)


def test_a_run_left_queued_for_a_retry_that_never_came_does_not_block(simulator, settings):
    from portfolio.sync.pipeline import TransientSyncError, sync_run_execute
    from portfolio.sync.runs import sync_request

    account = simulator.add_account(seed=1203, size=200)
    connection = connect(simulator, account)
    run, _ = sync_request(connection=connection)
    simulator.set_faults(fail_next=("http_503", 1000, "private/TradesHistory"))
    with pytest.raises(TransientSyncError):
        sync_run_execute(run_id=run.pk)  # queued again for a task retry, which never comes
    simulator.faults.clear()
    assert SyncRun.objects.get(pk=run.pk).state == SyncState.QUEUED
    settings.JOB_QUEUE_TIMEOUT_SECONDS = 0

    call_command("kraken_sync", "--user", connection.user.username)

    run.refresh_from_db()
    assert (run.state, run.error) == (
        SyncState.FAILED,
        "Stopped: no worker took it for 0 seconds.",
    )
    fresh = SyncRun.objects.filter(connection=connection).exclude(pk=run.pk).get()
    assert fresh.state == SyncState.SUCCEEDED
