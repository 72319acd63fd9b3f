"""Every value a person or a command can write is checked against its column, on SQLite and on
PostgreSQL alike (CI runs this file on both): a clear message, and nothing written."""

import base64
import importlib
import io
import sys
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection as db
from django.urls import reverse

from accounts.models import KrakenConnection
from tests.accounts import test_connections
from tests.factories import PASSWORD, UserFactory, make_connection

pytestmark = pytest.mark.django_db
User = get_user_model()

GOOD = {
    **test_connections.GOOD,
    "label": "Main",
    "rate_tier": "custom",
    "rate_max": "20",
    "rate_decay": "1",
}
RATE_MAX = "The custom maximum must be between 1 and 10,000."
RATE_DECAY = "The custom decay per second must be between 0.01 and 1,000."
INTERVAL = "The sync interval (minutes) must be between 5 and 525,600."

# field, bad value, the message (a part of it) the person sees
BAD = [
    ("rate_max", "1e12", RATE_MAX),
    ("rate_max", "0.5", RATE_MAX),
    ("rate_max", "10000.001", RATE_MAX),
    ("rate_max", "20.0001", "Ensure that there are no more than 3 decimal places."),
    ("rate_decay", "0.00001", RATE_DECAY),
    ("rate_decay", "1000.5", RATE_DECAY),
    ("rate_decay", "0.012345", "Ensure that there are no more than 4 decimal places."),
    ("sync_interval_minutes", "9999999999999", INTERVAL),
    ("label", "L" * 500, "Ensure this value has at most 80 characters (it has 500)."),
    ("api_key", "K" * 100_000, "The API key has 100,000 characters; Kraken's keys have 16 to 128."),
    ("api_key", "short", "The API key has 5 characters; Kraken's keys have 16 to 128."),
    ("api_secret", base64.b64encode(b"x").decode(), "The API secret is 1 bytes long"),
    ("api_secret", "A" * 100_000, "The API secret is far too long"),
    ("api_url", "https://api.kraken.com/" + "p" * 300, "at most 200 characters"),
]


@pytest.fixture
def user_client(client):
    user = UserFactory()
    client.force_login(user)
    client.user = user
    return client


@pytest.mark.parametrize(("field", "value", "message"), BAD)
def test_the_form_refuses_what_the_column_cannot_hold(user_client, field, value, message):
    response = user_client.post(reverse("connection_add"), {**GOOD, field: value})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in text for texts in errors.values() for text in texts), errors
    assert KrakenConnection.objects.count() == 0


def test_an_edit_with_a_bad_value_changes_nothing(user_client):
    connection = make_connection(user=user_client.user, label="Keep")
    before = KrakenConnection.objects.filter(pk=connection.pk).values().get()
    url = reverse("connection_edit", args=[connection.pk])
    response = user_client.post(url, {**GOOD, "label": "Keep", "rate_decay": "0.00001"})
    assert RATE_DECAY in response.context["form"].errors["rate_decay"][0]
    assert KrakenConnection.objects.filter(pk=connection.pk).values().get() == before


CLI = {
    "rate_max": "--rate-max",
    "rate_decay": "--rate-decay",
    "sync_interval_minutes": "--sync-interval",
    "label": "--label",
    "api_key": "--api-key",
    "api_secret": "--api-secret",
    "api_url": "--api-url",
}


@pytest.mark.parametrize(("field", "value", "message"), BAD)
def test_kraken_connect_refuses_the_same_values(monkeypatch, field, value, message):
    UserFactory(username="cli")
    given = {
        "--user": "cli",
        "--label": "Main",
        "--api-key": GOOD["api_key"],
        "--api-secret": GOOD["api_secret"],
        "--rate-max": "20",
        "--rate-decay": "1",
        CLI[field]: value,
    }
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    argv = [item for pair in given.items() for item in pair]
    with pytest.raises(CommandError) as raised:
        call_command("kraken_connect", *argv, stdout=io.StringIO())
    assert message in str(raised.value)
    assert KrakenConnection.objects.count() == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["u" * 200], "Ensure this value has at most 150 characters (it has 200)."),
        (["bad name!"], "Enter a valid username."),
        (["erin", "--email", "x" * 300 + "@example.com"], "at most 254 characters (it has 312)"),
    ],
)
def test_adduser_refuses_what_the_user_table_cannot_hold(monkeypatch, args, message):
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("adduser", *args, "--password-stdin", stdout=io.StringIO())
    assert User.objects.count() == 0


def test_custom_rates_above_krakens_tiers_stay_allowed(user_client):
    user_client.post(reverse("connection_add"), {**GOOD, "rate_max": "10000", "rate_decay": "1000"})
    assert KrakenConnection.objects.get().rate_limits() == (Decimal("10000"), Decimal("1000"))


def _store_raw(connection, **values) -> None:
    table = KrakenConnection._meta.db_table
    assignments = ", ".join(f"{name} = %s" for name in values)
    with db.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {assignments} WHERE id = %s", [*values.values(), connection.pk]
        )


sqlite_only = pytest.mark.skipif(
    "sqlite" not in db.vendor, reason="only SQLite could store these values"
)


@sqlite_only
def test_a_row_stored_before_the_checks_breaks_no_page(user_client):
    connection = make_connection(user=user_client.user, label="Old")
    _store_raw(connection, rate_tier="custom", rate_max="1E+12", rate_decay="0.00001")
    stored = KrakenConnection.objects.get(pk=connection.pk)
    # pacing never switches off: the limits are read clamped to their ranges
    assert stored.rate_limits() == (Decimal("10000"), Decimal("0.01"))
    pages = ["dashboard", "connection_list"]
    for name in pages:
        assert user_client.get(reverse(name)).status_code == 200, name
    for name in ("connection_detail", "connection_edit", "connection_delete"):
        assert user_client.get(reverse(name, args=[connection.pk])).status_code == 200, name
    response = user_client.post(reverse("connection_delete", args=[connection.pk]))
    assert response.status_code == 302
    assert KrakenConnection.objects.count() == 0


@sqlite_only
def test_the_migration_brings_stored_rows_into_range(user_client):
    bad = make_connection(user=user_client.user, label="Bad")
    fine = make_connection(user=user_client.user, label="Fine")
    _store_raw(bad, rate_tier="custom", rate_max="1E+12", rate_decay="0.00001")
    _store_raw(bad, sync_interval_minutes=10**12)
    _store_raw(fine, rate_tier="custom", rate_max="20.000", rate_decay="1.0000")
    migration = importlib.import_module("accounts.migrations.0002_edges_field_limits_state_backend")
    migration.clamp_stored_limits(django_apps, SimpleNamespace(connection=db))
    bad.refresh_from_db()
    fine.refresh_from_db()
    assert (bad.rate_max, bad.rate_decay) == (Decimal("10000.000"), Decimal("0.0100"))
    assert bad.sync_interval_minutes == 525_600
    assert (fine.rate_max, fine.rate_decay) == (Decimal("20.000"), Decimal("1.0000"))
