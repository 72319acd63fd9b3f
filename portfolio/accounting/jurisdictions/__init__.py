"""The one registry of jurisdictions: tax year, methods, defaults, wallet rule, policies, resumes.

Each jurisdiction is a small module of rules with its sources; Django derives its choices, forms
and the rebuild's settings from here (``choices``, ``METHOD_LABELS``, ``get_jurisdiction``).
"""

from datetime import datetime

from portfolio.accounting.jurisdictions.base import (
    RESUMABLE_METHODS,
    Jurisdiction,
    Term,
    anniversary,
)
from portfolio.accounting.jurisdictions.ca import CA
from portfolio.accounting.jurisdictions.de import DE
from portfolio.accounting.jurisdictions.generic import GENERIC
from portfolio.accounting.jurisdictions.uk import UK
from portfolio.accounting.jurisdictions.us import US

JURISDICTIONS: dict[str, Jurisdiction] = {j.code: j for j in (US, UK, DE, CA, GENERIC)}
DEFAULT_JURISDICTION = US

#: Every cost-basis method the engine knows, with its label, in the order forms list them.
METHOD_LABELS: dict[str, str] = {
    "fifo": "FIFO (first in, first out)",
    "lifo": "LIFO (last in, first out)",
    "hifo": "HIFO (highest cost first)",
    "average": "Average cost",
    "uk": "UK share matching (same day, 30 days, Section 104 pool)",
}


def get_jurisdiction(code: str | Jurisdiction) -> Jurisdiction:
    if isinstance(code, Jurisdiction):
        return code
    try:
        return JURISDICTIONS[code.lower()]
    except KeyError:
        raise ValueError(f"unknown jurisdiction {code!r}; known: {sorted(JURISDICTIONS)}") from None


def jurisdiction_choices() -> list[tuple[str, str]]:
    return [(j.code, j.label or j.name) for j in JURISDICTIONS.values()]


def method_choices() -> list[tuple[str, str]]:
    return list(METHOD_LABELS.items())


def default_time_zone(code: str | Jurisdiction) -> str:
    """The zone a new profile in this jurisdiction starts with (its tax authority's)."""
    return str(get_jurisdiction(code).tz)


def tax_year_period(jurisdiction: str | Jurisdiction, year: int) -> tuple[datetime, datetime]:
    """(start, end) of the tax year starting in calendar ``year``: end is exclusive."""
    return get_jurisdiction(jurisdiction).tax_year_period(year)


__all__ = [
    "CA",
    "DE",
    "DEFAULT_JURISDICTION",
    "GENERIC",
    "JURISDICTIONS",
    "METHOD_LABELS",
    "RESUMABLE_METHODS",
    "UK",
    "US",
    "Jurisdiction",
    "Term",
    "anniversary",
    "default_time_zone",
    "get_jurisdiction",
    "jurisdiction_choices",
    "method_choices",
    "tax_year_period",
]
