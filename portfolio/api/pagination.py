"""Keyset (cursor) pagination: page 50 costs what page 1 costs, on an index."""

from django.conf import settings
from rest_framework.pagination import CursorPagination


class Cursor(CursorPagination):
    """Each list view names its order in ``cursor_ordering`` (an indexed, nearly unique key
    first; the last field makes it total)."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE
    ordering = ("-id",)

    def get_ordering(self, request, queryset, view):
        return tuple(getattr(view, "cursor_ordering", self.ordering))
