"""Which connections are due for a scheduled sync."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Max
from django.utils import timezone

from accounts.models import KrakenConnection
from portfolio.models import SyncRun


def due_connections() -> list[KrakenConnection]:
    """Connections whose last run started at least `sync_interval_minutes` ago (or never ran).

    CSV-only connections have no key and are never synced."""
    now = timezone.now()
    latest = dict(
        SyncRun.objects.values("connection")
        .annotate(last=Max("created_at"))
        .values_list("connection", "last")
    )
    return [
        connection
        for connection in KrakenConnection.objects.filter(csv_only=False).order_by("pk")
        if latest.get(connection.pk) is None
        or latest[connection.pk] <= now - timedelta(minutes=connection.sync_interval_minutes)
    ]
