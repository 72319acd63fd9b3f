from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "Tax reports"

    def ready(self) -> None:
        from jobs.models import JobKind
        from jobs.services import on_job_stopped
        from reports.rebuilds import runs_follow_jobs

        # A rebuild Job cancelled or failed as dead: its AccountingRun is not left `running`.
        on_job_stopped(JobKind.REBUILD, runs_follow_jobs)
