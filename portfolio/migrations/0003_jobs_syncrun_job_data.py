"""Data for the new job link, in its own migration: on PostgreSQL the schema change's deferred
index cannot be created in a transaction that has just updated the rows."""

from django.db import migrations


def jobs_for_existing_runs(apps, schema_editor):
    """Give every existing sync run its Job, with the run's own state, times and error."""
    Job = apps.get_model("jobs", "Job")
    SyncRun = apps.get_model("portfolio", "SyncRun")
    runs = SyncRun.objects.filter(job__isnull=True).select_related("connection")
    for run in runs.iterator(500):
        job = Job.objects.create(
            kind="sync",
            owner_id=run.connection.user_id,
            target=f"connection:{run.connection_id}",
            state=run.state,
            reasons=[run.trigger],
            started_at=run.started_at,
            finished_at=run.finished_at,
            heartbeat_at=run.heartbeat_at or run.created_at,
            error=run.error,
            task_id=run.task_id,
        )
        Job.objects.filter(pk=job.pk).update(created_at=run.created_at)
        SyncRun.objects.filter(pk=run.pk).update(job=job)


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0002_jobs_syncrun_job")]

    operations = [migrations.RunPython(jobs_for_existing_runs, migrations.RunPython.noop)]
