from django.contrib import admin

from portfolio.books.models import (
    AccountingRun,
    DailyValue,
    DepositBasis,
    DisposalRow,
    FuturesRow,
    IncomeRow,
    LotRow,
    MarginRow,
    RunCheckpoint,
    UnknownBasisDepositRow,
    YearEndLotRow,
    YearResult,
)


@admin.register(AccountingRun)
class AccountingRunAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "connection",
        "jurisdiction",
        "method",
        "state",
        "event_count",
        "started_at",
        "finished_at",
    )
    list_filter = ("state", "jurisdiction", "method")
    search_fields = ("user__username",)


@admin.register(YearResult)
class YearResultAdmin(admin.ModelAdmin):
    list_display = ("run", "year")


@admin.register(LotRow)
class LotRowAdmin(admin.ModelAdmin):
    list_display = ("run", "asset", "quantity", "cost_basis", "acquired", "held_outside")
    list_filter = ("asset", "held_outside")


@admin.register(YearEndLotRow)
class YearEndLotRowAdmin(admin.ModelAdmin):
    list_display = ("run", "tax_year", "asset", "quantity", "cost_basis", "held_outside")
    list_filter = ("tax_year", "asset", "held_outside")


@admin.register(DisposalRow)
class DisposalRowAdmin(admin.ModelAdmin):
    list_display = ("run", "time", "asset", "quantity", "proceeds", "basis", "gain", "term")
    list_filter = ("asset", "term", "tax_year")


@admin.register(IncomeRow)
class IncomeRowAdmin(admin.ModelAdmin):
    list_display = ("run", "time", "asset", "quantity", "value", "income_type")
    list_filter = ("income_type", "asset")


@admin.register(DailyValue)
class DailyValueAdmin(admin.ModelAdmin):
    list_display = ("run", "date", "value")


@admin.register(RunCheckpoint)
class RunCheckpointAdmin(admin.ModelAdmin):
    list_display = ("run", "boundary")


@admin.register(UnknownBasisDepositRow)
class UnknownBasisDepositRowAdmin(admin.ModelAdmin):
    list_display = ("run", "time", "asset", "deposited", "returned", "quantity", "basis", "gain")
    list_filter = ("asset",)


@admin.register(DepositBasis)
class DepositBasisAdmin(admin.ModelAdmin):
    list_display = ("user", "event_id", "basis", "acquired", "updated_at")
    search_fields = ("user__username", "event_id")


@admin.register(MarginRow)
class MarginRowAdmin(admin.ModelAdmin):
    list_display = ("run", "closed", "pair", "side", "volume", "pnl", "currency", "tax_year")
    list_filter = ("tax_year", "pair")


@admin.register(FuturesRow)
class FuturesRowAdmin(admin.ModelAdmin):
    list_display = ("run", "time", "contract", "realized_pnl", "funding", "fee", "tax_year")
    list_filter = ("tax_year", "contract")
