"""Adapter: neutral records -> our accounting engine -> per-UK-tax-year totals.

Uses the engine's public API (``portfolio.accounting``, see its package docstring)::

    compute(events, *, method=Method("uk"), jurisdiction="uk", base_currency="GBP",
            as_of=datetime, prices=None) -> EngineResult
    summarise_tax_year(result, 2019) -> {"disposals": {"proceeds", "cost_basis", "gain",
                                                       "count"},
                                         "income": {"total", "count"}, ...}

(``Method.UK`` in the issue is spelled ``Method.UK_SHARE_MATCHING``, value "uk"; a UK tax
year is keyed by the calendar year it starts in.)  Events are built from
``portfolio.accounting.events`` with every value given in GBP, so no price source is needed,
and with fees attributed exactly as the BittyTax run attributes them:

* buy with GBP: the GBP fee is added to the acquisition cost;
* sell for GBP: the GBP fee is an allowable cost of the disposal;
* crypto-to-crypto: a ``Disposal`` and an ``Acquisition`` sharing a refid, both legs carrying
  the same GBP value; the fee goes to the bought asset, the sold asset or is split evenly
  (``trade_fee_to``; BittyTax's default is "split", our ``events.exchange()`` puts it all on
  the disposal, i.e. "sell");
* staking: ``Income`` at its GBP value (which is also its cost);
* GBP deposits: ``Deposit`` of GBP (fiat is not lot-tracked).

:func:`legs` states the same attribution in engine-neutral terms (and is unit-tested).  If the
engine package does not export ``compute``, ``summarise_tax_year`` and ``Method``,
:func:`run` raises :class:`EngineUnavailable` with the reason; nothing is estimated here.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from types import ModuleType
from typing import Any, Literal

from bench.peer.records import GBP, ZERO, Kind, Record, tax_year_start

TradeFeeTo = Literal["buy", "sell", "split"]
ENGINE_MODULE = "portfolio.accounting"
REQUIRED = ("compute", "summarise_tax_year", "Method")


class EngineUnavailable(RuntimeError):
    """Our engine cannot be run yet (not importable, or its API differs from the docs)."""


@dataclass(frozen=True, slots=True)
class Leg:
    """One tax-relevant movement of a cryptoasset, valued in GBP."""

    kind: Literal["acquisition", "disposal", "income"]
    seq: int  # the record it came from (both legs of a trade share it)
    timestamp: datetime
    asset: str
    quantity: Decimal
    value_gbp: Decimal  # cost for an acquisition, proceeds for a disposal, amount for income
    fee_gbp: Decimal = ZERO  # allowable cost attached to this leg


def _split_fee(fee: Decimal, trade_fee_to: TradeFeeTo) -> tuple[Decimal, Decimal]:
    """(fee on the acquisition, fee on the disposal) of a crypto-to-crypto trade."""
    if trade_fee_to == "buy":
        return fee, ZERO
    if trade_fee_to == "sell":
        return ZERO, fee
    half = fee / 2  # exact: a penny amount halves to at most 3 dp; BittyTax splits the same way
    return half, fee - half


def legs(records: Iterable[Record], trade_fee_to: TradeFeeTo = "split") -> list[Leg]:
    out: list[Leg] = []
    for r in records:
        if r.kind is Kind.DEPOSIT:
            continue  # GBP paid in: no tax event
        if r.kind is Kind.STAKING:
            assert r.buy_asset and r.buy_quantity is not None and r.buy_value_gbp is not None
            out.append(
                Leg("income", r.seq, r.timestamp, r.buy_asset, r.buy_quantity, r.buy_value_gbp)
            )
            continue
        buy_fee, sell_fee = {
            Kind.BUY: (r.fee_gbp, ZERO),
            Kind.SELL: (ZERO, r.fee_gbp),
            Kind.TRADE: _split_fee(r.fee_gbp, trade_fee_to),
        }[r.kind]
        if r.kind in (Kind.SELL, Kind.TRADE):
            assert r.sell_asset and r.sell_quantity is not None and r.sell_value_gbp is not None
            out.append(
                Leg(
                    "disposal",
                    r.seq,
                    r.timestamp,
                    r.sell_asset,
                    r.sell_quantity,
                    r.sell_value_gbp,
                    sell_fee,
                )
            )
        if r.kind in (Kind.BUY, Kind.TRADE):
            assert r.buy_asset and r.buy_quantity is not None and r.buy_value_gbp is not None
            out.append(
                Leg(
                    "acquisition",
                    r.seq,
                    r.timestamp,
                    r.buy_asset,
                    r.buy_quantity,
                    r.buy_value_gbp,
                    buy_fee,
                )
            )
    return out


@dataclass(frozen=True, slots=True)
class OurYear:
    disposals: int
    proceeds: Decimal
    cost: Decimal  # allowable cost incl. fees ("cost_basis")
    gain: Decimal
    income: Decimal
    income_count: int


@dataclass(frozen=True, slots=True)
class OurRun:
    seconds: float  # conversion to engine events + compute + summaries, in-process
    compute_seconds: float  # compute() alone
    cpu_seconds: float  # CPU time of the same span as ``seconds``
    years: dict[str, OurYear]
    result: Any = None  # the engine's EngineResult, for per-day diagnosis


def load_engine() -> ModuleType:
    try:
        engine = importlib.import_module(ENGINE_MODULE)
    except ImportError as exc:
        raise EngineUnavailable(f"cannot import {ENGINE_MODULE}: {exc}") from exc
    missing = [name for name in REQUIRED if not hasattr(engine, name)]
    if missing:
        raise EngineUnavailable(f"{ENGINE_MODULE} does not export {', '.join(missing)} yet")
    return engine


def _fees(asset: str, amount: Decimal, leg_type: type) -> tuple[Any, ...]:
    return (leg_type(asset, amount),) if amount > 0 else ()


def _engine_events(records: Sequence[Record], trade_fee_to: TradeFeeTo) -> list[Any]:
    """Our engine's event objects (``portfolio.accounting.events``) for the records.

    Every leg carries its explicit GBP ``value`` so no price source is needed; fees are GBP
    ``Leg``s placed as described in the module docstring (see :func:`legs`).
    """
    try:
        ev = importlib.import_module(f"{ENGINE_MODULE}.events")
    except ImportError as exc:
        raise EngineUnavailable(f"cannot import {ENGINE_MODULE}.events: {exc}") from exc
    out: list[Any] = []
    for r in records:
        eid, t = f"r{r.seq}", r.timestamp
        if r.kind is Kind.DEPOSIT:
            assert r.buy_quantity is not None
            out.append(ev.Deposit(eid, t, GBP, r.buy_quantity))
        elif r.kind is Kind.STAKING:
            assert r.buy_asset and r.buy_quantity is not None
            out.append(
                ev.Income(
                    eid,
                    t,
                    r.buy_asset,
                    r.buy_quantity,
                    income_type="staking",
                    value=r.buy_value_gbp,
                )
            )
        elif r.kind is Kind.BUY:
            assert r.buy_asset and r.buy_quantity is not None and r.sell_quantity is not None
            out.append(
                ev.Acquisition(
                    eid,
                    t,
                    r.buy_asset,
                    r.buy_quantity,
                    paid=ev.Leg(GBP, r.sell_quantity),
                    fees=_fees(GBP, r.fee_gbp, ev.Leg),
                    value=r.buy_value_gbp,
                )
            )
        elif r.kind is Kind.SELL:
            assert r.sell_asset and r.sell_quantity is not None and r.buy_quantity is not None
            out.append(
                ev.Disposal(
                    eid,
                    t,
                    r.sell_asset,
                    r.sell_quantity,
                    received=ev.Leg(GBP, r.buy_quantity),
                    fees=_fees(GBP, r.fee_gbp, ev.Leg),
                    value=r.sell_value_gbp,
                    reason="sale",
                )
            )
        else:
            assert r.buy_asset and r.buy_quantity is not None
            assert r.sell_asset and r.sell_quantity is not None
            buy_fee, sell_fee = _split_fee(r.fee_gbp, trade_fee_to)
            out.append(
                ev.Disposal(
                    f"{eid}:give",
                    t,
                    r.sell_asset,
                    r.sell_quantity,
                    received=ev.Leg(r.buy_asset, r.buy_quantity),
                    fees=_fees(GBP, sell_fee, ev.Leg),
                    value=r.sell_value_gbp,
                    refid=eid,
                    reason="exchange",
                )
            )
            out.append(
                ev.Acquisition(
                    f"{eid}:get",
                    t,
                    r.buy_asset,
                    r.buy_quantity,
                    paid=ev.Leg(r.sell_asset, r.sell_quantity),
                    fees=_fees(GBP, buy_fee, ev.Leg),
                    value=r.buy_value_gbp,
                    refid=eid,
                )
            )
    return out


def _decimal(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _our_year(summary: Mapping[str, Any]) -> OurYear:
    disposals = summary.get("disposals", {})
    income = summary.get("income", {})
    return OurYear(
        # disposal events ("sales"); "count" is lot pieces, Form 8949 rows (issue 8)
        disposals=int(disposals.get("sales", disposals.get("count", 0))),
        proceeds=_decimal(disposals.get("proceeds", ZERO)),
        cost=_decimal(disposals.get("cost_basis", ZERO)),
        gain=_decimal(disposals.get("gain", ZERO)),
        income=_decimal(income.get("total", ZERO)),
        income_count=int(income.get("count", 0)),
    )


def run(
    records: Sequence[Record],
    years: Iterable[str],
    *,
    as_of: datetime,
    trade_fee_to: TradeFeeTo = "split",
) -> OurRun:
    """Run our engine over the records; ``years`` are UK tax-year labels like "2019/20".

    The engine keys a UK tax year by the calendar year it starts in ("2019/20" -> 2019).
    """
    engine = load_engine()
    started, cpu_started = time.perf_counter(), time.process_time()
    events = _engine_events(records, trade_fee_to)
    compute_started = time.perf_counter()
    result = engine.compute(
        events,
        method=engine.Method("uk"),
        jurisdiction="uk",
        base_currency="GBP",
        as_of=as_of,
        prices=None,
    )
    compute_seconds = time.perf_counter() - compute_started
    summaries = {
        label: _our_year(engine.summarise_tax_year(result, tax_year_start(label)))
        for label in years
    }
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return OurRun(seconds, compute_seconds, cpu, summaries, result)
