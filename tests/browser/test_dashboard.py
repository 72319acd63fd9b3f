"""The dashboard and a tax year page over a synced simulator account, in a real browser."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from portfolio.books.models import YearResult
from portfolio.books.prices import prices_fill_for
from portfolio.books.selectors import overview_for
from portfolio.books.services import accounting_rebuild
from portfolio.simulator.server import SimulatorServer
from tests.browser.conftest import screenshot
from tests.factories import PASSWORD, UserFactory
from tests.simulated import SPEED, connect, sync

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def simulator():
    server = SimulatorServer(speed=SPEED, seed=31).start()
    yield server
    server.stop()


@pytest.fixture
def synced_user(simulator, settings, tmp_path):
    settings.KRAKEN_PUBLIC_RATE = "1000"
    if not settings.REDIS_URL:
        settings.KRAKEN_STATE_DIR = tmp_path / "state"
    user = UserFactory(username="dash_user")
    connection = connect(simulator, simulator.add_account(seed=8, size=500), user=user)
    assert sync(connection).state == "succeeded"
    prices_fill_for(user=user)  # prices first, then numbers
    run = accounting_rebuild(user=user, as_of=datetime(2026, 1, 1, tzinfo=UTC))
    return user, run


def test_dashboard_shows_holdings_value_chart_and_tax_years(page, live_server, synced_user):
    user, run = synced_user
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("canvas#value-chart[data-drawn='1']")  # Chart.js drew it
    holdings = page.locator("section:has(h2:text('Holdings')) tbody tr")
    held = [
        asset
        for asset, row in run.pnl.items()
        if Decimal(row["holding"]) != 0
        or Decimal(row.get("held_outside", "0")) != 0
        or Decimal(row["realized"]) != 0  # sold out: its realized gain is in the total
    ]
    held += [cash["asset"] for cash in run.cash]  # fiat balances are holdings too
    assert holdings.count() == len(held) > 0
    names = [text.split()[0] for text in holdings.locator("td:first-child").all_inner_texts()]
    assert sorted(names) == sorted(held)
    realized = overview_for(run=run).realized
    total = page.locator("[data-total='realized']").inner_text()
    assert total == page.locator("[data-figure='realized']").inner_text() == f"{realized:,.2f} USD"
    years = YearResult.objects.filter(run=run).count()
    assert page.locator("section:has(h2:text('Tax years')) tbody tr").count() == years
    screenshot(page, "dashboard-laptop")

    page.goto(f"{live_server.url}/holdings/BTC/")  # the asset page over real candles
    page.wait_for_selector("canvas#asset-chart[data-drawn='1']")
    prices = page.evaluate("Chart.getChart('asset-chart').data.datasets[0].data.length")
    assert prices > 0
    assert "Price: Kraken's candles of" in page.content()
    screenshot(page, "asset-btc-laptop")
    page.goto(live_server.url + "/")

    page.locator("section:has(h2:text('Tax years')) tbody tr a").first.click()
    page.wait_for_selector("h2:text('Sales (')")
    newest = YearResult.objects.filter(run=run).order_by("-year").first()
    start = date.fromisoformat(newest.summary["period"]["start"])
    title = page.locator("h1").inner_text().replace("\u00a0", " ")
    assert title.startswith(f"Tax year {start.day} {start:%b %Y} – ")
    screenshot(page, "tax-year-laptop")
