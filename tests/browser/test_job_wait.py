"""In a real Chromium: a page that waits for background work follows it without a manual reload.

The job is queued on a private broker with no worker (tests/celery_worker.py's queued_tasks), the
page shows it waiting, then the test runs the job here, as a worker would, and the page shows
its result: the tax year's Download panel swaps in the new file's link (the page itself is not
reloaded), and the dashboard reloads once the rebuild for the new settings has run.
"""

import pytest

from accounts.services import profile_for
from jobs.models import Job, JobKind, JobState
from portfolio.books.rebuilds import rebuild_execute, rebuild_request
from reports.models import ReportFile
from reports.services import report_execute
from tests.browser.conftest import screenshot
from tests.celery_worker import queued_tasks  # noqa: F401 (fixture)
from tests.factories import PASSWORD
from tests.portfolio.pages_setup import user_with_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(browser, live_server, user):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    return context, page


@pytest.mark.usefixtures("queued_tasks")
def test_the_download_panel_shows_the_link_when_its_report_is_built(
    browser, live_server, settings, tmp_path
):
    settings.REPORTS_DIR = tmp_path / "reports"
    user, data = user_with_pages(entries=60, disposals=40, income=10, username="waits_report")
    result = data.run.years.order_by("-year").first()
    result.summary["taxable_gain"] = "0.00"  # the UK estimate's line, which bench data leaves out
    result.save(update_fields=["summary"])
    year = result.year
    context, page = _log_in(browser, live_server, user)
    page.goto(f"{live_server.url}/reports/tax-year/{year}/")
    page.select_option("#download select[name=format]", "pdf")
    with page.expect_navigation():
        page.click("#download button:text('Build report')")
    job = Job.objects.get(owner=user, kind=JobKind.REPORT)
    assert job.state == JobState.QUEUED  # no worker: it waits
    panel = page.locator("#download")
    assert panel.get_attribute("data-jobs").split() == [str(job.pk)]
    assert page.locator(f"#download [data-job='{job.pk}']").count() == 1
    assert panel.locator("a:text('Download')").count() == 0
    page.evaluate("window.notReloaded = true")

    report_execute(job_id=job.pk)  # as the worker would

    page.wait_for_selector("#download a:text('Download')")
    stored = ReportFile.objects.get(owner=user, year=year)
    link = page.locator("#download a:text('Download')")
    assert link.get_attribute("href") == f"/reports/files/{stored.pk}/"
    assert page.locator("#download [data-job]").count() == 0
    assert page.evaluate("window.notReloaded") is True  # the panel changed, not the page
    screenshot(page, "job-wait-download-built-1366")
    context.close()


@pytest.mark.usefixtures("queued_tasks")
def test_the_dashboard_reloads_with_the_figures_once_the_rebuild_has_run(browser, live_server):
    user, data = user_with_pages(entries=60, disposals=40, income=10, username="waits_rebuild")
    profile = profile_for(user=user)
    profile.time_zone = "America/New_York"  # other settings than the stored run's
    profile.save()
    job = rebuild_request(user=user, reason="settings changed")
    assert Job.objects.get(pk=job.pk).state == JobState.QUEUED
    context, page = _log_in(browser, live_server, user)
    assert page.locator("#recompute").get_attribute("data-jobs").split() == [str(job.pk)]
    assert page.locator("[data-figure='value']").count() == 0

    assert rebuild_execute(job_id=job.pk).state == JobState.SUCCEEDED  # as the worker would

    page.wait_for_selector("[data-figure='value']")
    assert page.locator("#recompute").count() == 0
    screenshot(page, "job-wait-dashboard-rebuilt-1366")
    context.close()


@pytest.mark.usefixtures("queued_tasks")
def test_the_download_panel_shows_why_a_report_failed(browser, live_server, settings, tmp_path):
    settings.REPORTS_DIR = tmp_path / "reports"
    user, data = user_with_pages(entries=60, disposals=40, income=10, username="waits_failed")
    year = data.run.years.order_by("-year").first().year  # bench data: no UK taxable gain line
    context, page = _log_in(browser, live_server, user)
    page.goto(f"{live_server.url}/reports/tax-year/{year}/")
    with page.expect_navigation():
        page.click("#download button:text('Build report')")
    job = Job.objects.get(owner=user, kind=JobKind.REPORT)

    report_execute(job_id=job.pk)  # as the worker would: it fails

    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.error
    error = page.locator("#download .job-error")
    error.wait_for()
    assert error.inner_text() == f"Report build failed: {job.error}"
    assert page.locator("#download [data-job]").count() == 0
    assert not ReportFile.objects.filter(owner=user).exists()
    context.close()
