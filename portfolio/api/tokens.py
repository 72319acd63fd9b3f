"""Services and selectors for personal API tokens (the page, the API and the command use them)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from portfolio.api.models import TOKEN_NAME_LENGTH, ApiToken

#: A person may keep this many tokens at once.
MAX_TOKENS_PER_USER = 50


def api_tokens_for(*, user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created", "-id")


def api_token_for(*, user, token_id: int) -> ApiToken:
    """The user's token, or 404: another user's token does not exist for them."""
    return get_object_or_404(ApiToken, pk=token_id, user=user)


def api_token_create(*, user, name: str, read_only: bool) -> tuple[ApiToken, str]:
    """Make a token; (row, the token itself). The token is never stored nor shown again."""
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = "Give the token a name."
    elif len(name) > TOKEN_NAME_LENGTH:
        errors["name"] = f"A token's name has at most {TOKEN_NAME_LENGTH} characters."
    elif ApiToken.objects.filter(user=user, name__iexact=name).exists():
        errors["name"] = f"You already have a token named {name!r}."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if ApiToken.objects.select_for_update().filter(user=user).count() >= MAX_TOKENS_PER_USER:
            raise ValidationError(
                {"name": f"At most {MAX_TOKENS_PER_USER} tokens; revoke one you no longer use."}
            )
        return ApiToken.objects.create(user, expiry=None, name=name, read_only=read_only)


def api_token_revoke(*, token: ApiToken) -> None:
    token.delete()
