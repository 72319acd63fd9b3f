"""Thin views for syncing: "Sync now", the live status (HTML fragment and JSON), sync history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.selectors import connection_for
from portfolio.models import SyncTrigger
from portfolio.selectors import sync_run_json, sync_runs_for_user, sync_status_for
from portfolio.sync.runs import CSV_ONLY_NOTE, sync_request
from portfolio.tasks import enqueue_sync_run


@login_required
@require_POST
def sync_now(request: HttpRequest, connection_id: int) -> HttpResponse:
    connection = connection_for(user=request.user, connection_id=connection_id)
    if connection.csv_only:
        messages.warning(request, CSV_ONLY_NOTE)
        return redirect("connection_detail", connection_id=connection.pk)
    run, created = sync_request(
        connection=connection, trigger=SyncTrigger.MANUAL, enqueue=enqueue_sync_run
    )
    if created:
        messages.success(request, f"Sync #{run.shown_number} started.")
    else:
        messages.info(
            request, f"Sync #{run.shown_number} is already running; showing its progress."
        )
    return redirect("connection_detail", connection_id=connection.pk)


@login_required
@require_GET
def sync_status(request: HttpRequest, connection_id: int) -> HttpResponse:
    """The connection page's Sync card for its poll; opened directly, the page that holds it."""
    connection = connection_for(user=request.user, connection_id=connection_id)
    if request.headers.get("X-Requested-With") != "XMLHttpRequest":
        return redirect(reverse("connection_detail", args=[connection.pk]) + "#sync-status")
    context = {"connection": connection, "sync": sync_status_for(connection=connection)}
    return render(request, "portfolio/sync_status.html", context)


def _connection_param(request: HttpRequest):
    raw = request.GET.get("connection")
    if not raw:
        return None
    if not raw.isdigit():
        from django.http import Http404

        raise Http404("No such connection.")
    return connection_for(user=request.user, connection_id=int(raw))


@login_required
@require_GET
def sync_status_json(request: HttpRequest) -> JsonResponse:
    """The user's latest runs with per-data-set progress, for pages that poll while one runs."""
    views = sync_runs_for_user(user=request.user, connection=_connection_param(request), limit=20)
    runs = [sync_run_json(view) for view in views]
    response = JsonResponse({"runs": runs, "active": any(run["active"] for run in runs)})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def sync_history(request: HttpRequest) -> HttpResponse:
    connection = _connection_param(request)
    context = {
        "runs": sync_runs_for_user(user=request.user, connection=connection, limit=50),
        "connection": connection,
    }
    return render(request, "portfolio/sync_history.html", context)
