"""The jobs migrations keep every existing sync and accounting run, each with its Job."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # Going back across the merged migration branches makes Django's SQLite backend remake
    # reports_accountingrun from a state that lacks another branch's column (a known limit of
    # table remakes); PostgreSQL drops columns in place. Forward migrations are unaffected.
    pytest.mark.skipif(connection.vendor == "sqlite", reason="backward remakes on SQLite"),
]

BEFORE = [
    ("accounts", "0001_initial"),
    ("portfolio", "0001_initial"),
    ("reports", "0002_incremental_rebuild"),
    ("jobs", None),
]
AFTER = [
    ("portfolio", "0003_jobs_syncrun_job_data"),
    ("reports", "0004_jobs_accountingrun_job_data"),
]
T0 = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def test_existing_runs_get_jobs_with_their_state_and_a_dead_rebuild_is_failed():
    old = migrate(BEFORE)
    try:
        user = old.get_model("auth", "User").objects.create(username="legacy")
        conn = old.get_model("accounts", "KrakenConnection").objects.create(
            user=user, label="Main", api_key_encrypted="x", api_secret_encrypted="y"
        )
        SyncRun = old.get_model("portfolio", "SyncRun")
        done = SyncRun.objects.create(
            connection=conn, trigger="schedule", state="succeeded", started_at=T0, finished_at=T0
        )
        stuck = SyncRun.objects.create(
            connection=conn, trigger="manual", state="running", started_at=T0, heartbeat_at=T0
        )
        Run = old.get_model("reports", "AccountingRun")
        fields = {"jurisdiction": "us", "method": "fifo", "base_currency": "USD", "as_of": T0}
        good = Run.objects.create(user=user, state="succeeded", finished_at=T0, **fields)
        dead = Run.objects.create(user=user, state="running", **fields)

        new = migrate(AFTER)

        Job = new.get_model("jobs", "Job")
        SyncRun = new.get_model("portfolio", "SyncRun")
        Run = new.get_model("reports", "AccountingRun")
        target = f"connection:{conn.pk}"
        assert [
            (r.state, r.job.kind, r.job.target, r.job.state, r.job.reasons, r.job.heartbeat_at)
            for r in SyncRun.objects.filter(pk__in=[done.pk, stuck.pk]).order_by("pk")
        ] == [
            ("succeeded", "sync", target, "succeeded", ["schedule"], done.created_at),
            ("running", "sync", target, "running", ["manual"], T0),
        ]
        good, dead = Run.objects.get(pk=good.pk), Run.objects.get(pk=dead.pk)
        assert (good.state, good.job.state, good.job.target) == (
            "succeeded",
            "succeeded",
            f"user:{user.pk}",
        )
        assert (dead.state, dead.job.state) == ("failed", "failed")
        assert (
            dead.error
            == dead.job.error
            == "Interrupted: its worker stopped before jobs had heartbeats."
        )
        assert Job.objects.count() == 4
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
