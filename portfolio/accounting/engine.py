"""The engine: events in, lots, disposals, income, fees and yearly summaries out.

Rule implemented: lot accounting under the chosen method (``books.METHODS``) and jurisdiction
(``jurisdictions``), over the events sorted by the total order ``(time, kind rank, event id)``
(``events.sort_key``), so the order in which simultaneous events arrive never changes the result.

* Per wallet (Treas. Reg. 1.1012-1(j) from 2025; BMF "walletbezogen") or universal matching.
  ``per_wallet=True`` applies per-wallet books to the whole history, which is the allocation of
  basis to the units actually in each wallet (Rev. Proc. 2024-28, specific unit allocation). UK
  pools and Canadian ACB are per token across all accounts by law, so the flag is ignored there.
* Missing history: a disposal (or transfer, or withdrawal) beyond what is held consumes what there
  is; the shortfall is reported as a ``shortfall`` problem with asset, time and quantity, and is
  booked at zero basis with an unknown acquisition date (short term where terms apply) - the
  conservative rule: no loss is invented, the full proceeds are a gain.
* Events after ``as_of`` are ignored (no hidden clock). Arithmetic runs in a fixed decimal context
  (28 digits, ROUND_HALF_EVEN), independent of the caller's.
* Methods without look-ahead (FIFO, LIFO, HIFO, AVERAGE without the superficial-loss rule) plan
  and match each event in one loop (``streaming``); UK matching and the Canadian rule plan every
  event first, then run. Yearly sums are added up every few thousand events (``totals``), and the
  records are kept as flat lists of fields read through ``tables.Records``.
* The books at each tax year's end (``EngineResult.year_end``): the loops run a tax year at a
  time, the events (or operations) split at each year's first local day by one bisection, and the
  open lots and lots held outside are recorded between years, so no event pays for it.
* Incremental rebuilds: ``result.checkpoint()`` captures the open lots at ``as_of``; a later
  ``compute(new_events, ..., opening=checkpoint)`` continues from it. Valid for FIFO, LIFO, HIFO and
  AVERAGE without the superficial-loss rule; UK matching and the Canadian rule look 30 days ahead,
  so the DB service rebuilds those from the start (1M events take seconds, see bench/).
"""

from __future__ import annotations

import gc
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext
from itertools import compress, islice
from operator import attrgetter, lt
from typing import Any, NamedTuple

from portfolio.accounting.books import METHODS, Method
from portfolio.accounting.events import KIND_RANK, Event
from portfolio.accounting.exchange_fees import split_exchange_fees
from portfolio.accounting.jurisdictions import Jurisdiction, get_jurisdiction
from portfolio.accounting.planning import Planner
from portfolio.accounting.policies import EnteredBasis, ExchangeFee
from portfolio.accounting.results import (
    Checkpoint,
    EngineResult,
    FeeRecord,
    HeldOutside,
    IncomeRecord,
    OpenLot,
    UnknownBasisDeposit,
    YearEnd,
)
from portfolio.accounting.runner import Runner
from portfolio.accounting.streaming import plan_and_run, plan_fast
from portfolio.accounting.summary import asset_pnl, yearly_summaries
from portfolio.accounting.tables import (
    RECORD_WIDTH,
    USE_WIDTH,
    disposal_records,
    plain_records,
)
from portfolio.accounting.totals import RunningTotals
from portfolio.accounting.uk_matching import DayGroups
from portfolio.accounting.uk_outside import UkRunner
from portfolio.accounting.valuation import PriceSource, Valuer

ZERO = Decimal(0)
ENGINE_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)
_TIME = attrgetter("time")
_DATE = attrgetter("date")


def compute(
    events: Iterable[Event],
    *,
    method: Method | str,
    jurisdiction: str | Jurisdiction,
    base_currency: str,
    per_wallet: bool = False,
    as_of: datetime,
    prices: PriceSource | None = None,
    opening: Checkpoint | None = None,
    entered_bases: Mapping[str, EnteredBasis] | None = None,
) -> EngineResult:
    """Run the engine; see the package docstring for the contract.

    ``entered_bases``: per deposit event id, the basis and acquisition date the user entered for
    its unknown-basis part (used whatever ``jurisdiction.unknown_basis``; the policy decides the
    deposits with nothing entered).
    """
    if as_of.tzinfo is None:
        raise ValueError("as_of must be an aware datetime")
    jur, method = get_jurisdiction(jurisdiction), Method(method)
    run = _Run(jur, method, base_currency, per_wallet, as_of, prices, opening, entered_bases or {})
    collecting = gc.isenabled()
    gc.disable()  # the pass allocates millions of acyclic records; cyclic GC would only rescan them
    try:
        return _compute(events, run)
    finally:  # the caller's collector as it was: enabled again only if it was enabled
        if collecting:
            _promote_young_objects()
            gc.enable()


