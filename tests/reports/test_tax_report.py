"""python manage.py tax_report: the JSON a user files from, and its bad inputs."""

import io
import json
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Profile
from portfolio.accounting import summarise_tax_year, tax_year_period
from portfolio.books import derivatives, inputs
from portfolio.books.services import compute_for, settings_for
from tests.factories import UserFactory, make_connection
from tests.simulated import connect, sync

pytestmark = pytest.mark.django_db(transaction=True)
KEYS = {
    "year",
    "jurisdiction",
    "method",
    "base_currency",
    "period",
    "disposals",
    "short_term",
    "long_term",
    "income",
    "fees",
}
FOUR = {"proceeds", "cost_basis", "gain", "count"}


@pytest.fixture
def synced(simulator):
    connection = connect(simulator, simulator.add_account(seed=61, size=300))
    sync(connection)
    return connection


def report(*args) -> dict:
    out = io.StringIO()
    call_command("tax_report", *args, stdout=out)
    return json.loads(out.getvalue())


def expected(user, year, **overrides) -> dict:
    settings = settings_for(user=user, **overrides)
    _start, end = tax_year_period(settings.jurisdiction, year)
    rows = inputs.ledger_rows(user=user, per_connection=settings.per_wallet)
    as_of = min(datetime.now(UTC), end)
    prices = inputs.price_source(user=user, as_of=as_of)
    _c, result = compute_for(rows=rows, settings=settings, as_of=as_of, prices=prices)
    books = derivatives.derivatives_for(
        user=user,
        connection=None,
        rows=rows,
        settings=settings,
        as_of=as_of,
        prices=prices,
    )
    return derivatives.with_blocks(
        summarise_tax_year(result, year), books, year, settings.base_currency
    )


def test_json_has_the_documented_shape_and_the_engines_numbers(synced):
    user = synced.user
    data = report("--user", user.username, "--year", "2023", "--format", "json")
    assert set(data) >= KEYS
    for part in ("disposals", "short_term", "long_term"):
        assert set(data[part]) >= FOUR
        assert isinstance(data[part]["proceeds"], str)
    assert (data["year"], data["jurisdiction"], data["method"], data["base_currency"]) == (
        2023,
        "us",
        "fifo",
        "USD",
    )
    assert data["period"] == {"start": "2023-01-01", "end": "2023-12-31"}
    assert data == expected(user, 2023)
    assert data["disposals"]["count"] > 0


def test_flags_override_the_profile_and_uk_years_start_in_april(synced):
    user = synced.user
    data = report(
        "--user",
        user.username,
        "--year",
        "2022",
        "--jurisdiction",
        "uk",
        "--method",
        "uk",
        "--format",
        "json",
    )
    assert (data["jurisdiction"], data["method"]) == ("uk", "uk")
    assert data["period"] == {"start": "2022-04-06", "end": "2023-04-05"}
    assert data == expected(user, 2022, jurisdiction="uk", method="uk")


def test_a_profile_method_foreign_to_the_jurisdiction_falls_back_to_its_default(synced):
    user = synced.user
    Profile.objects.filter(user=user).update(jurisdiction="de", cost_basis_method="hifo")
    data = report("--user", user.username, "--year", "2024", "--format", "json")
    assert (data["jurisdiction"], data["method"]) == ("de", "fifo")


def test_output_file(synced, tmp_path):
    target = tmp_path / "report.json"
    out = io.StringIO()
    call_command(
        "tax_report",
        "--user",
        synced.user.username,
        "--year",
        "2021",
        "--format",
        "json",
        "--output",
        str(target),
        stdout=out,
    )
    assert json.loads(target.read_text())["year"] == 2021
    assert out.getvalue().strip() == f"wrote {target}"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--user", "nobody", "--year", "2023"], "unknown user 'nobody'"),
        (["--year", "1850"], "--year 1850 is not a plausible tax year"),
        (["--year", "2023", "--connection", "OTHER"], "has no connection"),
        (["--year", "2023", "--output", "/nonexistent/dir/x.json"], "cannot write /nonexistent"),
    ],
)
def test_bad_input_is_a_clear_error(args, message):
    user = UserFactory(username="taxpayer")
    other = make_connection(user=UserFactory(), label="Theirs")
    argv = ["--user", "taxpayer", "--format", "json"]
    given = dict(zip(args[::2], args[1::2], strict=True))
    if given.get("--connection") == "OTHER":
        given["--connection"] = str(other.pk)
    argv += [item for pair in given.items() for item in pair]
    if "--user" in given:
        argv = argv[2:]
    with pytest.raises(CommandError, match=message):
        call_command("tax_report", *argv, stdout=io.StringIO())
    assert user.accounting_runs.count() == 0


def test_a_user_without_history_gets_zeros_not_an_error():
    UserFactory(username="newcomer")
    data = report("--user", "newcomer", "--year", "2024", "--format", "json")
    assert data["disposals"] == {
        "proceeds": "0.00",
        "cost_basis": "0.00",
        "gain": "0.00",
        "count": 0,
        "sales": 0,
    }
    assert data["income"] == {"total": "0.00", "count": 0}
