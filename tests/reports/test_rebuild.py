"""Rebuilding a user's accounts from the synced ledger, stored and skipped when unchanged."""

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from portfolio.accounting import summarise_tax_year
from portfolio.books import inputs
from portfolio.books.models import (
    AccountingRun,
    DisposalRow,
    LotRow,
    UnknownBasisDepositRow,
    YearResult,
)
from portfolio.books.prices import prices_fill_for
from portfolio.books.rebuilds import rebuild_request
from portfolio.books.services import accounting_rebuild, compute_for, settings_for
from portfolio.books.tasks import rebuild_job
from tests.simulated import connect, sync

pytestmark = pytest.mark.django_db(transaction=True)
AS_OF = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def synced(simulator):
    account = simulator.add_account(seed=41, size=400)
    connection = connect(simulator, account)
    assert sync(connection).state == "succeeded"
    prices_fill_for(user=connection.user)  # prices first, then numbers
    return account, connection


def test_rebuild_stores_exactly_what_the_engine_computes(synced):
    _account, connection = synced
    user = connection.user
    run = accounting_rebuild(user=user, as_of=AS_OF, daily_values=False)
    assert run.state == AccountingRun.State.SUCCEEDED
    rows = inputs.ledger_rows(user=user, per_connection=True)
    _classified, result = compute_for(
        rows=rows,
        settings=settings_for(user=user),
        as_of=AS_OF,
        prices=inputs.price_source(user=user, as_of=AS_OF),
    )
    assert run.event_count == len(_classified.events)
    assert DisposalRow.objects.filter(run=run).count() == len(result.disposals)
    places = Decimal("1e-18")  # the stored columns keep 18 decimal places
    assert sorted(d.gain for d in DisposalRow.objects.filter(run=run)) == sorted(
        d.gain.quantize(places) for d in result.disposals
    )
    stored_years = {y.year: y.summary for y in YearResult.objects.filter(run=run)}
    assert set(result.years) <= set(stored_years)  # and years with only margin or futures
    lots_part = {
        year: {k: v for k, v in summary.items() if k not in ("margin", "futures")}
        for year, summary in stored_years.items()
        if year in result.years
    }
    assert lots_part == {year: summarise_tax_year(result, year) for year in result.years}
    held, outside = defaultdict(Decimal), defaultdict(Decimal)
    for lot in LotRow.objects.filter(run=run):
        (outside if lot.held_outside else held)[lot.asset] += lot.quantity
    assert dict(held) == {k: v for k, v in result.holdings().items() if v}
    assert dict(outside) == {k: v for k, v in result.held_outside().items() if v}
    assert len(run.problems) == len(result.problems)
    stored_unknown = UnknownBasisDepositRow.objects.filter(run=run)
    assert sorted((u.event_id, u.quantity, u.gain) for u in stored_unknown) == sorted(
        (u.event_id, u.quantity, u.gain.quantize(places)) for u in result.unknown_deposits
    )


def test_a_rebuild_with_nothing_new_keeps_the_stored_run(synced):
    _account, connection = synced
    first = accounting_rebuild(user=connection.user, as_of=AS_OF, daily_values=False)
    again = accounting_rebuild(user=connection.user, as_of=AS_OF, daily_values=False)
    assert again.pk == first.pk
    forced = accounting_rebuild(user=connection.user, as_of=AS_OF, daily_values=False, force=True)
    assert forced.pk != first.pk
    assert forced.event_count == first.event_count


def test_new_ledger_entries_make_a_new_run(synced):
    account, connection = synced
    first = accounting_rebuild(user=connection.user, as_of=AS_OF, daily_values=False)
    account.append_activity(12)
    sync(connection)
    second = accounting_rebuild(user=connection.user, as_of=AS_OF, daily_values=False)
    assert second.pk != first.pk
    assert second.event_count > first.event_count


def test_a_change_of_method_is_its_own_run(synced):
    _account, connection = synced
    fifo = accounting_rebuild(user=connection.user, as_of=AS_OF, daily_values=False)
    hifo = accounting_rebuild(user=connection.user, as_of=AS_OF, method="hifo", daily_values=False)
    assert (fifo.method, hifo.method) == ("fifo", "hifo")
    assert fifo.pk != hifo.pk


def test_a_day_that_cannot_be_fully_priced_is_left_out_not_drawn_as_zero(synced):
    _account, connection = synced
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    run = accounting_rebuild(user=connection.user, as_of=today + timedelta(hours=12))
    last = run.daily_values.order_by("-date").first()
    assert last.date < today.date()  # today's candle is still open: no complete price yet
    assert last.value > 0


def test_daily_values_cover_every_day_of_the_history(synced):
    _account, connection = synced
    run = accounting_rebuild(user=connection.user, as_of=AS_OF)
    first_entry = min(row.time for row in inputs.ledger_rows(user=connection.user))
    days = list(run.daily_values.values_list("date", flat=True))
    assert days[0] == first_entry.date()
    assert days[-1] == AS_OF.date()
    assert len(days) == (AS_OF.date() - first_entry.date()).days + 1
    assert run.daily_values.filter(value__gt=0).count() > len(days) // 2


def test_the_celery_task_rebuilds_for_a_user(synced, eager):
    _account, connection = synced
    job = rebuild_request(user=connection.user, reason="test")  # eager: the task runs here
    job.refresh_from_db()
    assert job.state == "succeeded", job.error
    run = AccountingRun.objects.get(job=job)
    assert run.user == connection.user
    assert run.state == AccountingRun.State.SUCCEEDED
    assert rebuild_job.apply(args=[job.pk]).get() == "nothing to do"  # a redelivery
    assert rebuild_job.apply(args=[999999]).get() == "nothing to do"


def test_us_accounts_are_kept_wallet_by_wallet_per_connection(simulator):
    from tests.factories import UserFactory

    user = UserFactory()
    first = connect(simulator, simulator.add_account(seed=51, size=150), user=user, label="One")
    second = connect(simulator, simulator.add_account(seed=52, size=150), user=user, label="Two")
    sync(first)
    sync(second)
    run = accounting_rebuild(user=user, as_of=AS_OF, daily_values=False)
    assert run.per_wallet is True
    on_kraken = LotRow.objects.filter(run=run, held_outside=False)
    assert set(on_kraken.values_list("wallet", flat=True)) <= {
        f"kraken-{first.pk}",
        f"kraken-{second.pk}",
        "futures",
    }
    assert {p["code"] for p in run.problems}.isdisjoint({"universal_method"})


def test_a_rebuild_with_every_price_cached_needs_no_network(synced):
    from accounts.models import KrakenConnection

    _account, connection = synced
    first = accounting_rebuild(user=connection.user, as_of=AS_OF, daily_values=False)
    # Kraken unreachable: nothing listens on port 9
    KrakenConnection.objects.filter(pk=connection.pk).update(api_url="http://127.0.0.1:9")
    again = accounting_rebuild(user=connection.user, as_of=AS_OF, daily_values=False, force=True)
    assert again.pk != first.pk
    assert again.state == AccountingRun.State.SUCCEEDED
    assert list(
        again.disposals.values_list("gain", flat=True).order_by("time", "event_id")
    ) == list(first.disposals.values_list("gain", flat=True).order_by("time", "event_id"))
