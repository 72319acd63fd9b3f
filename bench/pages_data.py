"""Stored results and ledger rows at a chosen size, bulk-created: for the page tests and the bench.

Everything is consistent with itself (the realized gains in ``pnl`` equal the disposals' gains,
the years' summaries add their disposals and income), so a page's figure can be checked against
the stored rows. It is not an engine output: the engine's own tests prove those.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from accounts.models import KrakenConnection
from portfolio.accounting.jurisdictions import get_jurisdiction
from portfolio.books.models import (
    AccountingRun,
    DailyValue,
    DisposalRow,
    FuturesRow,
    IncomeRow,
    LotRow,
    MarginRow,
    YearResult,
)
from portfolio.models import Asset, LedgerEntry, Reconciliation, Trade

ASSETS = {"BTC": 10, "ETH": 10, "SOL": 8, "DOT": 10}  # asset -> Kraken decimals
START = datetime(2020, 1, 1, tzinfo=UTC)
BATCH = 5000


@dataclass(frozen=True)
class PagesData:
    run: AccountingRun
    connection: KrakenConnection
    entries: int
    disposals: int


def _q(n: int, places: int = 8) -> Decimal:
    return Decimal(n).scaleb(-places)


def ledger_rows(connection: KrakenConnection, count: int, start: datetime = START):
    """``count`` ledger entries, one every 20 minutes, cycling through the assets and types."""
    assets, types = list(ASSETS), ["trade", "deposit", "staking", "withdrawal", "trade"]
    balances = dict.fromkeys(assets, Decimal(0))
    for i in range(count):
        asset = assets[i % len(assets)]
        amount = _q(1000000 + 37 * i) if i % 5 != 3 else -_q(500000 + i)
        balances[asset] += amount
        yield LedgerEntry(
            connection=connection,
            ledger_id=f"L{i:07d}-{connection.pk}",
            refid=f"R{i // 2:07d}",
            time=start + timedelta(minutes=20 * i),
            type=types[i % len(types)],
            asset=asset,
            raw_asset=asset,
            wallet="spot",
            amount=amount,
            fee=Decimal(0),
            balance=balances[asset],
        )


def _bulk(model, rows) -> None:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            model.objects.bulk_create(batch)
            batch = []
    if batch:
        model.objects.bulk_create(batch)


def _disposals(run: AccountingRun, count: int, years: list[int], jur) -> list[DisposalRow]:
    rows, assets = [], list(ASSETS)
    rules = ["same-day", "30-day", "s104"]
    per_year = max(1, count // len(years))
    for i in range(count):
        year = years[min(i // per_year, len(years) - 1)]
        begin, _ = jur.tax_year_period(year)
        when = begin + timedelta(minutes=25 * (i % per_year) + 1)
        asset, rule = assets[i % len(assets)], rules[i % 3]
        quantity = _q(10000000 + 13 * i)
        proceeds, basis = Decimal(1000 + i % 700) + _q(i, 2), Decimal(900 + i % 500)
        lot_id = f"{rule}:{when.date().isoformat()}" if rule != "s104" else f"s104:{asset}"
        rows.append(
            DisposalRow(
                run=run,
                event_id=f"R{i:07d}:0",
                time=when,
                tax_year=year,
                asset=asset,
                quantity=quantity,
                proceeds=proceeds,
                basis=basis,
                gain=proceeds - basis,
                term="none",
                lots=[
                    {
                        "lot_id": lot_id,
                        "acquired": None,
                        "quantity": str(quantity),
                        "basis": str(basis),
                        "proceeds": str(proceeds),
                        "gain": str(proceeds - basis),
                        "term": "none",
                    }
                ],
            )
        )
    return rows


def _income(run: AccountingRun, count: int, years: list[int], jur) -> list[IncomeRow]:
    rows = []
    for i in range(count):
        year = years[i % len(years)]
        begin, _ = jur.tax_year_period(year)
        rows.append(
            IncomeRow(
                run=run,
                event_id=f"R{i:07d}",
                time=begin + timedelta(days=(i * 7) % 360, hours=3),
                tax_year=year,
                asset="DOT",
                quantity=_q(2500000 + i),
                value=Decimal("1.25") + _q(i, 2),
                income_type="staking",
            )
        )
    return rows


def _pnl(run: AccountingRun, disposals: list[DisposalRow]) -> dict:
    realized = dict.fromkeys(ASSETS, Decimal(0))
    for d in disposals:
        realized[d.asset] += d.gain
    pnl = {}
    for n, asset in enumerate(ASSETS):
        held = Decimal(0) if asset == "SOL" else Decimal(n + 1) + Decimal("0.12345")
        cost, value = Decimal(1000 * (n + 1)), Decimal(1500 * (n + 1)) + Decimal("0.5")
        pnl[asset] = {
            "holding": str(held),
            "cost_basis": str(cost if held else 0),
            "market_value": str(value if held else 0),
            "unrealized": str(value - cost if held else 0),
            "realized": str(realized[asset]),
            "price_source": "Kraken close",
            "held_outside": "0.5" if asset == "ETH" else "0",
            "outside_cost_basis": "250" if asset == "ETH" else "0",
        }
    return pnl


def _summaries(run, disposals, income, years, jur) -> list[YearResult]:
    out = []
    for year in years:
        ds = [d for d in disposals if d.tax_year == year]
        inc = [i for i in income if i.tax_year == year]
        start, end = jur.tax_year_dates(year)
        proceeds, basis = (
            sum((d.proceeds for d in ds), Decimal(0)),
            sum((d.basis for d in ds), Decimal(0)),
        )
        totals = {
            "proceeds": str(proceeds),
            "cost_basis": str(basis),
            "gain": str(proceeds - basis),
            "count": len(ds),
            "sales": len(ds),
        }
        summary = {
            "year": year,
            "period": {"start": start.isoformat(), "end": end.isoformat()},
            "disposals": totals,
            "short_term": totals,
            "long_term": totals,
            "income": {"total": str(sum((i.value for i in inc), Decimal(0))), "count": len(inc)},
            "fees": "0",
        }
        out.append(YearResult(run=run, year=year, summary=summary))
    return out


def pages_data(
    *,
    user,
    connection: KrakenConnection,
    entries: int,
    disposals: int,
    income: int = 200,
    jurisdiction: str = "uk",
    as_of: datetime | None = None,
) -> PagesData:
    """A succeeded run for ``user`` with the profile's settings, and ``entries`` ledger rows."""
    from portfolio.books.services import settings_for

    settings = settings_for(user=user)
    jur = get_jurisdiction(settings.jurisdiction)
    as_of = as_of or datetime(2026, 1, 1, tzinfo=UTC)
    last = jur.tax_year_of(as_of.date())
    years = list(range(last - 3, last + 1))
    run = AccountingRun.objects.create(
        user=user,
        jurisdiction=settings.jurisdiction,
        method=settings.method,
        base_currency=settings.base_currency,
        time_zone=settings.time_zone,
        as_of=as_of,
        inputs_digest="bench",
        state=AccountingRun.State.SUCCEEDED,
        finished_at=as_of,
        confirmed_at=as_of,
        cash=[
            {
                "asset": settings.base_currency,
                "quantity": "1234.5",
                "value": "1234.5",
                "source": "cash",
                "wallet": "spot",
            }
        ],
        problems=[
            {
                "code": "missing_price",
                "asset": "DOT",
                "time": "2023-05-01T00:00:00+00:00",
                "message": "no price",
                "quantity": "0",
                "event_id": "R0000001",
            }
        ],
    )
    drows = _disposals(run, disposals, years, jur)
    irows = _income(run, income, years, jur)
    _bulk(DisposalRow, drows)
    _bulk(IncomeRow, irows)
    YearResult.objects.bulk_create(_summaries(run, drows, irows, years, jur))
    run.pnl = _pnl(run, drows)
    run.save(update_fields=["pnl"])
    day0 = date(last - 3, 1, 1)
    _bulk(
        DailyValue,
        (
            DailyValue(run=run, date=day0 + timedelta(d), value=Decimal(5000 + d * 3))
            for d in range((as_of.date() - day0).days)
        ),
    )
    LotRow.objects.bulk_create(
        [
            LotRow(
                run=run,
                lot_id=f"s104:{a}",
                asset=a,
                acquired=None,
                quantity=Decimal(run.pnl[a]["holding"]),
                cost_basis=Decimal(run.pnl[a]["cost_basis"]),
                source="Section 104 pool",
            )
            for a in ASSETS
            if a != "SOL"
        ]
    )
    _extras(run, connection, years, jur)
    _bulk(LedgerEntry, ledger_rows(connection, entries))
    return PagesData(run, connection, entries, disposals)


