"""Display formatting for amounts: quantized only here, at the edge, never in storage."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from portfolio.accounting.valuation import FIAT

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


@register.filter
def ccy(value, currency: str = "") -> str:
    """Money with its currency: '1,234.50 GBP'; a missing value shows as a dash."""
    return _with_code(money(value, currency), currency)


@register.filter
def amount(value, currency: str = "") -> str:
    """Money in any currency with its code: a fiat one through ``ccy`` (its own decimals), a
    crypto one (an inverse contract's BTC PnL) to 8 decimals with the zeros trimmed."""
    if currency in FIAT:
        return ccy(value, currency)
    return _with_code(trimmed(value, 8), currency)


@register.filter
def price(value, currency: str = "") -> str:
    """A price in its quote currency: all the decimals Kraken gave, zeros trimmed, and the code:
    '19,300.2 USD' (a price is not rounded to cents: 0.00001234 USD is a price)."""
    return _with_code(trimmed(value, DEFAULT_PLACES), currency)


def _with_code(text: str, currency: str) -> str:
    """A figure and its currency code; a missing figure (a dash) stays bare."""
    return text if text == "—" or not currency else f"{text} {currency}"


@register.filter
def pct(value) -> str:
    """A percentage already scaled to 100: '12.3 %' (one decimal); missing shows as a dash."""
    number = _decimal(value)
    if number is None:
        return "—"
    return f"{number.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):,f}\u00a0%"


def trimmed(value, places: int) -> str:
    """A quantity to ``places`` decimals with the trailing zeros trimmed: '16,336.85158197'."""
    number = _decimal(value)
    if number is None:
        return "—"
    number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = f"{number:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


DEFAULT_PLACES = 10  # Kraken's widest precision, for an asset it did not list


@register.simple_tag(takes_context=True)
def asset_qty(context, value, asset: str) -> str:
    """A quantity to its asset's decimals (``asset_decimals`` in the context), zeros trimmed."""
    places = (context.get("asset_decimals") or {}).get(asset, DEFAULT_PLACES)
    return trimmed(value, places)


@register.filter
def when(value) -> str:
    """The one date-time format of every page, in the user's zone: '7 Dec 2026 04:05'."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = parse_datetime(value) or value
        if isinstance(value, str):
            return value
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%-d\u00a0%b\u00a0%Y %H:%M")


@register.filter
def day(value) -> str:
    """A date in the same format: '7 Dec 2026' (never broken across lines)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if getattr(value, "tzinfo", None) is not None:
        value = timezone.localtime(value)
    return value.strftime("%-d\u00a0%b\u00a0%Y")


@register.filter
def month(value) -> str:
    """A month in the same format: 'Dec 2026' (for totals by month)."""
    if value is None or value == "":
        return "—"
    if getattr(value, "tzinfo", None) is not None:
        value = timezone.localtime(value)
    return value.strftime("%b\u00a0%Y")


@register.filter
def input_date(value) -> str:
    """A date as an <input type="date"> needs it ('2026-12-07'); the browser shows it its way."""
    if value is None or value == "":
        return ""
    if getattr(value, "tzinfo", None) is not None:
        value = timezone.localtime(value).date()
    return value.isoformat()[:10]


@register.filter
def rate(value) -> str:
    """A rate-limit figure with no padding zeros: Decimal('20.000') -> '20', '0.330' -> '0.33'."""
    return trimmed(value, 3)
