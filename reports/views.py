"""Pages over the stored accounting results. Thin: selectors read, a rebuild job recomputes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.services import profile_for
from reports import selectors
from reports.rebuilds import rebuild_request


@login_required
def tax_year(request: HttpRequest, year: int) -> HttpResponse:
    run = selectors.latest_run_for(user=request.user)
    if run is None:
        messages.info(request, "No accounts yet: sync a connection first.")
        return redirect("dashboard")
    context = {
        "run": run,
        "profile": profile_for(user=request.user),
        "year": selectors.year_for(run=run, year=year),
        "disposals": selectors.disposals_for(run=run, year=year),
        "income": selectors.income_for(run=run, year=year),
    }
    return render(request, "reports/tax_year.html", context)


@login_required
@require_POST
def rebuild(request: HttpRequest) -> HttpResponse:
    rebuild_request(user=request.user, reason="asked from the dashboard")
    messages.success(request, "Recomputing your accounts; refresh in a moment.")
    return redirect("dashboard")
