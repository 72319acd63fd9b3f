"""Generic jurisdiction: no holding-period distinction, calendar tax year, FIFO default.

Rules: the property view common to most systems (gain = proceeds - cost; fees reduce proceeds or
add to basis; crypto-to-crypto is a disposal at the value received; income at market value when
received). Use it where no specific module exists; it is a computation aid, not tax advice.
There is no authority behind this module: it follows what the US, UK, German and Canadian rules
have in common (see those modules for their sources). Policies (``policies``): network fees in
crypto are disposals at market value (as in the US, Treas. Reg. 1.1001-7(b)(1)(ii), and the UK,
HMRC CRYPTO22280), unknown-basis deposits get zero basis (everywhere the taxpayer must show
cost), the whole trade fee goes to the disposal (as in the US final regulations, Treas. Reg.
1.1001-7(b)(2)) - the common, conservative readings.
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
