"""Reconciliation rules, pure: stored ledger and trades against Kraken's own balances.

Kraken keeps one running balance per asset code (DOT, DOT.S and DOT28.S run separately; the code
is the wallet), so for every asset code:
(a) each entry's balance = previous balance + amount - fee (entries sharing a timestamp are taken
    in the order that makes the chain hold, since Kraken's order within a timestamp is not given);
(b) the last balance equals what Balance (and BalanceEx) report (a CSV-only source has no Balance
    call: its last running balance stands, and only (a) and (c) are checked);
(c) each TradesHistory trade matches its ledger legs by refid: the base leg moves ±vol and the
    quote leg ∓cost (margin trades only need a leg). Ledger exchanges with no TradesHistory row
    (instant buys as spend + receive, ledger-only trades, conversions) are returned as derived
    trades for the accounts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from itertools import groupby

ZERO = Decimal(0)
EXCHANGE_TYPES = {"trade": "ledger_trade", "spend": "spend_receive", "receive": "spend_receive"}
CONVERSION_TYPES = {"conversion", "adjustment"}


@dataclass(frozen=True)
class Leg:
    ledger_id: str
    refid: str
    time: datetime
    type: str
    asset: str
    amount: Decimal
    fee: Decimal
    balance: Decimal


@dataclass(frozen=True)
class TradeFacts:
    txid: str
    type: str
    base: str
    quote: str
    vol: Decimal
    cost: Decimal
    margin: Decimal


@dataclass(frozen=True)
class AssetCheck:
    computed: Decimal
    kraken: Decimal
    ok: bool


@dataclass(frozen=True)
class Exchange:
    refid: str
    kind: str
    time: datetime
    spent_asset: str
    spent_amount: Decimal
    received_asset: str
    received_amount: Decimal
    fee_asset: str
    fee: Decimal
    ledger_ids: tuple[str, ...]


@dataclass
class Outcome:
    assets: dict[str, AssetCheck] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and all(check.ok for check in self.assets.values())


def chain_problems(asset: str, legs: list[Leg]) -> tuple[Decimal, list[str]]:
    """(last balance, problems) of one asset's entries, oldest first."""
    problems: list[str] = []
    balance = ZERO
    ordered = sorted(legs, key=lambda leg: (leg.time, leg.ledger_id))
    for _, same_time in groupby(ordered, key=lambda leg: leg.time):
        group = list(same_time)
        while group:
            leg = next((g for g in group if g.balance == balance + g.amount - g.fee), group[0])
            if leg.balance != balance + leg.amount - leg.fee:
                problems.append(
                    f"{asset}: ledger entry {leg.ledger_id} has balance {leg.balance}, expected "
                    f"{balance} + {leg.amount} - {leg.fee} = {balance + leg.amount - leg.fee}"
                )
            balance = leg.balance
            group.remove(leg)
    return balance, problems


def balance_checks(
    computed: Mapping[str, Decimal],
    kraken: Mapping[str, Decimal],
    kraken_ex: Mapping[str, Decimal],
) -> tuple[dict[str, AssetCheck], list[str]]:
    checks, problems = {}, []
    for asset in sorted(set(computed) | set(kraken)):
        mine, theirs = computed.get(asset, ZERO), kraken.get(asset, ZERO)
        checks[asset] = AssetCheck(mine, theirs, mine == theirs)
        if mine != theirs:
            problems.append(f"{asset}: the ledger says {mine}, Kraken's Balance says {theirs}")
        if asset in kraken_ex and kraken_ex[asset] != theirs:
            problems.append(f"{asset}: BalanceEx says {kraken_ex[asset]}, Balance says {theirs}")
    return checks, problems


def trade_problems(
    trades: Iterable[TradeFacts], legs_by_refid: Mapping[str, list[Leg]]
) -> list[str]:
    problems = []
    for trade in trades:
        legs = legs_by_refid.get(trade.txid, [])
        if not legs:
            problems.append(f"trade {trade.txid}: no ledger entry has this refid")
            continue
        if trade.margin != ZERO or not trade.base or not trade.quote:
            continue
        sign = Decimal(1) if trade.type == "buy" else Decimal(-1)
        moved = defaultdict(Decimal)
        for leg in legs:
            moved[leg.asset] += leg.amount
        if moved[trade.base] != sign * trade.vol or moved[trade.quote] != -sign * trade.cost:
            problems.append(
                f"trade {trade.txid}: ledger moved {moved[trade.base]} {trade.base} and "
                f"{moved[trade.quote]} {trade.quote}; TradesHistory says {trade.type} "
                f"{trade.vol} for {trade.cost}"
            )
    return problems


def ledger_exchanges(legs_by_refid: Mapping[str, list[Leg]], traded: set[str]) -> list[Exchange]:
    """Exchanges of one asset for another found only in the ledger."""
    found = []
    for refid, legs in legs_by_refid.items():
        kinds = {EXCHANGE_TYPES.get(leg.type) or _conversion(leg.type) for leg in legs}
        if refid in traded or None in kinds or len(kinds) != 1:
            continue
        spent = [leg for leg in legs if leg.amount < 0]
        received = [leg for leg in legs if leg.amount > 0]
        if len({s.asset for s in spent}) != 1 or len({r.asset for r in received}) != 1:
            continue
        charged = [leg for leg in legs if leg.fee != 0]
        found.append(
            Exchange(
                refid=refid,
                kind=kinds.pop(),
                time=min(leg.time for leg in legs),
                spent_asset=spent[0].asset,
                spent_amount=-sum((s.amount for s in spent), ZERO),
                received_asset=received[0].asset,
                received_amount=sum((r.amount for r in received), ZERO),
                fee_asset=charged[0].asset if charged else "",
                fee=sum((c.fee for c in charged if c.asset == charged[0].asset), ZERO),
                ledger_ids=tuple(leg.ledger_id for leg in legs),
            )
        )
    return sorted(found, key=lambda x: (x.time, x.refid))


def _conversion(kind: str) -> str | None:
    return "conversion" if kind in CONVERSION_TYPES else None


def reconcile(
    *,
    legs: Iterable[Leg],
    trades: Iterable[TradeFacts],
    kraken: Mapping[str, Decimal] | None,
    kraken_ex: Mapping[str, Decimal],
) -> Outcome:
    by_asset: dict[str, list[Leg]] = defaultdict(list)
    by_refid: dict[str, list[Leg]] = defaultdict(list)
    for leg in legs:
        by_asset[leg.asset].append(leg)
        by_refid[leg.refid].append(leg)
    outcome = Outcome()
    computed = {}
    for asset, asset_legs in sorted(by_asset.items()):
        computed[asset], problems = chain_problems(asset, asset_legs)
        outcome.problems.extend(problems)
    checks, problems = balance_checks(computed, computed if kraken is None else kraken, kraken_ex)
    outcome.assets = checks
    outcome.problems.extend(problems)
    trade_list = list(trades)
    outcome.problems.extend(trade_problems(trade_list, by_refid))
    outcome.exchanges = ledger_exchanges(by_refid, {t.txid for t in trade_list})
    return outcome
