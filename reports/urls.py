from django.urls import path

from reports import download_views, views

urlpatterns = [
    path("tax-year/", views.tax_year_current, name="tax_year_current"),
    path("tax-year/<int:year>/", views.tax_year, name="tax_year"),
    path("rebuild/", views.rebuild, name="accounts_rebuild"),
    path("unknown-basis/", views.unknown_bases, name="unknown_bases"),
    path("unknown-basis/<str:event_id>/", views.unknown_basis_edit, name="unknown_basis_edit"),
    path("prices/", views.prices, name="prices"),
    path("tax-year/<int:year>/report/", download_views.request_report, name="report_request"),
    path("files/<int:pk>/", download_views.download, name="report_download"),
    path("files/<int:pk>/delete/", download_views.delete, name="report_delete"),
]
