"""Classify Kraken ledger rows into accounting events.

Rule implemented: one explicit rule per Kraken ledger (type, subtype) in ``RULES`` (kraken_api.md
section 3.5: the documented response enum plus the types seen in the wild: earn, invite bonus,
margin trade); a row whose (type, subtype) has no rule is returned as a warning, never dropped
silently. Assets arrive normalised ("BTC", "DOT28.S", "ETH2.S", "KFEE"); section 6 suffixes map to
the economic asset and a sub-wallet: ``.S``/``.P`` and bonded ``NN.S`` -> staking,
``.M``/``.F``/``.B`` -> earn, ``.T`` -> tokenized, ``.HOLD`` -> hold; ``ETH2`` and ``FLOWH`` are
staked ETH and FLOW (the client's table, ``portfolio.kraken.assets``, names every code).

* Trade legs (trade, spend/receive instant buys, conversion, adjustment, delisting conversions,
  settled, nfttrade, sale) are grouped by refid and netted per asset (this removes cancelling legs,
  e.g. xStocks settlement legs, and joins one order filled from several wallets). One asset given
  and one received make an exchange: a purchase when the given leg is fiat, a sale when the received
  leg is fiat, a disposal plus an acquisition otherwise. KFEE legs become fees. A fee on the
  received crypto reduces the quantity acquired; a fee on the given crypto is a separate crypto fee.
* Staking moves (spottostaking/stakingfromspot ...), earn allocations and spot/futures moves are
  internal transfers: the out and in legs (different refids) are paired by asset and amount.
* Deposits and withdrawals are grouped by refid; a failed withdrawal (legs that cancel) makes
  nothing. A withdrawal is not a disposal: the engine holds its units outside Kraken and a later
  deposit of the asset takes them back with their dates and basis (``outside``).
* Rewards (staking, earn reward, reward, credit, dividend, invite bonus, nft rebates) are income at
  the net amount credited; airdrops are income of type "airdrop" (the jurisdiction decides).
* Margin: ``margin`` is realized PnL, ``rollover`` a fee, ``margin trade`` an opening, ``settled``
  a settlement (an exchange when it has two legs).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from portfolio.accounting.events import (
    Acquisition,
    Deposit,
    Disposal,
    DisposalReason,
    Event,
    Fee,
    Income,
    Leg,
    Margin,
    MarginAction,
    Transfer,
    Withdrawal,
)
from portfolio.accounting.kraken_rules import (
    _IN_WALLET,
    _OUT_WALLET,
    RULES,
    Rule,
    economic_asset,
)
from portfolio.accounting.valuation import KFEE, is_cash

ZERO = Decimal(0)
PAIR_WINDOW = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class LedgerRow:
    ledger_id: str
    refid: str
    time: datetime
    type: str
    subtype: str
    aclass: str
    asset: str
    amount: Decimal
    fee: Decimal
    balance: Decimal
    wallet: str = "spot"


@dataclass(frozen=True, slots=True)
class ClassificationWarning:
    code: str
    ledger_ids: tuple[str, ...]
    refid: str
    message: str


@dataclass(frozen=True, slots=True)
class ClassifiedEvents:
    events: tuple[Event, ...]
    warnings: tuple[ClassificationWarning, ...]


class _Classifier:
    def __init__(self) -> None:
        self.events: list[Event] = []
        self.warnings: list[ClassificationWarning] = []

    def warn(self, code: str, rows: Iterable[LedgerRow], message: str) -> None:
        rows = list(rows)
        self.warnings.append(
            ClassificationWarning(
                code, tuple(r.ledger_id for r in rows), rows[0].refid if rows else "", message
            )
        )

    def run(self, rows: Iterable[LedgerRow]) -> ClassifiedEvents:
        grouped: dict[tuple[str, str], list[LedgerRow]] = defaultdict(list)
        internal: list[LedgerRow] = []
        for row in sorted(rows, key=lambda r: (r.time, r.ledger_id)):
            rule = RULES.get((row.type.strip().lower(), row.subtype.strip().lower()))
            if rule is None:
                self.warn(
                    "unknown_type",
                    [row],
                    f"no rule for ledger type {row.type!r} subtype {row.subtype!r}",
                )
            elif rule[0] in (Rule.TRADE, Rule.SETTLED, Rule.DEPOSIT, Rule.WITHDRAWAL, Rule.CUSTODY):
                grouped[(rule[0].name, row.refid)].append(row)
            elif rule[0] is Rule.INTERNAL:
                internal.append(row)
            else:
                self._single(row, rule)
        for (name, _), group in grouped.items():
            self._group(Rule[name], group)
        self._internal(internal)
        self.events.sort(key=lambda e: (e.time, e.event_id))
        return ClassifiedEvents(tuple(self.events), tuple(self.warnings))

    # -- single rows -------------------------------------------------------------------------
    def _single(self, row: LedgerRow, rule: tuple[Rule, str]) -> None:
        asset, wallet = economic_asset(row.asset, row.wallet)
        kind, label = rule
        fees = (Leg(asset, row.fee),) if row.fee else ()
        if kind is Rule.IGNORE:
            if row.amount or row.fee:
                self.warn("ignored_amount", [row], "type 'none' row with an amount: not booked")
        elif kind is Rule.INCOME or (kind is Rule.EXTERNAL and row.amount > ZERO):
            if row.amount <= ZERO:
                self.warn(
                    "negative_income", [row], f"{row.type} row with amount {row.amount}: not booked"
                )
                return
            if kind is Rule.EXTERNAL:
                self.warn(
                    "review_transfer",
                    [row],
                    "transfer without subtype booked as airdrop/fork income",
                )
            self.events.append(
                Income(
                    row.ledger_id,
                    row.time,
                    asset,
                    row.amount - row.fee,
                    label,
                    None,
                    wallet,
                    row.refid,
                )
            )
        elif kind is Rule.EXTERNAL:
            self.warn(
                "review_transfer", [row], "negative transfer without subtype booked as a withdrawal"
            )
            self.events.append(
                Withdrawal(row.ledger_id, row.time, asset, -row.amount, fees, wallet, row.refid)
            )
        else:
            self._margin(row, kind, asset, wallet)

    def _margin(self, row: LedgerRow, kind: Rule, asset: str, wallet: str) -> None:
        if kind is Rule.MARGIN_ROLLOVER:
            cost = row.fee + (-row.amount if row.amount < ZERO else ZERO)
            self.events.append(
                Margin(
                    row.ledger_id,
                    row.time,
                    asset,
                    ZERO,
                    "rollover",
                    (Leg(asset, cost),) if cost else (),
                    wallet,
                    row.refid,
                )
            )
            return
        actions: dict[Rule, MarginAction] = {
            Rule.MARGIN_PNL: "pnl",
            Rule.MARGIN_OPEN: "open",
            Rule.SETTLED: "settle",
        }
        action = actions[kind]
        amount = ZERO if kind is Rule.MARGIN_OPEN else row.amount
        fees = (Leg(asset, row.fee),) if row.fee else ()
        self.events.append(
            Margin(row.ledger_id, row.time, asset, amount, action, fees, wallet, row.refid)
        )

    # -- refid groups ------------------------------------------------------------------------
    def _net(self, group: list[LedgerRow]) -> dict[str, list[Decimal]]:
        """Net amount and fee per (economic asset); drops legs that cancel."""
        net: dict[str, list[Decimal]] = {}
        for row in group:
            asset, _ = economic_asset(row.asset, row.wallet)
            acc = net.setdefault(asset, [ZERO, ZERO])
            acc[0] += row.amount
            acc[1] += row.fee
        return {a: v for a, v in net.items() if v[0] or v[1]}

    def _group(self, rule: Rule, group: list[LedgerRow]) -> None:
        if rule in (Rule.DEPOSIT, Rule.WITHDRAWAL, Rule.CUSTODY):
            self._moves(group)
            return
        if rule is Rule.SETTLED and len({r.asset for r in group}) < 2:
            for row in group:
                self._single(row, (Rule.SETTLED, ""))
            return
        net = self._net(group)
        kfee = net.pop(KFEE, [ZERO, ZERO])
        fee_legs = [Leg(KFEE, kfee[1] - kfee[0])] if kfee[1] - kfee[0] else []
        given = [(a, v) for a, v in net.items() if v[0] < ZERO]
        got = [(a, v) for a, v in net.items() if v[0] > ZERO]
        if len(given) > 1 or len(got) > 1 or (not given and not got and fee_legs):
            self.warn(
                "trade_shape",
                group,
                f"cannot read a trade from {len(given)} given and {len(got)} received legs",
            )
            return
        if given or got:
            self._exchange(group, given[0] if given else None, got[0] if got else None, fee_legs)

    def _exchange(
        self,
        group: list[LedgerRow],
        given: tuple[str, list[Decimal]] | None,
        got: tuple[str, list[Decimal]] | None,
        fees: list[Leg],
    ) -> None:
        first = group[0]
        time, ref = min(r.time for r in group), first.refid
        wallet = economic_asset(first.asset, first.wallet)[1]
        if given is None or got is None:
            self.warn("one_sided_trade", group, "trade with one leg only: valued at market price")
        give = Leg(given[0], -given[1][0]) if given else None
        get = Leg(got[0], got[1][0]) if got else None
        if given and given[1][1]:
            fees.append(Leg(given[0], given[1][1]))
        if got and got[1][1] and is_cash(got[0]):
            fees.append(Leg(got[0], got[1][1]))
        elif get is not None and got and got[1][1]:
            get = Leg(get.asset, get.quantity - got[1][1])
        if give is not None and not is_cash(give.asset):
            crypto_for_crypto = get is not None and not is_cash(get.asset)
            reason: DisposalReason = "exchange" if crypto_for_crypto else "sale"
            self.events.append(
                Disposal(
                    f"{ref}:give",
                    time,
                    give.asset,
                    give.quantity,
                    get,
                    tuple(fees),
                    None,
                    wallet,
                    ref,
                    reason,
                )
            )
            fees = []
        if get is not None and not is_cash(get.asset):
            self.events.append(
                Acquisition(
                    f"{ref}:get",
                    time,
                    get.asset,
                    get.quantity,
                    give,
                    tuple(fees),
                    None,
                    wallet,
                    ref,
                )
            )
            fees = []
        for n, leg in enumerate(fees):  # fiat-for-fiat: only the fees remain
            self.events.append(
                Fee(f"{ref}:fee{n}", time, leg.asset, leg.quantity, "conversion", None, wallet, ref)
            )

    def _moves(self, group: list[LedgerRow]) -> None:
        net = self._net(group)
        if not net:
            return  # a failed withdrawal/deposit: the legs cancel
        for asset, (amount, fee) in net.items():
            rows = [r for r in group if economic_asset(r.asset, r.wallet)[0] == asset]
            wallet = economic_asset(rows[0].asset, rows[0].wallet)[1]
            fees = (Leg(asset, fee),) if fee else ()
            if amount > ZERO:
                self.events.append(
                    Deposit(
                        rows[0].ledger_id,
                        rows[0].time,
                        asset,
                        amount,
                        None,
                        None,
                        fees,
                        wallet,
                        rows[0].refid,
                    )
                )
            elif amount < ZERO:
                self.events.append(
                    Withdrawal(
                        rows[0].ledger_id, rows[0].time, asset, -amount, fees, wallet, rows[0].refid
                    )
                )
            else:
                self.events.append(
                    Fee(
                        rows[0].ledger_id,
                        rows[0].time,
                        asset,
                        fee,
                        "network",
                        None,
                        wallet,
                        rows[0].refid,
                    )
                )

    # -- internal transfers ------------------------------------------------------------------
    def _internal(self, rows: list[LedgerRow]) -> None:
        outs = [r for r in rows if r.amount < ZERO]
        ins = [r for r in rows if r.amount > ZERO]
        for row in rows:
            if not row.amount:
                self.warn("empty_transfer", [row], "internal transfer leg with zero amount")
        waiting: dict[tuple[str, Decimal], list[LedgerRow]] = defaultdict(list)
        for row in outs:
            waiting[(economic_asset(row.asset, row.wallet)[0], -row.amount)].append(row)
        for row in ins:
            asset, to_wallet = economic_asset(row.asset, row.wallet)
            candidates = waiting.get((asset, row.amount), [])
            match = next((c for c in candidates if abs(c.time - row.time) <= PAIR_WINDOW), None)
            if match is not None:
                candidates.remove(match)
                self._transfer(
                    match, asset, economic_asset(match.asset, match.wallet)[1], to_wallet
                )
            else:
                self._unpaired(
                    row, asset, _IN_WALLET.get(row.subtype.lower(), "unknown"), to_wallet
                )
        for left in waiting.values():
            for row in left:
                asset, from_wallet = economic_asset(row.asset, row.wallet)
                self._unpaired(
                    row, asset, from_wallet, _OUT_WALLET.get(row.subtype.lower(), "unknown")
                )

    def _unpaired(self, row: LedgerRow, asset: str, from_wallet: str, to_wallet: str) -> None:
        if "futures" not in row.subtype.lower():
            self.warn("unpaired_transfer", [row], "internal transfer leg without its counterpart")
        self._transfer(row, asset, from_wallet, to_wallet)

    def _transfer(self, row: LedgerRow, asset: str, from_wallet: str, to_wallet: str) -> None:
        fees = (Leg(asset, row.fee),) if row.fee else ()
        self.events.append(
            Transfer(
                row.ledger_id,
                row.time,
                asset,
                abs(row.amount),
                from_wallet,
                to_wallet,
                fees,
                row.refid,
            )
        )


def classify_ledger(rows: Iterable[LedgerRow]) -> ClassifiedEvents:
    """Kraken ledger rows -> events and warnings (pure; rows in any order)."""
    return _Classifier().run(rows)
