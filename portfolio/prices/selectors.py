"""Read-only questions about the price store."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.db.models import Max

from portfolio.prices.models import ManualPrice, PriceQuote


def prices_version(*, user) -> str:
    """ "<newest candle id>:<hash of the user's manual prices>": changes whenever a candle is
    stored (candles are only ever added) or the user's manual prices change, never otherwise."""
    newest = PriceQuote.objects.aggregate(newest=Max("id"))["newest"] or 0
    sha = hashlib.sha256()
    manual = ManualPrice.objects.filter(user=user).order_by("id")
    for row in manual.values_list("asset", "quote", "time", "price"):
        sha.update(repr(row).encode())
    return f"{newest}:{sha.hexdigest()[:40]}"


def prices_unchanged_before(*, since_version: str, version: str, boundary: datetime) -> bool:
    """True when every price of a moment before ``boundary`` is the same under both versions:
    the rule reads only candles that start at or before the moment, so candles stored since
    ``since_version`` that all start at or after ``boundary`` cannot change such a price."""
    try:
        old_newest, old_manual = since_version.split(":")
        newest, manual = version.split(":")
    except ValueError:
        return False
    if old_manual != manual:
        return False
    added = PriceQuote.objects.filter(id__gt=int(old_newest), id__lte=int(newest))
    return not added.filter(time__lte=boundary).exists()
