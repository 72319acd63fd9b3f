import pytest

from tests.simulated import fast_public_calls, simulator  # noqa: F401  (shared fixtures)


@pytest.fixture(autouse=True)
def _paced(fast_public_calls):  # noqa: F811
    return fast_public_calls
