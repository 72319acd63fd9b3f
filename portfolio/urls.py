from django.contrib import admin
from django.urls import include, path

from portfolio import import_views, pages, sync_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
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
    path(
        "accounts/connections/<int:connection_id>/import/",
        import_views.connection_import,
        name="connection_import",
    ),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]
