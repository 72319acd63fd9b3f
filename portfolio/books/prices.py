"""Prices first, then numbers: which prices a user's accounts need, and filling them.

The needs are exactly what the engine and the daily chart ask the price source for, found by
running them once over a source that records every question and answers none. The fill then
stores those prices in the shared store (``portfolio.prices.fill``); the rebuild that follows reads
the store only and never waits on Kraken.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import KrakenConnection
from accounts.selectors import connections_for
from portfolio.accounting import Price, classify_ledger
from portfolio.books import derivatives, incremental, inputs
from portfolio.books.services import daily_values_for, settings_for
from portfolio.kraken_factory import public_client_for
from portfolio.prices.fill import FillReport, Progress, prices_fill


class _Recorder:
    """A price source that remembers every question and answers 1, so the engine asks only for
    what it values (a refusal would make it ask again through every pivot)."""

    def __init__(self) -> None:
        self.asked: set[tuple[str, str, datetime]] = set()

    def price(self, asset: str, quote: str, at: datetime) -> Price:
        self.asked.add((asset, quote, at))
        return Price(Decimal(1), "recorded")


Need = tuple[str, str, datetime]


def price_needs(
    *, user, connection: KrakenConnection | None = None, as_of: datetime | None = None
) -> tuple[set[Need], set[Need]]:
    """(asset, quote, moment) for every price the user's accounts ask for, and, apart, those
    the daily chart asks for (day ends, which daily candles price well enough)."""
    as_of = as_of or timezone.now()
    settings = settings_for(user=user)
    rows = inputs.ledger_rows(user=user, connection=connection, per_connection=settings.per_wallet)
    events, chart = _Recorder(), _Recorder()
    classified = classify_ledger(rows)
    incremental.engine(classified.events, settings=settings, as_of=as_of, prices=events)
    # margin, futures and cash are valued too (``books.derivatives``): their prices are needs
    books = derivatives.derivatives_for(
        user=user, connection=connection, rows=rows, settings=settings, as_of=as_of, prices=events
    )
    daily_values_for(classified, settings, chart, as_of, cash=books.cash_moves)
    return events.asked, chart.asked - events.asked


def prices_fill_for(
    *,
    user,
    connection: KrakenConnection | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> FillReport:
    """Fetch into the shared store the prices the user's accounts need (bounded; see fill)."""
    now = now or timezone.now()
    connection = connection or connections_for(user=user).first()
    if connection is None:
        return FillReport()
    if progress:
        progress(0, 0, "finding the prices the accounts need")
    needs, chart = price_needs(user=user, connection=connection, as_of=now)
    return prices_fill(
        public=public_client_for(connection=connection),
        pairs=inputs.pairs_for(user=user, connection=connection),
        needs=needs,
        daily_needs=chart,
        now=now,
        progress=progress,
    )
