"""Swagger UI and ReDoc pages, held to this app's own origin by a Content-Security-Policy:
ReDoc's bundle always asks a CDN for its logo, and the browser must not even try."""

from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny

OWN_ORIGIN_ONLY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self' 'unsafe-inline'",
        "script-src 'self' 'unsafe-inline'",
        "worker-src 'self' blob:",
        "connect-src 'self'",
        "font-src 'self' data:",
    ]
)


class _OwnOrigin:
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response["Content-Security-Policy"] = OWN_ORIGIN_ONLY
        return response


class SwaggerView(_OwnOrigin, SpectacularSwaggerView):
    pass


class RedocView(_OwnOrigin, SpectacularRedocView):
    template_name = "api/redoc.html"
