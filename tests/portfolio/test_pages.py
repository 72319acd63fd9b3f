"""The dashboard pages over stored results: figures, scoping, filters, and a fixed query count."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolio.books import labels
from portfolio.books.models import DisposalRow, IncomeRow, LotRow
from portfolio.books.selectors import overview_for
from tests.factories import LotRowFactory
from tests.portfolio.pages_setup import user_with_pages

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/holdings/",
    "/holdings/BTC/",
    "/transactions/",
    "/transactions/?last=1",
    "/transactions/?kind=trades",
    "/income/",
    "/margin/",
    "/futures/",
    "/reconciliation/",
    "/reports/tax-year/{year}/",
    "/reports/tax-year/{year}/?rule=s104&sort=gain&dir=desc&page=2",
]


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(db) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_no_page_issues_a_query_per_row(client):
    small_user, small = user_with_pages(entries=120, disposals=110, income=20)
    big_user, big = user_with_pages(entries=1200, disposals=1100, income=300)
    counts = {}
    for user, data in ((small_user, small), (big_user, big)):
        client.force_login(user)
        year = data.run.years.order_by("-year").first().year
        counts[user.pk] = [_queries(client, url.format(year=year)) for url in PAGES]
    assert counts[small_user.pk] == counts[big_user.pk]


def test_holdings_totals_add_up_and_realized_equals_the_card(client):
    user, data = user_with_pages(entries=50, disposals=40)
    client.force_login(user)
    page = client.get(reverse("holdings")).content.decode()
    overview = overview_for(run=data.run)
    realized = sum((Decimal(r["realized"]) for r in data.run.pnl.values()), Decimal(0))
    assert realized == overview.realized == sum((d.gain for d in DisposalRow.objects.all()), 0)
    assert f'data-total="realized">{realized:,.2f} GBP<' in page
    assert f'data-total="cost">{overview.cost_basis:,.2f} GBP<' in page
    assert f'data-total="value">{overview.market_value:,.2f} GBP<' in page
    assert '>SOL</strong></a> <span class="small muted">sold</span>' in page  # sold out, realized
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert f'data-figure="realized">{realized:,.2f} GBP<' in dashboard
    assert f'data-total="realized">{realized:,.2f} GBP<' in dashboard


def test_holdings_sort_by_a_column(client):
    user, _ = user_with_pages(entries=10, disposals=10)
    client.force_login(user)
    page = client.get(reverse("holdings") + "?sort=asset&dir=asc").content.decode()
    order = [a for a in ("BTC", "DOT", "ETH", "GBP", "SOL") if f">{a}</strong>" in page]
    positions = [page.index(f">{a}</strong>") for a in order]
    assert positions == sorted(positions) and len(order) == 5
    page = client.get(reverse("holdings") + "?sort=asset&dir=desc").content.decode()
    assert page.index(">SOL</strong>") < page.index(">BTC</strong>")


def test_another_users_asset_and_entries_are_not_shown(client):
    owner, data = user_with_pages(entries=30, disposals=10)
    other, _ = user_with_pages(entries=0, disposals=0, income=0)
    client.force_login(other)
    page = client.get(reverse("transactions") + f"?q=L0000001-{data.connection.pk}")
    assert page.status_code == 200 and 'data-id="L0000001-' not in page.content.decode()
    client.force_login(owner)
    assert (
        f'data-id="L0000001-{data.connection.pk}"'
        in client.get(
            reverse("transactions") + f"?q=L0000001-{data.connection.pk}"
        ).content.decode()
    )
    assert client.get(reverse("asset_detail", args=["NOPE"])).status_code == 404


def test_tax_year_filters_sorts_and_labels_uk_rules(client):
    user, data = user_with_pages(entries=10, disposals=400)
    client.force_login(user)
    year = data.run.years.order_by("-year").first().year
    url = reverse("tax_year", args=[year])
    rows = DisposalRow.objects.filter(run=data.run, tax_year=year)
    page = client.get(url + "?rule=s104&sort=gain&dir=desc").content.decode()
    s104 = [d for d in rows if d.lots[0]["lot_id"].startswith("s104:")]
    assert f"Sales ({len(s104)})" in page
    best = max(s104, key=lambda d: (d.gain, d.pk))
    first_row = page.index('<tr data-event="')
    assert page[first_row:].startswith(f'<tr data-event="{best.event_id}"')
    assert '<span class="tag">Section 104</span>' in page and "Same day</span>" not in page
    pool = best.basis / best.quantity
    assert (
        f"{pool.quantize(Decimal('0.01'), ROUND_HALF_UP):,} GBP" in page
    )  # the pool's cost per unit
    same_day = client.get(url + "?rule=same-day").content.decode()
    assert '<span class="tag">Same day</span>' in same_day and "Section 104</span>" not in same_day
    assert "Page 1 of 2" in client.get(url).content.decode()  # 100 a year, 50 a page
    assert client.get(url + "?asset=BTC").content.decode().count('<tr data-event="') == 25


def test_the_current_tax_year_has_a_page_and_a_future_one_does_not(client):
    from django.utils import timezone

    from portfolio.accounting.jurisdictions import UK

    user, data = user_with_pages(entries=5, disposals=8)
    client.force_login(user)
    year = UK.tax_year_of(timezone.localdate())
    assert not data.run.years.filter(year=year).exists()
    response = client.get(reverse("tax_year", args=[year]))
    assert response.status_code == 200 and "Sales (0)" in response.content.decode()
    assert client.get(reverse("tax_year", args=[year + 1])).status_code == 404
    assert 'id="download"' in response.content.decode()  # the Download panel (reports)
    picked = client.get(reverse("tax_year_current") + "?year=2023")  # the year picker, no JS
    assert picked.status_code == 302 and picked.url == reverse("tax_year", args=[2023])


def test_income_page_totals_equal_the_stored_rows(client):
    user, data = user_with_pages(entries=5, disposals=8, income=120)
    client.force_login(user)
    total = sum((i.value for i in IncomeRow.objects.filter(run=data.run)), Decimal(0))
    page = client.get(reverse("income")).content.decode()
    assert f'data-total="DOT-staking">{total:,.2f} GBP<' in page
    assert "Items (120)" in page and "Page 1 of 3" in page


def test_reconciliation_names_the_first_mismatching_entry(client):
    user, data = user_with_pages(entries=5, disposals=1)
    client.force_login(user)
    page = client.get(reverse("reconciliation")).content.decode()
    entry = f"L0000001-{data.connection.pk}"
    assert f'?q={entry}"><code>{entry}</code>' in page
    assert "is the first whose balance does not equal" in page


def test_charts_come_from_our_static_files_and_nothing_from_another_host(client):
    from tests.test_no_cdn import EXTERNAL

    user, data = user_with_pages(entries=20, disposals=20)
    client.force_login(user)
    year = data.run.years.order_by("-year").first().year
    for url in PAGES:
        body = client.get(url.format(year=year)).content.decode()
        assert EXTERNAL.findall(body) == [], url
    for url in ("/", "/holdings/BTC/", "/income/"):
        body = client.get(url).content.decode()
        assert '<script src="/static/portfolio/vendor/chartjs/chart.umd.min.js">' in body
        assert '<script src="/static/portfolio/charts.js">' in body


def test_a_disposal_links_to_its_entries_and_each_lot_to_its_acquisition(client):
    user, data = user_with_pages(entries=5, disposals=4)
    row = DisposalRow.objects.filter(run=data.run).first()
    row.lots = [{**row.lots[0], "lot_id": "RBUY0001", "acquired": "2021-03-04T10:00:00+00:00"}]
    row.save()
    client.force_login(user)
    page = client.get(reverse("tax_year", args=[row.tax_year])).content.decode()
    assert f'href="/transactions/?q={row.event_id.replace(":", "%3A")}">ledger entries' in page
    assert 'href="/transactions/?q=RBUY0001" title="the acquisition' in page
    assert "4\u00a0Mar\u00a02021" in page


def test_tax_year_shows_the_s104_pool_after_each_uk_disposal(client):
    """The stored pool after (quantity and cost with its currency); a dash where not stored."""
    user, data = user_with_pages(entries=10, disposals=12)
    client.force_login(user)
    year = data.run.years.order_by("-year").first().year
    row, other = DisposalRow.objects.filter(run=data.run, tax_year=year).order_by("time")[:2]
    row.pool_quantity_after, row.pool_cost_after = Decimal("10000"), Decimal("31363.636363636364")
    row.save()
    page = client.get(reverse("tax_year", args=[year])).content.decode()
    assert '<th class="num" scope="col">Pool after</th>' in page

    def cell(event_id: str) -> str:
        text = page[page.index(f'<tr data-event="{event_id}"') :]
        text = text[text.index('data-label="Pool after"') :]
        return text[: text.index("</td>")]

    assert f"10,000 {row.asset}" in cell(row.event_id) and "31,363.64 GBP" in cell(row.event_id)
    assert cell(other.event_id).endswith(">—")


def test_an_asset_page_names_a_lots_connection_and_its_source_in_words(client):
    """A lot's wallet is the connection's label (the engine's ``kraken-<id>`` is internal) and a
    basis taken from the trade's own amount says so (the engine's source is just "leg")."""
    user, data = user_with_pages(entries=5, disposals=1)
    connection = user.kraken_connections.get()
    LotRow.objects.filter(run=data.run, asset="BTC").delete()
    LotRowFactory(run=data.run, lot_id="RBUY0002", wallet=f"kraken-{connection.pk}", source="leg")
    client.force_login(user)
    page = client.get("/holdings/BTC/").content.decode()
    assert f'data-label="Where">Kraken · {connection.label}</td>' in page
    assert f">{labels.SOURCE_TEXT['leg']}</a>" in page and f"kraken-{connection.pk}" not in page
