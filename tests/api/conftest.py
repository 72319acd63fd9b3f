"""Two people with one connection and a row of everything each; clients for each way in."""

import pytest
from django.core.cache import caches
from rest_framework.test import APIClient

from jobs.models import Job, JobKind, JobState
from portfolio.api.tokens import api_token_create
from reports.models import ReportFile
from reports.services import report_path, report_target
from tests.factories import UserFactory, make_books, make_connection, secret_for

#: The simulator's address (allowed in tests): no name lookup when a connection is saved.
LOCAL = {"api_url": "http://127.0.0.1:9", "futures_url": "http://127.0.0.1:9"}


@pytest.fixture(autouse=True)
def fast_passwords(settings, tmp_path):
    """The factories set passwords; the real hasher's cost buys nothing in these tests. Uploads
    wait in a temporary folder; throttle counters start from zero."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.KRAKEN_IMPORT_DIR = tmp_path / "imports"
    settings.REPORTS_DIR = tmp_path / "reports"
    caches["api_throttle"].clear()


@pytest.fixture
def owner(db):
    user = UserFactory(username="owner")
    connection = make_connection(
        user=user,
        label="Main",
        **LOCAL,
        futures_key="FUTKEYowner0123456789abcdefghij",
        futures_secret=secret_for("futures-owner"),
    )
    spare, _ = api_token_create(user=user, name="spare", read_only=True)
    books = make_books(user=user, connection=connection)
    return {
        "user": user,
        "connection": connection,
        "token": spare,
        "report": make_report(user),
        **books,
    }


@pytest.fixture
def other(db):
    user = UserFactory(username="other")
    connection = make_connection(user=user, label="Theirs", **LOCAL)
    books = make_books(user=user, connection=connection)
    return {"user": user, "connection": connection, "report": make_report(user), **books}


def make_report(user) -> Job:
    """A built 2024 PDF report: its ended job and its stored file (the bytes are only a marker
    here; tests/api/test_reports.py builds real ones through the worker's path)."""
    job = Job.objects.create(
        kind=JobKind.REPORT,
        owner=user,
        target=report_target(user_id=user.pk, year=2024, connection_id=None, fmt="pdf"),
        state=JobState.SUCCEEDED,
        progress={"stage": "done"},
    )
    content = f"report of {user.username}".encode()
    stored = ReportFile.objects.create(
        owner=user, year=2024, format="pdf", job=job, path=f"{user.pk}/r.pdf", size=len(content)
    )
    report_path(stored).parent.mkdir(parents=True, exist_ok=True)
    report_path(stored).write_bytes(content)
    return job


def token_client(user, *, read_only: bool, name: str | None = None) -> APIClient:
    _, raw = api_token_create(
        user=user, name=name or f"{'ro' if read_only else 'rw'}-{user.pk}", read_only=read_only
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    client.raw_token = raw
    return client


@pytest.fixture
def api(owner):
    """The owner through a read-write token."""
    return token_client(owner["user"], read_only=False)


@pytest.fixture
def api_read_only(owner):
    return token_client(owner["user"], read_only=True)


@pytest.fixture
def api_other(other):
    return token_client(other["user"], read_only=False)


@pytest.fixture
def anonymous():
    return APIClient()
