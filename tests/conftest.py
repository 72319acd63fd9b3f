"""Shared test setup. The credentials key file lives in a private temp folder, never in $HOME."""

import os
import tempfile
from pathlib import Path

import pytest

_KEY_DIR = Path(tempfile.mkdtemp(prefix="kp-test-keys-"))
os.environ.setdefault("CREDENTIALS_KEY_FILE", str(_KEY_DIR / "credentials.key"))


@pytest.fixture
def eager():
    """Run enqueued tasks in this process, whatever broker the suite is configured with."""
    from portfolio.celery import app as celery_app

    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before
