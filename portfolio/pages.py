"""The pages a trader reads: holdings, one asset, transactions, income, margin, futures,
reconciliation. Thin: parse the query string, call selectors, render."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe

from accounts.models import KrakenConnection
from portfolio import ledger_selectors as ledger
from portfolio.books import activity_selectors as activity
from portfolio.books import chart_data, labels, selectors
from portfolio.books import dashboard_selectors as dash
from portfolio.books.services import settings_for
from portfolio.fragments import decimals_key, run_fragment
from portfolio.kraken.assets import base_asset, normalize_asset
from portfolio.selectors import futures_positions_for
from portfolio.status_selectors import reconciliations_for


def current_run(request: HttpRequest):
    """The run whose figures the page may show, or None after saying why (the caller redirects)."""
    current = selectors.current_run_for(user=request.user, settings=settings_for(user=request.user))
    if current.run is None:
        if current.pending:
            messages.info(
                request, f"A rebuild for your new settings ({current.wanted}) is pending."
            )
        else:
            messages.info(request, "No accounts yet: sync a connection first.")
    return current.run


def _context(request: HttpRequest, decimals: dict[str, int] | None = None, **extra) -> dict:
    if decimals is None:
        decimals = ledger.asset_decimals_for(user=request.user)
    return {"asset_decimals": decimals, **extra}


def _int(text: str | None, default: int | None = None) -> int | None:
    try:
        return int(text) if text not in (None, "") else default
    except ValueError:
        return default


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@login_required
def holdings(request: HttpRequest) -> HttpResponse:
    run = current_run(request)
    if run is None:
        return redirect("dashboard")
    sort = request.GET.get("sort", "value")
    descending = request.GET.get("dir", "desc") == "desc"
    decimals = ledger.asset_decimals_for(user=request.user)

    def table() -> dict:
        overview = selectors.overview_for(run=run)
        rows = dash.holdings_table(overview=overview, sort=sort, descending=descending)
        return {"table": rows, "rows": rows.rows, "totals": rows.totals, "sortable": True,
                "columns": dash.HOLDING_COLUMNS, "cur": run.base_currency,
                "asset_decimals": decimals}  # fmt: skip

    html = run_fragment(
        run=run,
        template="portfolio/_holdings_table.html",
        build=table,
        key=f"{sort}|{descending}|{decimals_key(decimals)}",
    )
    html = mark_safe(html)  # our own template's output
    context = _context(request, decimals, run=run, table_html=html)
    return render(request, "portfolio/holdings.html", context)


@login_required
def asset_detail(request: HttpRequest, asset: str) -> HttpResponse:
    run = current_run(request)
    if run is None:
        return redirect("dashboard")
    detail = activity.asset_detail(run=run, asset=asset)
    if detail is None:
        made_of = base_asset(normalize_asset(asset))  # a Kraken variant code: USDT.F, ETH2.S
        if made_of != asset and made_of in activity.asset_pages(run=run):
            return redirect("asset_detail", asset=made_of)
        raise Http404("no such asset in your accounts")
    entries = ledger.ledger_entries_for_asset(user=request.user, asset=asset)
    chart = activity.asset_chart(run=run, user=request.user, asset=asset)
    return render(
        request,
        "portfolio/asset.html",
        _context(
            request,
            run=run,
            asset=asset,
            detail=detail,
            entries=entries,
            chart=chart,
            asset_pages=activity.asset_pages(run=run),
            wallet_labels=labels.wallet_labels(user=request.user),
        ),
    )


def transaction_filters(params) -> ledger.TxFilters:
    return ledger.TxFilters(
        kind="trades" if params.get("kind") == "trades" else "ledger",
        connection=_int(params.get("connection")),
        asset=params.get("asset", "").strip(),
        type=params.get("type", "").strip(),
        start=_date(params.get("start")),
        end=_date(params.get("end")),
        q=params.get("q", "").strip(),
    )


@login_required
def transactions(request: HttpRequest) -> HttpResponse:
    filters = transaction_filters(request.GET)
    connections = list(KrakenConnection.objects.filter(user=request.user).order_by("label"))
    page = ledger.transactions_page(
        user=request.user,
        filters=filters,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
        last=request.GET.get("last") == "1",
        connections=connections,
    )
    run = selectors.current_run_for(user=request.user, settings=settings_for(user=request.user)).run
    context = _context(
        request, filters=filters, page=page, asset_pages=activity.asset_pages(run=run)
    )
    context.update(
        ledger.filter_choices(connections=connections, decimals=context["asset_decimals"])
    )
    return render(request, "portfolio/transactions.html", context)


@login_required
def income(request: HttpRequest) -> HttpResponse:
    run = current_run(request)
    if run is None:
        return redirect("dashboard")
    year, asset = _int(request.GET.get("year")), request.GET.get("asset", "").strip()
    page = activity.income_page(
        run=run, year=year, asset=asset, page=_int(request.GET.get("page"), 1)
    )
    months = dash.income_by_month(run=run)  # the whole history: this is the income page
    query = urlencode({k: v for k, v in (("year", year), ("asset", asset)) if v})
    context = _context(
        request, run=run, page=page, year=year, asset=asset, query=query,
        totals=activity.income_totals(run=run, year=year, asset=asset),
        choices=activity.income_choices(run=run),
        chart=chart_data.bars([m.strftime("%b %Y") for m, _ in months], [v for _, v in months]),
    )  # fmt: skip
    return render(request, "portfolio/income.html", context)


@login_required
def margin(request: HttpRequest) -> HttpResponse:
    run = current_run(request)
    if run is None:
        return redirect("dashboard")
    year = _int(request.GET.get("year"))
    page = activity.margin_page(run=run, year=year, page=_int(request.GET.get("page"), 1))
    context = _context(
        request, run=run, page=page, year=year, query=urlencode({"year": year} if year else {}),
        totals=activity.margin_totals(run=run, year=year),
        years=activity.years_of(run=run),
    )  # fmt: skip
    return render(request, "portfolio/margin.html", context)


@login_required
def futures(request: HttpRequest) -> HttpResponse:
    run = current_run(request)
    if run is None:
        return redirect("dashboard")
    year = _int(request.GET.get("year"))
    context = _context(
        request, run=run, year=year,
        positions=futures_positions_for(user=request.user),
        by_contract=activity.futures_by_contract_month(run=run, year=year),
        totals=activity.futures_totals(run=run, year=year),
        years=activity.years_of(run=run),
    )  # fmt: skip
    return render(request, "portfolio/futures.html", context)


@login_required
def reconciliation(request: HttpRequest) -> HttpResponse:
    context = _context(request, connections=reconciliations_for(user=request.user))
    return render(request, "portfolio/reconciliation.html", context)
