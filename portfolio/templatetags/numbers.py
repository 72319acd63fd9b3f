"""Display formatting for amounts: quantized only here, at the edge, never in storage."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()
ZERO_DECIMAL_CURRENCIES = {"JPY"}


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def money(value, currency: str = "") -> str:
    """1234.5 -> '1,234.50' (0 decimals for JPY); a missing value shows as a dash."""
    number = _decimal(value)
    if number is None:
        return "—"
    places = 0 if currency in ZERO_DECIMAL_CURRENCIES else 2
    quantized = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{quantized:,.{places}f}"


@register.filter
def qty(value) -> str:
    """A quantity with its own precision, no trailing zeros, at most 10 decimals."""
    number = _decimal(value)
    if number is None:
        return "—"
    number = number.quantize(Decimal("1e-10"), rounding=ROUND_HALF_UP).normalize()
    text = f"{number:,f}"
    return text


@register.filter
def signed(value) -> str:
    """'gain' or 'loss' CSS class for a number."""
    number = _decimal(value)
    if number is None or number == 0:
        return ""
    return "ok" if number > 0 else "bad"
