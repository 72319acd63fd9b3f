"""The older pages (connections, sync, open orders, prices, unknown basis, profile, import, API
tokens, the report Download panel) in a real Chromium at 1366 and 390 px: no sideways scrolling,
every form field labelled, moments in the one format and the user's zone.

Screenshots go to var/screenshots/older-*.png.
"""

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_pages import (
    assert_fits,
    viewport,  # noqa: F401  (the 1366/390 px fixture)
)
from tests.factories import PASSWORD
from tests.portfolio.test_dates import SHOWN, dated_user, pages_of, set_zone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UNLABELLED = """() => [...document.querySelectorAll('main input, main select, main textarea')]
  .filter(f => f.type !== 'hidden' && !(f.labels && f.labels.length)
          && !f.getAttribute('aria-label') && !f.getAttribute('aria-labelledby'))
  .map(f => f.name || f.id || f.outerHTML.slice(0, 60))"""


def test_older_pages_fit_label_their_fields_and_show_the_users_zone(viewport, live_server):  # noqa: F811
    kind, width, page, errors = viewport
    user, connection, books = dated_user(f"older_{kind}")
    zone = "America/New_York"
    set_zone(user, books, zone)
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    dated = pages_of(connection, books)
    forms = {
        "/accounts/connections/": [],
        "/accounts/connections/add/": [],
        "/accounts/connections/add-csv/": [],
        f"/accounts/connections/{connection.pk}/edit/": [],
        "/accounts/profile/": [],
    }
    for url, moments in {**dated, **forms}.items():
        page.goto(base + url)
        page.wait_for_load_state("load")
        name = url.strip("/").replace("/", "-") or "home"
        assert_fits(page, url, width)
        assert page.evaluate(UNLABELLED) == [], url
        text = page.locator("main").inner_text()
        for moment in moments:
            assert SHOWN[zone][moment] in text, (url, moment)
        screenshot(page, f"older-{name.replace(str(connection.pk), 'N')}-{kind}")
    assert errors == []
