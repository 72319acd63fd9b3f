"""Kraken's own state: a sync asks SystemStatus first and waits out maintenance.

During "maintenance" Kraken answers nothing useful, and during "cancel_only" it is not in its
normal state either; a sync then waits (one SystemStatus call per poll interval, heartbeating
its run) for up to settings.KRAKEN_MAINTENANCE_WAIT_SECONDS, and if Kraken is still not online
it stops with a transient error, so the run is queued again and retried later.
"""

from __future__ import annotations

import time

from django.conf import settings

from portfolio.kraken.errors import UnknownMethodError
from portfolio.sync.context import SyncContext
from portfolio.sync.errors import KrakenMaintenance

WAIT_STATES = frozenset({"maintenance", "cancel_only"})


def kraken_online_wait(*, ctx: SyncContext, sleep=time.sleep) -> None:
    """Return once Kraken reports a state a sync can run in; raise KrakenMaintenance if not."""
    deadline = time.monotonic() + settings.KRAKEN_MAINTENANCE_WAIT_SECONDS
    waited_from = None
    while True:
        try:
            status = ctx.clients.public.system_status()
        except UnknownMethodError:
            return  # an endpoint that does not serve SystemStatus: nothing to wait for
        if status not in WAIT_STATES:
            if waited_from is not None:
                minutes = (time.monotonic() - waited_from) / 60
                ctx.note(f"Kraken is {status} again after {minutes:.1f} minutes; syncing.")
            return
        if waited_from is None:
            waited_from = time.monotonic()
            ctx.note(f"Kraken reports {status}; waiting for it to end before syncing.")
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise KrakenMaintenance(
                f"Kraken reports {status}; the sync waits and is retried later.",
                kraken_error=f"SystemStatus {status}",
                endpoint="SystemStatus",
            )
        ctx.save_progress()
        sleep(min(settings.KRAKEN_MAINTENANCE_POLL_SECONDS, remaining))
