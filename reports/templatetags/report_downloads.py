"""``{% download_panel year %}``: the tax-year page's Download panel (files, running builds)."""

from django import template

from reports.models import ReportFormat
from reports.selectors import report_files_for, report_jobs_for, with_build_state

register = template.Library()


@register.inclusion_tag("reports/_download_panel.html", takes_context=True)
def download_panel(context, year: int) -> dict:
    user = context["request"].user
    return {
        "year": year,
        "files": with_build_state(
            user=user, files=list(report_files_for(user=user, year=year)[:20])
        ),
        "building": list(report_jobs_for(user=user, year=year)),
        "formats": ReportFormat.choices,
        "connections": list(user.kraken_connections.order_by("label")),
        "csrf_token": context.get("csrf_token"),
    }
