from django.urls import path

from reports import views

urlpatterns = [
    path("tax-year/<int:year>/", views.tax_year, name="tax_year"),
    path("rebuild/", views.rebuild, name="accounts_rebuild"),
    path("prices/", views.prices, name="prices"),
]
