import pytest

from portfolio.simulator.server import SimulatorServer
from tests.simulated import SPEED


@pytest.fixture(scope="session")
def simulator():
    server = SimulatorServer(speed=SPEED, seed=23).start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def fast_public_calls(settings, tmp_path):
    settings.KRAKEN_PUBLIC_RATE = "1000"
    settings.KRAKEN_RETRY_BASE_DELAY = 0.005
    if not settings.REDIS_URL:
        settings.KRAKEN_STATE_DIR = tmp_path / "kraken-state"
    return settings
