"""Kraken's error answers reach the caller as the right exception, retried only when transient."""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import time
import urllib.parse

import pytest
import requests

from portfolio.kraken import KrakenPublicClient, MemoryState, RetryPolicy
from portfolio.kraken.errors import (
    InvalidKeyError,
    InvalidNonceError,
    InvalidSignatureError,
    PermissionDeniedError,
    UnknownAssetPairError,
)
from portfolio.simulator import SimAccount, SimulatorServer

from .conftest import spot_client
from .truth import client_ledger_row, ledger_row


def calls(sim: SimulatorServer, key: str) -> dict[str, int]:
    return dict(sim.counters["calls"].get(key, {}))


def rejections(sim: SimulatorServer, key: str) -> dict[str, int]:
    return dict(sim.counters["rejections_by_key"].get(key, {}))


def raw_balance(sim: SimulatorServer, account: SimAccount, nonce: int) -> list[str]:
    """Another program on the same key: signs and sends one Balance call itself."""
    path, body = "/0/private/Balance", urllib.parse.urlencode({"nonce": nonce})
    digest = hashlib.sha256(str(nonce).encode() + body.encode()).digest()
    mac = hmac.new(base64.b64decode(account.spot_secret), path.encode() + digest, hashlib.sha512)
    headers = {"API-Key": account.spot_key, "API-Sign": base64.b64encode(mac.digest()).decode()}
    reply = requests.post(sim.base_url + path, data=body, headers=headers, timeout=5)
    return reply.json()["error"]


def test_an_unknown_key_fails_at_once_with_one_call(
    sim: SimulatorServer, account: SimAccount
) -> None:
    wrong_key = base64.b64encode(b"not a key Kraken knows" * 2).decode()
    client = spot_client(sim, account, MemoryState(), key=wrong_key)
    with pytest.raises(InvalidKeyError) as caught:
        client.balance()
    assert caught.value.kraken_error == "EAPI:Invalid key"
    assert caught.value.transient is False
    assert calls(sim, wrong_key) == {"private/Balance": 1}


def test_a_wrong_secret_fails_at_once_as_an_invalid_signature(sim: SimulatorServer) -> None:
    account = sim.add_account(seed=31, size=50)
    other_secret = base64.b64encode(b"\x01" * 64).decode()
    client = spot_client(sim, account, MemoryState(), secret=other_secret)
    with pytest.raises(InvalidSignatureError) as caught:
        client.balance()
    assert caught.value.kraken_error == "EAPI:Invalid signature"
    assert caught.value.transient is False
    assert calls(sim, account.spot_key) == {"private/Balance": 1}
    assert rejections(sim, account.spot_key) == {"EAPI:Invalid signature": 1}


def test_a_key_that_saw_a_huge_nonce_fails_after_the_nonce_retries(sim: SimulatorServer) -> None:
    account = sim.add_account(seed=32, size=50)
    # Another app used the key with a 10^8-per-second nonce; millisecond nonces now lose forever.
    assert raw_balance(sim, account, int(time.time() * 100_000_000)) == []
    retry = RetryPolicy(max_retries=6, base_delay=0.01, max_delay=0.05, max_nonce_retries=3)
    client = spot_client(sim, account, MemoryState(), retry=retry)
    with pytest.raises(InvalidNonceError) as caught:
        client.balance()
    assert caught.value.kraken_error == "EAPI:Invalid nonce"
    assert calls(sim, account.spot_key) == {"private/Balance": 5}  # the other app's + 1 + 3
    assert rejections(sim, account.spot_key) == {"EAPI:Invalid nonce": 4}


def test_a_second_client_with_its_own_state_ahead_in_nonces_is_overtaken_after_a_retry(
    sim: SimulatorServer,
) -> None:
    account = sim.add_account(seed=33, size=50)
    ahead = MemoryState(clock=lambda: time.time() + 0.2)  # a host whose clock runs 200 ms fast
    assert spot_client(sim, account, ahead).balance()
    retry = RetryPolicy(max_retries=6, base_delay=0.5, max_delay=1.0)  # first wait >= 0.25 s
    balances = spot_client(sim, account, MemoryState(), retry=retry).balance()
    assert {b.raw_asset: b.balance for b in balances} == account.truth.balances
    assert calls(sim, account.spot_key) == {"private/Balance": 3}
    assert rejections(sim, account.spot_key) == {"EAPI:Invalid nonce": 1}


def test_a_missing_permission_is_permanent_and_names_the_permission(
    sim: SimulatorServer,
) -> None:
    account = sim.add_account(
        seed=34, size=50, permissions=["query_funds", "query_closed_orders_and_trades"]
    )
    client = spot_client(sim, account, MemoryState())
    with pytest.raises(PermissionDeniedError) as caught:
        list(client.iter_ledgers())
    assert caught.value.kraken_error == "EGeneral:Permission denied"
    assert '"Query Ledger Entries"' in caught.value.message
    assert caught.value.transient is False
    assert calls(sim, account.spot_key) == {"private/Ledgers": 1}
    assert client.balance()  # the permissions the key has still work


def test_an_unknown_asset_pair_is_permanent(
    sim: SimulatorServer, public: KrakenPublicClient
) -> None:
    key = "public:127.0.0.1"
    before = calls(sim, key).get("public/Ticker", 0)
    with pytest.raises(UnknownAssetPairError) as caught:
        public.ticker(["NOPEUSD"])
    assert caught.value.kraken_error == "EQuery:Unknown asset pair"
    assert caught.value.transient is False
    assert calls(sim, key)["public/Ticker"] - before == 1


def test_a_second_uncoordinated_program_on_the_key_causes_rate_limits_the_client_survives(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Several programs on one key need Kraken's nonce window (support recommends 10-15 s).
    with SimulatorServer(speed=10, seed=0, nonce_window=15_000) as sim:
        account = sim.add_account(seed=35, size=600)
        client = spot_client(sim, account, MemoryState())
        stop = threading.Event()

        def other_program() -> None:
            while not stop.is_set():
                raw_balance(sim, account, int(time.time() * 1000))
                time.sleep(0.25)  # 4 units/s: 40 % of the allowed 10/s

        intruder = threading.Thread(target=other_program)
        intruder.start()
        try:
            received = [client_ledger_row(e) for e in client.iter_ledgers()]
        finally:
            stop.set()
            intruder.join()
        counters = sim.counters
    assert received == [ledger_row(e) for e in reversed(account.truth.ledgers)]
    limited = [e for e in counters["events"] if e[3] == "EAPI:Rate limit exceeded"]
    assert any(e[2] == "private/Ledgers" for e in limited)  # the client itself was refused
    assert "EAPI:Rate limit exceeded; retry" in caplog.text
