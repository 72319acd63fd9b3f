"""The accounts are recomputed after each successful sync and after a change of settings."""

import pytest
from django.urls import reverse

from portfolio.books.models import AccountingRun
from portfolio.models import SyncRun, SyncTrigger
from portfolio.sync.runs import sync_request
from portfolio.tasks import sync_connection
from tests.factories import UserFactory
from tests.simulated import connect

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_successful_sync_task_rebuilds_the_users_accounts(simulator, eager):
    connection = connect(simulator, simulator.add_account(seed=71, size=150))
    run, _ = sync_request(connection=connection, trigger=SyncTrigger.COMMAND, enqueue=None)
    assert AccountingRun.objects.count() == 0
    assert sync_connection.apply(args=[run.pk]).get() == "succeeded"
    assert SyncRun.objects.get(pk=run.pk).state == "succeeded"
    rebuilt = AccountingRun.objects.get(user=connection.user)
    assert rebuilt.state == AccountingRun.State.SUCCEEDED
    assert rebuilt.event_count > 0


def test_rebuild_after_sync_can_be_switched_off(simulator, eager, settings):
    settings.ACCOUNTING_REBUILD_AFTER_SYNC = False
    connection = connect(simulator, simulator.add_account(seed=72, size=60))
    run, _ = sync_request(connection=connection, trigger=SyncTrigger.COMMAND, enqueue=None)
    sync_connection.apply(args=[run.pk]).get()
    assert AccountingRun.objects.count() == 0


def test_changing_the_profile_recomputes_in_the_new_jurisdiction(simulator, eager, client):
    user = UserFactory()
    connect(simulator, simulator.add_account(seed=73, size=60), user=user)
    client.force_login(user)
    response = client.post(
        reverse("profile"),
        {
            "base_currency": "GBP",
            "jurisdiction": "uk",
            "cost_basis_method": "uk",
            "time_zone": "Europe/London",
        },
        follow=True,
    )
    assert "Your accounts are being recomputed." in response.content.decode()
    run = AccountingRun.objects.get(user=user)
    assert (run.jurisdiction, run.method, run.base_currency) == ("uk", "uk", "GBP")


def test_saving_an_unchanged_profile_does_not_recompute(eager, client):
    user = UserFactory()
    client.force_login(user)
    client.post(
        reverse("profile"),
        {
            "base_currency": "USD",
            "jurisdiction": "us",
            "cost_basis_method": "fifo",
            "time_zone": "UTC",
        },
    )
    assert AccountingRun.objects.count() == 0
