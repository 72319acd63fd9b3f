from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portfolio"
    verbose_name = "Portfolio"

    def ready(self) -> None:
        # Bind shared tasks to our Celery app (broker from settings) in every Django process.
        from jobs.models import JobKind
        from jobs.services import on_job_stopped
        from portfolio import celery  # noqa: F401
        from portfolio.sync.runs import runs_follow_jobs

        # A sync Job cancelled or failed as dead outside its worker: its SyncRun follows.
        on_job_stopped(JobKind.SYNC, runs_follow_jobs)
        from portfolio.imports.jobs import imports_follow_jobs

        # An import Job cancelled or failed as dead: its ImportRecord follows, staged files go.
        on_job_stopped(JobKind.IMPORT, imports_follow_jobs)