class _Run(NamedTuple):
    jur: Jurisdiction
    method: Method
    base: str
    per_wallet: bool
    as_of: datetime
    prices: PriceSource | None
    opening: Checkpoint | None
    entered: Mapping[str, EnteredBasis]


def _promote_young_objects() -> None:
    """Move the young generations to the oldest one without scanning them.

    With the collector off, every record of the run sits in generation 0, so the caller's next
    allocation would trigger a collection that traverses millions of acyclic records (seconds at
    1M events), and generation 1 would traverse them again later. ``freeze()`` + ``unfreeze()``
    splices the young lists onto the oldest generation in O(1): the records are then looked at
    only by full collections. Caller-visible effect: objects the caller allocated since its last
    collection also move to the oldest generation (any cyclic garbage among them is reclaimed by
    the next full collection instead of the next young one). Skipped when the caller uses
    ``gc.freeze()`` itself, since ``unfreeze()`` would undo the caller's freeze.
    """
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


def _compute(events: Iterable[Event], run: _Run) -> EngineResult:
    jur, method, base_currency, per_wallet = run.jur, run.method, run.base, run.per_wallet
    opening = run.opening
    with localcontext(ENGINE_CONTEXT):
        ordered = order_events(events, run.as_of)
        if jur.exchange_fee is ExchangeFee.SPLIT:
            ordered = split_exchange_fees(ordered)
        valuer = Valuer(base_currency, run.prices)
        settings = (jur, method, base_currency, per_wallet)
        sums = RunningTotals(jur.has_term)  # fed by the loops below, a chunk at a time
        lookahead = METHODS[method].uk_prematch or jur.superficial_loss
        if lookahead:  # the rules look 30 days ahead: plan everything, then run
            planner = Planner(jur, valuer)
            days_of = DayGroups() if METHODS[method].uk_prematch else None

            def planned() -> None:
                sums.update([], [], planner.income, planner.fees)
                if days_of is not None:  # UK days, grouped while the ops are in the cache
                    days_of.update(planner.ops)

            plan_fast(ordered, planner, planned)
            runs = UkRunner if METHODS[method].uk_prematch else Runner
            runner = runs(jur, method, per_wallet, planner.ops, days_of)
            if opening is not None:
                runner.seed(_checked_opening(opening, ordered, *settings))
        else:  # one loop: each operation goes to the books as soon as it is planned
            runner = Runner(jur, method, per_wallet, [])
            if opening is not None:
                runner.seed(_checked_opening(opening, ordered, *settings))
            planner = Planner(jur, valuer, stream=runner.feed())
        runner.entered, runner.value_of = run.entered, planner.value

        def tick() -> None:
            sums.update(runner.disposals, runner.uses, planner.income, planner.fees)

        years = year_ends(jur, ordered, opening, run.as_of)
        if lookahead:
            ops = planner.ops
            year_end, books = by_year(
                jur, years, ops, _DATE, runner, lambda start, stop: runner.run(tick, start, stop)
            )
        else:
            local = jur.local_date

            def events_part(start: int, stop: int) -> None:
                plan_and_run(ordered, planner, runner, tick, start=start, stop=stop)

            year_end, books = by_year(
                jur, years, ordered, lambda e: local(e.time), runner, events_part
            )
        return _assemble(run, valuer, planner, runner, sums, year_end, books)


Books = tuple[tuple[OpenLot, ...], tuple[HeldOutside, ...]]


def year_ends(
    jur: Jurisdiction, ordered: list[Event], opening: Checkpoint | None, as_of: datetime
) -> range:
    """The tax years whose end the books are recorded at: from the year of the opening (or of
    the first event) to the last one that ended by ``as_of``."""
    if opening is not None:
        first = opening.as_of
    elif ordered:
        first = ordered[0].time
    else:
        return range(0)
    local = jur.local_date
    return range(jur.tax_year_of(local(first)), jur.tax_year_of(local(as_of)))


