"""Sign-up, connections and navigation in a real browser, on a laptop and a phone."""

import pytest

from accounts.models import KrakenConnection
from tests.browser.conftest import screenshot
from tests.factories import PASSWORD, UserFactory, secret_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_sign_up_then_add_and_delete_a_connection(page, live_server):
    page.goto(f"{live_server.url}/accounts/signup/")
    page.fill("#id_username", "browser_user")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/connections/add/")
    assert "Welcome!" in page.inner_text(".messages")

    page.fill("#id_label", "Browser account")
    page.fill("#id_api_key", "BrowserKey0123456789")
    page.fill("#id_api_secret", "this is not base64")
    page.click("button.primary")
    assert "The API secret is not valid base64" in page.inner_text("main form")
    assert KrakenConnection.objects.count() == 0

    page.fill("#id_api_key", "BrowserKey0123456789")
    page.fill("#id_api_secret", secret_for("browser"))
    page.click("button.primary")
    page.wait_for_selector("dl.facts")
    assert "Brow…6789" in page.inner_text("dl.facts")
    assert secret_for("browser") not in page.content()
    screenshot(page, "connection-detail-laptop")

    page.click("a.button.danger")
    page.wait_for_selector("text=This cannot be undone.")
    assert KrakenConnection.objects.count() == 1
    page.click("button.danger")
    page.wait_for_selector("text=No connections yet.")
    assert KrakenConnection.objects.count() == 0


def test_phone_layout_collapses_the_navigation_behind_a_menu(phone, live_server):
    UserFactory(username="phone_user")
    log_in(phone, live_server, "phone_user")
    phone.wait_for_selector("h1:has-text('Dashboard')")
    nav = phone.locator("nav.nav")
    assert not nav.is_visible()
    phone.click("label.nav-toggle-label")
    assert nav.is_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    screenshot(phone, "dashboard-phone-menu-open")
    phone.click("nav >> text=Connections")
    phone.wait_for_selector("h1:has-text('Kraken connections')")
