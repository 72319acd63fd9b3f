"""Every dashboard page in a real Chromium at 1366 and 390 px: figures, charts, filters, pages.

The data is bulk-created stored results (bench/pages_data.py); test_dashboard.py covers the same
pages over a real simulator sync. Screenshots go to var/screenshots/pages-*.png.
"""

from decimal import Decimal

import pytest
from django.utils import timezone

from portfolio.books.models import DisposalRow, FuturesRow, IncomeRow, MarginRow
from portfolio.books.selectors import overview_for
from portfolio.models import LedgerEntry
from tests.browser.conftest import screenshot
from tests.factories import PASSWORD, FuturesPositionFactory, SyncRunFactory
from tests.portfolio.pages_setup import user_with_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SIZES = {"laptop": (1366, 900), "phone": (390, 844)}


@pytest.fixture(params=list(SIZES))
def viewport(request, browser):
    width, height = SIZES[request.param]
    context = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=request.param == "phone"
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield request.param, width, page, errors
    context.close()


def money(value: Decimal) -> str:
    return f"{value:,.2f} GBP"


# A table that scrolls inside its own box hides columns from a reader who does not think to
# scroll it: at 1366 px every table fits its card, and at 390 px tables are cards or fit.
CLIPPED_TABLES = """() => [...document.querySelectorAll('main .table-wrap')]
  .filter(w => w.scrollWidth > w.clientWidth + 1)
  .map(w => (w.querySelector('table') || w).getAttribute('aria-label') || w.className)"""
# A card's value breaks between words, never letter by letter (a few characters a line).
SQUEEZED_CELLS = """() => [...document.querySelectorAll('main .cards .table td')]
  .filter(td => td.offsetParent !== null)
  .filter(td => {
    const range = document.createRange();
    range.selectNodeContents(td);  // the value, without its label
    const line = parseFloat(getComputedStyle(td).lineHeight);
    const lines = range.getBoundingClientRect().height / line;
    return lines > 2.5 && td.innerText.trim().length / lines < 12;
  })
  .map(td => (td.dataset.label || '') + ': ' + td.innerText.slice(0, 40))"""

# An empty table's message reads as a sentence, from the left.
RIGHT_MESSAGES = """() => [...document.querySelectorAll('main .cards .table td[colspan]')]
  .filter(td => td.offsetParent !== null && getComputedStyle(td).textAlign === 'right')
  .map(td => td.innerText)"""


def assert_fits(page, name: str, width: int) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width, f"{name} scrolls sideways at {width} px ({overflow})"
    assert page.evaluate(CLIPPED_TABLES) == [], f"{name}: a table is cut at {width} px"
    if width <= 640:  # tables are cards
        assert page.evaluate(SQUEEZED_CELLS) == [], f"{name}: a card cell is squeezed at {width} px"
        assert page.evaluate(RIGHT_MESSAGES) == [], f"{name}: a message is right-aligned"


def _visit(page, url: str, name: str, width: int, kind: str) -> None:
    page.goto(url)
    page.wait_for_load_state("load")
    assert_fits(page, name, width)
    screenshot(page, f"pages-{name}-{kind}")


def _demo_sized(connection) -> None:
    """Ids, labels and balances as long as a real account's, on the newest page of entries."""
    connection.label = "Demo account (simulator)"
    connection.save(update_fields=["label"])
    newest = LedgerEntry.objects.filter(connection=connection).order_by("-time")[:50]
    for n, entry in enumerate(newest):
        entry.refid = f"FTvuLa3-n6a7ywqxYGiiSbVaGo{n:04d}"
        entry.balance = Decimal("16336.8515819727")
        entry.amount, entry.fee = Decimal("9696.46818686"), Decimal("74.1043")
        entry.save(update_fields=["refid", "balance", "amount", "fee"])


def _figure(page, name: str) -> str:
    return page.locator(f"[data-figure='{name}']").first.inner_text().replace("\u00a0", " ")


