"""In a real Chromium: "Sync now" answers before the sync ends and the progress display follows
it to the end, run by a real Celery worker process; the connection form refuses a wrong secret
and a duplicate key, saving nothing. Screenshots at 1366 and 390 px under var/screenshots/."""

import pytest

from accounts.models import KrakenConnection
from portfolio.models import SyncRun, SyncState
from portfolio.simulator.server import SimulatorServer
from tests.browser.conftest import screenshot
from tests.celery_worker import celery_worker, queued_tasks  # noqa: F401 (fixtures)
from tests.factories import PASSWORD, UserFactory, secret_for
from tests.simulated import SPEED, connect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def simulator():
    server = SimulatorServer(speed=SPEED, seed=37).start()
    yield server
    server.stop()


@pytest.fixture
def worker_env():
    return {
        "KRAKEN_PUBLIC_RATE": "1000",
        "KRAKEN_RETRY_BASE_DELAY": "0.005",
        "KRAKEN_SYNC_EXPORT_POLL_SECONDS": "0.01",
        # the sync alone: the price fill and rebuild after it are other tests' business
        "ACCOUNTING_REBUILD_AFTER_SYNC": "false",
    }


@pytest.fixture
def state_dir(settings, tmp_path):
    if not settings.REDIS_URL:
        settings.KRAKEN_STATE_DIR = tmp_path / "state"


def log_in(browser, live_server, user, width):
    height = 900 if width > 500 else 844
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "/accounts/login/" not in page.url
    return context, page


@pytest.mark.usefixtures("state_dir", "celery_worker")
def test_sync_now_returns_at_once_and_the_progress_runs_to_done(browser, live_server, simulator):
    user = UserFactory(username="live_sync")
    connection = connect(simulator, simulator.add_account(seed=91, size=2500), user=user)
    context, page = log_in(browser, live_server, user, 1366)
    page.goto(f"{live_server.url}/accounts/connections/{connection.pk}/")

    with page.expect_navigation():
        page.click("button:text('Sync now')")
    # the answer came while the worker had not finished: the page shows the run queued or running
    state_at_response = page.locator("#sync-status .sync-state").first.inner_text()
    assert state_at_response in ("Queued", "Running")
    assert page.locator("#sync-status").get_attribute("data-active") == "1"
    assert "Sync #1 started." in page.locator(".messages").inner_text()
    run = SyncRun.objects.get(connection=connection)
    screenshot(page, "sync-now-running-1366")

    # the page polls; the display reaches the end without a reload
    page.wait_for_selector("#sync-status[data-active='0']", timeout=120000)
    assert page.locator("#sync-status .sync-state").first.inner_text() == "Succeeded"
    run.refresh_from_db()
    assert run.state == SyncState.SUCCEEDED, run.error
    assert run.started_at is not None
    assert connection.ledger_entries.count() > 0
    # the background-work panel (jobs JSON) followed the same job to its end
    page.wait_for_selector("#jobs-panel li.job-succeeded[data-kind='sync']", timeout=30000)
    screenshot(page, "sync-now-done-1366")

    page.click("nav a:text('Sync history')")
    page.wait_for_selector("#sync-history .sync-run")
    assert page.locator("#sync-history .sync-run h2").first.inner_text().startswith("Sync #1 ·")
    assert page.locator("#sync-history .sync-state").first.inner_text() == "Succeeded"
    ledgers = page.locator("#sync-history tr[data-dataset='ledgers'] td.num").inner_text()
    assert ledgers == f"{run.progress['ledgers']['fetched']} of {run.progress['ledgers']['total']}"
    screenshot(page, "sync-history-1366")
    context.close()

    context, phone = log_in(browser, live_server, user, 390)
    phone.goto(f"{live_server.url}/sync/history/")
    phone.wait_for_selector("#sync-history .sync-run")
    screenshot(phone, "sync-history-390")
    phone.goto(f"{live_server.url}/accounts/connections/{connection.pk}/")
    screenshot(phone, "connection-390")
    context.close()


@pytest.mark.usefixtures("state_dir", "celery_worker")
def test_the_history_page_follows_a_running_sync_by_polling(browser, live_server, simulator):
    user = UserFactory(username="live_history")
    connection = connect(simulator, simulator.add_account(seed=92, size=2500), user=user)
    context, page = log_in(browser, live_server, user, 1366)
    page.goto(f"{live_server.url}/accounts/connections/{connection.pk}/")
    with page.expect_navigation():
        page.click("button:text('Sync now')")
    page.goto(f"{live_server.url}/sync/history/")
    assert page.locator("#sync-history").get_attribute("data-active") == "1"
    page.wait_for_selector("#sync-history .sync-state:text('Succeeded')", timeout=120000)
    assert SyncRun.objects.get(connection=connection).state == SyncState.SUCCEEDED
    context.close()


def test_the_form_refuses_a_wrong_secret_and_a_duplicate_key(
    browser, live_server, simulator, settings, state_dir
):
    settings.KRAKEN_CHECK_KEYS_ON_SAVE = True
    settings.KRAKEN_RETRY_BASE_DELAY = 0.005
    account = simulator.add_account(seed=93, size=20)
    credentials = account.credentials()
    user = UserFactory(username="key_checks")
    context, page = log_in(browser, live_server, user, 1366)

    def submit(label, secret):
        page.goto(f"{live_server.url}/accounts/connections/add/")
        page.fill("#id_label", label)
        page.fill("#id_api_key", credentials["spot_key"])
        page.fill("#id_api_secret", secret)
        page.fill("#id_api_url", simulator.base_url)
        page.fill("#id_futures_url", simulator.futures_base_url)
        with page.expect_navigation():
            page.click("main form button[type=submit]")

    submit("Wrong", secret_for("not the secret"))
    assert "the API secret does not match the key" in page.content()
    assert not KrakenConnection.objects.filter(user=user).exists()
    screenshot(page, "connection-wrong-secret-1366")

    submit("Main", credentials["spot_secret"])
    assert "saved" in page.locator(".messages").inner_text()
    submit("Again", credentials["spot_secret"])
    assert "You already have a connection with this API key (“Main”)" in page.content()
    assert list(KrakenConnection.objects.filter(user=user).values_list("label", flat=True)) == [
        "Main"
    ]
    screenshot(page, "connection-duplicate-key-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "connection-duplicate-key-390")
    context.close()


def test_open_orders_page_at_1366_and_390(browser, live_server, simulator, state_dir, settings):
    from portfolio.models import OpenOrder
    from portfolio.templatetags.numbers import qty
    from tests.simulated import sync

    settings.KRAKEN_PUBLIC_RATE = "1000"
    user = UserFactory(username="orders_page")
    connection = connect(simulator, simulator.add_account(seed=94, size=300), user=user)
    assert sync(connection).state == "succeeded"
    for width, name in ((1366, "open-orders-1366"), (390, "open-orders-390")):
        context, page = log_in(browser, live_server, user, width)
        page.click("nav a:text('Open orders')") if width > 500 else page.goto(
            f"{live_server.url}/orders/"
        )
        page.wait_for_selector("section.open-orders")
        for order in OpenOrder.objects.filter(connection=connection, market="spot"):
            row = page.locator(f"tr[data-order='{order.order_id}'] td.hold")
            assert row.inner_text() == f"{qty(order.hold)} {order.hold_asset}"
        holds = page.locator("table.holds tbody tr")
        assert holds.count() == 2
        assert page.locator("table.holds .bad").count() == 0  # every hold explained
        screenshot(page, name)
        context.close()
