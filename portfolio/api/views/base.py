"""Shared pieces of the list views: the caller's connections, paginated and filtered."""

from __future__ import annotations

from rest_framework import generics

from accounts.selectors import connections_for


def connection_ids(user) -> list[int]:
    """The caller's connection ids: lists filter on ``connection_id IN (...)``, which keeps the
    (connection, time) indexes usable (one connection: an index range scan in order)."""
    return list(connections_for(user=user).values_list("id", flat=True))


class OwnedList(generics.ListAPIView):
    """A cursor-paginated list of rows of the caller's connections."""

    model = None
    connection_field = "connection_id__in"
    related: tuple[str, ...] = ()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        rows = self.model.objects.filter(
            **{self.connection_field: connection_ids(self.request.user)}
        )
        return rows.select_related(*self.related) if self.related else rows
