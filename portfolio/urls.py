from django.contrib import admin
from django.urls import include, path

from portfolio import import_views, orders_views, sync_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
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
    path("admin/", admin.site.urls),
]
