import pytest

from tests.simulated import fast_public_calls, simulator  # noqa: F401  (shared fixtures)


@pytest.fixture(autouse=True)
def _paced(fast_public_calls):  # noqa: F811
    return fast_public_calls


@pytest.fixture(autouse=True)
def _tasks_in_process(eager):
    """What a change triggers (a price fill, a rebuild) runs here, whatever broker the suite is
    configured with, so a test sees its result."""
    return eager
