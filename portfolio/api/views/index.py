"""GET /api/v1/: what this version offers, with its schema and documentation."""

import re

from django.urls import URLPattern, reverse
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")
DOCS = ("api-schema", "api-docs", "api-redoc")


def _endpoints() -> list[str]:
    """Each path of the version, its parameters as ``{name}`` (the schema's notation)."""
    from portfolio.api.urls import urlpatterns  # the index is one of them

    prefix = reverse("api-index")
    return [
        prefix + PARAMETER.sub(r"{\1}", str(p.pattern))
        for p in urlpatterns
        if isinstance(p, URLPattern) and p.name not in (*DOCS, "api-index", "api-not-found")
    ]


@extend_schema(exclude=True)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def api_index(request):
    return Response(
        {
            "version": "1",
            "schema": request.build_absolute_uri(reverse("api-schema")),
            "docs": request.build_absolute_uri(reverse("api-docs")),
            "redoc": request.build_absolute_uri(reverse("api-redoc")),
            "authentication": 'a personal API token, sent as "Authorization: Token kp_…" '
            "(make one under Profile → API tokens), or the session of a signed-in user",
            "endpoints": _endpoints(),
        }
    )
