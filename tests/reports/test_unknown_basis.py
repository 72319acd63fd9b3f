"""Deposits of unknown basis: stored, listed to their owner only, and a basis entered by the user
changes the stored figures after the rebuild it triggers. And tax_report's new JSON blocks."""

import io
import json
import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Profile
from portfolio.books import inputs
from portfolio.books.models import (
    AccountingRun,
    DepositBasis,
    DisposalRow,
    LotRow,
    UnknownBasisDepositRow,
)
from portfolio.books.prices import prices_fill_for
from portfolio.books.services import accounting_rebuild
from portfolio.celery import app as celery_app
from portfolio.models import AssetPair, LedgerEntry
from tests.factories import UserFactory
from tests.simulated import connect

pytestmark = pytest.mark.django_db(transaction=True)
D = Decimal
AS_OF = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture
def eager():
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


def _entry(connection, ledger_id, refid, when, kind, asset, amount, fee="0"):
    LedgerEntry.objects.create(
        connection=connection,
        ledger_id=ledger_id,
        refid=refid,
        time=datetime.fromisoformat(when).replace(tzinfo=UTC),
        type=kind,
        aclass="currency",
        asset=asset,
        raw_asset=asset,
        amount=D(amount),
        fee=D(fee),
        balance=D(0),
    )


@pytest.fixture
def history(simulator):
    """Buy 1 BTC, withdraw 0.4 (fee 0.001 BTC), deposit 1 (0.4 back, 0.6 unknown), sell 1.5."""
    user = UserFactory(username="holder")
    connection = connect(simulator, simulator.add_account(seed=81, size=10), user=user)
    # rows written here as an import writes them: its data counts without a sync
    connection.csv_only = True
    connection.save(update_fields=["csv_only"])
    _entry(connection, "L1", "T1", "2021-01-03T12:00", "trade", "USD", "-20000")
    _entry(connection, "L2", "T1", "2021-01-03T12:00", "trade", "BTC", "1")
    _entry(connection, "L3", "W1", "2022-01-10T12:00", "withdrawal", "BTC", "-0.4", "0.001")
    _entry(connection, "L4", "D1", "2023-01-01T12:00", "deposit", "BTC", "1")
    _entry(connection, "L5", "T2", "2023-06-01T12:00", "trade", "BTC", "-1.5")
    _entry(connection, "L6", "T2", "2023-06-01T12:00", "trade", "USD", "75000")
    AssetPair.objects.create(  # the pair list a sync would have stored
        connection=connection, pair_id="XXBTZUSD", altname="XBTUSD", base="BTC", quote="USD",
        raw_base="XXBT", raw_quote="ZUSD", pair_decimals=1, lot_decimals=8,
    )  # fmt: skip
    prices_fill_for(user=user)  # prices first, then numbers
    return user


def _gain(run) -> Decimal:
    return sum(DisposalRow.objects.filter(run=run, reason="sale").values_list("gain", flat=True))


def test_only_the_part_beyond_what_left_is_listed_with_the_gain_it_adds(history, client):
    run = accounting_rebuild(user=history, as_of=AS_OF, daily_values=False)
    [row] = UnknownBasisDepositRow.objects.filter(run=run)
    assert (row.event_id, row.deposited, row.returned, row.quantity, row.basis) == (
        "L4",
        D("1"),
        D("0.4"),
        D("0.6"),
        D("0"),
    )
    assert row.gain == D("25050")  # 0.501 of its 0.6 BTC sold at 50,000, from a zero basis
    client.force_login(history)
    page = client.get(reverse("unknown_bases")).content.decode()
    assert "Deposits of unknown basis" in page and "25,050.00" in page
    assert reverse("unknown_basis_edit", args=[row.event_id]) in page
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "1 deposit of unknown basis" in dashboard


def test_another_user_gets_404_and_writes_nothing(history, client):
    run = accounting_rebuild(user=history, as_of=AS_OF, daily_values=False)
    row = UnknownBasisDepositRow.objects.get(run=run)
    client.force_login(UserFactory(username="snoop"))
    url = reverse("unknown_basis_edit", args=[row.event_id])
    assert client.get(url).status_code == 404
    posted = client.post(url, {"basis": "1", "acquired": "2020-01-01T00:00"})
    assert posted.status_code == 404
    assert DepositBasis.objects.count() == 0
    assert url not in client.get(reverse("unknown_bases")).content.decode()  # not listed


