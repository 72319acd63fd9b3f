"""Prices first, then numbers: a bounded fill from the simulator, then rebuilds that never call.

Determinism: the same account computed cold, warm, with the store filled in another order, and
with "now" two years later gives identical stored rows. Bounds: the fill makes at most 8 OHLC
calls per pair whatever the number of events, and a second fill or any rebuild makes none.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from portfolio.books import inputs
from portfolio.books.models import DailyValue, DisposalRow, IncomeRow, LotRow, YearResult
from portfolio.books.prices import price_needs, prices_fill_for
from portfolio.books.services import accounting_rebuild
from portfolio.models import PriceCoverage, PriceQuote
from portfolio.prices.fill import API_INTERVALS, moments_by_pair, prices_fill
from tests.simulated import connect, sync

pytestmark = pytest.mark.django_db(transaction=True)
AS_OF = datetime(2026, 1, 15, tzinfo=UTC)


def public_calls(simulator) -> dict[str, int]:
    calls: dict[str, int] = {}
    for by in simulator.counters["calls"].values():
        for endpoint, n in by.items():
            if endpoint.startswith("public/"):
                calls[endpoint] = calls.get(endpoint, 0) + n
    return calls


def stored_rows(run) -> dict[str, list]:
    """Every stored result row of a run, without ids (what a reader of the run sees)."""

    def rows(model, order):
        return [
            {k: v for k, v in row.items() if k not in ("id", "run_id")}
            for row in model.objects.filter(run=run).order_by(*order).values()
        ]

    return {
        "disposals": rows(DisposalRow, ("event_id", "time", "asset", "wallet", "quantity")),
        "income": rows(IncomeRow, ("event_id", "time", "asset")),
        "lots": rows(LotRow, ("lot_id", "asset", "wallet")),
        "years": rows(YearResult, ("year",)),
        "days": rows(DailyValue, ("date",)),
        "problems": run.problems,
    }


@pytest.fixture
def synced(simulator):
    account = simulator.add_account(seed=77, size=300)
    connection = connect(simulator, account)
    assert sync(connection).state == "succeeded"
    return account, connection


def test_a_fill_is_bounded_by_pairs_and_a_second_fill_or_a_rebuild_makes_no_call(simulator, synced):
    _account, connection = synced
    user = connection.user
    needs, chart = price_needs(user=user)
    pairs = moments_by_pair(needs | chart, inputs.pairs_for(user=user))
    assert len(needs) > 50 and len(chart) > 1000  # many moments, few pairs
    simulator.reset_counters()
    report = prices_fill_for(user=user)
    calls = public_calls(simulator)
    assert calls == {"public/OHLC": report.calls}
    assert 0 < report.calls <= len(API_INTERVALS) * len(pairs)
    assert report.calls == len(report.planned)
    simulator.reset_counters()
    assert prices_fill_for(user=user).calls == 0
    run = accounting_rebuild(user=user, as_of=AS_OF, force=True)
    assert public_calls(simulator) == {}
    assert run.state == "succeeded"


def test_the_same_account_gives_the_same_rows_cold_warm_reordered_and_two_years_later(
    simulator, synced
):
    _account, connection = synced
    user = connection.user
    prices_fill_for(user=user)
    cold = stored_rows(accounting_rebuild(user=user, as_of=AS_OF, force=True))
    assert cold["income"] and cold["disposals"] and cold["days"]
    simulator.reset_counters()
    warm = stored_rows(accounting_rebuild(user=user, as_of=AS_OF, force=True))
    assert public_calls(simulator) == {}
    assert warm == cold

    # empty the store, fill it pair by pair in the reverse order, then rebuild
    PriceQuote.objects.all().delete()
    PriceCoverage.objects.all().delete()
    pairs = inputs.pairs_for(user=user)
    needs, chart = price_needs(user=user)
    client = connection_public(connection)
    now = datetime.now(UTC)
    for wanted, daily in ((chart, True), (needs, False)):  # the chart's first this time
        by_pair = moments_by_pair(wanted, pairs)
        for pair in sorted(by_pair, reverse=True):
            base, quote = next(k for k, v in pairs.items() if v == pair)
            these = [(base, quote, at) for at in sorted(by_pair[pair], reverse=True)]
            prices_fill(
                public=client,
                pairs=pairs,
                needs=[] if daily else these,
                daily_needs=these if daily else [],
                now=now,
            )
    reordered = stored_rows(accounting_rebuild(user=user, as_of=AS_OF, force=True))
    assert reordered == cold

    with freeze_time(datetime.now(UTC) + timedelta(days=730)):
        later = stored_rows(accounting_rebuild(user=user, as_of=AS_OF, force=True))
    assert later == cold


def connection_public(connection):
    from portfolio.kraken_factory import clients_for

    return clients_for(connection=connection).public


def test_a_price_that_cannot_be_found_is_a_listed_problem_not_a_silent_zero(synced):
    _account, connection = synced
    run = accounting_rebuild(user=connection.user, as_of=AS_OF, force=True)  # nothing stored
    missing = [p for p in run.problems if p["code"] == "missing_price"]
    assert missing
    assert all(p["asset"] and p["time"] and "no price for" in p["message"] for p in missing)
