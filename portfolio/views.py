"""The dashboard: what a person sees after logging in."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from accounts.selectors import connections_for
from accounts.services import profile_for
from portfolio.books import selectors as report_selectors
from portfolio.books.services import settings_for
from portfolio.selectors import futures_positions_for
from reports.charts import line_chart


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    current = report_selectors.current_run_for(
        user=request.user, settings=settings_for(user=request.user)
    )
    run = current.run  # never the figures of other settings under this profile's labels
    overview = report_selectors.overview_for(run=run) if run else None
    chart = None
    if run is not None:
        series = report_selectors.value_series(run=run)
        chart = line_chart([(day.date, day.value) for day in series])
    context = {
        "profile": profile_for(user=request.user),
        "connections": connections_for(user=request.user),
        "overview": overview,
        "chart": chart,
        "current": current,
        "futures_positions": futures_positions_for(user=request.user),
    }
    return render(request, "portfolio/dashboard.html", context)


def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"ok": True})
