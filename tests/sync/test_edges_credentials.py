"""A credentials key that cannot read the stored secrets: a banner, clean failures, no 500; and
credentials_rotate re-encrypts every secret under the first key."""

import io

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts import crypto
from accounts.crypto import KEYS_NEED_REENTERING
from accounts.models import KrakenConnection
from portfolio.models import SyncRun, SyncState
from tests.factories import UserFactory, make_connection, secret_for

from .conftest import connect

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("eager")]
BANNER = "Keys need re-entering for “{label}”"


@pytest.fixture
def keys(settings):
    """Two Fernet keys; the test switches CREDENTIALS_KEY between them."""
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.CREDENTIALS_KEY = old
    crypto._fernet.cache_clear()

    def use(value: str) -> None:
        settings.CREDENTIALS_KEY = value
        crypto._fernet.cache_clear()

    yield old, new, use
    crypto._fernet.cache_clear()


def test_a_lost_key_shows_a_banner_and_nothing_answers_500(client, keys, simulator):
    old, new, use = keys
    user = UserFactory(username="lost")
    connection = connect(simulator, simulator.add_account(seed=9401, size=50), user=user)
    use(new)
    client.force_login(user)
    banner = BANNER.format(label=connection.label)

    for url in (
        reverse("dashboard"),
        reverse("connection_list"),
        reverse("connection_detail", args=[connection.pk]),
        reverse("connection_edit", args=[connection.pk]),
        reverse("profile"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert banner in response.content.decode(), url

    before = KrakenConnection.objects.filter(pk=connection.pk).values().get()
    form = {
        "label": connection.label,
        "api_url": connection.api_url,
        "futures_url": connection.futures_url,
        "rate_tier": "pro",
        "sync_interval_minutes": "60",
    }
    response = client.post(reverse("connection_edit", args=[connection.pk]), form)
    assert response.status_code == 200
    assert response.context["form"].errors["api_key"] == [KEYS_NEED_REENTERING]
    assert KrakenConnection.objects.filter(pk=connection.pk).values().get() == before

    response = client.post(reverse("connection_sync_now", args=[connection.pk]))
    assert response.status_code == 302
    run = SyncRun.objects.get(connection=connection)
    assert (run.state, run.error) == (SyncState.FAILED, KEYS_NEED_REENTERING)
    assert simulator.counters["calls"].get(simulator.accounts[-1].spot_key) is None

    with pytest.raises(CommandError, match="keys need re-entering|cannot be read"):
        call_command("kraken_sync", "--user", "lost", stdout=io.StringIO(), stderr=io.StringIO())
    assert not SyncRun.objects.filter(state__in=["queued", "running"]).exists()

    # entering the keys again clears the banner
    credentials = simulator.accounts[-1].credentials()
    client.post(
        reverse("connection_edit", args=[connection.pk]),
        {
            **form,
            "api_key": credentials["spot_key"],
            "api_secret": credentials["spot_secret"],
            "clear_futures": "on",
        },
    )
    assert banner not in client.get(reverse("dashboard")).content.decode()


def test_credentials_rotate_re_encrypts_every_secret_under_the_first_key(keys):
    old, new, use = keys
    user = UserFactory()
    first = make_connection(
        user=user,
        label="One",
        futures_key="FUTURESKEYabcdefghijkl",
        futures_secret=secret_for("fut"),
    )
    second = make_connection(user=UserFactory(), label="Two")
    plain = {c.pk: (c.api_key(), c.api_secret(), c.futures_secret()) for c in (first, second)}
    use(f"{new},{old}")
    out = io.StringIO()
    call_command("credentials_rotate", stdout=out)
    assert out.getvalue().strip() == "re-encrypted the secrets of 2 connection(s)"
    use(new)  # the old key is gone: everything still reads
    for connection in KrakenConnection.objects.all():
        assert (
            connection.api_key(),
            connection.api_secret(),
            connection.futures_secret(),
        ) == plain[connection.pk]
        assert connection.keys_readable


def test_credentials_rotate_names_what_no_key_reads_and_exits_1(keys):
    old, new, use = keys
    readable = make_connection(user=UserFactory(), label="Readable")
    use(new)
    lost = make_connection(user=UserFactory(username="owner"), label="Lost")
    token_before = KrakenConnection.objects.get(pk=readable.pk).api_secret_encrypted
    with pytest.raises(CommandError, match=r"#\d+ 'Readable' of trader\d+") as raised:
        call_command("credentials_rotate", stdout=io.StringIO())
    assert raised.value.returncode == 1
    assert KrakenConnection.objects.get(pk=readable.pk).api_secret_encrypted == token_before
    assert KrakenConnection.objects.get(pk=lost.pk).keys_readable
