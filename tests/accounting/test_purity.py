"""The engine is a pure package: no Django, no hidden clock."""

import ast
from pathlib import Path

import portfolio.accounting

PACKAGE = Path(portfolio.accounting.__file__).parent
MODULES = sorted(PACKAGE.rglob("*.py"))


def imported_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_module_under_portfolio_accounting_imports_django():
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in MODULES
        if any(n == "django" or n.startswith("django.") for n in imported_names(p))
    ]
    assert len(MODULES) >= 15 and offenders == []


def test_no_module_reads_the_clock():
    sources = {p.name: p.read_text() for p in MODULES}
    offenders = [
        name
        for name, text in sources.items()
        if any(
            call in text
            for call in ("datetime.now(", "datetime.utcnow(", "date.today(", "time.time(")
        )
    ]
    assert offenders == []


def test_every_engine_module_opens_with_a_docstring():
    missing = [
        str(p.relative_to(PACKAGE))
        for p in MODULES
        if ast.get_docstring(ast.parse(p.read_text())) is None
    ]
    assert missing == []


def test_modules_stay_under_about_400_lines():
    long = {p.name: n for p in MODULES if (n := len(p.read_text().splitlines())) > 420}
    assert long == {}
