"""Issue 13 point 4 on the older pages: one date format, in the user's zone, everywhere.

Every dated thing a page shows is stored at one UTC moment; a user in London and one in New York
must each see it in their own zone, in the `when` format ('1 Jul 2026 13:34'), and never the UTC
clock time or another format."""

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.services import profile_for
from portfolio.api.models import ApiToken
from portfolio.books.models import UnknownBasisDepositRow
from portfolio.models import ImportRecord, OpenOrder, Reconciliation, SyncRun
from portfolio.prices.models import ManualPrice
from reports.models import ReportFile
from tests.factories import UserFactory, make_books, make_connection

pytestmark = pytest.mark.django_db

SUMMER = dt.datetime(2026, 7, 1, 12, 34, tzinfo=dt.UTC)  # BST: London 13:34, New York 08:34
WINTER = dt.datetime(2026, 12, 7, 4, 5, tzinfo=dt.UTC)  # London 04:05, New York 23:05 on the 6th
NBSP = "\u00a0"
SHOWN = {
    "Europe/London": {
        SUMMER: f"1{NBSP}Jul{NBSP}2026 13:34",
        WINTER: f"7{NBSP}Dec{NBSP}2026 04:05",
    },
    "America/New_York": {
        SUMMER: f"1{NBSP}Jul{NBSP}2026 08:34",
        WINTER: f"6{NBSP}Dec{NBSP}2026 23:05",
    },
}
# Formats the pages used before: ISO, Django's default 'Dec. 6, 2026, 11:20 p.m.', seconds.
OTHER_FORMATS = re.compile(
    r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d|\w{3}\. \d+, \d{4}|[ap]\.m\.|\d\d:\d\d:\d\d"
)


@pytest.fixture
def dated():
    return dated_user("zoned")


def dated_user(username: str):
    """One user whose every dated object sits at SUMMER or WINTER (UTC)."""
    user = UserFactory(username=username)
    connection = make_connection(user=user)
    books = make_books(user=user, connection=connection)
    type(connection).objects.filter(pk=connection.pk).update(created_at=SUMMER)
    SyncRun.objects.filter(pk=books["sync"].pk).update(created_at=SUMMER, finished_at=WINTER)
    Reconciliation.objects.filter(pk=books["reconciliation"].pk).update(created_at=WINTER)
    ImportRecord.objects.filter(pk=books["import"].pk).update(created_at=WINTER)
    unknown = UnknownBasisDepositRow.objects.filter(pk=books["unknown"].pk)
    unknown.update(time=SUMMER, acquired=WINTER)
    order = dict(connection=connection, sync_run=books["sync"], side="buy", order_type="limit",
                 price="100", volume="1", taken_at=WINTER, hold_asset="USD")  # fmt: skip
    OpenOrder.objects.create(market="spot", order_id="O-1", pair="XBTUSD", opened_at=SUMMER,
                             **order)  # fmt: skip
    ManualPrice.objects.create(user=user, asset="BTC", quote="GBP", time=WINTER, price="50000")
    books["run"].problems = [{"code": "missing_price", "asset": "ETH", "time": SUMMER.isoformat(),
                              "message": "no price"}]  # fmt: skip
    books["run"].save(update_fields=["problems"])
    call_command("api_token", user=username, name="script", stdout=StringIO())
    ApiToken.objects.filter(user=user).update(created=SUMMER, last_used_at=WINTER)
    report = ReportFile.objects.create(owner=user, year=2024, format="pdf", path="x.pdf",
                                       parameters={"scope": "all"})  # fmt: skip
    ReportFile.objects.filter(pk=report.pk).update(created_at=WINTER)
    return user, connection, books


def pages_of(connection, books) -> dict[str, list]:
    """Each page and the moments it must show."""
    return {
        f"/accounts/connections/{connection.pk}/": [SUMMER, WINTER],  # added; sync run; reconcil.
        "/sync/history/": [SUMMER, WINTER],
        "/orders/": [SUMMER, WINTER],
        "/reports/prices/": [SUMMER, WINTER],
        "/reports/unknown-basis/": [SUMMER],
        f"/reports/unknown-basis/{books['unknown'].event_id}/": [SUMMER],
        f"/accounts/connections/{connection.pk}/import/": [WINTER],
        "/accounts/profile/tokens/": [SUMMER, WINTER],
        "/reports/tax-year/2024/": [WINTER],  # the Download panel's built file
    }


def set_zone(user, books, zone: str) -> None:
    """The profile's zone, with the stored books computed for it (so they stay current)."""
    profile = profile_for(user=user)
    profile.jurisdiction, profile.base_currency, profile.cost_basis_method = "us", "USD", "fifo"
    profile.time_zone = zone
    profile.save()
    type(books["run"]).objects.filter(pk=books["run"].pk).update(time_zone=zone)


@pytest.mark.parametrize("zone", ["Europe/London", "America/New_York"])
def test_older_pages_show_every_moment_in_the_one_format_and_the_users_zone(client, dated, zone):
    user, connection, books = dated
    set_zone(user, books, zone)
    client.force_login(user)
    other_zone = "America/New_York" if zone == "Europe/London" else "Europe/London"
    for url, moments in pages_of(connection, books).items():
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for moment in moments:
            assert SHOWN[zone][moment] in html, (url, moment)
            assert SHOWN[other_zone][moment] not in html, (url, moment)
        # What the page shows (a form's example input, e.g. "2024-05-01 12:00:00+00:00", aside).
        body = re.sub(r"(?s)<form.*?</form>", "", html.split("<main", 1)[-1])
        assert not OTHER_FORMATS.search(body), (url, OTHER_FORMATS.search(body).group(0))


def test_the_sync_status_json_shows_moments_in_the_same_format(client, dated):
    user, connection, books = dated
    set_zone(user, books, "America/New_York")
    client.force_login(user)
    run = client.get(f"/sync/status.json?connection={connection.pk}").json()["runs"][0]
    assert run["created_display"] == SHOWN["America/New_York"][SUMMER]
    assert run["finished_display"] == SHOWN["America/New_York"][WINTER]


def test_custom_rate_limits_print_without_padding_zeros(client, dated):
    user, connection, _ = dated
    type(connection).objects.filter(pk=connection.pk).update(
        rate_tier="custom", rate_max="20.000", rate_decay="1.0000"
    )
    client.force_login(user)
    html = client.get(f"/accounts/connections/{connection.pk}/").content.decode()
    assert "maximum 20, decay 1 per second" in html
    assert "20.000" not in html and "1.0000" not in html
