"""Readable wallet and price-source names (``portfolio.books.labels``) for templates."""

from django import template

from portfolio.accounting.jurisdictions import JURISDICTIONS, METHOD_LABELS
from portfolio.books import labels

register = template.Library()


@register.filter
def source_text(value) -> str:
    return labels.source_text(value or "")


@register.filter
def wallet_text(value, names) -> str:
    """A wallet by its connection's label; ``names`` is ``labels.wallet_labels`` of the user."""
    return labels.wallet_text(value or "", names or {})


@register.filter
def method_label(code) -> str:
    """A cost-basis method's name (``METHOD_LABELS``); an unknown code as it is."""
    return METHOD_LABELS.get(str(code or ""), str(code or ""))


@register.filter
def jurisdiction_label(code) -> str:
    """A jurisdiction's name from the registry; an unknown code as it is."""
    rules = JURISDICTIONS.get(str(code or "").lower())
    return (rules.label or rules.name) if rules is not None else str(code or "")