def by_year(
    jur: Jurisdiction,
    years: range,
    items: list[Any],
    day_of: Callable[[Any], date],
    runner: Runner,
    run_part: Callable[[int, int], None],
) -> tuple[dict[int, YearEnd], Books | None]:
    """Run ``items`` (events or operations, in time order) a tax year at a time, recording the
    books between years: one bisection per year on the next year's first local day, nothing per
    item. The years after the last item share the books recorded after it. Returns the records
    and the books at the end when no item came after the last year's end (None: not recorded)."""
    year_end: dict[int, YearEnd] = {}
    month, dom = jur.year_start
    begin, stop, books = 0, len(items), None
    for year in years:
        cut = bisect_left(items, date(year + 1, month, dom), begin, stop, key=day_of)
        if books is None or cut > begin:
            run_part(begin, cut)
            books = (tuple(runner.open_lots()), tuple(runner.outside_records()))
        year_end[year] = YearEnd(year, *books)
        begin = cut
        if begin == stop:  # the rest of the years: the same books
            for later in range(year + 1, years.stop):
                year_end[later] = YearEnd(later, *books)
            return year_end, books
    run_part(begin, stop)
    return year_end, None


def order_events(events: Iterable[Event], as_of: datetime) -> list[Event]:
    """Events up to ``as_of`` in the engine's total order.

    Fast path: input that is already in strictly increasing time order (a ledger read in order)
    is in the total order as it stands, whatever the tie-break, so the check (two C-level passes)
    replaces building a million sort keys. Ties or disorder take the full keyed sort.
    """
    ordered = list(events)
    times = list(map(_TIME, ordered))
    if times and not all(map(lt, times, islice(times, 1, None))):
        rank = KIND_RANK
        ordered.sort(key=lambda e: (e.time, rank[type(e)], e.event_id))
        times = list(map(_TIME, ordered))
    if times and times[-1] > as_of:
        del ordered[bisect_right(times, as_of) :]
    return ordered


def _checked_opening(
    opening: Checkpoint,
    ordered: list[Event],
    jur: Jurisdiction,
    method: Method,
    base: str,
    per_wallet: bool,
) -> Checkpoint:
    if jur.looks_ahead(method.value):
        raise ValueError(
            "incremental rebuilds are not valid with 30-day look-ahead rules; rebuild fully"
        )
    if (opening.method, opening.jurisdiction, opening.base_currency, opening.per_wallet) != (
        method.value,
        jur.code,
        base,
        per_wallet,
    ):
        raise ValueError("checkpoint was made with other settings")
    if ordered and ordered[0].time <= opening.as_of:
        raise ValueError("events at or before the checkpoint must not be passed again")
    return opening


def _assemble(
    run: _Run,
    valuer: Valuer,
    planner: Planner,
    runner: Runner,
    sums: RunningTotals,
    year_end: dict[int, YearEnd] | None = None,
    books: Books | None = None,
) -> EngineResult:
    sums.update(runner.disposals, runner.uses, planner.income, planner.fees)  # the last records
    if books is None:
        books = (tuple(runner.open_lots()), tuple(runner.outside_records()))
    open_lots, outside = books
    problems = planner.problems + runner.problems
    pnl = asset_pnl(open_lots, outside, sums.realized, run.as_of, valuer, problems)
    years = yearly_summaries(run.jur, sums)
    return EngineResult(
        run.method.value,
        run.jur.code,
        run.base,
        run.per_wallet,
        run.as_of,
        open_lots,
        disposal_records(runner.disposals, runner.uses),
        plain_records(planner.income, RECORD_WIDTH, IncomeRecord),
        plain_records(planner.fees, RECORD_WIDTH, FeeRecord),
        tuple(runner.removals),
        tuple(problems),
        years,
        pnl,
        outside,
        unknown_deposits(runner.unknown, runner.uses),
        year_end or {},
    )


def unknown_deposits(unknown: list[Any], uses: list[Any]) -> tuple[UnknownBasisDeposit, ...]:
    """The unknown-basis deposits, each with the gain its lot's disposals added (``uses``)."""
    if not unknown:
        return ()
    ids = {op.event_id for op, *_ in unknown}
    gains: dict[str, Decimal] = {}
    names = uses[0::USE_WIDTH]
    for at in compress(range(len(names)), map(ids.__contains__, names)):
        name = names[at]
        gains[name] = gains.get(name, ZERO) + uses[at * USE_WIDTH + 6]
    return tuple(
        UnknownBasisDeposit(op.event_id, op.time, op.asset, op.wallet, op.qty, returned, qty,
                            basis, acquired, source, gains.get(op.event_id, ZERO))
        for op, returned, qty, basis, acquired, source in unknown
    )  # fmt: skip
