"""Pages over the stored accounting results. Thin: selectors read, a task rebuilds."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.services import profile_for
from portfolio.accounting.jurisdictions import get_jurisdiction
from reports import selectors
from reports.services import settings_for
from reports.tasks import accounting_rebuild_task


@login_required
def tax_year(request: HttpRequest, year: int) -> HttpResponse:
    current = selectors.current_run_for(user=request.user, settings=settings_for(user=request.user))
    run = current.run
    if run is None:
        if current.pending:
            messages.info(
                request, f"A rebuild for your new settings ({current.wanted}) is pending."
            )
        else:
            messages.info(request, "No accounts yet: sync a connection first.")
        return redirect("dashboard")
    context = {
        "run": run,
        "profile": profile_for(user=request.user),
        "year": selectors.year_for(run=run, year=year),
        "disposals": selectors.disposals_for(run=run, year=year),
        "income": selectors.income_for(run=run, year=year),
        "margin": selectors.margin_for(run=run, year=year),
        "futures": selectors.futures_by_contract(run=run, year=year),
        "rules": get_jurisdiction(run.jurisdiction),
    }
    return render(request, "reports/tax_year.html", context)


@login_required
@require_POST
def rebuild(request: HttpRequest) -> HttpResponse:
    user_id = request.user.pk
    transaction.on_commit(lambda: accounting_rebuild_task.delay(user_id))
    messages.success(request, "Recomputing your accounts; refresh in a moment.")
    return redirect("dashboard")
