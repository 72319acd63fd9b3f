"""Thin views for syncing a connection: "Sync now" and the live status fragment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.selectors import connection_for
from portfolio.models import SyncTrigger
from portfolio.selectors import sync_status_for
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
    connection = connection_for(user=request.user, connection_id=connection_id)
    context = {"connection": connection, "sync": sync_status_for(connection=connection)}
    return render(request, "portfolio/sync_status.html", context)
