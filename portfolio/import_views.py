"""Thin views for importing Kraken's CSV exports into a connection."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.selectors import connection_for
from portfolio.imports.jobs import Upload, import_progress, import_stage
from portfolio.kraken.csvfiles import CsvRefused
from portfolio.models import ImportRecord
from portfolio.tasks import enqueue_import


def _recent(connection) -> list[tuple[ImportRecord, dict]]:
    records = ImportRecord.objects.filter(connection=connection)[:5]
    return [(r, import_progress(record=r)) for r in records]


@login_required
@require_http_methods(["GET", "POST"])
def connection_import(request: HttpRequest, connection_id: int) -> HttpResponse:
    connection = connection_for(user=request.user, connection_id=connection_id)
    if request.method == "POST":
        uploads = [
            Upload(name=f.name, size=f.size, chunks=f.chunks())
            for f in request.FILES.getlist("files")
        ]
        try:
            with transaction.atomic():
                record = import_stage(connection=connection, uploads=uploads)
                transaction.on_commit(lambda: enqueue_import(record))
        except CsvRefused as refused:
            messages.error(request, f"Refused: {refused}. Nothing was imported.")
        else:
            messages.success(request, f"Import #{record.pk} started.")
        return redirect("connection_import", connection_id=connection.pk)
    context = {
        "connection": connection,
        "imports": _recent(connection),
        "limit_mb": settings.KRAKEN_IMPORT_MAX_BYTES // (1024 * 1024),
        "limit_bytes": settings.KRAKEN_IMPORT_MAX_BYTES,
    }
    return render(request, "portfolio/connection_import.html", context)
