"""Thin views: parse input, call a service or selector, render."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts import selectors, services
from accounts.forms import ConnectionForm, CsvOnlyConnectionForm, ProfileForm, SignUpForm
from portfolio.selectors import sync_status_for


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.user_create(
            username=form.cleaned_data["username"],
            email=form.cleaned_data.get("email", ""),
            password=form.cleaned_data["password1"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Welcome! Add your first Kraken connection to get started.")
        return redirect("connection_add")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    instance = services.profile_for(user=request.user)
    form = ProfileForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        stored = services.profile_for(user=request.user)  # the form changed `instance` already
        if services.profile_update(profile=stored, fields=form.cleaned_data):
            messages.success(request, "Profile saved. Your accounts are being recomputed.")
        else:
            messages.success(request, "Profile saved.")
        return redirect("profile")
    return render(request, "accounts/profile.html", {"form": form})


def _add_errors(form: ConnectionForm, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


@login_required
def connection_list(request: HttpRequest) -> HttpResponse:
    connections = selectors.connections_for(user=request.user)
    return render(request, "accounts/connection_list.html", {"connections": connections})


@login_required
@require_http_methods(["GET", "POST"])
def connection_add(request: HttpRequest) -> HttpResponse:
    form = ConnectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            connection = services.connection_create(user=request.user, data=form.connection_input())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Connection “{connection.label}” saved.")
            return redirect("connection_detail", connection_id=connection.pk)
    return render(request, "accounts/connection_form.html", {"form": form, "editing": False})


@login_required
@require_http_methods(["GET", "POST"])
def connection_add_csv(request: HttpRequest) -> HttpResponse:
    """A connection without an API key: its data comes only from CSV imports."""
    form = CsvOnlyConnectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = services.ConnectionInput(label=form.cleaned_data["label"], csv_only=True)
        try:
            connection = services.connection_create(user=request.user, data=data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"CSV-only connection “{connection.label}” saved.")
            return redirect("connection_import", connection_id=connection.pk)
    return render(request, "accounts/connection_csv_form.html", {"form": form})


@login_required
def connection_detail(request: HttpRequest, connection_id: int) -> HttpResponse:
    connection = selectors.connection_for(user=request.user, connection_id=connection_id)
    context = {"connection": connection, "sync": sync_status_for(connection=connection)}
    return render(request, "accounts/connection_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def connection_edit(request: HttpRequest, connection_id: int) -> HttpResponse:
    connection = selectors.connection_for(user=request.user, connection_id=connection_id)
    initial = {
        "label": connection.label,
        "api_url": connection.api_url,
        "futures_url": connection.futures_url,
        "rate_tier": connection.rate_tier,
        "rate_max": connection.rate_max,
        "rate_decay": connection.rate_decay,
        "sync_interval_minutes": connection.sync_interval_minutes,
    }
    form = ConnectionForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            connection = services.connection_update(
                connection=connection,
                data=form.connection_input(),
                clear_futures=form.cleaned_data.get("clear_futures", False),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Connection “{connection.label}” updated.")
            return redirect("connection_detail", connection_id=connection.pk)
    context = {"form": form, "editing": True, "connection": connection}
    return render(request, "accounts/connection_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def connection_delete(request: HttpRequest, connection_id: int) -> HttpResponse:
    connection = selectors.connection_for(user=request.user, connection_id=connection_id)
    if request.method == "POST":
        label = connection.label
        services.connection_delete(connection=connection)
        messages.success(request, f"Connection “{label}” and its synced data were deleted.")
        return redirect("connection_list")
    return render(request, "accounts/connection_confirm_delete.html", {"connection": connection})
