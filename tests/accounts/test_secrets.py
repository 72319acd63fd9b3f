"""Secrets are encrypted at rest, shown masked, and never returned or logged."""

import base64
import logging
import stat
from io import StringIO
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection as db
from django.urls import reverse

from accounts import crypto
from accounts.models import KrakenConnection
from tests.factories import UserFactory, make_connection, secret_for

SECRET = secret_for("top-secret-material")
FUTURES_SECRET = secret_for("futures-secret-material")
API_KEY = "PlainApiKeyThatMustNeverLeak0123456789"


@pytest.fixture
def fresh_key(settings, tmp_path):
    settings.CREDENTIALS_KEY = ""
    settings.CREDENTIALS_KEY_FILE = tmp_path / "keys" / "credentials.key"
    crypto._fernet.cache_clear()
    yield settings.CREDENTIALS_KEY_FILE
    crypto._fernet.cache_clear()


def test_round_trip_and_the_token_is_not_the_plain_text(fresh_key):
    token = crypto.encrypt(SECRET)
    assert token != SECRET
    assert SECRET not in token
    assert crypto.decrypt(token) == SECRET


def test_key_file_is_created_on_first_use_readable_by_its_owner_only(fresh_key):
    assert not fresh_key.exists()
    crypto.encrypt("x")
    mode = stat.S_IMODE(fresh_key.stat().st_mode)
    assert mode == 0o600
    Fernet(fresh_key.read_bytes())  # a valid key


def test_rotation_reads_old_tokens_with_the_new_key_first(settings, fresh_key):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.CREDENTIALS_KEY = old
    token = crypto.encrypt(SECRET)
    settings.CREDENTIALS_KEY = f"{new},{old}"
    assert crypto.decrypt(token) == SECRET
    settings.CREDENTIALS_KEY = new
    with pytest.raises(crypto.CredentialsKeyError, match="cannot be decrypted"):
        crypto.decrypt(token)


def test_a_malformed_key_is_a_clear_error(settings, fresh_key):
    settings.CREDENTIALS_KEY = "not-a-fernet-key"
    with pytest.raises(crypto.CredentialsKeyError, match="not a valid Fernet key"):
        crypto.encrypt("x")


def _store(user):
    return make_connection(
        user=user,
        label="Vault",
        api_key=API_KEY,
        api_secret=SECRET,
        futures_key="FuturesKeyNeverShown42",
        futures_secret=FUTURES_SECRET,
    )


@pytest.mark.django_db
def test_secrets_never_appear_in_any_page(client, admin_user):
    user = UserFactory()
    connection = _store(user)
    client.force_login(user)
    pages = [
        reverse("dashboard"),
        reverse("connection_list"),
        reverse("connection_detail", args=[connection.pk]),
        reverse("connection_edit", args=[connection.pk]),
        reverse("connection_delete", args=[connection.pk]),
    ]
    client.force_login(admin_user)
    admin_pages = [
        reverse("admin:accounts_krakenconnection_changelist"),
        reverse("admin:accounts_krakenconnection_change", args=[connection.pk]),
    ]
    bodies = []
    client.force_login(user)
    bodies += [client.get(url).content.decode() for url in pages]
    client.force_login(admin_user)
    bodies += [client.get(url).content.decode() for url in admin_pages]
    for body in bodies:
        for secret in (SECRET, FUTURES_SECRET, API_KEY, "FuturesKeyNeverShown42"):
            assert secret not in body
    assert any("Vault" in body for body in bodies)


@pytest.mark.django_db(transaction=True)
def test_secrets_are_not_stored_in_plain_text(settings):
    _store(UserFactory())
    needles = [SECRET, FUTURES_SECRET, API_KEY]
    raw = base64.b64decode(SECRET)
    with db.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_krakenconnection")
        row_text = " ".join(str(value) for value in cursor.fetchone())
    for needle in needles:
        assert needle not in row_text
    if db.vendor == "sqlite":
        db.close()
        name = Path(settings.DATABASES["default"]["NAME"])
        # the file, and its write-ahead log if an earlier test (a live server) turned WAL on
        content = b"".join(
            path.read_bytes() for path in (name, Path(f"{name}-wal")) if path.exists()
        )
        assert b"Vault" in content  # the file really holds the row
        for needle in needles:
            assert needle.encode() not in content
        assert raw not in content


@pytest.mark.django_db
def test_secrets_never_reach_the_logs(client, caplog):
    caplog.set_level(logging.DEBUG)
    user = UserFactory()
    client.force_login(user)
    client.post(
        reverse("connection_add"),
        {
            "label": "Logged",
            "api_key": API_KEY,
            "api_secret": SECRET,
            "api_url": "https://api.kraken.com",
            "futures_url": "https://futures.kraken.com",
            "rate_tier": "pro",
            "sync_interval_minutes": "60",
        },
    )
    # a failing submission too: errors must not echo the secret
    client.post(
        reverse("connection_add"),
        {
            "label": "Logged",
            "api_key": API_KEY,
            "api_secret": SECRET + "!",
            "api_url": "https://api.kraken.com",
            "futures_url": "https://futures.kraken.com",
            "rate_tier": "pro",
            "sync_interval_minutes": "60",
        },
    )
    out = StringIO()
    call_command(
        "kraken_connect",
        "--user",
        user.username,
        "--label",
        "Cmd",
        "--api-key",
        API_KEY + "2",
        "--api-secret",
        SECRET,
        stdout=out,
    )
    assert KrakenConnection.objects.count() == 2
    logged = caplog.text + out.getvalue()
    for needle in (SECRET, API_KEY):
        assert needle not in logged
