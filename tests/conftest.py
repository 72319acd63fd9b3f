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


@pytest.fixture
def eager():
    """Run enqueued tasks in this process, whatever broker the suite is configured with."""
    from portfolio.celery import app as celery_app

    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before
