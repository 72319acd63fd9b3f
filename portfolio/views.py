"""The dashboard: what a person sees after logging in."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe

from accounts.services import profile_for
from portfolio.accounting.jurisdictions import get_jurisdiction
from portfolio.books import chart_data
from portfolio.books import dashboard_selectors as dash
from portfolio.books import selectors as report_selectors
from portfolio.books.services import settings_for
from portfolio.fragments import decimals_key, run_fragment
from portfolio.ledger_selectors import asset_decimals_for
from portfolio.selectors import futures_positions_for
from portfolio.status_selectors import connection_states, has_synced

#: The dashboard's income chart: the last months with income (the income page shows them all).
INCOME_MONTHS = 24


def _figures(run, decimals: dict[str, int]) -> dict:
    """The overview's figures and chart series for a run (a fixed number of queries)."""
    overview = report_selectors.overview_for(run=run)
    months = dash.income_by_month(run=run, limit=INCOME_MONTHS + 1)
    windowed = len(months) > INCOME_MONTHS  # then the card says so; the income page has all
    months = months[-INCOME_MONTHS:]
    cash, cash_value = dash.cash_total(run=run)
    slices = dash.allocation(overview=overview)
    table = dash.holdings_table(overview=overview)
    return {
        "asset_decimals": decimals,
        **dash.pnl_percentages(overview=overview),
        "table": table,
        "columns": dash.HOLDING_COLUMNS,
        "overview": overview,
        "rules": get_jurisdiction(run.jurisdiction),
        "allocation": slices,
        "income_months": months,
        "income_window": INCOME_MONTHS if windowed else None,
        "cash": cash,
        "cash_value": cash_value,
        "value_chart": chart_data.value_ranges(dash.daily_values(run=run)),
        "allocation_chart": chart_data.bars([s.asset for s in slices], [s.percent for s in slices]),
        "income_chart": chart_data.bars(
            [m.strftime("%b %Y") for m, _ in months], [v for _, v in months]
        ),
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    current = report_selectors.current_run_for(
        user=request.user, settings=settings_for(user=request.user)
    )
    run = current.run  # never the figures of other settings under this profile's labels
    decimals = asset_decimals_for(user=request.user)
    context = {
        "profile": profile_for(user=request.user),
        "connections": connection_states(user=request.user),
        "has_synced": has_synced(user=request.user),
        "current": current,
        "futures_positions": futures_positions_for(user=request.user),
        "asset_decimals": decimals,
        "overview_html": None,
    }
    if run is not None:
        context["overview_html"] = mark_safe(  # our own template's output
            run_fragment(
                run=run,
                template="portfolio/_overview.html",
                build=lambda: _figures(run, decimals),
                key=decimals_key(decimals),
            )
        )
    return render(request, "portfolio/dashboard.html", context)


def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"ok": True})
