"""Who may call the API and how often: personal tokens (knox), their scope, the throttles."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone
from knox.auth import TokenAuthentication
from rest_framework import permissions, throttling
from rest_framework.exceptions import PermissionDenied

from portfolio.api.models import ApiToken


class ApiTokenAuthentication(TokenAuthentication):
    """`Authorization: Token kp_...`; keeps the token's last-used time (to the minute)."""

    def validate_user(self, auth_token: ApiToken):
        user, token = super().validate_user(auth_token)
        now = timezone.now()
        every = timedelta(seconds=settings.API_TOKEN_LAST_USED_EVERY_SECONDS)
        if token.last_used_at is None or now - token.last_used_at >= every:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return user, token

    def _cleanup_token(self, auth_token: ApiToken) -> bool:
        """Only this token's own expiry matters (knox would also sweep every other token of
        the user on each call: a query per request for tokens that never expire)."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


class ReadOnlyToken(PermissionDenied):
    default_detail = "This token is read-only; use a read-write token to change anything."
    default_code = "read_only_token"


class TokenScope(permissions.BasePermission):
    """A read-only token may only read (GET, HEAD, OPTIONS)."""

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if (
            isinstance(token, ApiToken)
            and token.read_only
            and request.method not in permissions.SAFE_METHODS
        ):
            raise ReadOnlyToken()
        return True


class _Throttle(throttling.SimpleRateThrottle):
    cache = caches["api_throttle"]


class TokenRateThrottle(_Throttle):
    """Calls per token."""

    scope = "token"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
        return None


class UserRateThrottle(_Throttle):
    """Calls per person, whatever token or session they come through."""

    scope = "user"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
        return None


class AnonRateThrottle(_Throttle):
    """Calls without credentials (the schema and the docs), per address."""

    scope = "anon"

    def get_cache_key(self, request, view):
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