def _extras(run, connection, years, jur) -> None:
    """Assets (for decimals), trades, a reconciliation, margin and futures rows."""
    Asset.objects.bulk_create(
        [
            Asset(connection=connection, raw_asset=a, asset=a, decimals=d, display_decimals=5)
            for a, d in ASSETS.items()
        ]
    )
    Trade.objects.bulk_create(
        [
            Trade(
                connection=connection,
                txid=f"T{i:06d}",
                pair="XBTGBP",
                base="BTC",
                quote="GBP",
                time=START + timedelta(hours=i),
                type="buy" if i % 2 else "sell",
                ordertype="limit",
                price=Decimal(20000 + i),
                cost=Decimal(200 + i),
                fee=Decimal("0.5"),
                vol=Decimal("0.01"),
            )
            for i in range(120)
        ]
    )
    Reconciliation.objects.create(
        connection=connection,
        ok=False,
        assets={
            "BTC": {"computed": "1.0000000000", "kraken": "1.0000000000", "ok": True},
            "ETH": {"computed": "2.0000000000", "kraken": "2.5000000000", "ok": False},
        },
        problems=[
            f"ETH: ledger entry L0000001-{connection.pk} has balance 1, expected 0 + 1 - 0 = 2"
        ],
    )
    year = years[-1]
    begin, _ = jur.tax_year_period(year)
    MarginRow.objects.bulk_create(
        [
            MarginRow(
                run=run,
                position=f"P{i}",
                pair="XBTUSD",
                side="long",
                opened=begin,
                closed=begin + timedelta(days=i + 1),
                tax_year=year,
                volume=Decimal("0.1"),
                currency="USD",
                pnl=Decimal(10 + i),
                trade_fees=Decimal(1),
                rollover_fees=Decimal(0),
                settlement_fees=Decimal(0),
                pnl_value=Decimal(8 + i),
                fees_value=Decimal("0.8"),
                ledger_ids=[f"L{i:07d}-{connection.pk}"],
            )
            for i in range(3)
        ]
    )
    FuturesRow.objects.bulk_create(
        [
            FuturesRow(
                run=run,
                connection=connection,
                log_id=i,
                time=begin + timedelta(days=20 * i),
                tax_year=year,
                contract="PF_XBTUSD" if i % 2 else "PF_ETHUSD",
                currency="USD",
                realized_pnl=Decimal(5 * i),
                funding=Decimal("-0.5"),
                fee=Decimal("0.2"),
                pnl_value=Decimal(4 * i),
                funding_value=Decimal("-0.4"),
                fee_value=Decimal("0.16"),
            )
            for i in range(6)
        ]
    )
