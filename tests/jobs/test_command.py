"""python manage.py jobs list / cancel."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jobs.models import Job, JobKind, JobState
from jobs.services import job_claim, job_request
from portfolio.models import SyncRun, SyncState
from portfolio.sync.runs import sync_request
from tests.factories import UserFactory, make_connection

pytestmark = pytest.mark.django_db(transaction=True)


def jobs(*args) -> str:
    out = StringIO()
    call_command("jobs", *args, stdout=out)
    return out.getvalue()


def test_list_shows_jobs_newest_first_filtered_by_user_and_state():
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    done, _ = job_request(kind=JobKind.REBUILD, target=f"user:{alice.pk}", owner=alice)
    job_claim(job_id=done.pk)
    Job.objects.filter(pk=done.pk).update(state=JobState.SUCCEEDED)
    queued, _ = job_request(kind=JobKind.REBUILD, target=f"user:{alice.pk}", owner=alice)
    other, _ = job_request(kind=JobKind.PRICES, target="pair:XBTUSD", owner=bob)

    lines = jobs("list", "--user", "alice").splitlines()

    assert lines[0].split() == [
        "ID", "Kind", "Owner", "Target", "State", "Started", "Finished", "Heartbeat", "Error"
    ]  # fmt: skip
    assert [line.split()[:5] for line in lines[1:]] == [
        [str(queued.pk), "rebuild", "alice", f"user:{alice.pk}", "queued"],
        [str(done.pk), "rebuild", "alice", f"user:{alice.pk}", "succeeded"],
    ]
    assert [line.split()[0] for line in jobs("list", "--state", "queued").splitlines()[1:]] == [
        str(other.pk),
        str(queued.pk),
    ]
    assert jobs("list", "--user", "bob", "--state", "failed") == "No jobs.\n"
    with pytest.raises(CommandError, match="No user named 'carol'"):
        jobs("list", "--user", "carol")


def test_cancel_stops_a_sync_and_its_run_and_refuses_what_is_not_active():
    connection = make_connection(user=UserFactory())
    run, _ = sync_request(connection=connection)

    out = jobs("cancel", str(run.job_id))

    assert out == f"Job #{run.job_id} (sync connection:{connection.pk}) cancelled.\n"
    run = SyncRun.objects.get(pk=run.pk)
    assert (run.state, run.error) == (SyncState.CANCELLED, "Cancelled.")
    assert Job.objects.get(pk=run.job_id).state == JobState.CANCELLED
    with pytest.raises(
        CommandError, match=f"Job #{run.job_id} is not active \\(it is cancelled\\)"
    ):
        jobs("cancel", str(run.job_id))
    with pytest.raises(CommandError, match="No job #999999"):
        jobs("cancel", "999999")
    fresh, created = sync_request(connection=connection)  # the next request starts afresh
    assert created and fresh.pk != run.pk
