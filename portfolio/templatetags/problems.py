"""How a page names the engine's problems: a label for each code, never the code itself."""

from django import template

register = template.Library()

LABELS = {
    "unknown_basis": "Unknown basis",
    "shortfall": "Missing history",
    "missing_history": "Missing deposit",
    "missing_price": "Missing price",
    "universal_method": "Wallet-by-wallet rule",
}
#: Codes whose message already states the quantity (``portfolio.accounting.runner``).
QUANTITY_IN_MESSAGE = frozenset({"unknown_basis", "shortfall", "missing_history"})


@register.filter
def problem_label(code: str) -> str:
    """'unknown_basis' -> 'Unknown basis'; a code without a label reads as words."""
    return LABELS.get(code) or str(code).replace("_", " ").capitalize()


@register.filter
def states_quantity(code: str) -> bool:
    """Whether the problem's message already gives its quantity (so a page need not repeat it)."""
    return code in QUANTITY_IN_MESSAGE
