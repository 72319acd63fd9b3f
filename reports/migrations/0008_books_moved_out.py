"""The engine's stored results now belong to the books app (books 0001): remove them from this
app's state without touching their tables, and move their content types (and so the permissions
that point at them) to the books label."""

from django.db import migrations

MODELS = [
    "accountingrun",
    "yearresult",
    "lotrow",
    "disposalrow",
    "incomerow",
    "dailyvalue",
    "runcheckpoint",
    "unknownbasisdepositrow",
    "depositbasis",
    "marginrow",
    "futuresrow",
]


def _relabel(apps, old, new):
    types = apps.get_model("contenttypes", "ContentType").objects
    for model in MODELS:
        if not types.filter(app_label=new, model=model).exists():
            types.filter(app_label=old, model=model).update(app_label=new)


def content_types_to_books(apps, schema_editor):
    _relabel(apps, "reports", "books")


def content_types_to_reports(apps, schema_editor):
    _relabel(apps, "books", "reports")


class Migration(migrations.Migration):
    dependencies = [
        ("books", "0001_moved_from_reports"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reports", "0007_merge_0003_prices_version_0006_merge_20261207_0216"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="accountingrun",
                    name="based_on",
                ),
                migrations.RemoveField(
                    model_name="accountingrun",
                    name="connection",
                ),
                migrations.RemoveField(
                    model_name="accountingrun",
                    name="job",
                ),
                migrations.RemoveField(
                    model_name="accountingrun",
                    name="user",
                ),
                migrations.RemoveField(
                    model_name="incomerow",
                    name="run",
                ),
                migrations.RemoveField(
                    model_name="marginrow",
                    name="run",
                ),
                migrations.RemoveField(
                    model_name="futuresrow",
                    name="run",
                ),
                migrations.RemoveField(
                    model_name="yearresult",
                    name="run",
                ),
                migrations.RemoveField(
                    model_name="unknownbasisdepositrow",
                    name="run",
                ),
                migrations.RemoveField(
                    model_name="dailyvalue",
                    name="run",
                ),
                migrations.RemoveField(
                    model_name="disposalrow",
                    name="run",
                ),
                migrations.RemoveField(
                    model_name="runcheckpoint",
                    name="run",
                ),
                migrations.RemoveField(
                    model_name="depositbasis",
                    name="user",
                ),
                migrations.RemoveField(
                    model_name="futuresrow",
                    name="connection",
                ),
                migrations.DeleteModel(
                    name="LotRow",
                ),
                migrations.DeleteModel(
                    name="IncomeRow",
                ),
                migrations.DeleteModel(
                    name="MarginRow",
                ),
                migrations.DeleteModel(
                    name="YearResult",
                ),
                migrations.DeleteModel(
                    name="UnknownBasisDepositRow",
                ),
                migrations.DeleteModel(
                    name="DailyValue",
                ),
                migrations.DeleteModel(
                    name="DisposalRow",
                ),
                migrations.DeleteModel(
                    name="AccountingRun",
                ),
                migrations.DeleteModel(
                    name="RunCheckpoint",
                ),
                migrations.DeleteModel(
                    name="DepositBasis",
                ),
                migrations.DeleteModel(
                    name="FuturesRow",
                ),
            ]
        ),
        migrations.RunPython(content_types_to_books, content_types_to_reports),
    ]
