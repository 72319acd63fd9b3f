"""Stored results of the accounting engine, rebuilt after each sync or change of settings.

An AccountingRun is one computation for one user, scope (one connection or all of them) and
settings. Its rows are what the dashboard, the API and the reports read; the engine's own
records are the source of truth and these are their faithful, queryable copy.

These models lived in the ``reports`` app; they keep its tables (``db_table``), so moving them
moved no data (migrations books 0001 and reports 0008 move the state only).
"""

from django.conf import settings
from django.db import models

AMOUNT = {"max_digits": 38, "decimal_places": 18}


class AccountingRun(models.Model):
    class State(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    class Kind(models.TextChoices):
        # A rebuild whose inputs are unchanged makes no run: the stored one is returned.
        FULL = "full", "Full"
        INCREMENTAL = "incremental", "Incremental"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="accounting_runs"
    )
    connection = models.ForeignKey(
        "accounts.KrakenConnection",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="accounting_runs",
        help_text="empty: every connection of the user",
    )
    jurisdiction = models.CharField(max_length=8)
    method = models.CharField(max_length=8)
    base_currency = models.CharField(max_length=3)
    per_wallet = models.BooleanField(default=False)
    time_zone = models.CharField(
        max_length=64, blank=True, default="", help_text="the zone tax dates were taken in"
    )
    as_of = models.DateTimeField()
    inputs_digest = models.CharField(max_length=64, help_text="what the run was computed from")
    prices_version = models.CharField(
        max_length=64, blank=True, default="", help_text="the stored prices the run used"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    error = models.TextField(blank=True, default="")
    event_count = models.PositiveIntegerField(default=0)
    warnings = models.JSONField(default=list, blank=True)
    problems = models.JSONField(default=list, blank=True)
    pnl = models.JSONField(default=dict, blank=True)
    cash = models.JSONField(
        default=list, blank=True, help_text="fiat balances at as_of, valued (cash.CashHolding)"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.FULL)
    based_on = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="incremental: the run whose rows before recomputed_from were copied",
    )
    recomputed_from = models.DateTimeField(
        null=True, blank=True, help_text="incremental: the tax-year start computed from"
    )
    computed_events = models.PositiveIntegerField(
        default=0, help_text="events the engine was given (checkpoint pass included)"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    year_ends_recorded = models.BooleanField(
        default=False,
        help_text="the books at each ended tax year's end are stored (YearEndLotRow); "
        "False on runs made before they were",
    )
    job = models.ForeignKey(
        "jobs.Job",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accounting_runs",
        help_text="the rebuild job that computed it (its life: heartbeat, cancel, death)",
    )
    confirmed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="last time a rebuild found this run right for its settings (or finished it)",
    )

    class Meta:
        db_table = "reports_accountingrun"
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["user", "state", "-started_at"], name="run_user_latest")]

    def __str__(self) -> str:
        scope = self.connection.label if self.connection_id else "all connections"
        return f"{self.user} · {scope} · {self.jurisdiction}/{self.method} · {self.state}"


class YearResult(models.Model):
    run = models.ForeignKey(AccountingRun, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveIntegerField()
    summary = models.JSONField(help_text="summarise_tax_year() output, amounts as strings")

    class Meta:
        db_table = "reports_yearresult"
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["run", "year"], name="unique_run_year")]

    def __str__(self) -> str:
        return f"{self.run_id} · {self.year}"


class LotRow(models.Model):
    run = models.ForeignKey(AccountingRun, on_delete=models.CASCADE, related_name="lots")
    lot_id = models.CharField(max_length=120)
    asset = models.CharField(max_length=24)
    wallet = models.CharField(max_length=64, blank=True, default="")
    acquired = models.DateTimeField(null=True, blank=True)
    quantity = models.DecimalField(**AMOUNT)
    cost_basis = models.DecimalField(**AMOUNT)
    source = models.TextField(blank=True, default="")
    held_outside = models.BooleanField(
        default=False, help_text="withdrawn to the user's own wallet, not yet deposited back"
    )
    withdrawal_id = models.CharField(max_length=120, blank=True, default="")

    class Meta:
        db_table = "reports_lotrow"
        ordering = ["asset", "acquired"]
        indexes = [models.Index(fields=["run", "id"], name="lot_run_id")]  # the API's order

    def __str__(self) -> str:
        return f"{self.quantity} {self.asset} ({self.lot_id})"


