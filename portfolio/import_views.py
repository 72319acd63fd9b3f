"""Thin views for importing Kraken's CSV exports into a connection."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from accounts.selectors import connection_for
from portfolio.imports.jobs import Upload, import_progress, import_stage
from portfolio.kraken.csvfiles import CsvRefused
from portfolio.models import ImportRecord


def _recent(connection) -> list[tuple[ImportRecord, dict]]:
    records = ImportRecord.objects.filter(connection=connection)[:5]
    return [(r, import_progress(record=r)) for r in records]


class SizeLimitedUpload(FileUploadHandler):
    """Stops storing an uploaded file as soon as it passes the import limit."""

    def __init__(self, request: HttpRequest) -> None:
        super().__init__(request)
        self.limit, self.seen = settings.KRAKEN_IMPORT_MAX_BYTES, 0

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.seen = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.seen += len(raw_data)
        if self.seen > self.limit:
            self.request.import_refused = (  # type: ignore[union-attr]
                f"{self.file_name}: over the import limit of {self.limit} bytes; nothing was read"
            )
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


@csrf_exempt  # the upload handler must be in place before the CSRF check reads the body
@login_required
@require_http_methods(["GET", "POST"])
def connection_import(request: HttpRequest, connection_id: int) -> HttpResponse:
    request.upload_handlers.insert(0, SizeLimitedUpload(request))
    return _connection_import(request, connection_id)


@csrf_protect
def _connection_import(request: HttpRequest, connection_id: int) -> HttpResponse:
    connection = connection_for(user=request.user, connection_id=connection_id)
    if request.method == "POST":
        files = request.FILES.getlist("files")  # parses the upload through SizeLimitedUpload
        if getattr(request, "import_refused", ""):
            messages.error(request, f"Refused: {request.import_refused}.")
            return redirect("connection_import", connection_id=connection.pk)
        uploads = [Upload(name=f.name, size=f.size, chunks=f.chunks()) for f in files]
        try:  # its own transaction; the import's job goes to a worker after the commit
            record = import_stage(connection=connection, uploads=uploads)
        except CsvRefused as refused:  # ImportBusy included
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
