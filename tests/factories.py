"""factory_boy factories for the models tests need."""

import base64

import factory
from django.contrib.auth import get_user_model

from accounts.models import KrakenConnection, Profile
from accounts.services import ConnectionInput, connection_create

PASSWORD = "correct-horse-battery-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"trader{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def profile(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            Profile.objects.get_or_create(user=obj)


def secret_for(name: str) -> str:
    """A realistic Kraken-style secret: 64 bytes, base64 (88 characters)."""
    return base64.b64encode((name.encode() * 64)[:64]).decode()


def make_connection(*, user, label: str = "Main", **overrides) -> KrakenConnection:
    fields = {
        "label": label,
        "api_key": f"KEY{label.upper().replace(' ', '')}{user.pk}abcdefghijklmnopqrstuvwxyz",
        "api_secret": secret_for(f"{label}-{user.pk}"),
        **overrides,
    }
    return connection_create(user=user, data=ConnectionInput(**fields))


# --- Synced rows and stored books (the API tests read them) ---------------------------------

import datetime as _dt  # noqa: E402
from decimal import Decimal as _D  # noqa: E402

from portfolio import models as _pm  # noqa: E402
from portfolio.books import models as _rm  # noqa: E402

_T0 = _dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=_dt.UTC)


def _at(n: int) -> _dt.datetime:
    return _T0 + _dt.timedelta(hours=n)


class LedgerEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = _pm.LedgerEntry

    ledger_id = factory.Sequence(lambda n: f"L{n:06d}-ABCDE-FGHIJK")
    refid = factory.Sequence(lambda n: f"R{n:06d}-ABCDE-FGHIJK")
    time = factory.Sequence(_at)
    type = "trade"
    asset = "BTC"
    raw_asset = "XXBT"
    amount = _D("0.0150000000")
    fee = _D("0")
    balance = _D("1.5000000000")


class TradeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = _pm.Trade

    txid = factory.Sequence(lambda n: f"T{n:06d}-ABCDE-FGHIJK")
    pair = "XXBTZUSD"
    base = "BTC"
    quote = "USD"
    time = factory.Sequence(_at)
    type = "buy"
    ordertype = "limit"
    price = _D("42000.1")
    cost = _D("630.0015")
    fee = _D("1.638")
    vol = _D("0.015")


class ClosedOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = _pm.ClosedOrder

    txid = factory.Sequence(lambda n: f"O{n:06d}-ABCDE-FGHIJK")
    status = "closed"
    opentm = factory.Sequence(_at)
    closetm = factory.Sequence(lambda n: _at(n) + _dt.timedelta(minutes=1))
    pair = "XBTUSD"
    type = "buy"
    ordertype = "limit"
    vol = _D("0.015")
    vol_exec = _D("0.015")
    cost = _D("630.0015")
    fee = _D("1.638")
    price = _D("42000.1")


def make_balance(*, connection, asset: str = "BTC", balance: str = "1.5") -> _pm.BalanceLine:
    snapshot = _pm.BalanceSnapshot.objects.create(connection=connection, taken_at=_at(100))
    return _pm.BalanceLine.objects.create(
        snapshot=snapshot, asset=asset, raw_asset="XXBT", balance=_D(balance)
    )


class FuturesFillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = _pm.FuturesFill

    fill_id = factory.Sequence(lambda n: f"fill-{n:06d}")
    symbol = "PF_XBTUSD"
    side = "buy"
    size = _D("0.25")
    price = _D("42000.5")
    fill_time = factory.Sequence(_at)
    fill_type = "maker"


class FuturesLogEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = _pm.FuturesLogEntry

    log_id = factory.Sequence(lambda n: n + 1)
    date = factory.Sequence(_at)
    asset = "USD"
    raw_asset = "usd"
    info = "futures trade"
    realized_pnl = _D("12.5")
    fee = _D("0.25")
    contract = "PF_XBTUSD"


class FuturesPositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = _pm.FuturesPosition

    symbol = factory.Sequence(lambda n: f"PF_XBTUSD{n}")
    side = "long"
    price = _D("42000.5")
    size = _D("0.25")


class SyncRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = _pm.SyncRun

    state = "succeeded"
    trigger = "manual"
    progress = factory.LazyFunction(
        lambda: {"ledgers": {"fetched": 3, "total": 3, "state": "done"}}
    )


class ReconciliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = _pm.Reconciliation

    ok = True
    assets = factory.LazyFunction(lambda: {"BTC": {"computed": "1.5", "kraken": "1.5", "ok": True}})


class ImportRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = _pm.ImportRecord

    state = "succeeded"
    files = factory.LazyFunction(
        lambda: [{"name": "ledgers.csv", "path": "/nowhere/x", "size": 10}]
    )
    summary = factory.LazyFunction(lambda: {"read": 3, "added": 3})


class AccountingRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = _rm.AccountingRun

    jurisdiction = "us"
    method = "fifo"
    base_currency = "USD"
    time_zone = "America/New_York"
    as_of = _dt.datetime(2025, 1, 1, tzinfo=_dt.UTC)
    inputs_digest = "test"
    state = "succeeded"
    finished_at = _dt.datetime(2025, 1, 1, 0, 5, tzinfo=_dt.UTC)
    pnl = factory.LazyFunction(
        lambda: {
            "BTC": {
                "holding": "1.5",
                "cost_basis": "30000",
                "market_value": "63000.15",
                "unrealized": "33000.15",
                "realized": "120.5",
                "price_source": "XBTUSD close",
            }
        }
    )


class LotRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = _rm.LotRow

    lot_id = factory.Sequence(lambda n: f"lot-{n}")
    asset = "BTC"
    acquired = factory.Sequence(_at)
    quantity = _D("0.5")
    cost_basis = _D("10000")


class DisposalRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = _rm.DisposalRow

    event_id = factory.Sequence(lambda n: f"D{n:06d}")
    time = factory.Sequence(_at)
    tax_year = 2024
    asset = "BTC"
    quantity = _D("0.1")
    proceeds = _D("4200")
    basis = _D("2000")
    gain = _D("2200")
    term = "short"
    lots = factory.LazyFunction(
        lambda: [
            {
                "lot_id": "lot-1",
                "acquired": "2023-06-01T00:00:00+00:00",
                "quantity": "0.1",
                "basis": "2000",
                "proceeds": "4200",
                "gain": "2200",
                "term": "short",
            }
        ]
    )


class IncomeRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = _rm.IncomeRow

    event_id = factory.Sequence(lambda n: f"I{n:06d}")
    time = factory.Sequence(_at)
    tax_year = 2024
    asset = "DOT"
    quantity = _D("1.25")
    value = _D("8.75")
    income_type = "staking"


class MarginRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = _rm.MarginRow

    position = factory.Sequence(lambda n: f"P{n:06d}")
    closed = factory.Sequence(_at)
    tax_year = 2024
    volume = _D("0.1")
    currency = "USD"
    pnl = _D("15")
    trade_fees = _D("1")
    rollover_fees = _D("0.5")
    settlement_fees = _D("0")
    pnl_value = _D("15")
    fees_value = _D("1.5")


class FuturesRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = _rm.FuturesRow

    log_id = factory.Sequence(lambda n: n + 1)
    time = factory.Sequence(_at)
    tax_year = 2024
    contract = "PF_XBTUSD"
    currency = "USD"
    realized_pnl = _D("12.5")
    funding = _D("-0.1")
    fee = _D("0.25")
    pnl_value = _D("12.5")
    funding_value = _D("-0.1")
    fee_value = _D("0.25")


class UnknownBasisRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = _rm.UnknownBasisDepositRow

    event_id = factory.Sequence(lambda n: f"U{n:06d}")
    time = factory.Sequence(_at)
    asset = "BTC"
    deposited = _D("1")
    returned = _D("0")
    quantity = _D("1")
    basis = _D("0")
    acquired = factory.Sequence(_at)
    gain = _D("0")


def make_books(*, user, connection) -> dict:
    """One row of every synced table and of every stored book, for ``user``'s ``connection``."""
    run = AccountingRunFactory(user=user)
    _rm.YearResult.objects.create(run=run, year=2024, summary={"income": {"total": "8.75"}})
    sync = SyncRunFactory(connection=connection)
    return {
        "ledger": LedgerEntryFactory(connection=connection),
        "trade": TradeFactory(connection=connection),
        "order": ClosedOrderFactory(connection=connection),
        "balance": make_balance(connection=connection),
        "fill": FuturesFillFactory(connection=connection),
        "log": FuturesLogEntryFactory(connection=connection),
        "position": FuturesPositionFactory(connection=connection),
        "sync": sync,
        "reconciliation": ReconciliationFactory(connection=connection, sync_run=sync),
        "import": ImportRecordFactory(connection=connection),
        "run": run,
        "lot": LotRowFactory(run=run),
        "disposal": DisposalRowFactory(run=run),
        "income": IncomeRowFactory(run=run),
        "margin": MarginRowFactory(run=run),
        "futures": FuturesRowFactory(run=run),
        "unknown": UnknownBasisRowFactory(run=run),
    }
