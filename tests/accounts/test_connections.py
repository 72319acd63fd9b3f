"""Kraken connections: add, edit, delete; bad input is refused and writes nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import KrakenConnection
from tests.factories import UserFactory, make_connection, secret_for

pytestmark = pytest.mark.django_db

GOOD = {
    "label": "Main account",
    "api_key": "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghijklmnopqrstuv",
    "api_secret": secret_for("main"),
    "futures_key": "",
    "futures_secret": "",
    "api_url": "https://api.kraken.com",
    "futures_url": "https://futures.kraken.com",
    "rate_tier": "intermediate",
    "rate_max": "",
    "rate_decay": "",
    "sync_interval_minutes": "60",
}


@pytest.fixture
def user_client(client):
    user = UserFactory()
    client.force_login(user)
    client.user = user
    return client


def test_adding_a_connection_stores_it_encrypted_and_shows_it_masked(user_client):
    response = user_client.post(reverse("connection_add"), GOOD)
    connection = KrakenConnection.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("connection_detail", args=[connection.pk])
    assert connection.user == user_client.user
    assert connection.api_key() == GOOD["api_key"]
    assert connection.api_secret() == GOOD["api_secret"]
    assert connection.rate_limits() == (Decimal("20"), Decimal("0.5"))
    assert connection.api_key_hint == "AbCd…stuv"
    page = user_client.get(response.url).content.decode()
    assert "AbCd…stuv" in page
    assert GOOD["api_key"] not in page


def test_custom_tier_keeps_its_maximum_and_decay(user_client):
    user_client.post(
        reverse("connection_add"),
        {**GOOD, "rate_tier": "custom", "rate_max": "20", "rate_decay": "50"},
    )
    connection = KrakenConnection.objects.get()
    assert [str(v) for v in connection.rate_limits()] == ["20.000", "50.0000"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"api_key": ""}, "api_key", "This field is required."),
        ({"api_key": "has space"}, "api_key", "The API key contains spaces"),
        ({"api_secret": "not*base64!"}, "api_secret", "The API secret is not valid base64"),
        ({"rate_tier": "platinum"}, "rate_tier", "Select a valid choice. platinum is not one"),
        ({"rate_tier": "custom"}, "rate_max", "A custom tier needs a positive maximum"),
        ({"futures_key": "FUTKEY"}, "futures_secret", "A Kraken Futures key and its secret go"),
        (
            {"futures_key": "FUTKEY", "futures_secret": "%%%"},
            "futures_secret",
            "The Futures secret is not valid base64",
        ),
        ({"api_url": "not a url"}, "api_url", "Enter a valid URL."),
    ],
)
def test_bad_connection_input_is_refused_with_a_reason_and_nothing_saved(
    user_client, change, field, message
):
    response = user_client.post(reverse("connection_add"), {**GOOD, **change})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in text for text in errors[field]), errors
    assert KrakenConnection.objects.count() == 0


def test_duplicate_label_is_refused(user_client):
    make_connection(user=user_client.user, label="Main account")
    response = user_client.post(reverse("connection_add"), GOOD)
    assert (
        "You already have a connection labelled 'Main account'."
        in (response.context["form"].errors["label"])
    )
    assert KrakenConnection.objects.count() == 1


def test_two_users_may_use_the_same_label(user_client):
    make_connection(user=UserFactory(), label="Main account")
    user_client.post(reverse("connection_add"), GOOD)
    assert KrakenConnection.objects.filter(label="Main account").count() == 2


def test_editing_with_blank_secrets_keeps_the_stored_ones(user_client):
    connection = make_connection(user=user_client.user, label="Old")
    secret = connection.api_secret()
    response = user_client.post(
        reverse("connection_edit", args=[connection.pk]),
        {**GOOD, "label": "Renamed", "api_key": "", "api_secret": "", "rate_tier": "pro"},
    )
    assert response.status_code == 302
    connection.refresh_from_db()
    assert connection.label == "Renamed"
    assert connection.rate_tier == "pro"
    assert connection.api_secret() == secret


def test_editing_can_add_and_then_remove_the_futures_key(user_client):
    connection = make_connection(user=user_client.user)
    url = reverse("connection_edit", args=[connection.pk])
    user_client.post(
        url,
        {
            **GOOD,
            "api_key": "",
            "api_secret": "",
            "futures_key": "FUTabcdefghijk1234567",
            "futures_secret": secret_for("fut"),
        },
    )
    connection.refresh_from_db()
    assert connection.futures_key() == "FUTabcdefghijk1234567"
    assert connection.futures_key_hint == "FUTa…4567"
    user_client.post(url, {**GOOD, "api_key": "", "api_secret": "", "clear_futures": "on"})
    connection.refresh_from_db()
    assert connection.has_futures is False
    assert connection.futures_secret() == ""


def test_bad_edit_changes_nothing(user_client):
    connection = make_connection(user=user_client.user, label="Keep")
    before = KrakenConnection.objects.values().get(pk=connection.pk)
    response = user_client.post(
        reverse("connection_edit", args=[connection.pk]),
        {**GOOD, "label": "Keep", "api_secret": "@@not-base64@@"},
    )
    assert response.status_code == 200
    assert KrakenConnection.objects.values().get(pk=connection.pk) == before


def test_delete_asks_first_then_deletes(user_client):
    connection = make_connection(user=user_client.user, label="Gone soon")
    url = reverse("connection_delete", args=[connection.pk])
    confirm = user_client.get(url)
    assert b"Delete \xe2\x80\x9cGone soon\xe2\x80\x9d?" in confirm.content
    assert KrakenConnection.objects.filter(pk=connection.pk).exists()
    response = user_client.post(url)
    assert response.status_code == 302
    assert not KrakenConnection.objects.filter(pk=connection.pk).exists()


@pytest.mark.parametrize("name", ["connection_detail", "connection_edit", "connection_delete"])
def test_another_users_connection_is_not_found(client, name):
    owner = UserFactory()
    connection = make_connection(user=owner, label="Private")
    intruder = UserFactory()
    client.force_login(intruder)
    url = reverse(name, args=[connection.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {**GOOD, "label": "Hijacked"}).status_code == 404
    connection.refresh_from_db()
    assert connection.label == "Private"
    assert KrakenConnection.objects.filter(pk=connection.pk).exists()


def test_connection_list_shows_only_my_connections(user_client):
    make_connection(user=user_client.user, label="Mine")
    make_connection(user=UserFactory(), label="Theirs")
    page = user_client.get(reverse("connection_list")).content.decode()
    assert "Mine" in page
    assert "Theirs" not in page
