"""The Download panel's list of built reports: the settings each was built with (time zone
included) and a marker on one that the books or the profile have moved past."""

import pytest
from django.utils import timezone

from accounts.models import Profile
from reports.models import ReportFile
from tests.factories import AccountingRunFactory, UserFactory, make_connection

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year  # the current tax year: its page needs no stored year
US_FIFO = "United States (federal) · FIFO (first in, first out)"
STALE = "out of date — built with other settings / an older run; request it again"


def _file(user, run, zone: str, connection=None) -> ReportFile:
    parameters = {"jurisdiction": "United States (federal) (us)", "method": "fifo",
                  "time zone": zone, "run": run.pk, "scope": "all connections"}  # fmt: skip
    return ReportFile.objects.create(
        owner=user,
        connection=connection,
        year=YEAR,
        format="pdf",
        path=f"x/{run.pk}.pdf",
        parameters=parameters,
    )


def _settings_cells(client) -> list[str]:
    html = client.get(f"/reports/tax-year/{YEAR}/").content.decode()
    return [part.split("</td>", 1)[0] for part in html.split('data-label="Settings">')[1:]]


def test_a_report_built_before_a_zone_change_is_marked_out_of_date(client):
    user = UserFactory()
    Profile.objects.filter(user=user).update(time_zone="America/New_York")
    new_york = AccountingRunFactory(user=user, time_zone="America/New_York")
    _file(user, new_york, "America/New_York")
    client.force_login(user)
    [cell] = _settings_cells(client)
    assert cell == f"{US_FIFO} · America/New_York · run {new_york.pk}"

    Profile.objects.filter(user=user).update(time_zone="Asia/Tokyo")  # and the rebuild ran
    tokyo = AccountingRunFactory(user=user, time_zone="Asia/Tokyo")
    _file(user, tokyo, "Asia/Tokyo")
    fresh, old = _settings_cells(client)  # newest first
    assert fresh == f"{US_FIFO} · Asia/Tokyo · run {tokyo.pk}"
    assert old.startswith(f"{US_FIFO} · America/New_York · run {new_york.pk}")
    assert STALE in old and STALE not in fresh


def test_a_connections_report_is_out_of_date_when_its_settings_are_not_the_profiles(client):
    """A connection's report prints that connection's latest run: still its latest after the
    zone changed (no rebuild of that connection yet), but no longer the profile's settings."""
    user = UserFactory()
    connection = make_connection(user=user)
    Profile.objects.filter(user=user).update(time_zone="Asia/Tokyo")
    AccountingRunFactory(user=user, time_zone="Asia/Tokyo")
    own = AccountingRunFactory(user=user, connection=connection, time_zone="America/New_York")
    _file(user, own, "America/New_York", connection=connection)
    client.force_login(user)
    [cell] = _settings_cells(client)
    assert "America/New_York" in cell and STALE in cell
    own.__class__.objects.filter(pk=own.pk).update(time_zone="Asia/Tokyo")
    [cell] = _settings_cells(client)
    assert "Asia/Tokyo" in cell and STALE not in cell
