"""Helpers for engine tests: run a scenario, pick records, compare with HMRC's rounded figures."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from portfolio.accounting import (
    EngineResult,
    EnteredBasis,
    Jurisdiction,
    PriceSource,
    compute,
    scenario,
)

AS_OF = datetime(2030, 1, 1, tzinfo=UTC)
CENT = Decimal("0.01")


def run(
    *lines: str,
    method: str = "fifo",
    jurisdiction: str | Jurisdiction = "generic",
    base: str = "USD",
    per_wallet: bool = False,
    prices: PriceSource | None = None,
    as_of: datetime = AS_OF,
    entered: dict[str, EnteredBasis] | None = None,
) -> EngineResult:
    """``jurisdiction``: a code, or a ``Jurisdiction`` with its policies and zone replaced."""
    return compute(
        scenario(*lines),
        method=method,
        jurisdiction=jurisdiction,
        base_currency=base,
        per_wallet=per_wallet,
        as_of=as_of,
        prices=prices,
        entered_bases=entered,
    )


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT)


def gains(result: EngineResult) -> list[Decimal]:
    return [cents(d.gain) for d in result.disposals]


def total_gain(result: EngineResult) -> Decimal:
    return sum((d.gain for d in result.disposals), Decimal(0))


def disposal(result: EngineResult, event_id: str):
    return next(d for d in result.disposals if d.event_id == event_id)


def within_a_pound(exact: Decimal, published: int) -> bool:
    """HMRC rounds whole pounds in either direction (tax_rules.md 2.4)."""
    return abs(exact - Decimal(published)) <= 1


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)
