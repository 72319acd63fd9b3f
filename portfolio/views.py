"""The dashboard: what a person sees after logging in."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from accounts.selectors import connections_for
from accounts.services import profile_for


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    context = {
        "profile": profile_for(user=request.user),
        "connections": connections_for(user=request.user),
    }
    return render(request, "portfolio/dashboard.html", context)


def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"ok": True})
