"""Run manage.py in a real child process on the test database, and kill it like a crash would."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def database_url() -> str:
    """The test database (the one pytest-django made) as a DATABASE_URL for a child process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def manage(*args: str, env: dict[str, str] | None = None, **popen) -> subprocess.Popen:
    """`python manage.py ARGS` in a child process on the test database; output captured."""
    return child("manage.py", *args, env=env, **popen)


def celery_worker(*args: str, env: dict[str, str] | None = None, **popen) -> subprocess.Popen:
    """A real Celery worker (`celery -A portfolio worker ARGS`) on the test database."""
    return child("-m", "celery", "-A", "portfolio", "worker", *args, env=env, **popen)


def child(*args: str, env: dict[str, str] | None = None, **popen) -> subprocess.Popen:
    child_env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        # the secrets this process stored must decrypt there
        "CREDENTIALS_KEY": settings.CREDENTIALS_KEY,
        "CREDENTIALS_KEY_FILE": str(settings.CREDENTIALS_KEY_FILE),
        **(env or {}),
    }
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **popen}
    return subprocess.Popen([sys.executable, *args], cwd=ROOT, env=child_env, text=True, **streams)


def wait_for(condition: Callable[[], object], *, timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")