class YearEndLotRow(models.Model):
    """A lot open at the end of tax year ``tax_year`` (``EngineResult.year_end``): on Kraken, or
    held outside it since ``withdrawal_id``. A year the run recorded with nothing open has no row
    (``AccountingRun.year_ends_recorded`` says whether the run recorded its years)."""

    run = models.ForeignKey(AccountingRun, on_delete=models.CASCADE, related_name="year_end_lots")
    tax_year = models.PositiveIntegerField()
    lot_id = models.CharField(max_length=120)
    asset = models.CharField(max_length=24)
    wallet = models.CharField(max_length=64, blank=True, default="")
    acquired = models.DateTimeField(null=True, blank=True)
    quantity = models.DecimalField(**AMOUNT)
    cost_basis = models.DecimalField(**AMOUNT)
    source = models.TextField(blank=True, default="")
    held_outside = models.BooleanField(default=False)
    withdrawal_id = models.CharField(max_length=120, blank=True, default="")

    class Meta:
        ordering = ["tax_year", "id"]
        indexes = [models.Index(fields=["run", "tax_year"], name="year_end_lot_run_year")]

    def __str__(self) -> str:
        return f"{self.tax_year}: {self.quantity} {self.asset} ({self.lot_id})"


class DisposalRow(models.Model):
    run = models.ForeignKey(AccountingRun, on_delete=models.CASCADE, related_name="disposals")
    event_id = models.CharField(max_length=120)
    time = models.DateTimeField()
    tax_year = models.PositiveIntegerField()
    asset = models.CharField(max_length=24)
    wallet = models.CharField(max_length=64, blank=True, default="")
    quantity = models.DecimalField(**AMOUNT)
    proceeds = models.DecimalField(**AMOUNT)
    basis = models.DecimalField(**AMOUNT)
    gain = models.DecimalField(**AMOUNT)
    term = models.CharField(max_length=8)
    reason = models.CharField(max_length=64, blank=True, default="")
    proceeds_source = models.TextField(blank=True, default="")
    lots = models.JSONField(default=list, help_text="the lots consumed, amounts as strings")
    #: UK share matching only (NULL elsewhere, and on rows stored before it was recorded): the
    #: asset's Section 104 pool right after this disposal (HMRC CRYPTO22200, CG51550).
    pool_quantity_after = models.DecimalField(
        **AMOUNT,
        null=True,
        blank=True,
        help_text="UK only: the Section 104 pool's quantity right after the disposal "
        "(null elsewhere)",
    )
    pool_cost_after = models.DecimalField(
        **AMOUNT,
        null=True,
        blank=True,
        help_text="UK only: the Section 104 pool's allowable cost right after the disposal, "
        "in the run's base currency (null elsewhere)",
    )

    class Meta:
        db_table = "reports_disposalrow"
        ordering = ["time", "event_id"]
        indexes = [
            models.Index(fields=["run", "tax_year"], name="disposal_run_year"),
            models.Index(fields=["run", "time", "id"], name="disposal_run_time_id"),
        ]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d} {self.quantity} {self.asset}"


class IncomeRow(models.Model):
    run = models.ForeignKey(AccountingRun, on_delete=models.CASCADE, related_name="income")
    event_id = models.CharField(max_length=120)
    time = models.DateTimeField()
    tax_year = models.PositiveIntegerField()
    asset = models.CharField(max_length=24)
    quantity = models.DecimalField(**AMOUNT)
    value = models.DecimalField(**AMOUNT)
    income_type = models.CharField(max_length=32)
    taxable = models.BooleanField(default=True)
    source = models.TextField(blank=True, default="")

    class Meta:
        db_table = "reports_incomerow"
        ordering = ["time", "event_id"]
        indexes = [models.Index(fields=["run", "time", "id"], name="income_run_time_id")]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d} {self.quantity} {self.asset} {self.income_type}"


class DailyValue(models.Model):
    run = models.ForeignKey(AccountingRun, on_delete=models.CASCADE, related_name="daily_values")
    date = models.DateField()
    value = models.DecimalField(**AMOUNT)

    class Meta:
        db_table = "reports_dailyvalue"
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["run", "date"], name="unique_run_day")]

    def __str__(self) -> str:
        return f"{self.date} {self.value}"


class RunCheckpoint(models.Model):
    """The engine's open lots at the start of the run's latest tax year: where a later run resumes.

    With the digests of the ledger rows and of the classified events before ``boundary``, a later
    rebuild can prove that everything before it is unchanged and recompute only from there.
    """

    run = models.OneToOneField(AccountingRun, on_delete=models.CASCADE, related_name="checkpoint")
    boundary = models.DateTimeField(help_text="start of a tax year; the lots are those held before")
    rows_digest = models.CharField(max_length=64, help_text="ledger rows before the boundary")
    events_digest = models.CharField(max_length=64, help_text="classified events before it")
    lots = models.JSONField(default=list, help_text="OpenLot fields, amounts as strings")
    realized = models.JSONField(default=dict, help_text="realized gain per asset before it")
    outside = models.JSONField(default=list, help_text="HeldOutside fields: lots withdrawn")

    class Meta:
        db_table = "reports_runcheckpoint"

    def __str__(self) -> str:
        return f"{self.run_id} · {self.boundary:%Y-%m-%d}"


