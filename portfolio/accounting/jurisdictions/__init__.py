"""Jurisdictions: small modules of rules, looked up by code ("us", "uk", "de", "ca", "generic")."""

from datetime import datetime

from portfolio.accounting.jurisdictions.base import Jurisdiction, Term, anniversary
from portfolio.accounting.jurisdictions.ca import CA
from portfolio.accounting.jurisdictions.de import DE
from portfolio.accounting.jurisdictions.generic import GENERIC
from portfolio.accounting.jurisdictions.uk import UK
from portfolio.accounting.jurisdictions.us import US

JURISDICTIONS: dict[str, Jurisdiction] = {j.code: j for j in (US, UK, DE, CA, GENERIC)}


def get_jurisdiction(code: str | Jurisdiction) -> Jurisdiction:
    if isinstance(code, Jurisdiction):
        return code
    try:
        return JURISDICTIONS[code.lower()]
    except KeyError:
        raise ValueError(f"unknown jurisdiction {code!r}; known: {sorted(JURISDICTIONS)}") from None


def tax_year_period(jurisdiction: str | Jurisdiction, year: int) -> tuple[datetime, datetime]:
    """(start, end) of the tax year starting in calendar ``year``: end is exclusive."""
    return get_jurisdiction(jurisdiction).tax_year_period(year)


__all__ = [
    "CA",
    "DE",
    "GENERIC",
    "JURISDICTIONS",
    "UK",
    "US",
    "Jurisdiction",
    "Term",
    "anniversary",
    "get_jurisdiction",
    "tax_year_period",
]
