"""Template context every page gets."""

from django.http import HttpRequest

from accounts.selectors import connections_for


def connection_warnings(request: HttpRequest) -> dict:
    """The person's connections whose stored keys cannot be read (the banner on every page)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    unreadable = [c for c in connections_for(user=user) if not c.keys_readable]
    return {"connections_needing_keys": unreadable}
