"""Settings load from the environment, with defaults that run a fresh checkout."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'], "
    "'name': str(s.DATABASES['default']['NAME']), 'eager': s.CELERY_TASK_ALWAYS_EAGER, "
    "'broker': s.CELERY_BROKER_URL, 'redis': s.REDIS_URL, 'debug': s.DEBUG, "
    "'hosts': s.ALLOWED_HOSTS, 'key': s.CREDENTIALS_KEY}))"
)
VARIABLES = (
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "CREDENTIALS_KEY",
    "VAR_DIR",
    "CELERY_TASK_ALWAYS_EAGER",
    "CELERY_BROKER_DIR",
)


def load(tmp_path, **env):
    base = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    base.update({"DJANGO_SETTINGS_MODULE": "portfolio.settings", "VAR_DIR": str(tmp_path)})
    base.update(env)
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=base, capture_output=True, text=True
    )


def test_defaults_use_sqlite_and_a_filesystem_broker_not_eager_celery(tmp_path):
    result = load(tmp_path)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["engine"] == "portfolio.dbbackends.sqlite3"
    assert loaded["name"] == str(tmp_path / "db.sqlite3")
    # long work never runs inside a request, even on the embedded default: a real broker
    assert loaded["eager"] is False
    assert loaded["broker"] == "filesystem://"
    for folder in ("celery", "celery/queue", "celery/control", "celery/processed"):
        assert (tmp_path / folder).stat().st_mode & 0o777 == 0o700, folder
    assert loaded["redis"] == ""
    assert loaded["debug"] is True
    assert loaded["hosts"] == ["127.0.0.1", "localhost", "[::1]"]


def test_environment_selects_postgres_and_redis(tmp_path):
    result = load(
        tmp_path,
        DATABASE_URL="postgres://portfolio:pw@db.internal:5432/portfolio",
        CELERY_BROKER_URL="redis://cache.internal:6379/0",
        SECRET_KEY="s" * 50,
        DEBUG="false",
        ALLOWED_HOSTS="portfolio.example.com, www.example.com",
        CREDENTIALS_KEY="k",
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["name"] == "portfolio"
    assert loaded["eager"] is False
    assert loaded["broker"] == "redis://cache.internal:6379/0"
    assert loaded["redis"] == "redis://cache.internal:6379/0"
    assert loaded["debug"] is False
    assert loaded["hosts"] == ["portfolio.example.com", "www.example.com"]


def test_eager_is_an_explicit_choice(tmp_path):
    result = load(tmp_path, CELERY_TASK_ALWAYS_EAGER="true")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["eager"] is True


def test_production_without_secret_key_refuses_to_start(tmp_path):
    result = load(tmp_path, DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_unreadable_boolean_is_an_error_not_a_guess(tmp_path):
    result = load(tmp_path, DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be true or false, not 'maybe'" in result.stderr


def test_env_example_lists_every_variable_the_settings_read():
    settings_text = (ROOT / "portfolio" / "settings.py").read_text()
    example = (ROOT / ".env.example").read_text()
    import re

    read = set(re.findall(r'os\.environ\.get\(\s*"([A-Z_]+)"', settings_text))
    read |= set(re.findall(r'env_(?:bool|list)\("([A-Z_]+)"', settings_text))
    # a line may be commented out with its default: an empty value would override the default
    listed = set(re.findall(r"^(?:# ?)?([A-Z_]+)=", example, flags=re.M))
    assert read, "the probe found no variables"
    assert read - listed - {"XDG_CONFIG_HOME"} == set()
