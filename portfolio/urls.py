from django.contrib import admin
from django.urls import include, path, re_path

from portfolio import import_views, orders_views, pages, sync_views, views
from portfolio.api import pages as api_pages
from portfolio.api.views.errors import no_such_version

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/profile/tokens/", api_pages.api_tokens, name="api_tokens"),
    path(
        "accounts/profile/tokens/<int:token_id>/revoke/",
        api_pages.api_token_revoke_view,
        name="api_token_revoke",
    ),
    path("holdings/", pages.holdings, name="holdings"),
    path("holdings/<str:asset>/", pages.asset_detail, name="asset_detail"),
    path("transactions/", pages.transactions, name="transactions"),
    path("income/", pages.income, name="income"),
    path("margin/", pages.margin, name="margin"),
    path("futures/", pages.futures, name="futures"),
    path("reconciliation/", pages.reconciliation, name="reconciliation"),
    path("accounts/", include("accounts.urls")),
    path(
        "accounts/connections/<int:connection_id>/sync/",
        sync_views.sync_now,
        name="connection_sync_now",
    ),
    path(
        "accounts/connections/<int:connection_id>/sync/status/",
        sync_views.sync_status,
        name="connection_sync_status",
    ),
    path("sync/history/", sync_views.sync_history, name="sync_history"),
    path("orders/", orders_views.open_orders, name="open_orders"),
    path("sync/status.json", sync_views.sync_status_json, name="sync_status_json"),
    path(
        "accounts/connections/<int:connection_id>/import/",
        import_views.connection_import,
        name="connection_import",
    ),
    path("reports/", include("reports.urls")),
    path("jobs/", include("jobs.urls")),
    path("api/v1/", include("portfolio.api.urls")),
    re_path(r"^api/", no_such_version),  # another version or none: our 404, in the API's shape
    path("admin/", admin.site.urls),
]
