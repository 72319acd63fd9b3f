"""What the accounting engine is fed from the database: ledger rows, a price source, and the
jurisdiction with the user's policies and entered bases."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from accounts.models import KrakenConnection
from accounts.selectors import connections_for
from portfolio.accounting import Jurisdiction, LedgerRow
from portfolio.accounting.futures import FuturesLogRow
from portfolio.accounting.margin import MARGIN_TYPES, MarginTrade
from portfolio.accounting.policies import EnteredBasis, ExchangeFee, NetworkFee, UnknownBasis
from portfolio.books.models import DepositBasis
from portfolio.models import AssetPair, FuturesLogEntry, LedgerEntry, Trade
from portfolio.prices.service import StoredPrices, pair_table

if TYPE_CHECKING:
    from portfolio.books.services import Settings


def jurisdiction_for(settings: Settings) -> Jurisdiction:
    """The engine's jurisdiction in the user's zone, with the profile's policies in place of its
    defaults."""
    jur = settings.rules
    changes: dict[str, object] = {}
    if settings.unknown_basis:
        changes["unknown_basis"] = UnknownBasis(settings.unknown_basis)
    if settings.network_fee:
        changes["network_fee"] = NetworkFee(settings.network_fee)
    if settings.exchange_fee:
        changes["exchange_fee"] = ExchangeFee(settings.exchange_fee)
    return replace(jur, **changes) if changes else jur  # type: ignore[arg-type]


def entered_bases(*, user) -> tuple[tuple[str, str, str], ...]:
    """The user's entered bases as plain values (part of the settings a run is computed with)."""
    rows = DepositBasis.objects.filter(user=user).order_by("event_id")
    return tuple(
        (r.event_id, str(r.basis), r.acquired.isoformat())
        for r in rows.only("event_id", "basis", "acquired")
    )


def engine_bases(settings: Settings) -> dict[str, EnteredBasis]:
    return {
        event_id: EnteredBasis(Decimal(basis), datetime.fromisoformat(acquired))
        for event_id, basis, acquired in settings.entered
    }


def ledger_rows(
    *, user, connection: KrakenConnection | None = None, per_connection: bool = False
) -> list[LedgerRow]:
    """The user's ledger (one connection, or all of them) in time order, as engine input.

    Kraken's own wallet column is not used: staking and earn balances are marked by the asset's
    suffix (DOT.S, BTC.M), which the classifier reads, and the API and the export name wallets
    differently, so that column would make one entry account differently by path. With
    `per_connection` each Kraken account is its own wallet (US wallet-by-wallet rules).
    """
    entries = LedgerEntry.objects.filter(connection__user=user)
    if connection is not None:
        entries = entries.filter(connection=connection)
    fields = (
        "ledger_id",
        "refid",
        "time",
        "type",
        "subtype",
        "aclass",
        "asset",
        "amount",
        "fee",
        "balance",
        "connection_id",
    )
    return [
        LedgerRow(
            ledger_id=row[0],
            refid=row[1],
            time=row[2],
            type=row[3],
            subtype=row[4],
            aclass=row[5],
            asset=row[6],
            amount=row[7],
            fee=row[8],
            balance=row[9],
            wallet=f"kraken-{row[10]}" if per_connection else "spot",
        )
        for row in entries.order_by("time", "ledger_id").values_list(*fields).iterator(2000)
    ]


def pairs_for(*, user, connection: KrakenConnection | None = None) -> dict[tuple[str, str], str]:
    """{(base, quote): pair altname} from the pairs synced for the connection (or the user's
    first one): Kraken's public pair list, the names its OHLCVT files use."""
    connection = connection or connections_for(user=user).first()
    if connection is None:
        return {}
    synced = AssetPair.objects.filter(connection=connection).values_list(
        "altname", "pair_id", "base", "quote"
    )
    return pair_table((altname or pair_id, base, quote) for altname, pair_id, base, quote in synced)


def price_source(
    *,
    user,
    connection: KrakenConnection | None = None,
    coarse: bool = False,
    as_of: datetime | None = None,
) -> StoredPrices | None:
    """The stored prices (no network, ever) by the one rule of ``portfolio.prices.service``.

    ``coarse`` is accepted for callers of the earlier API; the rule is the same for charts.
    ``as_of`` is the valuation moment of the computation (holdings are valued "now" there).
    """
    connection = connection or connections_for(user=user).first()
    if connection is None:
        return None
    return StoredPrices(pairs=pairs_for(user=user, connection=connection), user=user, as_of=as_of)


def _scoped(model, *, user, connection: KrakenConnection | None):
    rows = model.objects.filter(connection__user=user)
    return rows if connection is None else rows.filter(connection=connection)


def margin_trades(*, user, connection: KrakenConnection | None = None) -> list[MarginTrade]:
    """The trades behind the user's margin ledger rows (opening and closing a position)."""
    refids = _scoped(LedgerEntry, user=user, connection=connection).filter(
        type__in=sorted(MARGIN_TYPES)
    )
    trades = _scoped(Trade, user=user, connection=connection).filter(
        txid__in=refids.values("refid")
    )
    return [
        MarginTrade(t.txid, t.postxid, t.pair, t.time, t.type, t.vol)
        for t in trades.order_by("time", "txid")
    ]


def futures_log(
    *, user, connection: KrakenConnection | None = None
) -> dict[int, list[FuturesLogRow]]:
    """Each connection's futures account log, in log order (ids are per account)."""
    fields = ("connection_id", "log_id", "date", "asset", "info", "margin_account")
    fields += ("old_balance", "new_balance", "realized_pnl", "fee", "realized_funding", "contract")
    out: dict[int, list[FuturesLogRow]] = {}
    entries = _scoped(FuturesLogEntry, user=user, connection=connection)
    for values in entries.order_by("connection_id", "log_id").values_list(*fields):
        out.setdefault(values[0], []).append(FuturesLogRow(*values[1:]))
    return out
