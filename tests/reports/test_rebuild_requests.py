"""Rebuild requests coalesce per user, a dead rebuild never blocks, deletions recompute."""

import signal
import threading
import time

import pytest
from django.urls import reverse

from jobs.models import Job, JobKind, JobState
from portfolio.books.models import AccountingRun
from portfolio.books.rebuilds import prices_then_rebuild, rebuild_request
from portfolio.books.selectors import latest_run_for, overview_for
from portfolio.books.services import accounting_rebuild
from tests.factories import PASSWORD, UserFactory
from tests.processes import manage, wait_for
from tests.simulated import connect, sync

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("eager")]

STALE = 3


def synced_user(simulator, *seeds: int):
    user = UserFactory()
    connections = [
        connect(simulator, simulator.add_account(seed=seed, size=150), user=user, label=f"K{seed}")
        for seed in seeds
    ]
    for connection in connections:
        assert sync(connection).state == "succeeded"
    return user, connections


def rebuild_jobs(user):
    return Job.objects.filter(owner=user, kind=JobKind.REBUILD).order_by("pk")


def test_two_concurrent_rebuild_requests_run_one_rebuild(simulator):
    user, _ = synced_user(simulator, 1301)
    barrier = threading.Barrier(2)
    errors = []

    def ask(reason: str) -> None:
        from django.db import connection

        try:
            barrier.wait()
            rebuild_request(user=user, reason=reason)  # eager: the winner runs it
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(f"request {n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert errors == []
    assert AccountingRun.objects.filter(user=user).count() == 1  # one computation
    assert AccountingRun.objects.get(user=user).state == AccountingRun.State.SUCCEEDED
    jobs = list(rebuild_jobs(user))
    assert {job.state for job in jobs} == {JobState.SUCCEEDED}
    # The second request joined the first job, or (if it came while that one ran) made its
    # one follow-up, which found the inputs unchanged.
    assert len(jobs) in (1, 2)
    # Each request is recorded once, on the job it joined or made.
    assert sorted(r for job in jobs for r in job.reasons if r.startswith("request")) == [
        "request 1",
        "request 2",
    ]


def test_a_rebuild_killed_mid_run_is_failed_by_the_heartbeat_check_and_the_next_one_runs(
    simulator, tmp_path, settings
):
    user, _ = synced_user(simulator, 1302)
    child = manage(
        "accounting_rebuild",
        "--user",
        user.username,
        env={
            "JOB_STALE_SECONDS": str(STALE),
            "KRAKEN_STATE_DIR": str(tmp_path / "kraken-state"),
            "KRAKEN_PUBLIC_RATE": "2",  # Kraken's own pace: the prices keep it busy
        },
    )
    wait_for(
        lambda: AccountingRun.objects.filter(user=user, state="running").exists(),
        timeout=120,
        what="the child's rebuild to start computing",
    )
    child.send_signal(signal.SIGKILL)
    child.wait()
    dead = rebuild_jobs(user).get()
    assert dead.state == JobState.RUNNING  # as a killed worker leaves it
    settings.JOB_STALE_SECONDS = STALE

    time.sleep(STALE + 0.5)
    fresh = rebuild_request(user=user, reason="after the worker died")  # eager: runs here

    dead.refresh_from_db()
    note = f"Stopped: no sign of life for {STALE} seconds (the worker probably died)."
    assert (dead.state, dead.error) == (JobState.FAILED, note)
    abandoned = AccountingRun.objects.get(job=dead)
    assert (abandoned.state, abandoned.error) == (AccountingRun.State.FAILED, note)
    fresh.refresh_from_db()
    assert fresh.pk != dead.pk
    assert fresh.state == JobState.SUCCEEDED, fresh.error
    assert AccountingRun.objects.get(job=fresh).state == AccountingRun.State.SUCCEEDED


def holdings(run):
    return [(h.asset, h.quantity, h.cost_basis) for h in overview_for(run=run).holdings]


def test_deleting_a_connection_removes_its_data_from_the_totals(simulator, client):
    user, (kept, deleted) = synced_user(simulator, 1303, 1304)
    rebuild_request(user=user, reason="both synced")
    before = latest_run_for(user=user)
    alone = accounting_rebuild(user=user, connection=kept)  # the kept connection's own books
    assert before.event_count > alone.event_count
    assert holdings(before) != holdings(alone)
    assert client.login(username=user.username, password=PASSWORD)

    response = client.post(reverse("connection_delete", args=[deleted.pk]))

    assert response.status_code == 302
    after = latest_run_for(user=user)
    assert after.pk != before.pk
    assert after.event_count == alone.event_count
    assert holdings(after) == holdings(alone)
    last = rebuild_jobs(user).last()
    assert last.reasons == [f"connection {deleted.label!r} deleted"]
    assert last.state == JobState.SUCCEEDED


def test_the_rebuild_command_runs_as_a_job_and_reports_an_unchanged_run(simulator):
    from io import StringIO

    from django.core.management import call_command

    user, _ = synced_user(simulator, 1305)
    outputs = []
    for _ in range(2):
        out = StringIO()
        call_command("accounting_rebuild", "--user", user.username, stdout=out)
        outputs.append(out.getvalue())

    first, second = rebuild_jobs(user)
    run = AccountingRun.objects.get(user=user)  # the second found the inputs unchanged
    assert run.job == first
    assert (first.state, second.state) == (JobState.SUCCEEDED, JobState.SUCCEEDED)
    assert first.reasons == second.reasons == ["accounting_rebuild command"]
    assert outputs[0].endswith(f"(run {run.pk}, job {first.pk})\n")
    assert outputs[1].endswith(f"(run {run.pk}, job {second.pk})\n")


def test_prices_come_first_then_the_rebuild_both_as_jobs(simulator):
    user, _ = synced_user(simulator, 1311)  # `sync` stores rows only; nothing is priced yet
    Job.objects.filter(owner=user).exclude(kind=JobKind.SYNC).delete()
    AccountingRun.objects.filter(user=user).delete()

    fill = prices_then_rebuild(user=user, reason="test")

    fill.refresh_from_db()
    assert (fill.kind, fill.state) == (JobKind.PRICES, JobState.SUCCEEDED)
    assert fill.progress["calls"] > 0 and fill.progress["candles"] > 0
    (rebuild,) = rebuild_jobs(user)
    assert rebuild.state == JobState.SUCCEEDED and rebuild.reasons == ["prices stored"]
    run = latest_run_for(user=user)
    assert run is not None and run.state == AccountingRun.State.SUCCEEDED
    assert not [p for p in run.problems if p.get("code") == "missing_price"]

    again = prices_then_rebuild(user=user, reason="nothing new")  # everything is stored
    again.refresh_from_db()
    assert (again.state, again.progress["calls"]) == (JobState.SUCCEEDED, 0)
