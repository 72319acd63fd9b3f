"""Reports through the API: a request only queues a job; the worker's build writes a real PDF
that its owner downloads with the right type and name; polling shows the job's state; another
user and an unfinished report get 404; deleting removes the file; a list page costs a constant
number of queries."""

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext

from jobs.models import Job, JobState
from reports.models import ReportFile
from reports.services import report_path
from tests.api.conftest import make_report

pytestmark = pytest.mark.django_db
V1 = "/api/v1"


def _error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code


def test_a_request_queues_a_job_and_the_worker_builds_a_real_pdf(
    owner, other, api, api_other, eager, django_capture_on_commit_callbacks
):
    files_before = ReportFile.objects.count()
    with django_capture_on_commit_callbacks() as queued:
        response = api.post(f"{V1}/reports/", {"year": 2024, "format": "pdf"}, format="json")
    assert response.status_code == 202, response.content
    report = response.json()
    assert (report["year"], report["format"], report["connection"]) == (2024, "pdf", None)
    assert report["state"] == "queued" and report["file"] is None
    assert ReportFile.objects.count() == files_before  # nothing built inside the request
    _error(api.get(f"{V1}/reports/{report['id']}/download/"), 404, "not_found")

    for callback in queued:  # the commit: the job goes to the (eager) worker
        callback()
    polled = api.get(f"{V1}/reports/{report['id']}/").json()
    assert polled["state"] == "succeeded", polled
    assert polled["progress"]["stage"] == "done"
    assert polled["download_url"] == f"{V1}/reports/{report['id']}/download/"

    download = api.get(polled["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    name = polled["file"]["filename"]
    assert name.endswith(".pdf") and f'filename="{name}"' in download["Content-Disposition"]
    content = b"".join(download.streaming_content)
    assert content.startswith(b"%PDF-") and len(content) == polled["file"]["size"]
    _error(api_other.get(polled["download_url"]), 404, "not_found")
    _error(api_other.get(f"{V1}/reports/{report['id']}/"), 404, "not_found")


def test_bad_requests_are_refused_and_queue_nothing(owner, other, api):
    jobs = Job.objects.count()
    bad = [
        {"year": 2024, "format": "docx"},
        {"year": "soon", "format": "pdf"},
        {"year": 2024, "format": "pdf", "connection": other["connection"].pk},
    ]
    for body in bad:
        _error(api.post(f"{V1}/reports/", body, format="json"), 400, "invalid")
    assert Job.objects.count() == jobs


def test_deleting_removes_the_report_and_its_file(owner, api, django_capture_on_commit_callbacks):
    job = owner["report"]
    path = report_path(ReportFile.objects.get(job=job))
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete(f"{V1}/reports/{job.pk}/").status_code == 204
    assert not path.exists()
    assert not Job.objects.filter(pk=job.pk).exists()
    _error(api.get(f"{V1}/reports/{job.pk}/"), 404, "not_found")


def test_a_report_being_built_cannot_be_deleted(owner, api):
    job = owner["report"]
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING)
    _error(api.delete(f"{V1}/reports/{job.pk}/"), 409, "conflict")
    assert ReportFile.objects.filter(job=job).exists()
    _error(api.get(f"{V1}/reports/{job.pk}/download/"), 404, "not_found")


def test_a_list_page_costs_the_same_queries_for_2_or_12_reports(owner, api):
    def page_queries() -> int:
        with CaptureQueriesContext(db) as queries:
            assert api.get(f"{V1}/reports/").status_code == 200
        return len(queries)

    make_report(owner["user"])
    page_queries()  # the token's first use of the minute writes its last-used time
    few = page_queries()
    for _ in range(10):
        make_report(owner["user"])
    assert len(api.get(f"{V1}/reports/").json()["results"]) == 12
    assert page_queries() == few


def test_a_read_only_token_lists_polls_and_downloads_but_cannot_request(owner, api_read_only):
    job = owner["report"]
    listed = api_read_only.get(f"{V1}/reports/").json()["results"]
    assert [r["id"] for r in listed] == [job.pk]
    assert api_read_only.get(f"{V1}/reports/{job.pk}/").json()["state"] == "succeeded"
    download = api_read_only.get(f"{V1}/reports/{job.pk}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"report of owner"
    body = {"year": 2024, "format": "zip"}
    _error(api_read_only.post(f"{V1}/reports/", body, format="json"), 403, "read_only_token")
    _error(api_read_only.delete(f"{V1}/reports/{job.pk}/"), 403, "read_only_token")
    assert Job.objects.filter(pk=job.pk).exists()
