"""Readable wallet and price-source names (``portfolio.books.labels``) for templates."""

from django import template

from portfolio.books import labels

register = template.Library()


@register.filter
def source_text(value) -> str:
    return labels.source_text(value or "")


@register.filter
def wallet_text(value, names) -> str:
    """A wallet by its connection's label; ``names`` is ``labels.wallet_labels`` of the user."""
    return labels.wallet_text(value or "", names or {})
