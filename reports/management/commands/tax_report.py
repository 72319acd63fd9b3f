"""python manage.py tax_report --user NAME --year YYYY [--jurisdiction J] [--method M]
[--time-zone ZONE] [--connection ID] --format json|csv|pdf|zip [--output FILE]

``json`` computes the year's totals from the stored ledger with the given settings. ``pdf``,
``zip`` and ``csv`` write the filing report from the stored results (the books of the user's
current settings, as the Download panel does); ``csv`` writes every CSV into the --output folder.
"""

import json
from zoneinfo import available_timezones

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import KrakenConnection
from portfolio.accounting import summarise_tax_year
from portfolio.accounting.jurisdictions import JURISDICTIONS, METHOD_LABELS
from portfolio.books import derivatives, inputs
from portfolio.books.services import compute_for, settings_for
from portfolio.selectors import never_synced, never_synced_message
from reports.management.report_files import write_report


class Command(BaseCommand):
    help = "Print a tax year's totals (disposals, short and long term, income, fees) as JSON."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True)
        parser.add_argument(
            "--year", type=int, required=True, help="the tax year that starts in this calendar year"
        )
        parser.add_argument("--jurisdiction", choices=sorted(JURISDICTIONS))
        parser.add_argument("--method", choices=list(METHOD_LABELS))
        parser.add_argument(
            "--time-zone", help="IANA zone tax dates are taken in (default: the profile's)"
        )
        parser.add_argument("--connection", type=int)
        parser.add_argument("--format", choices=["json", "csv", "pdf", "zip"], required=True)
        parser.add_argument(
            "--output", help="write to this file (csv: this folder) instead of standard output"
        )

    def handle(self, *args, **o):
        user = get_user_model().objects.filter(username=o["user"]).first()
        if user is None:
            raise CommandError(f"unknown user {o['user']!r}")
        connection = None
        if o["connection"] is not None:
            connection = KrakenConnection.objects.filter(pk=o["connection"], user=user).first()
            if connection is None:
                raise CommandError(f"user {user.username!r} has no connection {o['connection']}")
        in_scope = [connection] if connection else list(user.kraken_connections.all())
        unsynced = never_synced(connections=in_scope)
        if unsynced:
            raise CommandError(never_synced_message(unsynced), returncode=2)
        zone = o["time_zone"]
        if zone is not None and zone not in available_timezones():
            raise CommandError(f"--time-zone {zone!r} is not an IANA time zone (e.g. Europe/Paris)")
        try:
            settings = settings_for(
                user=user, jurisdiction=o["jurisdiction"], method=o["method"], time_zone=zone
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not 2009 <= o["year"] <= 2100:
            raise CommandError(f"--year {o['year']} is not a plausible tax year")
        if o["format"] != "json":
            write_report(self, user=user, connection=connection, settings=settings, o=o)
            return
        _start, end = settings.rules.tax_year_period(o["year"])
        as_of = min(timezone.now(), end)
        rows = inputs.ledger_rows(
            user=user, connection=connection, per_connection=settings.per_wallet
        )
        prices = (
            inputs.price_source(user=user, connection=connection, as_of=as_of) if rows else None
        )
        _classified, result = compute_for(rows=rows, settings=settings, as_of=as_of, prices=prices)
        books = derivatives.derivatives_for(
            user=user, connection=connection, rows=rows, settings=settings, as_of=as_of,
            prices=prices,
        )  # fmt: skip
        summary = derivatives.with_blocks(
            summarise_tax_year(result, o["year"]), books, o["year"], settings.base_currency
        )
        text = json.dumps(summary, indent=2)
        if o["output"]:
            try:
                with open(o["output"], "w") as handle:
                    handle.write(text + "\n")
            except OSError as exc:
                raise CommandError(f"cannot write {o['output']}: {exc.strerror}") from exc
            self.stdout.write(f"wrote {o['output']}")
        else:
            self.stdout.write(text)
