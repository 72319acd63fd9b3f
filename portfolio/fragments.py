"""Rendered page parts made only of one accounting run's stored results, cached per run.

A run's rows never change once it succeeded (a rebuild makes a new run, or confirms this one
unchanged), so the HTML drawn from them is keyed by the run and everything else it depends on:
the zone its dates are shown in, the asset decimals, and the page's query string.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone

from portfolio.books.models import AccountingRun

TIMEOUT = 3600


def run_fragment(
    *, run: AccountingRun, template: str, build: Callable[[], dict], key: str = ""
) -> str:
    """``template`` rendered with ``build()``, or the copy rendered before for the same inputs."""
    zone = timezone.get_current_timezone_name()
    raw = "|".join((template, str(run.pk), run.started_at.isoformat(), zone, key))
    name = "run-fragment:" + hashlib.sha256(raw.encode()).hexdigest()
    html = cache.get(name)
    if html is None:
        html = render_to_string(template, build())
        cache.set(name, html, TIMEOUT)
    return html


def decimals_key(decimals: dict[str, int]) -> str:
    return ",".join(f"{asset}={places}" for asset, places in sorted(decimals.items()))
