"""What one running sync carries: the connection, its run, clients, and the window commit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction

from accounts.models import KrakenConnection
from portfolio.kraken_factory import ConnectionClients
from portfolio.models import SyncCursor, SyncRun
from portfolio.sync.errors import ConnectionGone
from portfolio.sync.runs import sync_run_touch

# Called after each committed window with (dataset, windows committed so far in this run).
WindowHook = Callable[[str, int], None]


@dataclass
class SyncContext:
    connection: KrakenConnection
    run: SyncRun
    clients: ConnectionClients
    full: bool = False
    after_window: WindowHook | None = None
    windows: dict[str, int] = field(default_factory=dict)

    def cursor(self, dataset: str) -> SyncCursor:
        """The stored cursor, or an unsaved one at the start: a row is written only with data."""
        found = SyncCursor.objects.filter(connection_id=self.connection.pk, dataset=dataset).first()
        return found or SyncCursor(connection_id=self.connection.pk, dataset=dataset)

    def progress(self, dataset: str, *, fetched: int, total: int | None, state: str) -> None:
        self.run.progress[dataset] = {"fetched": fetched, "total": total, "state": state}

    def count(self, name: str, amount: int = 1) -> None:
        self.run.counters[name] = self.run.counters.get(name, 0) + amount

    def note(self, text: str) -> None:
        if len(self.run.notes) < 200:
            self.run.notes.append(text)

    def record_calls(self) -> None:
        session = self.clients.session
        self.run.counters["api_calls"] = session.total
        self.run.counters["calls_by_endpoint"] = dict(session.calls)
        self.run.counters["http_failures"] = sum(session.failures.values())

    def commit(
        self,
        dataset: str,
        write: Callable[[], None],
        *,
        position: Decimal | int | str | None,
        position_time: datetime | None = None,
        state: dict | None = None,
    ) -> None:
        """Write one window's rows and advance the cursor in one transaction, then the hook."""
        self.record_calls()
        try:
            with transaction.atomic():
                sync_run_touch(run=self.run)
                self._lock_connection()
                write()
                self._advance(dataset, position, position_time, state)
        except IntegrityError as error:
            if not type(self.connection).objects.filter(pk=self.connection.pk).exists():
                raise ConnectionGone("The connection was deleted during the sync.") from error
            raise
        self.windows[dataset] = self.windows.get(dataset, 0) + 1
        self.count("windows")
        if self.after_window is not None:
            self.after_window(dataset, sum(self.windows.values()))

    def save_progress(self) -> None:
        self.record_calls()
        with transaction.atomic():
            sync_run_touch(run=self.run)

    def _lock_connection(self) -> None:
        manager = type(self.connection).objects
        if not manager.select_for_update().filter(pk=self.connection.pk).exists():
            raise ConnectionGone("The connection was deleted during the sync.")

    def _advance(self, dataset, position, position_time, state) -> None:
        values: dict = {}
        if position is not None:
            values["position"] = str(position)
            values["position_time"] = position_time
        if state is not None:
            values["state"] = state
        if values:
            SyncCursor.objects.update_or_create(
                connection_id=self.connection.pk, dataset=dataset, defaults=values
            )
