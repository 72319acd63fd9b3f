"""``tax_report --format csv|pdf|zip``: the filing report from the stored results."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from reports import tables
from reports.content import report_for, run_for_report
from reports.services import report_bytes


def _stored_run(*, user, connection, settings):
    try:
        run = run_for_report(user=user, connection=connection)
    except Http404 as exc:
        raise CommandError(f"{exc} (python manage.py accounting_rebuild --user NAME)") from exc
    wanted = (settings.jurisdiction, settings.method, settings.time_zone)
    stored = (run.jurisdiction, run.method, run.time_zone or settings.time_zone)
    if wanted != stored:
        raise CommandError(
            f"the stored books are {stored[0]}/{stored[1]} in {stored[2]}, not "
            f"{wanted[0]}/{wanted[1]} in {wanted[2]}: change the profile and rebuild, or use "
            "--format json"
        )
    return run


def write_report(command: BaseCommand, *, user, connection, settings, o: dict) -> None:
    if not o["output"]:
        raise CommandError(f"--format {o['format']} needs --output")
    run = _stored_run(user=user, connection=connection, settings=settings)
    report = report_for(user=user, year=o["year"], connection=connection, run=run)
    output = Path(o["output"])
    try:
        if o["format"] == "csv":
            output.mkdir(parents=True, exist_ok=True)
            for name, content in tables.csv_files(report).items():
                (output / name).write_bytes(content)
        else:
            output.write_bytes(report_bytes(report, o["format"]))
    except OSError as exc:
        raise CommandError(f"cannot write {output}: {exc.strerror}") from exc
    command.stdout.write(f"wrote {output}")
