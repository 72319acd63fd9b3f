"""Reconcile a connection's stored data (rules in reconcile_rules) and keep the result."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from accounts.models import KrakenConnection
from portfolio.accounting.futures import FuturesLogRow, wallet_balances
from portfolio.models import (
    BalanceSnapshot,
    DerivedTrade,
    FuturesAccountSnapshot,
    FuturesLogEntry,
    LedgerEntry,
    Reconciliation,
    SyncRun,
    Trade,
)
from portfolio.sync.reconcile_rules import AssetCheck, Leg, Outcome, TradeFacts, reconcile

LEG_FIELDS = ("ledger_id", "refid", "time", "type", "asset", "amount", "fee", "balance")
TRADE_FIELDS = ("txid", "type", "base", "quote", "vol", "cost", "margin")


def _kraken_balances(
    connection: KrakenConnection,
) -> tuple[dict[str, Decimal] | None, dict[str, Decimal]]:
    """Kraken's latest Balance and BalanceEx; None for a CSV-only connection (no Balance call:
    the ledger's last running balance per asset stands)."""
    if connection.csv_only:
        return None, {}
    snapshot = BalanceSnapshot.objects.filter(connection=connection).order_by("-taken_at").first()
    if snapshot is None:
        return {}, {}
    balance: dict[str, Decimal] = {}
    extended: dict[str, Decimal] = {}
    for line in snapshot.lines.all():
        balance[line.asset] = balance.get(line.asset, Decimal(0)) + line.balance
        if line.balance_ex is not None:
            extended[line.asset] = extended.get(line.asset, Decimal(0)) + line.balance_ex
    return balance, extended


def reconciliation_outcome(*, connection: KrakenConnection) -> Outcome:
    """Reconcile the stored ledger and trades against the latest balance snapshot."""
    legs = (
        Leg(**row)
        for row in LedgerEntry.objects.filter(connection=connection).values(*LEG_FIELDS).iterator()
    )
    trades = (
        TradeFacts(**row)
        for row in Trade.objects.filter(connection=connection).values(*TRADE_FIELDS).iterator()
    )
    kraken, kraken_ex = _kraken_balances(connection)
    outcome = reconcile(legs=legs, trades=trades, kraken=kraken, kraken_ex=kraken_ex)
    for currency, check in futures_wallet_checks(connection=connection).items():
        outcome.assets[f"futures {currency}"] = check
        if not check.ok:
            outcome.problems.append(
                f"futures wallet {currency}: the account log sums to {check.computed}, "
                f"Kraken's /accounts reports {check.kraken}"
            )
    return outcome


#: /accounts reports JSON numbers; a float's last digit may differ from the log's.
FUTURES_TOLERANCE = Decimal("1e-8")
LOG_FIELDS = ("log_id", "date", "asset", "info", "margin_account", "old_balance", "new_balance")


def futures_wallet_checks(*, connection: KrakenConnection) -> dict[str, AssetCheck]:
    """Per currency: the futures wallets' balance recomputed from the account log (every wallet
    row's change, transfers included) against the latest /accounts snapshot, summed over the
    accounts (the log and the endpoint name accounts differently: "MC" and "flex")."""
    latest = FuturesAccountSnapshot.objects.filter(connection=connection).first()
    if latest is None:
        return {}
    log = [
        FuturesLogRow(*values)
        for values in FuturesLogEntry.objects.filter(connection=connection)
        .order_by("log_id")
        .values_list(*LOG_FIELDS)
    ]
    computed: dict[str, Decimal] = {}
    for (_account, currency), balance in wallet_balances(log).items():
        computed[currency] = computed.get(currency, Decimal(0)) + balance
    kraken: dict[str, Decimal] = {}
    for snapshot in FuturesAccountSnapshot.objects.filter(
        connection=connection, taken_at=latest.taken_at
    ):
        for currency, quantity in snapshot.balances.items():
            kraken[currency] = kraken.get(currency, Decimal(0)) + Decimal(str(quantity))
    out = {}
    for currency in sorted(set(computed) | {c for c, q in kraken.items() if q}):
        mine, theirs = computed.get(currency, Decimal(0)), kraken.get(currency, Decimal(0))
        out[currency] = AssetCheck(mine, theirs, abs(mine - theirs) <= FUTURES_TOLERANCE)
    return out


def reconciliation_run(
    *, connection: KrakenConnection, sync_run: SyncRun | None = None
) -> Reconciliation:
    """Reconcile, store the result and the derived (ledger-only) trades."""
    outcome = reconciliation_outcome(connection=connection)
    rows = [
        DerivedTrade(
            connection=connection,
            **{k: v for k, v in vars(x).items() if k != "ledger_ids"},
            ledger_ids=list(x.ledger_ids),
        )
        for x in outcome.exchanges
    ]
    with transaction.atomic():
        DerivedTrade.objects.filter(connection=connection).delete()
        DerivedTrade.objects.bulk_create(rows, batch_size=500)
        return Reconciliation.objects.create(
            connection=connection,
            sync_run=sync_run,
            ok=outcome.ok,
            assets={a: _check_json(c) for a, c in outcome.assets.items()},
            problems=outcome.problems[:500],
            derived_trades=len(rows),
        )


PLACES = Decimal("1e-10")  # the columns' decimal places: the same text on SQLite and PostgreSQL


def _check_json(check) -> dict:
    return {
        "computed": f"{check.computed.quantize(PLACES):f}",
        "kraken": f"{check.kraken.quantize(PLACES):f}",
        "ok": check.ok,
    }
