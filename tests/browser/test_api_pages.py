"""The API tokens page and the API docs in a real browser: a token made, used and revoked;
Swagger UI and ReDoc drawn from our own static files, nothing fetched from another host."""

from urllib.parse import urlsplit

import pytest

from portfolio.api.models import ApiToken
from tests.browser.conftest import screenshot
from tests.browser.test_accounts_pages import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_token_is_made_shown_once_used_and_revoked(page, live_server):
    UserFactory(username="token_user")
    log_in(page, live_server, "token_user")
    page.wait_for_selector("h1:has-text('Dashboard')")
    page.goto(f"{live_server.url}/accounts/profile/")
    page.click("text=API tokens")
    page.fill("#id_name", "spreadsheet")
    page.click("button.primary")
    raw = page.inner_text("#new-token").strip()
    assert raw.startswith("kp_") and len(raw) == 67
    screenshot(page, "api-token-made")
    headers = {"Authorization": f"Token {raw}"}
    answer = page.request.get(f"{live_server.url}/api/v1/holdings/", headers=headers)
    assert answer.status == 200 and answer.json()["holdings"] == []
    refused = page.request.post(
        f"{live_server.url}/api/v1/tokens/", headers=headers, data={"name": "x"}
    )
    assert refused.status == 403  # read-only by default
    page.reload()
    assert raw not in page.content() and "spreadsheet" in page.inner_text("table")
    page.click("button.danger")
    page.wait_for_selector("text=No tokens yet.")
    assert not ApiToken.objects.exists()
    gone = page.request.get(f"{live_server.url}/api/v1/holdings/", headers=headers)
    assert gone.status == 401 and gone.json()["error"]["code"] == "authentication_failed"


@pytest.mark.parametrize(("path", "drawn"), [("docs", ".swagger-ui .info"), ("redoc", ".api-info")])
def test_the_api_docs_draw_from_our_own_files(page, live_server, path, drawn):
    asked, failed = set(), {}
    page.on("request", lambda request: asked.add(urlsplit(request.url).netloc))
    page.on("requestfailed", lambda request: failed.update({request.url: request.failure}))
    page.goto(f"{live_server.url}/api/v1/{path}/")
    page.wait_for_selector(drawn)
    assert "Kraken Portfolio API v1" in page.inner_text(drawn)
    page.wait_for_timeout(500)
    # not even ReDoc's logo from Redocly's servers is asked for (the CSP would stop it)
    assert asked - {""} == {urlsplit(live_server.url).netloc} and failed == {}, (asked, failed)
    screenshot(page, f"api-{path}")
