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
