import datetime as dt
from unittest import mock

import pytest

from jobs.models import Job, JobState
from portfolio.models import SyncRun, SyncState, SyncTrigger
from portfolio.tasks import dispatch_due_syncs
from tests.sync.conftest import connect

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_dispatcher_requests_a_sync_for_each_due_connection_once(simulator, settings):
    assert settings.CELERY_BEAT_SCHEDULE["dispatch-due-syncs"]["schedule"] == 60.0
    hourly = connect(simulator, simulator.add_account(seed=801, size=50), label="Hourly")
    daily = connect(
        simulator, simulator.add_account(seed=802, size=50), label="Daily", user=hourly.user
    )
    daily.sync_interval_minutes = 1440
    daily.save()
    SyncRun.objects.create(connection=daily, trigger=SyncTrigger.MANUAL, state=SyncState.SUCCEEDED)
    with mock.patch(
        "portfolio.tasks.sync_connection.delay", return_value=mock.Mock(id="t-1")
    ) as delay:
        assert dispatch_due_syncs() == 1  # the daily one ran a moment ago
        assert dispatch_due_syncs() == 0  # the hourly one is queued: joined, not duplicated
    run = SyncRun.objects.get(connection=hourly)
    assert run.trigger == SyncTrigger.SCHEDULE
    delay.assert_called_once_with(run.pk)
    SyncRun.objects.filter(pk=run.pk).update(
        state=SyncState.SUCCEEDED, created_at=run.created_at - dt.timedelta(minutes=61)
    )
    Job.objects.filter(pk=run.job_id).update(state=JobState.SUCCEEDED)  # its life ended too
    with mock.patch("portfolio.tasks.sync_connection.delay", return_value=mock.Mock(id="t-2")):
        assert dispatch_due_syncs() == 1
