"""Incremental rebuilds: resumed at a tax-year start, stored exactly as a full rebuild stores."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from accounts.services import profile_for
from portfolio.accounting import classify_ledger, tax_year_period
from portfolio.accounting.jurisdictions import default_time_zone
from portfolio.books import inputs
from portfolio.books.models import (
    AccountingRun,
    DailyValue,
    DisposalRow,
    IncomeRow,
    LotRow,
    RunCheckpoint,
    UnknownBasisDepositRow,
    YearEndLotRow,
    YearResult,
)
from portfolio.books.prices import prices_fill_for
from portfolio.books.services import accounting_rebuild
from portfolio.models import LedgerEntry
from tests.simulated import connect, sync

pytestmark = pytest.mark.django_db(transaction=True)
AS_OF = datetime(2026, 3, 1, tzinfo=UTC)  # the simulated history ends in 2025; appends follow
FULL, INCREMENTAL = AccountingRun.Kind.FULL, AccountingRun.Kind.INCREMENTAL


def _synced(
    simulator, *, seed: int, jurisdiction: str, method: str, base: str = "USD", size: int = 400
):
    account = simulator.add_account(seed=seed, size=size)
    connection = connect(simulator, account)
    profile = profile_for(user=connection.user)
    profile.jurisdiction, profile.cost_basis_method, profile.base_currency = (
        jurisdiction,
        method,
        base,
    )
    profile.time_zone = default_time_zone(jurisdiction)  # a profile made in that jurisdiction
    profile.save()
    assert sync(connection).state == "succeeded"
    # prices first: the history's prices are stored once; later syncs add entries only, so the
    # stored prices of the years before the boundary stay the ones the first run used
    prices_fill_for(user=connection.user)
    return account, connection


def _rows(model, run) -> list[tuple]:
    fields = [f.attname for f in model._meta.concrete_fields if f.name not in ("id", "run")]
    return sorted(model.objects.filter(run=run).values_list(*fields), key=repr)


def _stored(run: AccountingRun) -> dict:
    run.refresh_from_db()
    return {
        "lots": _rows(LotRow, run),
        "disposals": _rows(DisposalRow, run),
        "income": _rows(IncomeRow, run),
        "unknown": _rows(UnknownBasisDepositRow, run),
        "years": _rows(YearResult, run),
        "year_ends": _rows(YearEndLotRow, run),
        "days": _rows(DailyValue, run),
        "pnl": run.pnl,
        "problems": run.problems,
        "warnings": run.warnings,
        "event_count": run.event_count,
    }


def _assert_same_stored(incremental: AccountingRun, full: AccountingRun) -> None:
    got, want = _stored(incremental), _stored(full)
    for key in want:
        assert got[key] == want[key], key


def _events(user, settings_run: AccountingRun):
    rows = inputs.ledger_rows(user=user, per_connection=settings_run.per_wallet)
    return [e for e in classify_ledger(rows).events if e.time <= AS_OF]


def _count(events, start=None, end=None) -> int:
    return sum(
        1 for e in events if (start is None or e.time >= start) and (end is None or e.time < end)
    )


@pytest.mark.parametrize(
    ("jurisdiction", "method", "seed"),
    [
        ("us", "fifo", 61),
        ("us", "lifo", 62),
        ("generic", "average", 63),
        ("de", "fifo", 64),
        ("us", "hifo", 68),  # the checkpoint keeps each lot's original unit cost
    ],
)
def test_an_incremental_rebuild_stores_exactly_what_a_full_rebuild_stores(
    simulator, jurisdiction, method, seed
):
    account, connection = _synced(simulator, seed=seed, jurisdiction=jurisdiction, method=method)
    user = connection.user
    first = accounting_rebuild(user=user, as_of=AS_OF)
    boundary = first.checkpoint.boundary
    account.append_activity(40)
    sync(connection)

    resumed = accounting_rebuild(user=user, as_of=AS_OF)
    full = accounting_rebuild(user=user, as_of=AS_OF, force=True)

    assert (first.kind, resumed.kind, full.kind) == (FULL, INCREMENTAL, FULL)
    assert (resumed.based_on_id, resumed.recomputed_from) == (first.pk, boundary)
    _assert_same_stored(resumed, full)
    events = _events(user, full)
    moved_to = resumed.checkpoint.boundary  # the start of the latest year with events
    assert resumed.computed_events == _count(events, boundary) + _count(events, boundary, moved_to)
    assert full.computed_events == len(events) + _count(events, end=moved_to)
    assert resumed.computed_events < len(events) // 2
    # both parts are there: years copied from the first run and years computed again
    years = set(YearResult.objects.filter(run=resumed).values_list("year", flat=True))
    assert {2021, 2024, 2025} <= years
    assert DailyValue.objects.filter(run=resumed, date__lt=boundary.date()).count() > 1000
    # the books at each year's end: copied before the opening's year (2024), recorded from it
    ends = set(YearEndLotRow.objects.filter(run=resumed).values_list("tax_year", flat=True))
    assert {2021, 2022, 2023, 2024, 2025} <= ends
    assert resumed.year_ends_recorded and full.year_ends_recorded


def test_a_run_made_before_the_year_ends_were_recorded_is_not_resumed(simulator):
    account, connection = _synced(simulator, seed=61, jurisdiction="us", method="fifo")
    user = connection.user
    first = accounting_rebuild(user=user, as_of=AS_OF)
    YearEndLotRow.objects.filter(run=first).delete()  # as a run stored before them
    AccountingRun.objects.filter(pk=first.pk).update(year_ends_recorded=False)
    account.append_activity(40)
    sync(connection)

    again = accounting_rebuild(user=user, as_of=AS_OF)

    assert again.kind == FULL
    assert again.year_ends_recorded
    ends = set(YearEndLotRow.objects.filter(run=again).values_list("tax_year", flat=True))
    assert {2021, 2022, 2023, 2024, 2025} <= ends


def test_a_chain_of_incremental_rebuilds_stays_equal_to_a_full_one(simulator):
    # this history ends on 2025-12-19: 200 more rows reach 2026, and the checkpoint moves there
    account, connection = _synced(simulator, seed=62, jurisdiction="us", method="fifo", size=600)
    user = connection.user
    first = accounting_rebuild(user=user, as_of=AS_OF)
    account.append_activity(200)
    sync(connection)
    second = accounting_rebuild(user=user, as_of=AS_OF)
    account.append_activity(40)
    sync(connection)

    third = accounting_rebuild(user=user, as_of=AS_OF)
    full = accounting_rebuild(user=user, as_of=AS_OF, force=True)

    start_2026 = tax_year_period("us", 2026)[0]
    assert (second.kind, third.kind) == (INCREMENTAL, INCREMENTAL)
    assert first.checkpoint.boundary == tax_year_period("us", 2025)[0]
    assert second.checkpoint.boundary == start_2026
    assert (third.based_on_id, third.recomputed_from) == (second.pk, start_2026)
    assert third.computed_events == _count(_events(user, full), start_2026)
    _assert_same_stored(third, full)


@pytest.mark.parametrize(
    ("jurisdiction", "method", "seed"),
    [("uk", "uk", 66), ("ca", "average", 67)],
    ids=["uk-30-day-rule", "ca-superficial-loss"],
)
def test_methods_that_cannot_resume_rebuild_in_full(simulator, jurisdiction, method, seed):
    account, connection = _synced(simulator, seed=seed, jurisdiction=jurisdiction, method=method)
    user = connection.user
    first = accounting_rebuild(user=user, as_of=AS_OF, daily_values=False)
    account.append_activity(20)
    sync(connection)

    second = accounting_rebuild(user=user, as_of=AS_OF, daily_values=False)

    assert (first.kind, second.kind) == (FULL, FULL)
    assert (second.based_on_id, second.recomputed_from) == (None, None)
    assert second.computed_events == second.event_count > first.event_count
    assert not RunCheckpoint.objects.filter(run__in=[first, second]).exists()


def test_a_changed_row_before_the_boundary_means_a_full_rebuild(simulator):
    _account, connection = _synced(simulator, seed=69, jurisdiction="us", method="fifo")
    user = connection.user
    first = accounting_rebuild(user=user, as_of=AS_OF, daily_values=False)
    old = (
        LedgerEntry.objects.filter(
            connection=connection, time__lt=first.checkpoint.boundary, amount__gt=0
        )
        .exclude(asset="USD")
        .order_by("time")
        .first()
    )
    LedgerEntry.objects.filter(pk=old.pk).update(amount=old.amount + Decimal("0.5"))

    second = accounting_rebuild(user=user, as_of=AS_OF, daily_values=False)
    full = accounting_rebuild(user=user, as_of=AS_OF, daily_values=False, force=True)

    assert second.kind == FULL
    assert second.based_on_id is None
    assert second.inputs_digest != first.inputs_digest
    _assert_same_stored(second, full)


def test_a_new_row_joining_a_trade_before_the_boundary_means_a_full_rebuild(simulator):
    # The rows before the boundary are unchanged, but the classifier nets a refid's legs into one
    # event at the group's first time: the event before the boundary changes.
    _account, connection = _synced(simulator, seed=70, jurisdiction="us", method="fifo")
    user = connection.user
    first = accounting_rebuild(user=user, as_of=AS_OF, daily_values=False)
    boundary = first.checkpoint.boundary
    leg = (
        LedgerEntry.objects.filter(connection=connection, time__lt=boundary, type="trade")
        .exclude(asset="USD")
        .order_by("-time")
        .first()
    )
    LedgerEntry.objects.create(
        connection=connection,
        ledger_id="LJOINS-OLD-TRADE",
        refid=leg.refid,
        time=boundary + timedelta(days=30),
        type="trade",
        aclass="currency",
        asset=leg.asset,
        raw_asset=leg.raw_asset,
        amount=leg.amount / 2,
        fee=Decimal(0),
        balance=Decimal(0),
    )

    second = accounting_rebuild(user=user, as_of=AS_OF, daily_values=False)

    assert second.kind == FULL
    assert second.event_count == first.event_count  # the new leg joined an existing trade


def _trade(connection, n: int, time: datetime, give: tuple[str, Decimal], get: tuple[str, Decimal]):
    for side, (asset, amount) in (("a", give), ("b", get)):
        LedgerEntry.objects.create(
            connection=connection,
            ledger_id=f"LFREIGRENZE-{n}{side}",
            refid=f"TFREIGRENZE-{n}",
            time=time,
            type="trade",
            aclass="currency",
            asset=asset,
            raw_asset=asset,
            amount=amount,
            fee=Decimal(0),
            balance=Decimal(0),
        )


def test_the_german_freigrenze_is_applied_to_the_whole_recomputed_year(simulator):
    """New trades inside the boundary year move its short-term total across the Freigrenze."""
    _account, connection = _synced(simulator, seed=71, jurisdiction="de", method="fifo", base="EUR")
    user = connection.user
    first = accounting_rebuild(user=user, as_of=AS_OF)
    assert first.checkpoint.boundary == tax_year_period("de", 2025)[0]
    before = YearResult.objects.get(run=first, year=2025).summary
    short, threshold = (
        Decimal(before["short_term"]["gain"]),
        Decimal(before["exemption"]["threshold"]),
    )
    target = threshold - 5 if short >= threshold else threshold + 5  # 5 EUR across the line
    cost = 1000 + abs(target - short)
    t = datetime(2025, 3, 3, 12, tzinfo=UTC)
    _trade(connection, 1, t, ("EUR", -cost), ("XTZ", Decimal(10)))
    _trade(
        connection, 2, t + timedelta(days=90), ("XTZ", Decimal(-10)), ("EUR", cost + target - short)
    )

    resumed = accounting_rebuild(user=user, as_of=AS_OF)
    full = accounting_rebuild(user=user, as_of=AS_OF, force=True)

    assert resumed.kind == INCREMENTAL
    after = YearResult.objects.get(run=resumed, year=2025).summary
    assert after["short_term"]["gain"] == f"{target:.2f}"
    assert after["exemption"]["applied"] is (target < threshold)
    assert after["exemption"]["applied"] is not before["exemption"]["applied"]
    _assert_same_stored(resumed, full)
