"""CSV import tests: fixture files are written from a simulator account whose truth is known."""

import pytest

from tests.simulated import fast_public_calls, simulator  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def import_settings(settings, tmp_path, fast_public_calls):  # noqa: F811
    settings.KRAKEN_IMPORT_DIR = tmp_path / "imports"
    settings.ACCOUNTING_REBUILD_AFTER_SYNC = False
    return settings