class UnknownBasisDepositRow(models.Model):
    """The part of a deposit beyond what was held outside Kraken, and the gain it adds."""

    run = models.ForeignKey(AccountingRun, on_delete=models.CASCADE, related_name="unknown_bases")
    event_id = models.CharField(max_length=120)
    time = models.DateTimeField()
    asset = models.CharField(max_length=24)
    wallet = models.CharField(max_length=64, blank=True, default="")
    deposited = models.DecimalField(**AMOUNT)
    returned = models.DecimalField(**AMOUNT, help_text="units that had been withdrawn before")
    quantity = models.DecimalField(**AMOUNT, help_text="units of unknown history")
    basis = models.DecimalField(**AMOUNT)
    acquired = models.DateTimeField()
    basis_source = models.TextField(blank=True, default="")
    gain = models.DecimalField(**AMOUNT, help_text="what the disposals of these units added")

    class Meta:
        db_table = "reports_unknownbasisdepositrow"
        ordering = ["time", "event_id"]
        indexes = [models.Index(fields=["run", "time", "id"], name="unknown_run_time_id")]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d} {self.quantity} {self.asset} of unknown basis"


class DepositBasis(models.Model):
    """A basis and acquisition date the user entered for a deposit's unknown-basis part."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deposit_bases"
    )
    event_id = models.CharField(max_length=120, help_text="the deposit's ledger id")
    basis = models.DecimalField(**AMOUNT)
    acquired = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "reports_depositbasis"
        ordering = ["event_id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "event_id"], name="unique_deposit_basis")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.event_id} · {self.basis}"


class MarginRow(models.Model):
    """A closed margin position (``portfolio.accounting.margin``): never a disposal."""

    run = models.ForeignKey(AccountingRun, on_delete=models.CASCADE, related_name="margin_rows")
    position = models.CharField(max_length=64)
    pair = models.CharField(max_length=32, blank=True, default="")
    side = models.CharField(max_length=8, blank=True, default="")
    opened = models.DateTimeField(null=True, blank=True)
    closed = models.DateTimeField()
    tax_year = models.PositiveIntegerField()
    volume = models.DecimalField(**AMOUNT)
    currency = models.CharField(max_length=16)
    pnl = models.DecimalField(**AMOUNT, help_text="Kraken's net, in the position's currency")
    trade_fees = models.DecimalField(**AMOUNT)
    rollover_fees = models.DecimalField(**AMOUNT)
    settlement_fees = models.DecimalField(**AMOUNT)
    pnl_value = models.DecimalField(**AMOUNT, help_text="in the run's base currency")
    fees_value = models.DecimalField(**AMOUNT, help_text="in the run's base currency")
    source = models.TextField(blank=True, default="")
    ledger_ids = models.JSONField(default=list)

    class Meta:
        db_table = "reports_marginrow"
        ordering = ["closed", "position"]
        indexes = [
            models.Index(fields=["run", "tax_year"], name="margin_run_year"),
            models.Index(fields=["run", "closed", "id"], name="margin_run_closed_id"),
        ]

    def __str__(self) -> str:
        return f"{self.closed:%Y-%m-%d} {self.side} {self.volume} {self.pair}"

    @property
    def net_value(self):
        return self.pnl_value - self.fees_value


class FuturesRow(models.Model):
    """PnL, funding and fee booked by one futures account-log wallet row."""

    run = models.ForeignKey(AccountingRun, on_delete=models.CASCADE, related_name="futures_rows")
    connection = models.ForeignKey(
        "accounts.KrakenConnection", null=True, on_delete=models.CASCADE, related_name="+"
    )
    log_id = models.BigIntegerField()
    time = models.DateTimeField()
    tax_year = models.PositiveIntegerField()
    contract = models.CharField(max_length=64, blank=True, default="")
    currency = models.CharField(max_length=16)
    info = models.CharField(max_length=64, blank=True, default="")
    realized_pnl = models.DecimalField(**AMOUNT)
    funding = models.DecimalField(**AMOUNT)
    fee = models.DecimalField(**AMOUNT)
    pnl_value = models.DecimalField(**AMOUNT, help_text="in the run's base currency")
    funding_value = models.DecimalField(**AMOUNT)
    fee_value = models.DecimalField(**AMOUNT)
    source = models.TextField(blank=True, default="")

    class Meta:
        db_table = "reports_futuresrow"
        ordering = ["time", "log_id"]
        indexes = [
            models.Index(fields=["run", "tax_year"], name="futures_run_year"),
            models.Index(fields=["run", "time", "id"], name="futures_run_time_id"),
        ]

    def __str__(self) -> str:
        return f"#{self.log_id} {self.contract} {self.realized_pnl}"

    @property
    def net_value(self):
        return self.pnl_value + self.funding_value - self.fee_value
