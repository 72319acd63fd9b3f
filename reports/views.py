"""Pages over the stored accounting results. Thin: selectors read, a task rebuilds."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.services import profile_for
from portfolio.prices.manual import manual_price_set, manual_prices_for
from reports import selectors
from reports.forms import ManualPriceForm
from reports.tasks import prices_fill_task


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
    user_id = request.user.pk
    transaction.on_commit(lambda: prices_fill_task.delay(user_id))
    messages.success(request, "Recomputing your accounts; refresh in a moment.")
    return redirect("dashboard")


@login_required
def prices(request: HttpRequest) -> HttpResponse:
    """The prices that could not be found (asset and moment), and a form to enter one by hand."""
    form = ManualPriceForm(request.POST or None, initial=request.GET or None)
    if request.method == "POST" and form.is_valid():
        try:
            manual_price_set(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            user_id = request.user.pk
            transaction.on_commit(lambda: prices_fill_task.delay(user_id))
            messages.success(request, "Price saved. Your accounts are being recomputed.")
            return redirect("prices")
    run = selectors.latest_run_for(user=request.user)
    context = {
        "form": form,
        "missing": selectors.missing_prices_for(run=run) if run else [],
        "manual": manual_prices_for(user=request.user),
        "base": profile_for(user=request.user).base_currency,
    }
    return render(request, "reports/prices.html", context)
