"""Lint: dates on pages go through the one filter (`when`, or `day`/`month` for dates and months),
which formats in the user's zone; no template formats a date its own way."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# Django's own date filters, Python's ISO text, and raw moments printed as Django's default format.
FORBIDDEN = re.compile(
    r"\|\s*(date|time|naturaltime|naturalday|timesince|timeuntil)\b"
    r"|isoformat"
    r"|\{\{\s*[\w.]*(\.time|_at|\.created|\.acquired|\.disposed)\s*\}\}"
)
# The PDF reports state their own UTC format (their header says so): not pages in the user's zone.
EXEMPT = {"reports/pdf"}


def _offences(text: str) -> list[str]:
    return [m.group(0) for m in FORBIDDEN.finditer(text)]


def test_the_lint_catches_each_forbidden_form():
    for bad in ('{{ x.created_at|date:"Y-m-d" }}', "{{ x|time:'H:i' }}", "{{ x.isoformat }}",
                "{{ run.created_at }}", "{{ p.time }}", "{{ t|timesince }}"):  # fmt: skip
        assert _offences(bad), bad
    assert not _offences("{{ run.created_at|when }} {{ d|day }} {{ m|month }} {{ x|input_date }}")


def test_no_template_formats_a_date_its_own_way():
    offences = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        relative = path.relative_to(TEMPLATES).as_posix()
        if any(relative.startswith(prefix) for prefix in EXEMPT):
            continue
        offences += [f"{relative}: {found}" for found in _offences(path.read_text())]
    assert offences == []