def test_entering_a_basis_changes_the_stored_figures_after_the_rebuild(history, client, eager):
    Profile.objects.filter(user=history).update(unknown_basis="entered")
    first = accounting_rebuild(user=history, as_of=AS_OF, daily_values=False)
    assert _gain(first) == D("55020")  # 75,000 - 0.999 x 20,000 (2021) - 0 (0.501 unknown)
    row = UnknownBasisDepositRow.objects.get(run=first)
    client.force_login(history)
    response = client.post(
        reverse("unknown_basis_edit", args=[row.event_id]),
        {"basis": "9000", "acquired": "2020-05-01T10:00"},
        follow=True,
    )
    assert "Basis saved. Your accounts are being recomputed." in response.content.decode()
    latest = AccountingRun.objects.filter(user=history).order_by("-pk").first()
    assert latest.pk != first.pk and latest.state == AccountingRun.State.SUCCEEDED
    stored = UnknownBasisDepositRow.objects.get(run=latest)
    assert (stored.basis, stored.gain, stored.basis_source) == (
        D("9000"),
        D("21000"),  # acquired in 2020 now, its 0.6 BTC are sold first (FIFO): 30,000 - 9,000
        "basis entered by the user",
    )
    assert _gain(latest) == D("48000")  # 75,000 - 9,000 - 0.9 x 20,000
    sale = DisposalRow.objects.get(run=latest, reason="sale")
    assert sale.term == "long"  # the entered 2020 date makes the unknown part long-term too


def test_a_basis_dated_after_the_deposit_is_refused_and_nothing_is_written(history, client):
    run = accounting_rebuild(user=history, as_of=AS_OF, daily_values=False)
    row = UnknownBasisDepositRow.objects.get(run=run)
    client.force_login(history)
    response = client.post(
        reverse("unknown_basis_edit", args=[row.event_id]),
        {"basis": "100", "acquired": "2023-02-01T00:00"},
    )
    assert response.status_code == 200
    assert "Coins are acquired before they are deposited" in response.content.decode()
    assert DepositBasis.objects.count() == 0
    assert AccountingRun.objects.filter(user=history).count() == 1


def test_holdings_store_on_kraken_and_held_outside_apart(history):
    Profile.objects.filter(user=history).update(network_fee="carry")
    _entry(
        history.kraken_connections.get(), "L7", "W2", "2023-07-01T12:00", "withdrawal", "BTC",
        "-0.05",
    )  # fmt: skip
    run = accounting_rebuild(user=history, as_of=AS_OF, daily_values=False)
    lots = LotRow.objects.filter(run=run)
    assert sorted((lot.held_outside, lot.quantity) for lot in lots) == [
        (False, D("0.049")),  # 1 + 1 - 0.4 - 0.001 (fee) - 1.5 - 0.05
        (True, D("0.05")),
    ]
    pnl = run.pnl["BTC"]
    assert (D(pnl["holding"]), D(pnl["held_outside"])) == (D("0.049"), D("0.05"))


def _report(user, year) -> dict:
    out = io.StringIO()
    call_command("tax_report", "--user", user.username, "--year", str(year), "--format", "json",
                 stdout=out)  # fmt: skip
    return json.loads(out.getvalue())


def test_tax_report_counts_lot_rows_and_sales_and_lists_fee_disposals(history):
    price = inputs.price_source(user=history).price(
        "BTC", "USD", datetime(2022, 1, 10, 12, tzinfo=UTC)
    )
    proceeds = (price.value * D("0.001")).quantize(D("0.01"))
    fee_row = {
        "proceeds": f"{proceeds}",
        "cost_basis": "20.00",
        "gain": f"{proceeds - 20}",
        "count": 1,
        "sales": 1,
    }
    nothing = {"proceeds": "0.00", "cost_basis": "0.00", "gain": "0.00", "count": 0, "sales": 0}
    assert _report(history, 2022)["fee_disposals"] == {
        "short_term": nothing,
        "long_term": fee_row,  # the fee left after the withdrawn 0.4, from the 2021 lot
        "all": fee_row,
    }
    data = _report(history, 2023)
    # one sale, three lot pieces: 0.599 on Kraken and the 0.4 back (2021), 0.501 unknown (2023)
    assert data["disposals"]["count"] == 3 and data["disposals"]["sales"] == 1
    assert (data["long_term"]["count"], data["long_term"]["sales"]) == (2, 1)
    assert (data["short_term"]["count"], data["short_term"]["sales"]) == (1, 1)
    assert data["fee_disposals"]["all"] == nothing


