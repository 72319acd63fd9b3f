"""Deployment: check --deploy is clean with the README's production variables; SQLite files are
private; kraken_connect keeps the key out of `ps`."""

import io
import os
import re
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from accounts.models import KrakenConnection
from tests.factories import UserFactory, secret_for

ROOT = Path(__file__).resolve().parents[2]


def readme_production_env() -> dict[str, str]:
    """The variables of the README's `export DEBUG=false ...` block, placeholders filled in."""
    text = (ROOT / "README.md").read_text()
    block = re.search(r"^export DEBUG=false.*?(?<!\\)\n", text, flags=re.M | re.S)
    assert block, "the README lists no production variables"
    words = shlex.split(block.group(0).replace("\\\n", " "), comments=True)[1:]
    env = dict(word.split("=", 1) for word in words)
    filled = {
        "SECRET_KEY": Fernet.generate_key().decode() * 2,
        "CREDENTIALS_KEY": Fernet.generate_key().decode(),
    }
    return {k: filled.get(k, v) if v == "..." else v for k, v in env.items()}


def test_check_deploy_is_clean_with_the_readmes_production_variables(tmp_path):
    leave_out = ("SECURE_", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")  # the last: browser tests
    env = {k: v for k, v in os.environ.items() if not k.startswith(leave_out)}
    env.update(readme_production_env(), VAR_DIR=str(tmp_path))
    assert env["SECURE_HSTS_SECONDS"] == "31536000"
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_without_the_variables_forwarded_proto_is_not_trusted(tmp_path):
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_PROXY_SSL_HEADER, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "USE_X_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="portfolio.settings",
        DEBUG="false",
        SECRET_KEY="s" * 60,
        VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.stdout.split() == ["None", "False", "0"], result.stderr


def test_the_sqlite_file_and_var_are_private(tmp_path):
    var = tmp_path / "var"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(VAR_DIR=str(var))
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(var.stat().st_mode) == 0o700
    for name in ("db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm"):
        path = var / name
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, name


@pytest.mark.django_db
@pytest.mark.parametrize("source", ["stdin", "environment"])
def test_kraken_connect_reads_the_key_from_stdin_or_the_environment(monkeypatch, source):
    UserFactory(username="quiet")
    key, secret = "QuietKeyNeverInPs0123456789", secret_for("quiet")
    argv = ["--user", "quiet", "--label", "Main", "--api-secret", "-"]
    if source == "stdin":
        argv += ["--api-key", "-"]
        stdin = f"{key}\n{secret}\n"
    else:
        monkeypatch.setenv("KRAKEN_API_KEY", key)
        stdin = f"{secret}\n"
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    call_command("kraken_connect", *argv, stdout=io.StringIO())
    connection = KrakenConnection.objects.get()
    assert (connection.api_key(), connection.api_secret()) == (key, secret)
