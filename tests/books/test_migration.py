"""Moving the stored results from reports to books keeps every row: same tables, new app."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # As in tests/jobs/test_migration.py: going back across merged migration branches makes
    # SQLite remake tables from a state that may lack another branch's column. PostgreSQL only.
    pytest.mark.skipif(connection.vendor == "sqlite", reason="backward remakes on SQLite"),
]

BEFORE = [
    ("contenttypes", "0002_remove_content_type_name"),
    ("reports", "0007_merge_0003_prices_version_0006_merge_20261207_0216"),
    ("books", None),
]
AFTER = [("reports", "0008_books_moved_out"), ("books", "0001_moved_from_reports")]
T0 = datetime(2025, 3, 5, 12, 0, tzinfo=UTC)
MOVED = ["accountingrun", "yearresult", "disposalrow", "lotrow", "incomerow", "dailyvalue"]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def _old_rows(old):
    user = old.get_model("auth", "User").objects.create(username="legacy-books")
    Run = old.get_model("reports", "AccountingRun")
    run = Run.objects.create(
        user=user, jurisdiction="us", method="fifo", base_currency="USD", as_of=T0,
        state="succeeded", warnings=["a warning"],
    )  # fmt: skip
    old.get_model("reports", "YearResult").objects.create(
        run=run, year=2025, summary={"net": "12.50"}
    )
    old.get_model("reports", "DisposalRow").objects.create(
        run=run, event_id="L-SELL", time=T0, tax_year=2025, asset="XBT", quantity=Decimal("0.5"),
        proceeds=Decimal("30000.01"), basis=Decimal("29987.51"), gain=Decimal("12.50"),
        term="short", lots=[{"lot_id": "L-BUY", "quantity": "0.5"}],
    )  # fmt: skip
    old.get_model("reports", "LotRow").objects.create(
        run=run, lot_id="L-BUY", asset="XBT", acquired=T0, quantity=Decimal("0.25"),
        cost_basis=Decimal("1.000000000000000001"),
    )  # fmt: skip
    old.get_model("reports", "DailyValue").objects.create(
        run=run, date=date(2025, 3, 5), value=Decimal("100.10")
    )
    return user, run


def test_rows_made_under_the_reports_app_are_read_through_books():
    old = migrate(BEFORE)
    try:
        user, run = _old_rows(old)
        ContentType = old.get_model("contenttypes", "ContentType")
        ContentType.objects.get_or_create(app_label="reports", model="accountingrun")

        new = migrate(AFTER)

        Run = new.get_model("books", "AccountingRun")
        moved = Run.objects.get(pk=run.pk)
        assert (moved.user_id, moved.state, moved.warnings) == (user.pk, "succeeded", ["a warning"])
        assert moved.years.get().summary == {"net": "12.50"}
        sale = moved.disposals.get()
        assert (sale.event_id, sale.proceeds, sale.gain) == (
            "L-SELL",
            Decimal("30000.01"),
            Decimal("12.50"),
        )
        assert sale.lots == [{"lot_id": "L-BUY", "quantity": "0.5"}]
        assert moved.lots.get().cost_basis == Decimal("1.000000000000000001")
        assert moved.daily_values.get().value == Decimal("100.10")
        with pytest.raises(LookupError):
            new.get_model("reports", "AccountingRun")
        ContentType = new.get_model("contenttypes", "ContentType")
        assert ContentType.objects.filter(app_label="books", model="accountingrun").exists()
        assert not ContentType.objects.filter(app_label="reports", model__in=MOVED).exists()
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
