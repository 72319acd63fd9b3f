"""The clients over real HTTP against tests/kraken/fake_kraken.py (the project simulator's
server had not landed when these were written)."""

import multiprocessing
import time
from decimal import Decimal

import pytest

from portfolio.kraken import TIERS, KrakenFuturesClient, KrakenSpotClient, RateTier, errors, scaled
from portfolio.kraken.exports import parse_export_zip
from portfolio.kraken.state import FileState, MemoryState
from portfolio.kraken.transport import RetryPolicy
from tests.kraken.fake_kraken import FakeKraken

SPEED = 50
FAST = scaled(TIERS["pro"], SPEED)


@pytest.fixture
def fake():
    server = FakeKraken(decay=float(FAST.decay_per_second)).start()
    server.add_key("key-1")
    yield server
    server.stop()


def spot(fake, *, api_key="key-1", secret=None, sleeps=None, **kwargs) -> KrakenSpotClient:
    recorded = sleeps if sleeps is not None else []
    kwargs.setdefault("state", MemoryState())
    kwargs.setdefault("tier", FAST)
    return KrakenSpotClient(
        api_key=api_key,
        api_secret=secret or fake.keys["key-1"].secret,
        base_url=fake.base_url,
        sleep=recorded.append,
        **kwargs,
    )


def test_balance_endpoints_parse_to_records(fake):
    client = spot(fake)
    assert [(b.asset, b.balance) for b in client.balance()] == [
        ("BTC", Decimal("1.5000000000")),
        ("USD", Decimal("100.0000")),
        ("DOT28.S", Decimal("3.0000000000")),
    ]
    (entry,) = client.balance_ex()
    assert entry.available == Decimal("1.0000000000")
    assert client.trade_balance().e == Decimal("2.0")
    assert client.websockets_token() == ("abc", 900)
    (ledger,) = client.query_ledgers(["L00001-AAAAA-BBBBBB"])
    assert (ledger.asset, ledger.amount) == ("BTC", Decimal("1.0000"))
    assert client.public.server_time().year == 2023


def test_export_round_trip(fake):
    client = spot(fake)
    assert client.add_export(report="ledgers", description="all") == "TCJA"
    (entry,) = parse_export_zip(client.retrieve_export("TCJA"))
    assert entry.ledger_id == "LXCY6M-XDSKI-5VM4X6"
    assert client.remove_export("TCJA") is True


def test_iter_ledgers_walks_every_page_with_progress(fake):
    progress = []
    rows = list(spot(fake).iter_ledgers(progress=lambda got, total: progress.append((got, total))))
    assert [r.ledger_id for r in rows] == [f"L{i:05d}-AAAAA-BBBBBB" for i in reversed(range(120))]
    assert progress == [(50, 120), (100, 120), (120, 120)]


def test_wrong_key_raises_invalid_key_at_once(fake):
    with pytest.raises(errors.InvalidKeyError) as raised:
        spot(fake, api_key="nobody").balance()
    assert (raised.value.transient, raised.value.kraken_error) == (False, "EAPI:Invalid key")
    assert fake.stats.requests == 1


def test_wrong_secret_raises_invalid_signature_at_once(fake):
    with pytest.raises(errors.InvalidSignatureError):
        spot(fake, secret="d3Jvbmcgc2VjcmV0").balance()
    assert fake.stats.requests == 1


def test_missing_permission_names_it(fake):
    fake.add_key("no-ledger", {"funds"})
    with pytest.raises(errors.PermissionDeniedError, match='"Query Ledger Entries"'):
        spot(fake, api_key="no-ledger").ledgers_page()
    assert fake.stats.requests == 1


def test_nonce_held_by_another_program_is_retried_three_times_then_raised(fake):
    fake.keys["key-1"].last_nonce = int(time.time() * 1000) + 60_000
    with pytest.raises(errors.InvalidNonceError) as raised:
        spot(fake).balance()
    assert raised.value.transient is True
    assert fake.stats.requests == 4


def test_stale_nonce_recovers_with_a_fresh_one(fake):
    now = [time.time()]
    fake.keys["key-1"].last_nonce = int(now[0] * 1000) + 500

    def sleep(seconds: float) -> None:
        now[0] += 1.0

    client = KrakenSpotClient(
        api_key="key-1",
        api_secret=fake.keys["key-1"].secret,
        base_url=fake.base_url,
        tier=FAST,
        sleep=sleep,
        state=MemoryState(clock=lambda: now[0]),
    )
    assert len(client.balance()) == 3
    assert fake.stats.requests == 2


