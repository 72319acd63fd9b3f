"""Read-only queries about people and connections, always scoped to their owner."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import KrakenConnection


def connections_for(*, user) -> QuerySet[KrakenConnection]:
    return KrakenConnection.objects.filter(user=user).order_by("label")


def connection_for(*, user, connection_id: int) -> KrakenConnection:
    """The user's connection, or 404: another user's connection does not exist for them."""
    return get_object_or_404(KrakenConnection, pk=connection_id, user=user)
