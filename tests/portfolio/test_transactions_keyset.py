"""Transactions at 100,000 ledger entries: keyset pages, filters, search; no COUNT, no OFFSET."""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.pages_data import START, _bulk, ledger_rows
from portfolio.models import LedgerEntry
from tests.factories import make_connection
from tests.portfolio.pages_setup import uk_user

pytestmark = pytest.mark.django_db
N = 100_000
IDS = re.compile(r'<tr data-id="([^"]+)"')
LINK = re.compile(r'<a href="(\?[^"]*)" rel="(prev|next)"')


def _get(client, query: str = ""):
    with CaptureQueriesContext(db) as captured:
        response = client.get(reverse("transactions") + query)
    assert response.status_code == 200
    page = response.content.decode()
    links = {rel: href.replace("&amp;", "&") for href, rel in LINK.findall(page)}
    return IDS.findall(page), links, [q["sql"].upper() for q in captured]


def test_keyset_pages_filters_and_search_at_100k_entries(client):
    user = uk_user()
    conn = make_connection(user=user)
    _bulk(LedgerEntry, ledger_rows(conn, N))
    client.force_login(user)
    name = lambda i: f"L{i:07d}-{conn.pk}"  # noqa: E731 (entry i is the i-th oldest)

    first, links, sqls = _get(client)
    assert first == [name(i) for i in range(N - 1, N - 51, -1)]
    assert "prev" not in links and "next" in links
    assert not any("COUNT(" in s or "OFFSET" in s for s in sqls)

    second, links2, _ = _get(client, links["next"])
    assert second == [name(i) for i in range(N - 51, N - 101, -1)]
    back, _, _ = _get(client, links2["prev"])
    assert back == first

    last, links, sqls_last = _get(client, "?last=1")
    assert last == [name(i) for i in range(49, -1, -1)]
    assert "next" not in links and "prev" in links
    assert len(sqls_last) == len(sqls)
    assert not any("COUNT(" in s or "OFFSET" in s for s in sqls_last)
    before_last, _, _ = _get(client, links["prev"])
    assert before_last == [name(i) for i in range(99, 49, -1)]

    # asset ETH is every 4th entry from 1; type staking every 5th from 2: both, every 20th from 17
    day = (START + timedelta(minutes=20 * 40_000)).date()
    found, links, _ = _get(client, f"?asset=ETH&type=staking&start={day}&end={day}")
    rows = LedgerEntry.objects.filter(connection=conn, asset="ETH", type="staking")
    london = ZoneInfo("Europe/London")  # the profile's zone: the page's days are its days
    expected = [
        e.ledger_id for e in rows.order_by("-time") if e.time.astimezone(london).date() == day
    ]
    assert found == expected and 0 < len(found) < 50 and "next" not in links

    hit, _, _ = _get(client, f"?q=R{12345:07d}")  # a ref id names its two legs
    assert sorted(hit) == [name(24690), name(24691)]
    event, _, _ = _get(client, f"?q=R{12345:07d}:fee0")  # an engine event id finds them too
    assert sorted(event) == sorted(hit)


def test_a_malformed_cursor_shows_the_first_page(client):
    user = uk_user()
    conn = make_connection(user=user)
    _bulk(LedgerEntry, ledger_rows(conn, 60))
    client.force_login(user)
    first, _, _ = _get(client)
    assert _get(client, "?after=not-a-cursor")[0] == first
