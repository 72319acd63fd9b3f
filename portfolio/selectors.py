"""Read-only queries about synced data, always scoped to a connection its owner passed in."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from accounts.models import KrakenConnection
from portfolio.models import (
    ACTIVE_STATES,
    DataSet,
    FuturesAccountSnapshot,
    FuturesPosition,
    LedgerEntry,
    Reconciliation,
    SyncCursor,
    SyncRun,
    SyncState,
)


@dataclass(frozen=True)
class DataSetProgress:
    dataset: str
    label: str
    fetched: int
    total: int | None
    state: str

    @property
    def percent(self) -> int | None:
        if not self.total:
            return 100 if self.state == "done" else None
        return min(100, round(100 * self.fetched / self.total))


@dataclass(frozen=True)
class RunView:
    run: SyncRun
    progress: list[DataSetProgress]


@dataclass(frozen=True)
class SyncStatus:
    runs: list[RunView]
    active: SyncRun | None
    reconciliation: Reconciliation | None
    cursors: list[SyncCursor]


def sync_runs_for(*, connection: KrakenConnection, limit: int = 5) -> QuerySet[SyncRun]:
    return SyncRun.objects.filter(connection=connection).order_by("-created_at", "-id")[:limit]


def sync_runs_for_user(
    *, user, connection: KrakenConnection | None = None, limit: int = 50
) -> list[RunView]:
    """The user's latest sync runs over every connection (or one), with per-data-set progress."""
    runs = SyncRun.objects.filter(connection__user=user).select_related("connection")
    if connection is not None:
        runs = runs.filter(connection=connection)
    runs = runs.order_by("-created_at", "-id")[:limit]
    return [RunView(run=r, progress=sync_run_progress(run=r)) for r in runs]


def _local(moment) -> str:
    """The pages' one date format, in the zone of the request (the profile's, set by middleware)."""
    from portfolio.templatetags.numbers import when

    return when(moment)


def sync_run_json(view: RunView) -> dict:
    """One run as the status endpoint sends it (numbers per user; never the global id)."""
    run = view.run
    return {
        "number": run.shown_number,
        "connection": run.connection_id,
        "connection_label": run.connection.label,
        "state": run.state,
        "state_label": run.get_state_display(),
        "active": run.is_active,
        "trigger": run.get_trigger_display(),
        "full": run.full,
        "created_at": run.created_at.isoformat(),
        "created_display": _local(run.created_at),
        "finished_display": _local(run.finished_at) if run.finished_at else "",
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "error": run.error,
        "api_calls": run.counters.get("api_calls", 0),
        "progress": [
            {
                "dataset": item.dataset,
                "label": item.label,
                "fetched": item.fetched,
                "total": item.total,
                "percent": item.percent,
                "state": item.state,
            }
            for item in view.progress
        ],
    }


def sync_run_progress(*, run: SyncRun) -> list[DataSetProgress]:
    labels = {**dict(DataSet.choices), "prices": "Prices the new events need"}
    return [
        DataSetProgress(
            dataset=name,
            label=labels.get(name, name),
            fetched=int(entry.get("fetched") or 0),
            total=entry.get("total"),
            state=entry.get("state", ""),
        )
        for name, entry in run.progress.items()
    ]


def sync_status_for(*, connection: KrakenConnection, limit: int = 5) -> SyncStatus:
    runs = list(sync_runs_for(connection=connection, limit=limit))
    active = next((r for r in runs if r.state in ACTIVE_STATES), None)
    return SyncStatus(
        runs=[RunView(run=r, progress=sync_run_progress(run=r)) for r in runs],
        active=active,
        reconciliation=Reconciliation.objects.filter(connection=connection).first(),
        cursors=list(SyncCursor.objects.filter(connection=connection).order_by("dataset")),
    )


def latest_reconciliation(*, connection: KrakenConnection) -> Reconciliation | None:
    return Reconciliation.objects.filter(connection=connection).first()


def never_synced(*, connections) -> list[KrakenConnection]:
    """The connections without a completed sync (or, for a CSV-only one, a completed import):
    their stored data cannot be trusted as whole."""
    synced = set(
        SyncRun.objects.filter(connection__in=connections, state=SyncState.SUCCEEDED)
        .values_list("connection_id", flat=True)
        .distinct()
    )
    # A CSV-only connection's rows come only from imports, each one atomic: rows mean a whole one.
    synced |= set(
        LedgerEntry.objects.filter(connection__in=[c for c in connections if c.csv_only])
        .values_list("connection_id", flat=True)
        .distinct()
    )
    return [c for c in connections if c.pk not in synced]


def never_synced_message(connections: list[KrakenConnection]) -> str:
    labels = ", ".join(repr(c.label) for c in connections)
    return (
        f"No completed sync for {labels}: there is nothing verified to report. "
        "Run `python manage.py kraken_sync` (or press Sync now) and check it succeeds; "
        "a CSV-only connection needs an import of Kraken's CSV exports (kraken_import).",
    )


@dataclass(frozen=True)
class FuturesAccountPnl:
    connection: str
    account: str
    unrealized_pnl: Decimal | None  # Kraken's own figure at the last sync
    unrealized_funding: Decimal | None
    currency: str = (
        ""  # of both figures: a flex account's are in USD, a margin account's in its own
    )


@dataclass(frozen=True)
class OpenPosition:
    position: FuturesPosition
    unrealized_pnl: Decimal | None  # its account's, when it is the account's only position


@dataclass(frozen=True)
class OpenFutures:
    positions: list[OpenPosition]
    accounts: list[FuturesAccountPnl]


def _figure(snapshot: FuturesAccountSnapshot, *names: str) -> Decimal | None:
    for source in (snapshot.figures, snapshot.auxiliary):
        for name in names:
            if source.get(name) is not None:
                return Decimal(str(source[name]))
    return None


def futures_positions_for(*, user) -> OpenFutures:
    """Open futures positions and their accounts' unrealized PnL, as Kraken reported them."""
    connections = KrakenConnection.objects.filter(user=user)
    positions, accounts = [], []
    for connection in connections:
        mine = list(FuturesPosition.objects.filter(connection=connection).order_by("symbol"))
        pnl = _account_pnl(connection)
        only = pnl[0].unrealized_pnl if len(mine) == 1 and len(pnl) == 1 else None
        positions += [OpenPosition(p, only) for p in mine]
        accounts += pnl
    return OpenFutures(positions, accounts)


def _account_pnl(connection: KrakenConnection) -> list[FuturesAccountPnl]:
    """Each account's unrealized PnL and funding in the latest /accounts snapshot."""
    latest = FuturesAccountSnapshot.objects.filter(connection=connection).first()
    if latest is None:
        return []
    accounts = []
    for snapshot in FuturesAccountSnapshot.objects.filter(
        connection=connection, taken_at=latest.taken_at
    ):
        pnl = _figure(snapshot, "totalUnrealized", "pnl")
        if pnl is not None:
            funding = _figure(snapshot, "unrealizedFunding", "funding")
            accounts.append(
                FuturesAccountPnl(
                    connection.label, snapshot.name, pnl, funding, _account_currency(snapshot)
                )
            )
    return accounts


def _account_currency(snapshot: FuturesAccountSnapshot) -> str:
    """Kraken states a flex (multi-collateral) account's figures in USD and gives it no currency;
    a cash or margin account's are in the account's currency."""
    if snapshot.currency:
        return snapshot.currency
    return "USD" if snapshot.type == "multiCollateralMarginAccount" else ""
