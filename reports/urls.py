from django.urls import path

from reports import views

urlpatterns = [
    path("tax-year/", views.tax_year_current, name="tax_year_current"),
    path("tax-year/<int:year>/", views.tax_year, name="tax_year"),
    path("rebuild/", views.rebuild, name="accounts_rebuild"),
    path("unknown-basis/", views.unknown_bases, name="unknown_bases"),
    path("unknown-basis/<int:row_id>/", views.unknown_basis_edit, name="unknown_basis_edit"),
    path("prices/", views.prices, name="prices"),
]
