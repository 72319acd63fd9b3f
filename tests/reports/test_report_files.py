"""Filing reports from a synced account: the PDF's text, the CSVs and Form 8949 against the JSON
totals, an empty year, the report job and its download (owner only), and the command line.

The PDF is read back with pdftotext; page 1 and a Form 8949 page are rendered to PNG with
pdftoppm under var/report-artifacts/ for a person to look at.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import zipfile
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Profile
from jobs.models import Job, JobKind
from portfolio.books import labels
from portfolio.books.models import YearResult
from portfolio.books.prices import prices_fill_for
from portfolio.books.services import accounting_rebuild
from portfolio.models import Reconciliation
from portfolio.templatetags.numbers import money
from reports import tables
from reports.content import report_for
from reports.models import ReportFile
from reports.pdf import context_for, report_html, report_pdf
from tests.factories import UserFactory
from tests.simulated import connect, sync

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed"),
]
ARTIFACTS = Path(django_settings.BASE_DIR) / "var" / "report-artifacts"
AS_OF = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def reports_dir(settings, tmp_path):
    settings.REPORTS_DIR = tmp_path / "reports"
    return settings.REPORTS_DIR


@pytest.fixture
def books(simulator):
    """A synced US user with stored books (prices first, then numbers)."""
    connection = connect(simulator, simulator.add_account(seed=61, size=300))
    assert sync(connection).state == "succeeded"
    prices_fill_for(user=connection.user)
    run = accounting_rebuild(user=connection.user, as_of=AS_OF)
    year = (
        YearResult.objects.filter(run=run, summary__disposals__count__gt=0)
        .order_by("-year")
        .first()
        .year
    )
    return connection.user, run, year


def pdf_text(content: bytes, tmp_path: Path, *, layout: bool = False) -> str:
    source = tmp_path / "report.pdf"
    source.write_bytes(content)
    args = ["pdftotext", *(["-layout"] if layout else []), str(source), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def render_png(content: bytes, page: int, name: str, tmp_path: Path) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(content)
    prefix = ARTIFACTS / name
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-f", str(page), "-l", str(page), "-singlefile",
         str(source), str(prefix)],
        check=True,
    )  # fmt: skip
    return prefix.with_suffix(".png")


def page_of(text: str, needle: str) -> int:
    """The 1-based page (pdftotext separates pages with form feeds) where ``needle`` first is."""
    for number, page in enumerate(text.split("\f"), start=1):
        if needle in page:
            return number
    raise AssertionError(f"{needle!r} is not in the PDF")


def csv_rows(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode())))


def column_sum(rows: list[dict], name: str) -> Decimal:
    return sum((Decimal(r[name]) for r in rows), Decimal(0))


def test_pdf_and_csvs_hold_the_json_totals_to_the_cent(books, tmp_path):
    user, run, year = books
    report = report_for(user=user, year=year)
    summary = report.summary
    content = report_pdf(report)
    assert content.startswith(b"%PDF")
    text = pdf_text(content, tmp_path)
    for part in ("disposals", "short_term", "long_term"):
        for key in ("proceeds", "cost_basis", "gain"):
            assert money(summary[part][key]) in text, (part, key)
    assert money(summary["income"]["total"]) in text and money(summary["fees"]) in text
    assert "Page 1 of" in text and "Form 8949" in text
    with timezone.override("America/New_York"):  # times labelled UTC are UTC in any zone
        stamp = report.generated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
        assert f"Generated {stamp} UTC" in pdf_text(report_pdf(report), tmp_path)
    assert "Futures by contract" in text and "Margin positions closed in the year" in text
    for block in ("margin", "futures"):  # the derivative sections print the summary's nets
        if summary.get(block):
            assert money(summary[block]["net"]) in text, block

    files = tables.csv_files(report)
    form = csv_rows(files["form_8949.csv"])
    assert len(form) == summary["disposals"]["count"]
    for term, box in (
        ("short_term", "C" if year < 2025 else "I"),
        ("long_term", "F" if year < 2025 else "L"),
    ):
        rows = [r for r in form if r["Box"] == box]
        assert column_sum(rows, "(d) Proceeds") == Decimal(summary[term]["proceeds"])
        assert column_sum(rows, "(e) Cost or other basis") == Decimal(summary[term]["cost_basis"])
        gain = column_sum(rows, "(h) Gain or (loss)")
        assert gain == column_sum(rows, "(d) Proceeds") - column_sum(
            rows, "(e) Cost or other basis"
        )
        assert abs(gain - Decimal(summary[term]["gain"])) <= Decimal("0.01")  # (h) = (d) - (e)
    for row in form:  # every row's (h) is its (d) - (e)
        assert Decimal(row["(h) Gain or (loss)"]) == Decimal(row["(d) Proceeds"]) - Decimal(
            row["(e) Cost or other basis"]
        )
    _, box_totals = tables.form_8949(report)
    by_box = defaultdict(list)
    for row in form:
        by_box[row["Box"]].append(row)
    for box, rows in by_box.items():  # rows per box sum to the box totals (Schedule D)
        assert str(column_sum(rows, "(d) Proceeds")) == box_totals[box]["proceeds"]
        assert str(column_sum(rows, "(h) Gain or (loss)")) == box_totals[box]["rows_gain"]
        t = box_totals[box]
        amounts = [money(t[k]) for k in ("proceeds", "cost", "gain")]
        assert "proceeds {}, cost {}, gain {}".format(*amounts) in text
    assert "rounded once to the cent" in text  # the rounding rule is stated with the form
    for term, box in (  # a box's gain total is the JSON's, to the cent (one box per term here)
        ("short_term", "C" if year < 2025 else "I"),
        ("long_term", "F" if year < 2025 else "L"),
    ):
        if box in box_totals:
            assert box_totals[box]["gain"] == summary[term]["gain"], (box, box_totals[box])

    turbotax = csv_rows(files["turbotax_capital_gains.csv"])  # box by box, as Form 8949
    terms = [Decimal(summary[t]["proceeds"]) for t in ("short_term", "long_term")]
    assert column_sum(turbotax, "Proceeds") == sum(terms)
    disposals = csv_rows(files["disposals.csv"])
    assert len(disposals) == run.disposals.filter(tax_year=year).count()
    assert column_sum(disposals, "Proceeds") == Decimal(summary["disposals"]["proceeds"])
    assert column_sum(disposals, "Allowable cost") == Decimal(summary["disposals"]["cost_basis"])
    assert column_sum(disposals, "Gain or loss") == Decimal(summary["disposals"]["gain"])
    income = [r for r in csv_rows(files["income.csv"]) if r["Taxable"] == "yes"]
    assert column_sum(income, "Value") == Decimal(summary["income"]["total"])
    trail = csv_rows(files["audit_trail.csv"])
    assert len(trail) == len(form)
    ledger_ids = set(
        run.user.kraken_connections.first().ledger_entries.values_list("ledger_id", flat=True)
    )
    for row in trail:  # both ends are Kraken ledger ids (a trade: its legs), or a stand-in lot
        assert set(row["Disposal ledger id"].split()) <= ledger_ids, row
        assert (
            set(row["Acquisition ledger id"].split()) <= ledger_ids
            or row["Lot"] == row["Acquisition ledger id"]
        ), row

    first = render_png(content, 1, "report-page-1", tmp_path)
    form_page = render_png(content, page_of(text, "Part I, box"), "report-form-8949", tmp_path)
    assert first.stat().st_size > 10_000 and form_page.stat().st_size > 10_000


def test_a_year_without_disposals_gives_a_valid_report_that_says_so(books, tmp_path):
    user, _run, _year = books
    report = report_for(user=user, year=2012)
    assert report.summary["disposals"]["count"] == 0
    text = pdf_text(report_pdf(report), tmp_path)
    assert "No disposals in this tax year." in text
    assert "0.00" in text
    files = tables.csv_files(report)
    assert csv_rows(files["form_8949.csv"]) == []

    Reconciliation.objects.all().delete()  # a report from unreconciled data says so, page 1
    first_page = pdf_text(report_pdf(report_for(user=user, year=2012)), tmp_path).split("\f")[0]
    assert "Unreconciled data" in first_page and "was never reconciled" in first_page
    assert files["form_8949.csv"].decode().startswith("Box,Part,(a) Description")


def test_report_job_stores_a_file_only_its_owner_fetches_and_deletes(books, client, reports_dir):
    user, _run, year = books
    client.force_login(user)
    page = client.get(f"/reports/tax-year/{year}/")
    assert (
        b'id="download"' in page.content and b"No report built for this year yet." in page.content
    )
    response = client.post(f"/reports/tax-year/{year}/report/", {"format": "zip"})
    assert response.status_code == 302
    job = Job.objects.get(owner=user, kind=JobKind.REPORT)
    assert job.state == "succeeded", job.error
    assert job.progress["stage"] == "done"
    stored = ReportFile.objects.get(owner=user)
    assert (stored.year, stored.format, stored.parameters["run"]) == (year, "zip", _run.pk)
    page = client.get(f"/reports/tax-year/{year}/")
    assert f"/reports/files/{stored.pk}/".encode() in page.content

    download = client.get(f"/reports/files/{stored.pk}/")
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert {"report.pdf", "summary.json", "form_8949.csv", "audit_trail.csv"} <= set(
        archive.namelist()
    )
    assert json.loads(archive.read("summary.json"))["year"] == year

    other = UserFactory()
    client.force_login(other)
    assert client.get(f"/reports/files/{stored.pk}/").status_code == 404
    assert client.post(f"/reports/files/{stored.pk}/delete/").status_code == 404
    assert ReportFile.objects.filter(pk=stored.pk).exists()

    client.force_login(user)
    path = reports_dir / stored.path
    assert path.is_file()
    client.post(f"/reports/files/{stored.pk}/delete/")
    assert not ReportFile.objects.filter(pk=stored.pk).exists() and not path.exists()


def test_tax_report_command_writes_pdf_csv_and_zip(books, tmp_path):
    user, _run, year = books
    base = ["tax_report", "--user", user.username, "--year", str(year)]
    call_command(
        *base, "--format", "pdf", "--output", str(tmp_path / "r.pdf"), stdout=io.StringIO()
    )
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    call_command(*base, "--format", "csv", "--output", str(tmp_path / "csv"), stdout=io.StringIO())
    assert (tmp_path / "csv" / "form_8949.csv").is_file()
    call_command(
        *base, "--format", "zip", "--output", str(tmp_path / "r.zip"), stdout=io.StringIO()
    )
    assert "report.pdf" in zipfile.ZipFile(tmp_path / "r.zip").namelist()
    with pytest.raises(CommandError, match="needs --output"):
        call_command(*base, "--format", "pdf")
    with pytest.raises(CommandError, match="the stored books are us/fifo"):
        call_command(
            *base, "--format", "pdf", "--jurisdiction", "uk", "--output", str(tmp_path / "x")
        )


def test_uk_schedule_names_the_rule_of_each_disposal_and_adds_up(books, tmp_path):
    user, _run, _year = books
    Profile.objects.filter(user=user).update(jurisdiction="uk", cost_basis_method="uk")
    run = accounting_rebuild(user=user, as_of=AS_OF)
    year = (
        YearResult.objects.filter(run=run, summary__disposals__count__gt=0)
        .order_by("-year")
        .first()
        .year
    )
    report = report_for(user=user, year=year)
    assert report.run.pk == run.pk and run.jurisdiction == "uk"
    summary = report.summary
    rows = csv_rows(tables.csv_files(report)["uk_disposal_schedule.csv"])
    assert len(rows) == run.disposals.filter(tax_year=year).count()
    rules = {"same day", "30 days (bed and breakfast)", "Section 104 pool"}
    assert all(set(r["Matched by"].split("; ")) <= rules for r in rows)
    assert column_sum(rows, "Proceeds") == Decimal(summary["disposals"]["proceeds"])
    assert column_sum(rows, "Gain or loss") == Decimal(summary["disposals"]["gain"])
    _the_pool_after_is_stored_and_printed(run, year, rows)
    text = pdf_text(report_pdf(report), tmp_path)
    assert "SA108" in text and "Section 104 pool" in text
    assert "Pool cost after" in text and "not stored" not in text
    for key in ("gains", "losses", "net_gain"):
        assert money(summary[key]) in text
    assert "Capital Gains Tax at the higher rate" in text and "TCGA 1992 s3" in text


def _the_pool_after_is_stored_and_printed(run, year: int, rows: list[dict]) -> None:
    """A UK rebuild stores the s104 pool after each disposal (margin PnL has none), the schedule
    prints it, and a disposal from the pool leaves its average cost as it was (HMRC CRYPTO22200:
    the pool after = the pool before less the part disposed of, at average cost)."""
    stored = list(run.disposals.filter(tax_year=year).order_by("time", "event_id"))
    sales = [d for d in stored if not d.reason.startswith("margin")]
    assert sales and all(d.pool_quantity_after is not None for d in sales)
    assert all(d.pool_quantity_after >= 0 and d.pool_cost_after >= 0 for d in sales)
    checked = 0
    for d in sales:
        pieces = [u for u in d.lots if u["lot_id"].startswith("s104:")]
        if len(pieces) == 1 and d.pool_quantity_after > 0 and Decimal(pieces[0]["quantity"]):
            taken = Decimal(pieces[0]["basis"]) / Decimal(pieces[0]["quantity"])
            left = d.pool_cost_after / d.pool_quantity_after
            assert abs(taken - left) <= Decimal("1e-9") * max(taken, Decimal(1)), d.event_id
            checked += 1
    assert checked
    for row, d in zip(rows, stored, strict=True):
        if d.pool_quantity_after is None:
            assert row[tables.POOL_QUANTITY] == row[tables.POOL_COST] == ""
            continue
        assert Decimal(row[tables.POOL_QUANTITY]) == d.pool_quantity_after
        assert abs(Decimal(row[tables.POOL_COST]) - d.pool_cost_after) <= Decimal("0.005")


@pytest.mark.parametrize(
    ("jurisdiction", "method", "column", "words"),
    [
        ("de", "fifo", "Anlage SO", ["Anlage SO", "Freigrenze", "§ 23 Abs. 3 Satz 5 EStG"]),
        ("ca", "average", "Superficial loss denied", ["Schedule 3", "Inclusion rate", "s38(a)"]),
    ],
)
def test_de_and_ca_schedules(books, tmp_path, jurisdiction, method, column, words):
    user, _run, _year = books
    Profile.objects.filter(user=user).update(jurisdiction=jurisdiction, cost_basis_method=method)
    run = accounting_rebuild(user=user, as_of=AS_OF)
    assert (run.jurisdiction, run.method) == (jurisdiction, method)
    year = (
        YearResult.objects.filter(run=run, summary__disposals__count__gt=0)
        .order_by("-year")
        .first()
        .year
    )
    report = report_for(user=user, year=year)
    rows = csv_rows(tables.csv_files(report)["disposals.csv"])
    assert rows and column in rows[0]
    assert column_sum(rows, "Gain or loss") == Decimal(report.summary["disposals"]["gain"])
    text = pdf_text(report_pdf(report), tmp_path)
    for word in words:
        assert word in text, word


def test_the_pdf_prints_amounts_and_settings_as_the_pages_do(books):
    """Amounts with thousands separators (the CSVs keep plain decimals), display names of the
    jurisdiction and method, wallets by their connection's label, sources as sentences."""
    user, run, year = books
    report = report_for(user=user, year=year)
    proceeds = report.summary["disposals"]["proceeds"]
    assert Decimal(proceeds) >= 1000  # so that the printed amount has a separator
    context = context_for(report)
    html = report_html(report)
    assert f"<td>Proceeds</td><td>{money(proceeds)}</td>" in html and "," in money(proceeds)
    assert "Tax report: United States (federal), tax year" in html
    assert "<td>Method</td><td>FIFO (first in, first out)</td>" in html
    assert "(us)" not in html and "· fifo ·" not in html
    lots = str(context["lot_rows"])
    wallet = f"kraken-{user.kraken_connections.get().pk}"
    assert wallet not in lots and user.kraken_connections.get().label in lots
    sources = dict(context["price_sources"])
    assert "leg" not in sources and sources[labels.SOURCE_TEXT["leg"]] > 0
    csv = tables.csv_files(report)["disposals.csv"].decode()
    assert money(proceeds) not in csv and "," not in csv_rows(csv.encode())[0]["Proceeds"]