def _links(page: str) -> list[str]:
    return re.findall(r'href="(/reports/unknown-basis/[^"/]+/)"', page)


def test_links_outlive_the_rebuild_a_saved_basis_starts_and_read_change_basis(
    history, client, eager
):
    """Under the profile's default policy (zero), an entered basis is used; the list's links
    name the deposit by its ledger id, so they still resolve after the rebuild renumbered rows."""
    first = accounting_rebuild(user=history, as_of=AS_OF, daily_values=False)
    row = UnknownBasisDepositRow.objects.get(run=first)
    client.force_login(history)
    [link] = _links(client.get(reverse("unknown_bases")).content.decode())
    assert link == "/reports/unknown-basis/L4/"
    response = client.post(link, {"basis": "9000", "acquired": "2020-05-01T10:00"}, follow=True)
    assert "Basis saved. Your accounts are being recomputed." in response.content.decode()
    latest = AccountingRun.objects.filter(user=history).order_by("-pk").first()
    assert latest.pk != first.pk and latest.state == AccountingRun.State.SUCCEEDED
    stored = UnknownBasisDepositRow.objects.get(run=latest)
    assert stored.pk != row.pk  # the rebuild renumbered the row
    assert (stored.basis, stored.gain) == (D("9000"), D("21000"))  # used, policy zero or not
    page = client.get(reverse("unknown_bases")).content.decode()
    assert _links(page) == ["/reports/unknown-basis/L4/"]
    assert "Change basis" in page and "Enter basis" not in page
    assert "9,000.00 USD from" in page  # the row shows what was entered
    edit = client.get(_links(page)[0])
    assert edit.status_code == 200
    assert 'value="9000"' in edit.content.decode()  # a change starts from what was entered
    old = client.get(f"/reports/unknown-basis/{row.pk}/")  # a numeric link from before
    assert old.status_code == 404


def test_another_users_deposit_is_404_by_its_ledger_id_too(history, client):
    accounting_rebuild(user=history, as_of=AS_OF, daily_values=False)
    client.force_login(UserFactory(username="snoop"))
    assert client.get("/reports/unknown-basis/L4/").status_code == 404
    assert client.post("/reports/unknown-basis/L4/", {"basis": "1"}).status_code == 404
    assert DepositBasis.objects.count() == 0


def test_a_deposit_that_is_not_of_unknown_basis_is_404(history, client):
    accounting_rebuild(user=history, as_of=AS_OF, daily_values=False)
    client.force_login(history)
    assert client.get("/reports/unknown-basis/L2/").status_code == 404  # a trade's leg


def test_columns_have_distinct_headings_and_nothing_returned_is_not_mentioned(history, client):
    connection = history.kraken_connections.get()
    _entry(connection, "L7", "D2", "2023-02-01T12:00", "deposit", "BTC", "0.2")  # none outside
    accounting_rebuild(user=history, as_of=AS_OF, daily_values=False)
    client.force_login(history)
    page = client.get(reverse("unknown_bases")).content.decode()
    head = re.search(r"<thead>(.*?)</thead>", page, re.S).group(1)
    headings = re.findall(r"<th[^>]*>([^<]*)</th>", head)
    assert headings[:3] == ["Date", "Asset", "Quantity"]
    assert len(set(filter(None, headings))) == len(list(filter(None, headings)))
    assert 'data-label="Amount"' not in page and 'data-label="Deposited"' not in page
    returned = client.get("/reports/unknown-basis/L4/").content.decode()
    assert "of which 0.4 had been withdrawn before" in returned
    fresh = client.get("/reports/unknown-basis/L7/").content.decode()
    assert "had been withdrawn before" not in fresh
    assert "Enter what these" in fresh


def test_dashboard_names_problems_and_gives_quantities_once_without_trailing_zeros(history, client):
    accounting_rebuild(user=history, as_of=AS_OF, daily_values=False)
    client.force_login(history)
    page = client.get(reverse("dashboard")).content.decode()
    [item] = re.findall(r"<li><span class=\"warn\"[^>]*>.*?</li>", page, re.S)
    text = re.sub(r"<[^>]+>", "", item)
    assert text.startswith("Unknown basis · BTC · ")
    assert text.endswith(
        "deposit of 0.6 BTC beyond what was withdrawn: unknown basis: zero · enter its basis"
    )
    assert "unknown_basis ·" not in text and "0.6000" not in text
