"""Shared test setup. The credentials key file lives in a private temp folder, never in $HOME."""

import os
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

_KEY_DIR = Path(tempfile.mkdtemp(prefix="kp-test-keys-"))
os.environ.setdefault("CREDENTIALS_KEY_FILE", str(_KEY_DIR / "credentials.key"))
# The simulator listens on loopback; the operator's allow-list lets connections use it (here and
# in the processes tests start). pytest-django has read the settings already: set both.
os.environ.setdefault("KRAKEN_ALLOWED_HOSTS", "127.0.0.1,localhost")
settings.KRAKEN_ALLOWED_HOSTS = os.environ["KRAKEN_ALLOWED_HOSTS"].split(",")

# Without a configured broker (CI's SQLite leg) the suite runs triggered tasks in-process: the
# default is a filesystem broker that needs a worker, which most tests do not start. Tests that
# prove work leaves the request start a real worker and turn this off (tests/browser/workers.py).
# Child processes the tests start inherit it through the environment.
IN_PROCESS_TASKS = not os.environ.get("CELERY_BROKER_URL")
if IN_PROCESS_TASKS:
    from portfolio.celery import app as _celery_app

    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
    settings.CELERY_TASK_ALWAYS_EAGER = True
    _celery_app.conf.task_always_eager = True


@pytest.fixture
def eager():
    """Run enqueued tasks in this process, whatever broker the suite is configured with."""
    from portfolio.celery import app as celery_app

    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


# Saving a connection asks Kraken whether its keys work; most tests save made-up keys for a
# Kraken they cannot reach. The tests of that check turn it on (tests/accounts/test_key_checks.py).
os.environ.setdefault("KRAKEN_CHECK_KEYS_ON_SAVE", "false")
settings.KRAKEN_CHECK_KEYS_ON_SAVE = False
