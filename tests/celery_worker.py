"""A real Celery worker in a child process, for tests that prove long work leaves the request.

Under a configured broker (CI's Redis leg) the worker uses it. Without one, the suite runs tasks
in-process (tests/conftest.py); these fixtures switch that off for one test and point this
process and the worker at a private filesystem broker (the embedded default's transport) in a
temporary folder, so they never touch a demo's queue under var/celery.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from portfolio.celery import app as celery_app
from tests.conftest import IN_PROCESS_TASKS


def _reset_producer_pool() -> None:
    celery_app._pool = None
    if "amqp" in celery_app.__dict__:
        celery_app.amqp._producer_pool = None


def _filesystem_options(folder: Path) -> dict[str, object]:
    names = {
        "data_folder_in": "queue",
        "data_folder_out": "queue",
        "control_folder": "control",
        "processed_folder": "processed",
    }
    for sub in set(names.values()):
        (folder / sub).mkdir(parents=True, exist_ok=True, mode=0o700)
    return {**{k: str(folder / v) for k, v in names.items()}, "store_processed": False}


@pytest.fixture
def queued_tasks(tmp_path, settings):
    """Tasks are enqueued on a real broker (not run here); the env a worker needs to share it."""
    env = {"CELERY_TASK_ALWAYS_EAGER": "false"}
    before = (celery_app.conf.task_always_eager, celery_app.conf.broker_transport_options)
    if IN_PROCESS_TASKS:
        folder = tmp_path / "celery"
        options = _filesystem_options(folder)
        celery_app.conf.broker_transport_options = options
        settings.CELERY_BROKER_TRANSPORT_OPTIONS = options
        env["CELERY_BROKER_DIR"] = str(folder)
        _reset_producer_pool()
    celery_app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    yield env
    if not IN_PROCESS_TASKS:
        celery_app.control.purge()  # what no worker took must not reach a later test's worker
    celery_app.conf.task_always_eager, celery_app.conf.broker_transport_options = before
    _reset_producer_pool()


@pytest.fixture
def worker_env() -> dict[str, str]:
    """Settings for the worker's environment; a test module overrides this fixture."""
    return {}


@pytest.fixture
def celery_worker(queued_tasks, worker_env, tmp_path, settings):
    """`celery -A portfolio worker` on the test database and the test's broker; stopped after."""
    log = tmp_path / "worker.log"
    env = {**queued_tasks, "KRAKEN_STATE_DIR": str(settings.KRAKEN_STATE_DIR), **worker_env}
    if settings.REDIS_URL:
        env.pop("KRAKEN_STATE_DIR")
    with log.open("w") as handle:
        process = manage_worker(env=env, log=handle)
    try:
        _wait_ready(process, log)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def manage_worker(*, env: dict[str, str], log) -> subprocess.Popen:
    child_env = {**os.environ, **_env_of_manage(env)}  # what tests.processes.manage gives
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portfolio",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=Path(__file__).resolve().parent.parent,
        env=child_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def _env_of_manage(extra: dict[str, str]) -> dict[str, str]:
    from django.conf import settings

    from tests.processes import database_url

    return {
        "DATABASE_URL": database_url(),
        "CREDENTIALS_KEY": settings.CREDENTIALS_KEY,
        "CREDENTIALS_KEY_FILE": str(settings.CREDENTIALS_KEY_FILE),
        **extra,
    }


def _wait_ready(process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the worker exited: {log.read_text()[-2000:]}")
        if " ready." in log.read_text():
            return
        time.sleep(0.1)
    raise AssertionError(f"the worker did not start: {log.read_text()[-2000:]}")
