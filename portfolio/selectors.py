"""Read-only queries about synced data, always scoped to a connection its owner passed in."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from accounts.models import KrakenConnection
from portfolio.models import (
    ACTIVE_STATES,
    DataSet,
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


def sync_run_progress(*, run: SyncRun) -> list[DataSetProgress]:
    labels = dict(DataSet.choices)
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
    """The connections without a completed sync: their stored data cannot be trusted as whole."""
    synced = set(
        SyncRun.objects.filter(connection__in=connections, state=SyncState.SUCCEEDED)
        .values_list("connection_id", flat=True)
        .distinct()
    )
    return [c for c in connections if c.pk not in synced]


def never_synced_message(connections: list[KrakenConnection]) -> str:
    labels = ", ".join(repr(c.label) for c in connections)
    return (
        f"No completed sync for {labels}: there is nothing verified to report. "
        "Run `python manage.py kraken_sync` (or press Sync now) and check it succeeds."
    )
