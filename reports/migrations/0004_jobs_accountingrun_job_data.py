"""Data for the new job link, in its own migration: on PostgreSQL the schema change's deferred
index cannot be created in a transaction that has just updated the rows."""

from django.db import migrations, models

INTERRUPTED = "Interrupted: its worker stopped before jobs had heartbeats."


def jobs_for_existing_runs(apps, schema_editor):
    """Give every existing accounting run its rebuild Job.

    A run still `running` here was left by a killed worker (nothing ran them across a deploy):
    it and its Job are recorded as failed, so no dead rebuild stays `running` forever.
    """
    Job = apps.get_model("jobs", "Job")
    AccountingRun = apps.get_model("reports", "AccountingRun")
    AccountingRun.objects.filter(state="running").update(
        state="failed", error=INTERRUPTED, finished_at=models.F("started_at")
    )
    for run in AccountingRun.objects.filter(job__isnull=True).iterator(500):
        job = Job.objects.create(
            kind="rebuild",
            owner_id=run.user_id,
            target=f"user:{run.user_id}",
            state=run.state,
            reasons=["before the jobs model"],
            started_at=run.started_at,
            finished_at=run.finished_at,
            heartbeat_at=run.finished_at or run.started_at,
            error=run.error,
        )
        Job.objects.filter(pk=job.pk).update(created_at=run.started_at)
        AccountingRun.objects.filter(pk=run.pk).update(job=job)


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_jobs_accountingrun_job")]

    operations = [migrations.RunPython(jobs_for_existing_runs, migrations.RunPython.noop)]
