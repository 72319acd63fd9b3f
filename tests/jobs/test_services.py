"""Jobs: one active per (kind, target), joined at enqueue, follow-ups, expiry of dead ones."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from jobs.models import Job, JobKind, JobState
from jobs.runner import job_run
from jobs.services import (
    job_cancel,
    job_claim,
    job_finish,
    job_request,
    jobs_expire_stale,
    was_abandoned,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def request(user, *, target="user:1", kind=JobKind.REBUILD, **options):
    return job_request(kind=kind, target=target, owner=user, **options)


def test_the_database_refuses_a_second_active_job_for_one_kind_and_target():
    user = UserFactory()
    Job.objects.create(kind=JobKind.REBUILD, target="user:1", owner=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Job.objects.create(kind=JobKind.REBUILD, target="user:1", state=JobState.RUNNING)
    Job.objects.create(kind=JobKind.SYNC, target="user:1", owner=user)  # another kind
    Job.objects.create(kind=JobKind.REBUILD, target="user:2", owner=user)  # another target
    assert Job.objects.count() == 3


def test_requests_for_a_queued_job_join_it_and_enqueue_nothing_more():
    user = UserFactory()
    enqueued = []
    first, created_first = request(user, reason="sync #1", enqueue=enqueued.append)
    second, created_second = request(user, reason="sync #2", enqueue=enqueued.append)
    assert (created_first, created_second) == (True, False)
    assert second.pk == first.pk
    assert enqueued == [first]
    first.refresh_from_db()
    assert first.reasons == ["sync #1", "sync #2"]
    assert first.follow_up is False  # it has not read its inputs yet: no second run needed


def test_requests_while_a_job_runs_make_exactly_one_follow_up():
    user = UserFactory()
    job, _ = request(user, reason="first")
    assert job_claim(job_id=job.pk) is not None
    for n in range(3):
        joined, created = request(user, reason=f"change {n}", follow_up=True)
        assert (joined.pk, created) == (job.pk, False)
    enqueued = []

    follow = job_finish(job=job, state=JobState.SUCCEEDED, enqueue=enqueued.append)

    assert follow is not None and follow.pk != job.pk
    assert enqueued == [follow]
    assert follow.state == JobState.QUEUED
    assert follow.reasons == [f"follow-up of job #{job.pk}"]
    assert Job.objects.filter(kind=JobKind.REBUILD, target="user:1").count() == 2
    assert job_finish(job=follow, state=JobState.SUCCEEDED) is None  # no request meanwhile


def test_a_running_job_without_a_heartbeat_for_too_long_is_failed_with_a_reason(settings):
    settings.JOB_STALE_SECONDS = 60
    user = UserFactory()
    job, _ = request(user)
    job_claim(job_id=job.pk)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=59))
    assert jobs_expire_stale() == []  # still within its limit
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=61))

    fresh, created = request(user)

    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error == "Stopped: no sign of life for 60 seconds (the worker probably died)."
    assert was_abandoned(job)
    assert created and fresh.pk != job.pk and fresh.state == JobState.QUEUED


def test_a_queued_job_no_worker_took_is_failed_after_the_queue_timeout(settings):
    settings.JOB_QUEUE_TIMEOUT_SECONDS = 600
    user = UserFactory()
    job, _ = request(user)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=599))
    assert request(user)[0].pk == job.pk
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=601))

    fresh, created = request(user)

    job.refresh_from_db()
    assert (job.state, job.error) == (JobState.FAILED, "Stopped: no worker took it for 10 minutes.")
    assert created and fresh.pk != job.pk


def test_a_redelivered_task_leaves_a_living_job_alone_and_takes_over_a_dead_one(settings):
    settings.JOB_STALE_SECONDS = 60
    job, _ = request(UserFactory())
    assert job_claim(job_id=job.pk) is not None
    assert job_claim(job_id=job.pk) is None  # another worker has it and is alive
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=61))
    assert job_claim(job_id=job.pk).state == JobState.RUNNING
    job_finish(job=job, state=JobState.SUCCEEDED)
    assert job_claim(job_id=job.pk) is None  # finished: nothing to do


def test_the_runner_records_success_failure_and_progress():
    user = UserFactory()
    ok, _ = request(user, target="a")
    ended = job_run(job_id=ok.pk, work=lambda job, progress: progress(done=3, total=4, stage="x"))
    assert ended.state == JobState.SUCCEEDED
    assert ended.progress == {"done": 3, "total": 4, "stage": "x"}
    assert ended.started_at <= ended.finished_at

    bad, _ = request(user, target="b")

    def fail(job, progress):
        raise ValueError("no prices for XYZ")

    ended = job_run(job_id=bad.pk, work=fail)
    assert (ended.state, ended.error) == (JobState.FAILED, "ValueError: no prices for XYZ")
    assert job_run(job_id=bad.pk, work=fail) is None


def test_a_cancelled_job_stops_at_its_next_progress_report_and_stays_cancelled():
    job, _ = request(UserFactory())
    reached = []

    def work(job, progress):
        progress(done=1)
        assert job_cancel(job_id=job.pk)
        progress(done=2)  # raises: the job was cancelled
        reached.append("after")

    ended = job_run(job_id=job.pk, work=work)
    assert (ended.state, ended.error) == (JobState.CANCELLED, "Cancelled.")
    assert ended.progress == {"done": 1}
    assert reached == []
    assert job_cancel(job_id=job.pk) is False


def test_the_beat_task_fails_a_dead_rebuild_and_its_run_without_any_new_request(settings):
    from jobs.tasks import expire_stale_jobs
    from portfolio.books.models import AccountingRun

    settings.JOB_STALE_SECONDS = 60
    user = UserFactory()
    job, _ = request(user, target=f"user:{user.pk}")
    job_claim(job_id=job.pk)
    run = AccountingRun.objects.create(
        user=user, job=job, jurisdiction="us", method="fifo", base_currency="USD",
        as_of=timezone.now(), inputs_digest="x",
    )  # fmt: skip
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(seconds=61))

    assert expire_stale_jobs.apply().get() == 1

    run.refresh_from_db()
    note = "Stopped: no sign of life for 60 seconds (the worker probably died)."
    assert (run.state, run.error) == (AccountingRun.State.FAILED, note)
    assert run.finished_at is not None
    assert expire_stale_jobs.apply().get() == 0


def test_progress_inside_the_bodys_transaction_leaves_the_row_free_and_a_cancel_still_stops_it(
    settings,
):
    import threading
    import time

    from django.db import connection

    settings.JOB_HEARTBEAT_SECONDS = 0.5
    job, _ = request(UserFactory())
    reached, seen = [], {}

    def elsewhere(action):  # another process would do this on its own connection
        def run():
            try:
                seen.update(action())
            finally:
                connection.close()

        thread = threading.Thread(target=run)
        thread.start()
        thread.join(timeout=20)
        assert not thread.is_alive(), "the job's row is locked by the body's transaction"

    def work(job, progress):
        with transaction.atomic():  # an import: one transaction
            progress(done=1, total=2)
            # the heartbeat thread writes the progress meanwhile, at its next beat (0.5 s)
            deadline = time.monotonic() + 30
            while seen.get("progress") != {"done": 1, "total": 2} and time.monotonic() < deadline:
                time.sleep(0.1)
                elsewhere(lambda: {"progress": Job.objects.get(pk=job.pk).progress})
            elsewhere(lambda: {"cancelled": job_cancel(job_id=job.pk)})
            deadline = time.monotonic() + 10
            while not progress.stopped.is_set() and time.monotonic() < deadline:
                time.sleep(0.05)
            progress(done=2)  # raises: the heartbeat found the job cancelled
            reached.append("after")

    ended = job_run(job_id=job.pk, work=work)

    assert seen == {"progress": {"done": 1, "total": 2}, "cancelled": True}
    assert (ended.state, ended.progress, reached) == (
        JobState.CANCELLED,
        {"done": 1, "total": 2},
        [],
    )


@pytest.mark.usefixtures("eager")
def test_a_job_sent_to_a_worker_keeps_its_task_id_for_a_cancel_to_revoke():
    from portfolio.books.rebuilds import rebuild_enqueue

    user = UserFactory()
    job, _ = request(user, target=f"user:{user.pk}")
    rebuild_enqueue(job)  # eager: it runs here, and its task id is kept all the same
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED and len(job.task_id) == 36


def test_a_report_build_is_a_job_through_the_generic_calls_alone():
    from jobs.services import _stop_hooks, on_job_stopped

    user, enqueued, stopped = UserFactory(), [], []
    on_job_stopped(JobKind.REPORT, lambda ids, state, error: stopped.append((ids, state, error)))
    try:
        job, created = job_request(
            kind=JobKind.REPORT, target="report:7", owner=user, reason="tax year 2024",
            enqueue=enqueued.append,
        )  # fmt: skip
        joined, again = job_request(kind=JobKind.REPORT, target="report:7", owner=user)
        assert (created, again, joined.pk, enqueued) == (True, False, job.pk, [job])

        def build(job, progress):
            progress(done=1, total=3, stage="lots")
            job_cancel(job_id=job.pk)  # `jobs cancel` from elsewhere
            progress(done=2, total=3, stage="pdf")

        ended = job_run(job_id=job.pk, work=build)
    finally:
        _stop_hooks[JobKind.REPORT].pop()
    assert (ended.kind, ended.owner, ended.state) == (JobKind.REPORT, user, JobState.CANCELLED)
    assert ended.progress == {"done": 1, "total": 3, "stage": "lots"}
    assert stopped == [([job.pk], JobState.CANCELLED, "Cancelled.")]  # its detail record follows


def test_requests_joining_one_queued_job_each_keep_their_reason():
    user = UserFactory()
    first, _ = request(user, reason="a")
    for reason in ("b", "c"):
        joined, created = request(user, reason=reason)
        assert (joined.pk, created) == (first.pk, False)
    first.refresh_from_db()
    assert first.reasons == ["a", "b", "c"] and first.follow_up is False
