"""/api/v1/: the version is in the path; a later incompatible version gets /api/v2/."""

from django.urls import path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import AllowAny

from portfolio.api.docs import RedocView, SwaggerView
from portfolio.api.views import accounts, books, jobs, reports, synced
from portfolio.api.views.errors import not_found
from portfolio.api.views.index import api_index


class IdConverter:
    """Ids of at most 18 digits: a longer one is a 404, never an overflow in the database."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")

docs = {"permission_classes": [AllowAny], "authentication_classes": []}

urlpatterns = [
    path("", api_index, name="api-index"),
    path("schema/", SpectacularAPIView.as_view(**docs), name="api-schema"),
    path("docs/", SwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", RedocView.as_view(url_name="api-schema"), name="api-redoc"),
    # account
    path("profile/", accounts.ProfileView.as_view(), name="api-profile"),
    path("tokens/", accounts.TokenListView.as_view(), name="api-tokens"),
    path("tokens/<id:token_id>/", accounts.TokenDetailView.as_view(), name="api-token"),
    path("connections/", accounts.ConnectionListView.as_view(), name="api-connections"),
    path(
        "connections/<id:connection_id>/",
        accounts.ConnectionDetailView.as_view(),
        name="api-connection",
    ),
    # syncs, imports, reconciliation
    path(
        "connections/<id:connection_id>/syncs/",
        jobs.ConnectionSyncs.as_view(),
        name="api-connection-syncs",
    ),
    path(
        "connections/<id:connection_id>/reconciliation/",
        jobs.ConnectionReconciliation.as_view(),
        name="api-connection-reconciliation",
    ),
    path(
        "connections/<id:connection_id>/imports/",
        jobs.ConnectionImports.as_view(),
        name="api-connection-imports",
    ),
    path("syncs/", jobs.SyncList.as_view(), name="api-syncs"),
    path("syncs/<id:run_id>/", jobs.SyncDetail.as_view(), name="api-sync"),
    path("imports/<id:import_id>/", jobs.ImportDetail.as_view(), name="api-import"),
    # synced data
    path("ledger-entries/", synced.LedgerEntryList.as_view(), name="api-ledger-entries"),
    path("trades/", synced.TradeList.as_view(), name="api-trades"),
    path("closed-orders/", synced.ClosedOrderList.as_view(), name="api-closed-orders"),
    path("balances/", synced.BalanceList.as_view(), name="api-balances"),
    path("futures/fills/", synced.FuturesFillList.as_view(), name="api-futures-fills"),
    path("futures/log/", synced.FuturesLogList.as_view(), name="api-futures-log"),
    path("futures/positions/", synced.FuturesPositionList.as_view(), name="api-futures-positions"),
    # books
    path("holdings/", books.HoldingsView.as_view(), name="api-holdings"),
    path("lots/", books.LotList.as_view(), name="api-lots"),
    path("disposals/", books.DisposalList.as_view(), name="api-disposals"),
    path("income/", books.IncomeList.as_view(), name="api-income"),
    path("margin/", books.MarginList.as_view(), name="api-margin"),
    path("futures/records/", books.FuturesRecordList.as_view(), name="api-futures-records"),
    path("tax-years/", books.TaxYearList.as_view(), name="api-tax-years"),
    path("tax-years/<int:year>/", books.TaxYearDetail.as_view(), name="api-tax-year"),
    path("unknown-basis/", books.UnknownBasisList.as_view(), name="api-unknown-basis"),
    path(
        "unknown-basis/<str:event_id>/basis/",
        books.UnknownBasisEnter.as_view(),
        name="api-unknown-basis-enter",
    ),
    path("prices/", books.PricesView.as_view(), name="api-prices"),
    # reports (issue 11): request, list, poll, download, delete
    path("reports/", reports.ReportList.as_view(), name="api-reports"),
    path("reports/<id:report_id>/", reports.ReportDetail.as_view(), name="api-report"),
    path(
        "reports/<id:report_id>/download/",
        reports.ReportDownload.as_view(),
        name="api-report-download",
    ),
    re_path(r"^.*$", not_found, name="api-not-found"),
]