@pytest.mark.parametrize(
    "fault", ["unavailable", "busy", "lockout", "ratelimit", "http502", "truncated", "slow"]
)
def test_transient_faults_are_retried_with_backoff(fake, fault):
    sleeps: list[float] = []
    fake.faults = [fault]
    client = spot(fake, sleeps=sleeps, timeout=0.3)
    assert len(client.balance()) == 3
    assert fake.stats.requests == 2
    backoff = [s for s in sleeps if s >= 0.25]
    assert len(backoff) == 1 and 0.25 <= backoff[0] <= 0.5


def test_exhausted_retries_raise_the_last_transient_error(fake):
    sleeps: list[float] = []
    fake.faults = ["busy"] * 10
    with pytest.raises(errors.ServiceUnavailableError) as raised:
        spot(fake, sleeps=sleeps, retry=RetryPolicy(max_retries=3)).balance()
    assert (raised.value.transient, raised.value.kraken_error) == (True, "EService:Busy")
    assert fake.stats.requests == 4
    assert len(sleeps) == 3
    assert [0.25 <= sleeps[0] <= 0.5, 0.5 <= sleeps[1] <= 1, 1 <= sleeps[2] <= 2] == [True] * 3


def test_connection_refused_is_a_transient_network_error():
    client = KrakenSpotClient(
        api_key="k",
        api_secret="c2VjcmV0",
        base_url="http://127.0.0.1:9",
        sleep=lambda s: None,
        max_retries=1,
        state=MemoryState(),
    )
    with pytest.raises(errors.NetworkError) as raised:
        client.balance()
    assert raised.value.transient is True


def _worker(base_url: str, secret: str, state_dir: str, calls: int, ledgers: bool) -> None:
    client = KrakenSpotClient(
        api_key="key-1", api_secret=secret, base_url=base_url, tier=FAST, state=FileState(state_dir)
    )
    for _ in range(calls):
        if ledgers:
            assert len(list(client.iter_ledgers())) == 500
        else:
            client.balance()


def _run_workers(fake, tmp_path, calls: int, ledgers: bool) -> None:
    context = multiprocessing.get_context("fork")
    args = (fake.base_url, fake.keys["key-1"].secret, str(tmp_path), calls, ledgers)
    children = [context.Process(target=_worker, args=args) for _ in range(4)]
    for child in children:
        child.start()
    for child in children:
        child.join(60)
        assert child.exitcode == 0  # each walk got all 500 entries (see _worker)


def test_four_processes_times_fifty_calls_on_one_key_give_no_invalid_nonce(fake, tmp_path):
    _run_workers(fake, tmp_path, calls=50, ledgers=False)
    assert fake.stats.requests == 200
    assert fake.stats.invalid_nonce == 0
    assert fake.stats.rate_limited == 0
    assert fake.stats.max_in_flight == 1


def test_four_processes_paging_one_ledger_stay_under_the_limit_at_high_rate(fake, tmp_path):
    """Four processes on one key, each walking a 500-entry ledger as fast as the tier allows:
    no rate-limit rejection, no invalid nonce, every page walked once per process.

    How close to the allowed rate they get is a speed figure, not a test: bench/client_paging.py
    measures it ("share of allowed", from the simulator's own log; bench/RESULTS.md).
    """
    fake.ledger = dict(sorted(FakeKraken(ledger_size=500).ledger.items()))
    _run_workers(fake, tmp_path, calls=1, ledgers=True)
    assert fake.stats.rate_limited == 0
    assert fake.stats.invalid_nonce == 0
    assert fake.stats.requests == 4 * 10  # 4 walks of 10 pages of 50


def test_futures_accounts_and_account_log_falls_back_to_v2(fake):
    client = KrakenFuturesClient(
        api_key="key-1",
        api_secret=fake.keys["key-1"].secret,
        base_url=fake.base_url,
        sleep=lambda s: None,
        state=MemoryState(),
    )
    assert client.accounts()["cash"].balances == {"BTC": Decimal("0.25"), "USD": Decimal("5000.0")}
    (entry,) = client.account_log()
    assert (entry.id, entry.asset, entry.new_balance) == (1, "ETH", Decimal("2.6868286287"))
    assert client.history_version == "v2"
    assert client.fills() == ()


def test_futures_wrong_key_raises_authentication_error(fake):
    client = KrakenFuturesClient(
        api_key="nobody",
        api_secret="c2VjcmV0",
        base_url=fake.base_url,
        sleep=lambda s: None,
        state=MemoryState(),
    )
    with pytest.raises(errors.AuthenticationError) as raised:
        client.accounts()
    assert raised.value.kraken_error == "authenticationError"


def test_rate_tier_for_a_simulator_speed():
    assert RateTier(Decimal(20), Decimal(50)) == FAST
