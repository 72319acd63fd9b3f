"""Generic jurisdiction: no holding-period distinction, calendar tax year, FIFO default.

Rules: the property view common to most systems (gain = proceeds - cost; fees reduce proceeds or
add to basis; crypto-to-crypto is a disposal at the value received; income at market value when
received). Use it where no specific module exists; it is a computation aid, not tax advice.
Sources: tax_rules.md sections 5 (method definitions) and 7 (implementation notes).
Policies (``policies``): network fees in crypto are disposals at market value, unknown-basis
deposits get zero basis, the whole trade fee goes to the disposal - the common, conservative
readings (tax_rules.md 1.1 and 2.1).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from portfolio.accounting.jurisdictions.base import Jurisdiction

GENERIC = Jurisdiction(
    code="generic",
    name="Generic (calendar year, no holding-period rule)",
    tz=ZoneInfo("UTC"),
    default_method="fifo",
    allowed_methods=frozenset({"fifo", "lifo", "hifo", "average", "uk"}),
    label="Generic (no local rules)",
    margin_rule="Realized PnL less fees counts in the year the position closes (computation aid).",
    futures_rule="Realized PnL and funding less fees count in the year booked (computation aid).",
)


def tax_year_period(year: int) -> tuple[datetime, datetime]:
    """[start, end) of the tax year that starts in calendar ``year`` (local midnight)."""
    return GENERIC.tax_year_period(year)
