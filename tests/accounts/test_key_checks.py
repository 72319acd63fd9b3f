"""Saving a connection checks its keys against the simulator over HTTP; one key per user; runs
are numbered per user."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import KrakenConnection
from accounts.services import ConnectionInput, connection_create, connection_update
from portfolio.models import SyncRun
from portfolio.sync.runs import sync_request
from tests.factories import PASSWORD, UserFactory, secret_for
from tests.sync.conftest import SPEED

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def simulator():
    from portfolio.simulator.server import SimulatorServer

    server = SimulatorServer(speed=SPEED, seed=13).start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def checks_on(settings, tmp_path):
    settings.KRAKEN_CHECK_KEYS_ON_SAVE = True
    settings.KRAKEN_RETRY_BASE_DELAY = 0.005
    if not settings.REDIS_URL:
        settings.KRAKEN_STATE_DIR = tmp_path / "kraken-state"


def form(simulator, account, **change):
    """The connection form's fields (strings, as a browser posts them)."""
    credentials = account.credentials()
    return {
        "label": "Main",
        "api_key": credentials["spot_key"],
        "api_secret": credentials["spot_secret"],
        "futures_key": credentials["futures_key"],
        "futures_secret": credentials["futures_secret"],
        "api_url": simulator.base_url,
        "futures_url": simulator.futures_base_url,
        "rate_tier": "pro",
        "sync_interval_minutes": "60",
        **change,
    }


def logged_in(client):
    user = UserFactory()
    assert client.login(username=user.username, password=PASSWORD)
    return user


def test_good_keys_are_saved(simulator, client):
    account = simulator.add_account(seed=1301, size=20)
    user = logged_in(client)
    response = client.post(reverse("connection_add"), form(simulator, account))
    assert response.status_code == 302
    assert KrakenConnection.objects.filter(user=user).count() == 1


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"api_secret": secret_for("wrong")}, "api_secret", "the API secret does not match"),
        ({"api_key": "A" * 56}, "api_key", "Kraken does not know this API key"),
        (
            {"futures_secret": secret_for("wrong futures")},
            "futures_secret",
            "could not authenticate the Kraken Futures key with this secret",
        ),
    ],
)
def test_a_wrong_key_or_secret_is_reported_on_the_form_and_nothing_saved(
    simulator, client, change, field, message
):
    account = simulator.add_account(seed=1302, size=20)
    user = logged_in(client)
    response = client.post(reverse("connection_add"), form(simulator, account, **change))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not KrakenConnection.objects.filter(user=user).exists()


def test_a_key_without_the_query_funds_permission_is_refused(simulator, client):
    account = simulator.add_account(
        seed=1303, size=20, permissions=["query_ledger_entries", "query_closed_orders_and_trades"]
    )
    user = logged_in(client)
    response = client.post(reverse("connection_add"), form(simulator, account))
    assert response.status_code == 200
    assert "lacks the “Query Funds” permission" in " ".join(
        response.context["form"].errors["api_key"]
    )
    assert not KrakenConnection.objects.filter(user=user).exists()


def test_an_unreachable_server_is_reported_and_nothing_saved(simulator, client):
    account = simulator.add_account(seed=1304, size=20)
    user = logged_in(client)
    data = form(simulator, account, api_url="http://127.0.0.1:9")  # nothing listens on port 9
    response = client.post(reverse("connection_add"), data)
    assert "Could not reach Kraken" in " ".join(response.context["form"].errors["api_url"])
    assert not KrakenConnection.objects.filter(user=user).exists()


def test_the_same_key_twice_for_one_user_is_refused_but_another_user_may_use_it(simulator, client):
    account = simulator.add_account(seed=1305, size=20)
    user = logged_in(client)
    assert client.post(reverse("connection_add"), form(simulator, account)).status_code == 302
    again = client.post(reverse("connection_add"), form(simulator, account, label="Again"))
    assert again.status_code == 200
    errors = " ".join(again.context["form"].errors["api_key"])
    assert "You already have a connection with this API key (“Main”)" in errors
    assert KrakenConnection.objects.filter(user=user).count() == 1
    stored = KrakenConnection.objects.get(user=user)
    assert stored.api_key_digest and account.spot_key not in stored.api_key_digest

    other = UserFactory()
    data = ConnectionInput(**{**form(simulator, account), "sync_interval_minutes": 60})
    connection_create(user=other, data=data)  # another person's copy is not a duplicate


def test_editing_without_new_keys_asks_kraken_nothing_and_a_changed_secret_is_checked(simulator):
    account = simulator.add_account(seed=1306, size=20)
    user = UserFactory()
    fields = {**form(simulator, account), "sync_interval_minutes": 60}
    connection = connection_create(user=user, data=ConnectionInput(**fields))
    simulator.reset_counters()
    renamed = connection_update(
        connection=connection,
        data=ConnectionInput(**{**fields, "label": "Renamed", "api_key": "", "api_secret": ""}),
    )
    assert renamed.label == "Renamed"
    assert simulator.counters["calls"] == {}
    with pytest.raises(ValidationError) as refused:
        connection_update(
            connection=renamed,
            data=ConnectionInput(**{**fields, "api_secret": secret_for("changed")}),
        )
    assert "api_secret" in refused.value.message_dict
    assert KrakenConnection.objects.get(pk=connection.pk).label == "Renamed"


def test_sync_runs_are_numbered_per_user(settings):
    settings.KRAKEN_CHECK_KEYS_ON_SAVE = False  # made-up keys; no sync runs here
    from tests.factories import make_connection

    alice, bob = UserFactory(), UserFactory()
    a1 = make_connection(user=alice, label="One")
    a2 = make_connection(user=alice, label="Two")
    b1 = make_connection(user=bob, label="One")
    numbers = []
    for connection in (a1, b1, a2):
        run, _ = sync_request(connection=connection)
        numbers.append(run.number)
    assert numbers == [1, 1, 2]
    assert SyncRun.objects.get(connection=a2).shown_number == 2
