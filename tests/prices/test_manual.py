"""Entering a price by hand: a command and a page; the rule uses it only where data has none."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from portfolio.accounting import PriceNotFound
from portfolio.models import ManualPrice, PriceQuote
from portfolio.prices.service import StoredPrices
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
AT = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
PAIRS = {("DOT", "USD"): "DOTUSD"}


def test_prices_set_stores_a_price_the_rule_uses_where_kraken_has_none():
    user = UserFactory(username="ann")
    prices = StoredPrices(pairs=PAIRS, user=user)
    with pytest.raises(PriceNotFound):
        prices.price("DOT", "USD", AT)
    call_command("prices_set", "ann", "dot", "usd", "2024-05-01T12:00:00Z", "7.25")
    found = StoredPrices(pairs=PAIRS, user=user).price("DOT", "USD", AT + timedelta(hours=1))
    assert found.value == Decimal("7.25")
    assert found.source == "entered by hand for DOT/USD at 2024-05-01 12:00 UTC"
    other = StoredPrices(pairs=PAIRS, user=UserFactory())  # one user's entry is theirs only
    with pytest.raises(PriceNotFound):
        other.price("DOT", "USD", AT)


def test_a_stored_candle_wins_over_a_hand_entered_price():
    user = UserFactory()
    ManualPrice.objects.create(user=user, asset="DOT", quote="USD", time=AT, price=Decimal(9))
    PriceQuote.objects.create(
        pair="DOTUSD", interval=60, time=AT, open=1, high=2, low=1, close=Decimal("1.5")
    )
    assert StoredPrices(pairs=PAIRS, user=user).price("DOT", "USD", AT).value == Decimal("1.5")


def test_the_valuation_moment_takes_the_latest_known_candle_and_no_other_moment_does():
    for time, close in ((AT - timedelta(days=7), Decimal("1.2")), (AT, Decimal("1.5"))):
        PriceQuote.objects.create(
            pair="DOTUSD", interval=60, time=time, open=1, high=2, low=1, close=close
        )
    later = AT + timedelta(hours=5)  # nothing stored past it: it may not have happened yet
    with pytest.raises(PriceNotFound):
        StoredPrices(pairs=PAIRS).price("DOT", "USD", later)
    now = StoredPrices(pairs=PAIRS, as_of=later).price("DOT", "USD", later)
    assert now.value == Decimal("1.5") and "latest known at the valuation moment" in now.source
    with pytest.raises(PriceNotFound):  # only at the valuation moment itself
        StoredPrices(pairs=PAIRS, as_of=later).price("DOT", "USD", later + timedelta(hours=1))
    with pytest.raises(PriceNotFound):  # and within the rule's 7 days
        StoredPrices(pairs=PAIRS, as_of=AT + timedelta(days=8)).price(
            "DOT", "USD", AT + timedelta(days=8)
        )


@pytest.mark.parametrize(
    ("moment", "price", "message"),
    [
        ("yesterday", "1", "not an ISO 8601 moment"),
        ("2024-05-01T12:00:00", "1", "needs a time zone"),
        ("2024-05-01T12:00:00Z", "-3", "positive number"),
        ("2024-05-01T12:00:00Z", "abc", "not a number"),
    ],
)
def test_prices_set_refuses_bad_input_and_stores_nothing(moment, price, message):
    UserFactory(username="bob")
    with pytest.raises(CommandError, match=message):
        call_command("prices_set", "bob", "DOT", "USD", moment, price)
    assert ManualPrice.objects.count() == 0


def test_the_page_lists_missing_prices_and_saves_one(client):
    from portfolio.books.models import AccountingRun

    user = UserFactory()
    AccountingRun.objects.create(
        user=user,
        jurisdiction="us",
        method="fifo",
        base_currency="USD",
        as_of=AT,
        inputs_digest="x",
        state=AccountingRun.State.SUCCEEDED,
        problems=[
            {
                "code": "missing_price",
                "asset": "FOO",
                "time": AT.isoformat(),
                "message": "no price for FOO/USD at 2024-05-01T12:00:00+00:00",
                "quantity": "1",
            }
        ],
    )
    client.force_login(user)
    page = client.get("/reports/prices/")
    assert page.status_code == 200 and b"FOO" in page.content
    saved = client.post(
        "/reports/prices/",
        {"asset": "FOO", "quote": "USD", "at": "2024-05-01 12:00:00+00:00", "price": "2.5"},
    )
    assert saved.status_code == 302
    assert ManualPrice.objects.get(user=user).price == Decimal("2.5")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("2024-05-01 08:00", datetime(2024, 5, 1, 12, 0, tzinfo=UTC)),  # New York, EDT (UTC-4)
        ("2024-05-01 12:00+00:00", datetime(2024, 5, 1, 12, 0, tzinfo=UTC)),  # an offset wins
    ],
)
def test_a_moment_typed_on_the_page_is_in_the_profiles_time_zone(client, typed, stored):
    from accounts.models import Profile

    user = UserFactory()
    Profile.objects.filter(user=user).update(time_zone="America/New_York")
    client.force_login(user)
    page = client.get("/reports/prices/")
    assert "Moment (America/New_York)" in page.content.decode()
    saved = client.post(
        "/reports/prices/", {"asset": "FOO", "quote": "USD", "at": typed, "price": "2.5"}
    )
    assert saved.status_code == 302
    assert ManualPrice.objects.get(user=user).time == stored
