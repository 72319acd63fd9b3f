"""The accounting engine: a pure, auditable computation of lots, gains, income and fees.

Plain Python: no Django, no hidden clock (``as_of`` is an argument), immutable records in and out.
Each module opens with the rule it implements and its source (a statute, regulation, ruling or
tax-authority manual page); where the law is unsettled the module says so.

Public API (stable; the Django services and bench/peer call it)::

    compute(events: Iterable[Event], *, method: Method | str, jurisdiction: str | Jurisdiction,
            base_currency: str, per_wallet: bool = False, as_of: datetime,
            prices: PriceSource | None = None, opening: Checkpoint | None = None,
            entered_bases: Mapping[str, EnteredBasis] | None = None) -> EngineResult
    summarise_tax_year(result: EngineResult, year: int) -> dict      # tax_report --format json
    classify_ledger(rows: Iterable[LedgerRow]) -> ClassifiedEvents    # Kraken ledger -> events
    scenario(*lines: str) -> list[Event]                              # "buy 1 BTC @ 20000 USD ..."
    portfolio_value_by_day(events, *, base_currency, prices, start, end, jurisdiction="generic")
    form_8949_rows(result, year) -> list[dict]; form_8949_totals(rows)   # US Form 8949
    uk_capital_gains_tax(result, year, *, band="higher") -> Decimal       # AEA + rates, UK

Events (frozen, slotted dataclasses; Decimal quantities; aware datetimes): ``Acquisition``,
``Disposal``, ``Income``, ``Fee``, ``Deposit``, ``Withdrawal``, ``Transfer``, ``Margin``, the
``Leg``
(asset + quantity) they use for considerations and fees, and ``exchange()`` for a crypto-to-crypto
trade. ``Method``: FIFO, LIFO, HIFO, AVERAGE, UK_SHARE_MATCHING (values "fifo", "lifo", "hifo",
"average", "uk"). Jurisdictions: "us", "uk", "de", "ca", "generic"
(``jurisdictions.get_jurisdiction``;
each has ``tax_year_period(year) -> (start, end)``, end exclusive).

Policies (``policies``: ``UnknownBasis``, ``NetworkFee``, ``ExchangeFee``) are fields of the
``Jurisdiction``, each module stating its defaults with their sources; pass
``dataclasses.replace(get_jurisdiction("us"), network_fee=NetworkFee.CARRY, tz=ZoneInfo(...))``
to apply a user's choices and time zone: every tax date and policy comes from the jurisdiction
given. ``entered_bases`` holds the basis and date a user entered per deposit event id.

``EngineResult`` holds ``open_lots`` (on Kraken), ``outside`` (lots withdrawn to the user's own
wallets and not yet deposited back: a withdrawal is not a disposal, and a deposit takes them back
first), ``unknown_deposits`` (the parts of deposits beyond what was outside, with the gain each
adds), ``disposals`` (each with the lots it consumed, proceeds and
their source, basis, gain, term), ``income``, ``fees``, ``removals`` (withdrawn lots), ``problems``
(shortfalls, missing prices, unknown basis: never a crash), ``years`` (``YearSummary`` per tax year)
``pnl`` (realized and unrealized per asset; unrealized needs ``prices``) and ``year_end`` (per
tax year, a ``YearEnd``: the open lots and the lots held outside after every event before the
year's end in the jurisdiction's zone, for every year from the first event's, or the opening's, to
the last one ended by ``as_of``). ``disposals``,
``income`` and ``fees`` are read-only sequences (``tables.Records``) that iterate, index, compare
and concatenate like the tuples of records they stand for; the records are built on access.

Example::

    from datetime import datetime, timezone
    from portfolio.accounting import Method, compute, scenario, summarise_tax_year
    events = scenario("buy 1 BTC @ 20000 USD on 2021-01-03",
                      "sell 0.5 BTC @ 30000 USD on 2022-02-01 fee 10 USD")
    result = compute(events, method=Method.FIFO, jurisdiction="us", base_currency="USD",
                     as_of=datetime(2023, 1, 1, tzinfo=timezone.utc))
    summarise_tax_year(result, 2022)["long_term"]["gain"]   # "4990.00"

Incremental rebuilds (for the DB service): store ``result.checkpoint()`` (the open lots at
``as_of``) and later call ``compute(new_events, ..., opening=checkpoint)`` with only the events
after
it; yearly summaries of the continued run cover the new events only, so add them to the stored
ones. The checkpoint carries the lots held outside and HIFO's original unit costs, so the
continued run equals a full one. Not valid for UK matching or the Canadian superficial-loss rule
(30-day look-ahead): rebuild those in full.

Scope and deviations, documented: fiat currencies are valued but not lot-tracked (no
foreign-currency
gains); a fee in the asset being received reduces the quantity received; KFEE credits are not a
cost.
"""

from portfolio.accounting.books import METHODS, Method
from portfolio.accounting.daily import portfolio_value_by_day
from portfolio.accounting.engine import compute, order_events
from portfolio.accounting.events import (
    Acquisition,
    Deposit,
    Disposal,
    Event,
    Fee,
    Income,
    Leg,
    Margin,
    Transfer,
    Withdrawal,
    exchange,
    sort_key,
)
from portfolio.accounting.form8949 import form_8949_rows, form_8949_totals
from portfolio.accounting.jurisdictions import Jurisdiction, get_jurisdiction, tax_year_period
from portfolio.accounting.kraken_events import ClassifiedEvents, LedgerRow, classify_ledger
from portfolio.accounting.policies import EnteredBasis, ExchangeFee, NetworkFee, UnknownBasis
from portfolio.accounting.results import (
    AssetPnl,
    Checkpoint,
    DisposalRecord,
    EngineResult,
    FeeRecord,
    HeldOutside,
    IncomeRecord,
    LotUse,
    OpenLot,
    Problem,
    RemovalRecord,
    UnknownBasisDeposit,
    YearEnd,
    YearSummary,
)
from portfolio.accounting.scenario import scenario
from portfolio.accounting.summary import summarise_tax_year
from portfolio.accounting.uk_tax import uk_capital_gains_tax
from portfolio.accounting.valuation import Price, PriceNotFound, PriceSource, TablePriceSource

__all__ = [
    "METHODS",
    "Acquisition",
    "AssetPnl",
    "Checkpoint",
    "ClassifiedEvents",
    "Deposit",
    "Disposal",
    "DisposalRecord",
    "EngineResult",
    "EnteredBasis",
    "Event",
    "ExchangeFee",
    "Fee",
    "FeeRecord",
    "HeldOutside",
    "Income",
    "IncomeRecord",
    "Jurisdiction",
    "LedgerRow",
    "Leg",
    "LotUse",
    "Margin",
    "Method",
    "NetworkFee",
    "OpenLot",
    "Price",
    "PriceNotFound",
    "PriceSource",
    "Problem",
    "RemovalRecord",
    "TablePriceSource",
    "Transfer",
    "UnknownBasis",
    "UnknownBasisDeposit",
    "YearEnd",
    "Withdrawal",
    "YearSummary",
    "classify_ledger",
    "compute",
    "exchange",
    "form_8949_rows",
    "form_8949_totals",
    "get_jurisdiction",
    "order_events",
    "portfolio_value_by_day",
    "scenario",
    "sort_key",
    "summarise_tax_year",
    "tax_year_period",
    "uk_capital_gains_tax",
]
