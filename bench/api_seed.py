"""The API bench's data: one user's history, bulk-inserted (bench/api_bench.py uses it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

T0 = datetime(2019, 1, 1, tzinfo=UTC)


def _bulk(model, rows, size: int = 5000) -> None:
    for start in range(0, len(rows), size):
        model.objects.bulk_create(rows[start : start + size])


def _at(i: int, n: int) -> datetime:
    """Spread n rows over six years."""
    return T0 + timedelta(seconds=i * (6 * 365 * 86400 // max(n, 1)))


def seed(*, ledger: int, disposals: int, others: int) -> str:
    """One user's history; returns a read-only token for them."""
    from accounts.services import ConnectionInput, connection_create, user_create
    from portfolio import models as pm
    from portfolio.api.tokens import api_token_create
    from portfolio.books import models as rm

    user = user_create(username="bench", password="bench-password-2026!")
    connection = connection_create(user=user, data=ConnectionInput(label="Bench", csv_only=True))
    c, d = connection, Decimal
    _bulk(
        pm.LedgerEntry,
        [
            pm.LedgerEntry(
                connection=c,
                ledger_id=f"L{i:08d}",
                refid=f"R{i // 2:08d}",
                time=_at(i, ledger),
                type=("trade", "deposit", "staking")[i % 3],
                asset=("BTC", "ETH", "USD", "DOT")[i % 4],
                raw_asset="XXBT",
                amount=d("0.0150000000"),
                fee=d("0.0001"),
                balance=d(i) / 1000,
            )
            for i in range(ledger)
        ],
    )
    _bulk(
        pm.Trade,
        [
            pm.Trade(
                connection=c,
                txid=f"T{i:08d}",
                pair="XXBTZUSD",
                base="BTC",
                quote="USD",
                time=_at(i, others),
                type="buy",
                price=d("42000.1"),
                cost=d("630"),
                fee=d("1.6"),
                vol=d("0.015"),
            )
            for i in range(others)
        ],
    )
    _bulk(
        pm.ClosedOrder,
        [
            pm.ClosedOrder(
                connection=c,
                txid=f"O{i:08d}",
                status="closed",
                opentm=_at(i, others),
                closetm=_at(i, others),
                pair="XBTUSD",
                type="buy",
                ordertype="limit",
                vol=d("0.015"),
                vol_exec=d("0.015"),
                cost=d("630"),
                fee=d("1.6"),
                price=d("42000.1"),
            )
            for i in range(others)
        ],
    )
    snapshot = pm.BalanceSnapshot.objects.create(connection=c, taken_at=_at(ledger, ledger))
    _bulk(
        pm.BalanceLine,
        [
            pm.BalanceLine(snapshot=snapshot, asset=f"A{i}", raw_asset=f"A{i}", balance=d(i))
            for i in range(40)
        ],
    )
    _bulk(
        pm.FuturesFill,
        [
            pm.FuturesFill(
                connection=c,
                fill_id=f"F{i:08d}",
                symbol="PF_XBTUSD",
                side="buy",
                size=d("0.25"),
                price=d("42000.5"),
                fill_time=_at(i, others),
                fill_type="maker",
            )
            for i in range(others)
        ],
    )
    _bulk(
        pm.FuturesLogEntry,
        [
            pm.FuturesLogEntry(
                connection=c,
                log_id=i + 1,
                date=_at(i, others),
                asset="USD",
                raw_asset="usd",
                info="futures trade",
                realized_pnl=d("12.5"),
                fee=d("0.25"),
                contract="PF_XBTUSD",
            )
            for i in range(others)
        ],
    )
    _bulk(
        pm.FuturesPosition,
        [
            pm.FuturesPosition(
                connection=c, symbol=f"PF_X{i}USD", side="long", price=d("1"), size=d("2")
            )
            for i in range(20)
        ],
    )
    _bulk(
        pm.SyncRun,
        [pm.SyncRun(connection=c, state="succeeded", trigger="schedule") for _ in range(6000)],
    )
    seed_books(rm, user, disposals=disposals, others=others)
    _, raw = api_token_create(user=user, name="bench", read_only=True)
    return raw


def seed_books(rm, user, *, disposals: int, others: int) -> None:
    d = Decimal
    run = rm.AccountingRun.objects.create(
        user=user,
        jurisdiction="us",
        method="fifo",
        base_currency="USD",
        time_zone="UTC",
        as_of=_at(1, 1),
        inputs_digest="bench",
        state="succeeded",
        finished_at=_at(1, 1),
        pnl={
            "BTC": {
                "holding": "1.5",
                "cost_basis": "30000",
                "market_value": "63000",
                "unrealized": "33000",
                "realized": "120",
                "price_source": "bench",
            }
        },
    )
    lot_use = [
        {
            "lot_id": "lot-1",
            "acquired": "2019-01-01T00:00:00+00:00",
            "quantity": "0.1",
            "basis": "2000",
            "proceeds": "4200",
            "gain": "2200",
            "term": "long",
        }
    ]
    _bulk(
        rm.DisposalRow,
        [
            rm.DisposalRow(
                run=run,
                event_id=f"D{i:08d}",
                time=_at(i, disposals),
                tax_year=_at(i, disposals).year,
                asset=("BTC", "ETH")[i % 2],
                quantity=d("0.1"),
                proceeds=d("4200"),
                basis=d("2000"),
                gain=d("2200"),
                term=("short", "long")[i % 2],
                lots=lot_use,
            )
            for i in range(disposals)
        ],
    )
    _bulk(
        rm.LotRow,
        [
            rm.LotRow(
                run=run,
                lot_id=f"lot-{i}",
                asset="BTC",
                acquired=_at(i, others),
                quantity=d("0.5"),
                cost_basis=d("10000"),
            )
            for i in range(others)
        ],
    )
    _bulk(
        rm.IncomeRow,
        [
            rm.IncomeRow(
                run=run,
                event_id=f"I{i:08d}",
                time=_at(i, others),
                tax_year=_at(i, others).year,
                asset="DOT",
                quantity=d("1.25"),
                value=d("8.75"),
                income_type="staking",
            )
            for i in range(others)
        ],
    )
    _bulk(
        rm.MarginRow,
        [
            rm.MarginRow(
                run=run,
                position=f"P{i:08d}",
                closed=_at(i, others),
                tax_year=_at(i, others).year,
                volume=d("0.1"),
                currency="USD",
                pnl=d("15"),
                trade_fees=d("1"),
                rollover_fees=d("0.5"),
                settlement_fees=d("0"),
                pnl_value=d("15"),
                fees_value=d("1.5"),
            )
            for i in range(others)
        ],
    )
    _bulk(
        rm.FuturesRow,
        [
            rm.FuturesRow(
                run=run,
                log_id=i + 1,
                time=_at(i, others),
                tax_year=_at(i, others).year,
                contract="PF_XBTUSD",
                currency="USD",
                realized_pnl=d("12.5"),
                funding=d("0"),
                fee=d("0.25"),
                pnl_value=d("12.5"),
                funding_value=d("0"),
                fee_value=d("0.25"),
            )
            for i in range(others)
        ],
    )
    _bulk(
        rm.UnknownBasisDepositRow,
        [
            rm.UnknownBasisDepositRow(
                run=run,
                event_id=f"U{i:08d}",
                time=_at(i, others),
                asset="BTC",
                deposited=d("1"),
                returned=d("0"),
                quantity=d("1"),
                basis=d("0"),
                acquired=_at(i, others),
                gain=d("0"),
            )
            for i in range(others)
        ],
    )
