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

    #: The path it pages, set while the schema is generated (``portfolio.api.schema``).
    schema_path = ""

    def get_paginated_response_schema(self, schema):
        """DRF's, with example links on this API's path (DRF's are ``api.example.org/accounts/``):
        a link is this server's address of the page, the example shows its path."""
        described = super().get_paginated_response_schema(schema)
        path = self.schema_path or "/api/v1/"
        for name, cursor in (("next", "cD00ODY%3D"), ("previous", "cj0xJnA9NDg3")):
            link = described["properties"][name]
            link["example"] = f"{path}?{self.cursor_query_param}={cursor}"
        return described
