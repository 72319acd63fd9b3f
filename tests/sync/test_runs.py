"""The one-active-run rule lives in the database, and a dead run does not block forever."""

import pytest
from django.db import IntegrityError, transaction

from jobs.models import Job
from portfolio.models import SyncRun, SyncState, SyncTrigger
from portfolio.sync.runs import sync_request, sync_run_claim
from tests.factories import UserFactory, make_connection

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_database_refuses_a_second_active_run_for_one_connection():
    connection = make_connection(user=UserFactory())
    SyncRun.objects.create(connection=connection, trigger=SyncTrigger.MANUAL)
    with pytest.raises(IntegrityError), transaction.atomic():
        SyncRun.objects.create(
            connection=connection, trigger=SyncTrigger.SCHEDULE, state=SyncState.RUNNING
        )
    SyncRun.objects.create(
        connection=connection, trigger=SyncTrigger.SCHEDULE, state=SyncState.SUCCEEDED
    )
    assert SyncRun.objects.filter(connection=connection).count() == 2


def test_a_request_joins_the_active_run_and_enqueues_nothing():
    connection = make_connection(user=UserFactory())
    enqueued = []
    first, created_first = sync_request(connection=connection, enqueue=enqueued.append)
    second, created_second = sync_request(connection=connection, enqueue=enqueued.append)
    assert (created_first, created_second) == (True, False)
    assert second.pk == first.pk
    assert enqueued == [first]


def test_a_run_without_progress_for_too_long_is_failed_and_replaced(settings):
    connection = make_connection(user=UserFactory())
    dead, _ = sync_request(connection=connection)
    assert sync_run_claim(run_id=dead.pk) is not None  # a worker took it, then died
    settings.KRAKEN_SYNC_STALE_SECONDS = 0

    fresh, created = sync_request(connection=connection)

    assert created and fresh.pk != dead.pk
    dead.refresh_from_db()
    assert dead.state == SyncState.FAILED
    assert dead.error == "Stopped: no sign of life for 0 seconds (the worker probably died)."
    assert Job.objects.get(pk=dead.job_id).error == dead.error
