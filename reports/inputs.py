"""What the accounting engine is fed from the database: ledger rows and a price source."""

from __future__ import annotations

from accounts.models import KrakenConnection
from accounts.selectors import connections_for
from portfolio.accounting import LedgerRow
from portfolio.models import AssetPair, LedgerEntry
from portfolio.prices.service import StoredPrices, pair_table


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
    *, user, connection: KrakenConnection | None = None, coarse: bool = False
) -> StoredPrices | None:
    """The stored prices (no network, ever) by the one rule of ``portfolio.prices.service``.

    ``coarse`` is accepted for callers of the earlier API; the rule is the same for charts.
    """
    connection = connection or connections_for(user=user).first()
    if connection is None:
        return None
    return StoredPrices(pairs=pairs_for(user=user, connection=connection), user=user)
