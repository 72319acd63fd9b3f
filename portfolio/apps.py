from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portfolio"
    verbose_name = "Portfolio"

    def ready(self) -> None:
        # Bind shared tasks to our Celery app (broker from settings) in every Django process.
        from portfolio import celery  # noqa: F401
