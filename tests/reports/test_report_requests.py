"""Asking for a report: bad input is refused with a clear answer and starts nothing."""

import pytest

from jobs.models import Job, JobKind
from reports.models import ReportFile
from tests.factories import UserFactory, make_connection

pytestmark = pytest.mark.django_db


def test_a_bad_format_another_users_connection_or_no_books_start_no_job(client):
    user, other = UserFactory(), UserFactory()
    theirs = make_connection(user=other, label="Theirs")
    client.force_login(user)
    page = client.post("/reports/tax-year/2024/report/", {"format": "docx"}, follow=True)
    assert "Pick a format: PDF or ZIP." in page.content.decode()
    mine = client.post("/reports/tax-year/2024/report/", {"format": "pdf", "connection": theirs.pk})
    assert mine.status_code == 404
    nothing = client.post("/reports/tax-year/2024/report/", {"format": "pdf"})
    assert nothing.status_code == 404  # no computed books yet
    assert not Job.objects.filter(kind=JobKind.REPORT).exists()
    assert not ReportFile.objects.exists()


def test_downloads_need_a_login_and_unknown_files_are_404(client):
    assert client.get("/reports/files/1/").status_code == 302
    client.force_login(UserFactory())
    assert client.get("/reports/files/999/").status_code == 404
    assert client.post("/reports/files/999/delete/").status_code == 404
