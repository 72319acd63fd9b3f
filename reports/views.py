"""Pages over the stored accounting results. Thin: selectors read, a rebuild job recomputes."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from accounts.services import profile_for
from portfolio.accounting.jurisdictions import METHOD_LABELS, get_jurisdiction
from portfolio.books import activity_selectors, bases, selectors, year_selectors
from portfolio.books.rebuilds import prices_then_rebuild, rebuild_request
from portfolio.books.services import settings_for
from portfolio.fragments import decimals_key, run_fragment
from portfolio.ledger_selectors import asset_decimals_for
from portfolio.prices.manual import manual_price_set, manual_prices_for
from reports.forms import ManualPriceForm


def _disposal_filters(params) -> year_selectors.DisposalFilters:
    rule = params.get("rule", "")
    return year_selectors.DisposalFilters(
        asset=params.get("asset", "").strip(),
        term=params.get("term", "").strip(),
        rule=rule if rule in year_selectors.RULES else "",
        sort=params.get("sort", "date") if params.get("sort") in year_selectors.SORTS else "date",
        descending=params.get("dir") == "desc",
    )


def _page_number(text: str | None) -> int:
    return int(text) if text and text.isdigit() else 1


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
    today = timezone.localdate()
    filters = _disposal_filters(request.GET)
    page_number = _page_number(request.GET.get("page"))
    year_result = year_selectors.year_or_current(run=run, year=year, today=today)
    decimals = asset_decimals_for(user=request.user)
    rules = get_jurisdiction(run.jurisdiction)

    def tables() -> dict:
        page, disposals = year_selectors.disposals_page(
            run=run, year=year, filters=filters, page=page_number
        )
        params = {k: v for k, v in filters.as_params().items() if k not in ("sort", "dir")}
        return {
            "run": run, "year": year_result, "page": page, "disposals": disposals,
            "filters": filters, "rule_choices": year_selectors.RULES,
            "assets": year_selectors.disposal_assets(run=run, year=year),
            "income": activity_selectors.income_totals(run=run, year=year, asset=""),
            "sort_columns": year_selectors.SORT_COLUMNS, "filter_query": urlencode(params),
            "margin": selectors.margin_for(run=run, year=year),
            "futures": selectors.futures_by_contract(run=run, year=year),
            "rules": get_jurisdiction(run.jurisdiction), "asset_decimals": decimals,
        }  # fmt: skip

    query = urlencode({**filters.as_params(), "page": page_number})
    context = {
        "run": run,
        "year": year_result,
        "years": [
            (y, rules.tax_year_label(y)) for y in year_selectors.year_choices(run=run, today=today)
        ],
        "rules": rules,
        "method_label": METHOD_LABELS.get(run.method, run.method),
        "tables_html": mark_safe(  # our own template's output
            run_fragment(
                run=run,
                template="reports/_tax_year_tables.html",
                build=tables,
                key=f"{year}|{query}|{decimals_key(decimals)}",
            )
        ),
    }
    return render(request, "reports/tax_year.html", context)


@login_required
def tax_year_current(request: HttpRequest) -> HttpResponse:
    """The year picked (``?year=``), else the latest tax year with activity in the current run
    (the current tax year when it has none)."""
    picked = request.GET.get("year", "")
    if picked.isdigit():
        return redirect("tax_year", year=int(picked))
    settings = settings_for(user=request.user)
    current = selectors.current_run_for(user=request.user, settings=settings)
    year = year_selectors.default_year(
        run=current.run, jurisdiction=settings.jurisdiction, today=timezone.localdate()
    )
    return redirect("tax_year", year=year)


@login_required
@require_POST
def rebuild(request: HttpRequest) -> HttpResponse:
    prices_then_rebuild(user=request.user, reason="asked from the dashboard")
    messages.success(request, "Recomputing your accounts; refresh in a moment.")
    return redirect("dashboard")


@login_required
def unknown_bases(request: HttpRequest) -> HttpResponse:
    """The deposits beyond what was withdrawn before, each with the gain its zero basis adds."""
    run = selectors.latest_run_for(user=request.user)
    rows = list(selectors.unknown_bases_for(run=run)) if run is not None else []
    entered = bases.entered_for(user=request.user, event_ids=(r.event_id for r in rows))
    profile = profile_for(user=request.user)
    context = {
        "run": run,
        "rows": [(row, entered.get(row.event_id)) for row in rows],
        "profile": profile,
        "asset_decimals": asset_decimals_for(user=request.user),
    }
    return render(request, "reports/unknown_bases.html", context)


class DepositBasisForm(forms.Form):
    basis = forms.DecimalField(min_value=0, max_digits=38, decimal_places=18)
    acquired = forms.DateTimeField(
        label="Acquired on",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


def _entered_initial(entered) -> dict | None:
    """The form filled with what was entered before (a change, not a blank start)."""
    if entered is None:
        return None
    basis = format(entered.basis.normalize(), "f")
    return {"basis": basis, "acquired": timezone.localtime(entered.acquired)}


@login_required
@require_http_methods(["GET", "POST"])
def unknown_basis_edit(request: HttpRequest, event_id: str) -> HttpResponse:
    """The basis of one deposit, by its ledger id: stable across the rebuild saving starts."""
    deposit = selectors.unknown_basis_of(user=request.user, event_id=event_id)
    entered = bases.entered_for(user=request.user, event_ids=[deposit.event_id])
    mine = entered.get(deposit.event_id)
    form = DepositBasisForm(request.POST or None, initial=_entered_initial(mine))
    if request.method == "POST" and form.is_valid():
        try:
            bases.deposit_basis_save(
                user=request.user,
                deposit=deposit,
                basis=form.cleaned_data["basis"],
                acquired=form.cleaned_data["acquired"],
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            messages.success(request, "Basis saved. Your accounts are being recomputed.")
            return redirect("unknown_bases")
    decimals = asset_decimals_for(user=request.user)
    context = {"form": form, "deposit": deposit, "entered": mine, "asset_decimals": decimals}
    return render(request, "reports/unknown_basis_edit.html", context)


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
            rebuild_request(user=request.user, reason="a price was entered by hand")
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
