"""Sign-up, login, logout and password change, with Django's password validators on."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import Profile
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_sign_up_creates_the_user_with_a_default_profile_and_logs_in(client):
    response = client.post(
        reverse("signup"),
        {
            "username": "alice",
            "email": "a@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("connection_add")
    user = User.objects.get(username="alice")
    profile = Profile.objects.get(user=user)
    assert (profile.base_currency, profile.jurisdiction, profile.cost_basis_method) == (
        "USD",
        "us",
        "fifo",
    )
    assert profile.time_zone == "America/New_York"  # the US default: tax dates in its zone
    assert client.get(reverse("dashboard")).status_code == 200


def test_sign_up_with_a_common_password_is_refused_and_saves_nothing(client):
    response = client.post(
        reverse("signup"),
        {"username": "bob", "password1": "password", "password2": "password"},
    )
    assert response.status_code == 200
    assert b"This password is too common." in response.content
    assert not User.objects.filter(username="bob").exists()
    assert Profile.objects.count() == 0


def test_sign_up_with_a_taken_name_is_refused(client):
    UserFactory(username="carol")
    response = client.post(
        reverse("signup"), {"username": "carol", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert b"A user with that username already exists." in response.content
    assert User.objects.filter(username="carol").count() == 1


def test_login_with_the_right_password_reaches_the_dashboard(client):
    UserFactory(username="dave")
    response = client.post(reverse("login"), {"username": "dave", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("dashboard")


def test_login_with_a_wrong_password_says_so(client):
    UserFactory(username="erin")
    response = client.post(reverse("login"), {"username": "erin", "password": "wrong-password"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password." in response.content
    assert "_auth_user_id" not in client.session


def test_pages_need_a_login(client):
    for name in ("dashboard", "connection_list", "connection_add", "profile"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_logout_ends_the_session(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


def test_password_change_validates_and_takes_effect(client):
    user = UserFactory(username="frank")
    client.force_login(user)
    weak = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert b"This password is entirely numeric." in weak.content
    new = "another-strong-passphrase-7"
    done = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)


def test_profile_saves_and_rejects_a_method_the_jurisdiction_forbids(client):
    user = UserFactory()
    client.force_login(user)
    bad = client.post(
        reverse("profile"),
        {
            "base_currency": "GBP",
            "jurisdiction": "uk",
            "cost_basis_method": "fifo",
            "time_zone": "Europe/London",
        },
    )
    assert bad.status_code == 200
    assert "United Kingdom requires: UK share matching" in bad.content.decode()
    assert Profile.objects.get(user=user).jurisdiction == "us"
    good = client.post(
        reverse("profile"),
        {
            "base_currency": "GBP",
            "jurisdiction": "uk",
            "cost_basis_method": "uk",
            "time_zone": "Europe/London",
        },
    )
    assert good.status_code == 302
    profile = Profile.objects.get(user=user)
    assert (
        profile.base_currency,
        profile.jurisdiction,
        profile.cost_basis_method,
        profile.time_zone,
    ) == ("GBP", "uk", "uk", "Europe/London")


def test_profile_policies_save_and_a_fee_split_outside_the_uk_is_refused(client):
    user = UserFactory()
    client.force_login(user)
    us = {"base_currency": "USD", "jurisdiction": "us", "cost_basis_method": "fifo"}
    bad = client.post(reverse("profile"), {**us, "time_zone": "UTC", "exchange_fee": "split"})
    assert bad.status_code == 200
    assert "Splitting a trade&#x27;s fee is a UK rule" in bad.content.decode()
    assert Profile.objects.get(user=user).exchange_fee == ""
    unknown = client.post(reverse("profile"), {**us, "time_zone": "UTC", "unknown_basis": "x"})
    assert unknown.status_code == 200 and Profile.objects.get(user=user).unknown_basis == ""
    good = client.post(
        reverse("profile"),
        {
            "base_currency": "GBP",
            "jurisdiction": "uk",
            "cost_basis_method": "uk",
            "time_zone": "Europe/London",
            "unknown_basis": "market",
            "network_fee": "carry",
            "exchange_fee": "split",
        },
    )
    assert good.status_code == 302
    profile = Profile.objects.get(user=user)
    assert (profile.unknown_basis, profile.network_fee, profile.exchange_fee) == (
        "market",
        "carry",
        "split",
    )


def test_admin_site_covers_every_model():
    from django.apps import apps
    from django.contrib import admin

    ours = [
        m
        for m in apps.get_models()
        if m._meta.app_label in {"accounts", "portfolio", "books", "reports"}
    ]
    assert ours
    missing = [m.__name__ for m in ours if m not in admin.site._registry]
    assert missing == []


def test_pages_show_times_in_the_profile_time_zone(client):
    import zoneinfo

    from django.utils import timezone

    from tests.factories import make_connection

    user = UserFactory()
    Profile.objects.filter(user=user).update(time_zone="Asia/Tokyo")
    connection = make_connection(user=user)
    client.force_login(user)
    body = client.get(reverse("connection_detail", args=[connection.pk])).content.decode()
    tokyo = timezone.localtime(connection.created_at, zoneinfo.ZoneInfo("Asia/Tokyo"))
    utc = timezone.localtime(connection.created_at, zoneinfo.ZoneInfo("UTC"))
    # The pages' one format ('7 Dec 2026 13:05'), in the profile's zone and not in UTC.
    assert tokyo.strftime("%-d\u00a0%b\u00a0%Y %H:%M") in body
    assert utc.strftime("%-d\u00a0%b\u00a0%Y %H:%M") not in body
