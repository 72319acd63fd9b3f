"""The profile's "API tokens" page: make a token (shown once), see them, revoke one."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from portfolio.api.models import TOKEN_NAME_LENGTH
from portfolio.api.tokens import api_token_create, api_token_for, api_token_revoke, api_tokens_for


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=TOKEN_NAME_LENGTH, help_text="What uses it, e.g. “spreadsheet”."
    )
    read_only = forms.BooleanField(
        required=False, initial=True, label="Read-only (cannot change anything)"
    )


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = api_token_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            created = {"token": token, "raw": raw}
            form = TokenForm()
    context = {"form": form, "created": created, "tokens": api_tokens_for(user=request.user)}
    response = render(request, "api/tokens.html", context)
    response["Cache-Control"] = "no-store"  # the page with a new token is never cached
    return response


@login_required
@require_POST
def api_token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    token = api_token_for(user=request.user, token_id=token_id)
    api_token_revoke(token=token)
    messages.success(request, f"Token “{token.name}” revoked; it no longer works.")
    return redirect("api_tokens")
