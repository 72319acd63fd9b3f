"""The "Sync now" button: POST, CSRF, owner only; two presses give one run; the page shows runs."""

import time
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from portfolio.celery import app as celery_app
from portfolio.models import SyncRun, SyncState
from tests.conftest import IN_PROCESS_TASKS
from tests.factories import PASSWORD, UserFactory
from tests.sync.conftest import connect

pytestmark = pytest.mark.django_db(transaction=True)


def logged_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_two_sync_now_presses_give_one_run(simulator, client):
    account = simulator.add_account(seed=701, size=300)
    connection = connect(simulator, account)
    logged_in(client, connection.user)
    url = reverse("connection_sync_now", args=[connection.pk])
    with mock.patch("portfolio.sync_views.enqueue_sync_run") as enqueue:
        first = client.post(url)
        second = client.post(url)
    assert first.status_code == second.status_code == 302
    assert SyncRun.objects.filter(connection=connection).count() == 1
    run = SyncRun.objects.get(connection=connection)
    assert run.state == SyncState.QUEUED
    enqueue.assert_called_once_with(run)


@pytest.mark.skipif(IN_PROCESS_TASKS, reason="needs a configured Celery broker (Redis)")
def test_with_a_real_worker_a_second_press_joins_the_running_sync(simulator, client, settings):
    from celery.contrib.testing.worker import start_worker

    settings.ACCOUNTING_REBUILD_AFTER_SYNC = False  # the sync alone: no price fill to wait out

    account = simulator.add_account(seed=702, size=2500)
    connection = connect(simulator, account)
    logged_in(client, connection.user)
    url = reverse("connection_sync_now", args=[connection.pk])
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        client.post(url)
        client.post(url)
        run = SyncRun.objects.get(connection=connection)
        deadline = time.monotonic() + 60
        while SyncRun.objects.get(pk=run.pk).is_active and time.monotonic() < deadline:
            time.sleep(0.1)
    assert SyncRun.objects.filter(connection=connection).count() == 1
    assert SyncRun.objects.get(pk=run.pk).state == SyncState.SUCCEEDED
    assert connection.ledger_entries.count() == len(account.truth.ledgers)


def test_sync_now_in_eager_mode_runs_the_sync_and_the_page_shows_it(simulator, client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    celery_app.conf.task_always_eager = True
    try:
        account = simulator.add_account(seed=703, size=200)
        connection = connect(simulator, account)
        logged_in(client, connection.user)
        response = client.post(reverse("connection_sync_now", args=[connection.pk]), follow=True)
    finally:
        celery_app.conf.task_always_eager = django_settings.CELERY_TASK_ALWAYS_EAGER
    run = SyncRun.objects.get(connection=connection)
    assert run.state == SyncState.SUCCEEDED, run.error
    page = response.content.decode()
    assert f"Sync #{run.number}" in page
    assert "Succeeded" in page
    assert f"{len(account.truth.ledgers)} of {len(account.truth.ledgers)}" in page
    assert "Sync now" in page
    url = reverse("connection_sync_status", args=[connection.pk])
    status = client.get(url, headers={"X-Requested-With": "XMLHttpRequest"})  # the page's poll
    assert status.status_code == 200
    assert 'data-active="0"' in status.content.decode()
    opened = client.get(url)  # opened directly: the connection page, not a bare fragment
    assert opened.status_code == 302
    assert opened["Location"] == reverse("connection_detail", args=[connection.pk]) + "#sync-status"


def test_sync_now_is_post_only_csrf_protected_and_owner_only(simulator, client):
    account = simulator.add_account(seed=704, size=50)
    connection = connect(simulator, account)
    url = reverse("connection_sync_now", args=[connection.pk])
    logged_in(client, UserFactory())
    assert client.post(url).status_code == 404
    client.logout()
    logged_in(client, connection.user)
    assert client.get(url).status_code == 405
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    logged_in(strict, connection.user)
    assert strict.post(url).status_code == 403
    assert not SyncRun.objects.filter(connection=connection).exists()