def test_every_page_shows_the_stored_figures(viewport, live_server):
    kind, width, page, errors = viewport
    user, data = user_with_pages(entries=260, disposals=220, income=60, username=f"pages_{kind}")
    # the dashboard's Connections card shows the last sync, and its futures card a position
    SyncRunFactory(connection=data.connection, finished_at=timezone.now())
    FuturesPositionFactory(connection=data.connection, pnl_currency="USD")
    _demo_sized(data.connection)
    run, base = data.run, live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("canvas#value-chart[data-drawn='1']")
    overview = overview_for(run=run)

    _visit(page, f"{base}/", "overview", width, kind)
    assert _figure(page, "realized") == money(overview.realized)
    assert _figure(page, "value") == money(overview.market_value)
    assert _figure(page, "income") == money(overview.income)
    assert _figure(page, "problems") == str(len(run.problems))
    page.click("button[data-range='1M']")
    assert page.get_attribute("button[data-range='1M']", "aria-pressed") == "true"
    points = page.evaluate("Chart.getChart('value-chart').data.datasets[0].data.length")
    assert points == 31  # the last month of daily values
    box = page.locator("#value-chart").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] / 2)
    page.wait_for_function("Chart.getChart('value-chart').tooltip.getActiveElements().length > 0")
    shares = page.locator("[data-share]").all_inner_texts()
    assert abs(sum(Decimal(s.split()[0]) for s in shares) - 100) < Decimal("0.3")

    _visit(page, f"{base}/holdings/?sort=asset&dir=asc", "holdings", width, kind)
    assert page.locator("[data-total='realized']").inner_text() == money(overview.realized)
    assert page.locator("[data-total='cost']").inner_text() == money(overview.cost_basis)

    _visit(page, f"{base}/holdings/BTC/", "asset", width, kind)
    realized = sum((d.gain for d in DisposalRow.objects.filter(run=run, asset="BTC")), Decimal(0))
    assert _figure(page, "realized") == money(realized)
    page.wait_for_selector("canvas#asset-chart[data-drawn='1']")

    _transactions(page, base, width, kind, data)
    _tax_year(page, base, width, kind, run)

    _visit(page, f"{base}/income/", "income", width, kind)
    income = sum((i.value for i in IncomeRow.objects.filter(run=run)), Decimal(0))
    assert page.locator("[data-total='DOT-staking']").inner_text() == money(income)
    _visit(page, f"{base}/margin/", "margin", width, kind)
    net = sum((m.pnl_value - m.fees_value for m in MarginRow.objects.filter(run=run)), Decimal(0))
    assert _figure(page, "net") == money(net)
    _visit(page, f"{base}/futures/", "futures", width, kind)
    rows = FuturesRow.objects.filter(run=run)
    assert _figure(page, "pnl") == money(sum((r.pnl_value for r in rows), Decimal(0)))
    _visit(page, f"{base}/reconciliation/", "reconciliation", width, kind)
    assert page.locator("tr[data-asset='ETH']").inner_text().count("differs") == 1
    assert errors == []


def _transactions(page, base, width, kind, data) -> None:
    _visit(page, f"{base}/transactions/", "transactions", width, kind)
    newest = page.locator("tr[data-id]").first.get_attribute("data-id")
    assert newest == f"L{data.entries - 1:07d}-{data.connection.pk}"
    page.select_option("select[name=asset]", "ETH")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_url("**asset=ETH**")
    assets = page.locator("tr[data-id] td[data-label='Asset']").all_inner_texts()
    assert len(assets) == 50 and set(a.split()[0] for a in assets) == {"ETH"}
    last_of_first = page.locator("tr[data-id]").last.get_attribute("data-id")
    page.click("a[rel=next]")
    page.wait_for_url("**after=**")
    first_of_second = int(page.locator("tr[data-id]").first.get_attribute("data-id")[1:8])
    assert first_of_second == int(last_of_first[1:8]) - 4  # ETH is every 4th entry
    screenshot(page, f"pages-transactions-filtered-{kind}")
    _visit(page, f"{base}/transactions/?kind=trades", "trades", width, kind)


def _tax_year(page, base, width, kind, run) -> None:
    year = run.years.order_by("-year").first()
    _visit(page, f"{base}/reports/tax-year/{year.year}/", "tax-year", width, kind)
    assert _figure(page, "gain") == money(Decimal(year.summary["disposals"]["gain"]))
    for part in page.locator("h1 .when").all():  # a title never breaks inside a date
        assert part.evaluate("e => e.getClientRects().length") == 1
    page.select_option("select[name=rule]", "s104")
    page.click("form[aria-label='Filter disposals'] button[type=submit]")
    page.wait_for_url("**rule=s104**")
    tags = page.locator("td[data-label='Rule']").all_inner_texts()
    assert tags and {t.strip() for t in tags} == {"Section 104"}
    expected = DisposalRow.objects.filter(run=run, tax_year=year.year)
    count = sum(1 for d in expected if d.lots[0]["lot_id"].startswith("s104:"))
    assert page.locator("h2#disposals").inner_text() == f"Sales ({count})"
    page.goto(f"{base}/reports/tax-year/{year.year}/?sort=gain&dir=desc")
    gains = page.locator("td[data-label='Gain']").all_inner_texts()
    values = [Decimal(g.split()[0].replace(",", "")) for g in gains]
    assert values == sorted(values, reverse=True) and len(values) == 50
    page.click("a[rel=next]")
    assert "page=2" in page.url and page.locator("td[data-label='Gain']").count() > 0
    screenshot(page, f"pages-tax-year-page2-{kind}")
