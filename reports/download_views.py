"""The Download panel's actions: ask for a report, fetch one's file, delete it. Owner only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import KrakenConnection
from reports.models import ReportFormat
from reports.selectors import report_file_for
from reports.services import report_delete, report_path, report_request

CONTENT_TYPES = {ReportFormat.PDF: "application/pdf", ReportFormat.ZIP: "application/zip"}


def _back(year: int) -> str:
    return reverse("tax_year", args=[year]) + "#download"


@login_required
@require_POST
def request_report(request: HttpRequest, year: int) -> HttpResponse:
    fmt = request.POST.get("format", "")
    if fmt not in ReportFormat.values:
        messages.error(request, "Pick a format: PDF or ZIP.")
        return redirect(_back(year))
    connection = None
    if request.POST.get("connection"):
        connection = get_object_or_404(
            KrakenConnection, pk=request.POST["connection"], user=request.user
        )
    report_request(user=request.user, year=year, fmt=fmt, connection=connection)
    messages.success(
        request, f"Building your {fmt.upper()} report; its link appears below when done."
    )
    return redirect(_back(year))


@login_required
def download(request: HttpRequest, pk: int) -> HttpResponse:
    report_file = report_file_for(user=request.user, pk=pk)
    path = report_path(report_file)
    if not path.is_file():
        raise Http404("the file is gone")
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=report_file.filename,
        content_type=CONTENT_TYPES.get(report_file.format, "application/octet-stream"),
    )


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    report_file = report_file_for(user=request.user, pk=pk)
    year = report_file.year
    report_delete(report_file=report_file)
    messages.success(request, "Report deleted.")
    return redirect(_back(year))
