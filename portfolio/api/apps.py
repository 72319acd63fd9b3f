from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "portfolio.api"
    label = "api"
    verbose_name = "REST API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from portfolio.api import schema  # noqa: F401  (registers the auth scheme extension)
