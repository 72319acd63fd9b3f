from django.apps import AppConfig


class BooksConfig(AppConfig):
    """The engine's stored results (runs, lots, disposals, income, daily values) and the
    services that compute, store and read them. ``reports`` writes documents from these."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "portfolio.books"
    label = "books"
    verbose_name = "Books"

    def ready(self) -> None:
        from jobs.models import JobKind
        from jobs.services import on_job_stopped
        from portfolio.books.rebuilds import runs_follow_jobs

        # A rebuild Job cancelled or failed as dead: its AccountingRun is not left `running`.
        on_job_stopped(JobKind.REBUILD, runs_follow_jobs)
