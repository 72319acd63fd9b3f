"""The open-orders page: thin over portfolio.open_orders."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from portfolio.ledger_selectors import asset_decimals_for
from portfolio.open_orders import open_orders_for


@login_required
@require_GET
def open_orders(request: HttpRequest) -> HttpResponse:
    context = {
        "views": open_orders_for(user=request.user),
        "asset_decimals": asset_decimals_for(user=request.user),
    }
    return render(request, "portfolio/open_orders.html", context)
