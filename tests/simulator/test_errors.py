"""Kraken's exact error strings for key, signature, nonce, rate limit, permission and arguments."""

from __future__ import annotations

import base64
import json
import time

import requests

from portfolio.simulator import SimAccount, SimulatorServer

from .helpers import Futures, Spot, next_nonce, sign_spot

OTHER_SECRET = base64.b64encode(b"x" * 64).decode()


def test_unknown_key_is_invalid_key(spot: Spot) -> None:
    assert spot.raw("Balance", key="not-a-key").json() == {"error": ["EAPI:Invalid key"]}


def test_wrong_secret_is_invalid_signature(spot: Spot) -> None:
    assert spot.raw("Balance", secret=OTHER_SECRET).json() == {"error": ["EAPI:Invalid signature"]}


def test_body_changed_after_signing_is_invalid_signature(sim: SimulatorServer, spot: Spot) -> None:
    nonce = next_nonce()
    signed = f"nonce={nonce}&ofs=0"
    headers = {
        "API-Key": spot.key,
        "API-Sign": sign_spot("/0/private/Ledgers", str(nonce), signed, spot.secret),
    }
    reply = requests.post(
        f"{sim.base_url}/0/private/Ledgers",
        data=f"nonce={nonce}&ofs=50",
        headers=headers,
        timeout=5,
    )
    assert reply.json() == {"error": ["EAPI:Invalid signature"]}


def test_json_body_is_verified_over_its_exact_bytes(
    sim: SimulatorServer, spot: Spot, account: SimAccount
) -> None:
    nonce = next_nonce()
    body = json.dumps({"nonce": str(nonce), "asset": "ZUSD"})
    headers = {
        "API-Key": spot.key,
        "Content-Type": "application/json",
        "API-Sign": sign_spot("/0/private/TradeBalance", str(nonce), body, spot.secret),
    }
    reply = requests.post(
        f"{sim.base_url}/0/private/TradeBalance", data=body, headers=headers, timeout=5
    ).json()
    assert reply["error"] == []
    assert set(reply["result"]) >= {"eb", "tb", "m", "n", "c", "v", "e", "mf"}


def test_repeated_or_lower_nonce_is_invalid_nonce(spot: Spot) -> None:
    nonce = next_nonce()
    assert spot.raw("Balance", nonce=nonce).json()["error"] == []
    assert spot.raw("Balance", nonce=nonce).json() == {"error": ["EAPI:Invalid nonce"]}
    assert spot.raw("Balance", nonce=nonce - 1).json() == {"error": ["EAPI:Invalid nonce"]}
    assert spot.raw("Balance", nonce=nonce + 1).json()["error"] == []


def test_nonce_window_tolerates_a_late_nonce_once() -> None:
    with SimulatorServer(speed=1000, nonce_window=5000) as server:
        acc = server.add_account(seed=1, size=100)
        client = Spot(server.base_url, acc.spot_key, acc.spot_secret)
        assert client.raw("Balance", nonce=100_000).json()["error"] == []
        assert client.raw("Balance", nonce=96_000).json()["error"] == []
        assert client.raw("Balance", nonce=96_000).json() == {"error": ["EAPI:Invalid nonce"]}
        assert client.raw("Balance", nonce=94_999).json() == {"error": ["EAPI:Invalid nonce"]}


def test_missing_permission_is_permission_denied(sim: SimulatorServer) -> None:
    limited = sim.add_account(
        seed=3, size=100, permissions={"Query Funds", "Query Closed Orders & Trades"}
    )
    client = Spot(sim.base_url, limited.spot_key, limited.spot_secret)
    assert client.call("Ledgers") == {"error": ["EGeneral:Permission denied"]}
    assert client.call("QueryLedgers", id="LAAAAA-AAAAA-AAAAAA") == {
        "error": ["EGeneral:Permission denied"]
    }
    assert client.call("AddExport", report="ledgers", description="x") == {
        "error": ["EGeneral:Permission denied"]
    }
    assert client.call("Balance")["error"] == []
    assert client.call("TradesHistory")["error"] == []


def test_unknown_pair_is_unknown_asset_pair(spot: Spot) -> None:
    assert spot.public("Ticker", pair="NOPEUSD") == {"error": ["EQuery:Unknown asset pair"]}
    assert spot.public("OHLC", pair="NOPEUSD") == {"error": ["EQuery:Unknown asset pair"]}
    assert spot.public("AssetPairs", pair="XBTUSD,NOPEUSD") == {
        "error": ["EQuery:Unknown asset pair"]
    }


def test_bad_arguments_are_invalid_arguments(spot: Spot) -> None:
    assert spot.call("Ledgers", ofs="-1") == {"error": ["EGeneral:Invalid arguments"]}
    assert spot.call("Ledgers", type="bogus") == {"error": ["EGeneral:Invalid arguments"]}
    assert spot.call("Ledgers", start="LNOSUCH-ENTRY-ATALL0") == {
        "error": ["EGeneral:Invalid arguments"]
    }
    assert spot.call("QueryLedgers", id=",".join(["L"] * 21)) == {
        "error": ["EGeneral:Invalid arguments"]
    }
    assert spot.call("Ledgers", asset="NOPE") == {"error": ["EQuery:Unknown asset"]}


def test_unknown_method_and_post_to_public_are_unknown_method(
    sim: SimulatorServer, spot: Spot
) -> None:
    assert spot.call("AddOrder") == {"error": ["EGeneral:Unknown method"]}
    posted = requests.post(f"{sim.base_url}/0/public/Time", timeout=5).json()
    assert posted == {"error": ["EGeneral:Unknown method"]}


def test_spot_counter_refuses_the_call_that_would_pass_the_pro_maximum(
    fresh: SimulatorServer,
) -> None:
    acc = fresh.add_account(seed=1, size=200, tier="pro")
    client = Spot(fresh.base_url, acc.spot_key, acc.spot_secret)
    errors = [client.call("Ledgers")["error"] for _ in range(11)]
    assert errors == [[]] * 10 + [["EAPI:Rate limit exceeded"]]


def test_starter_maximum_is_15_and_cost_one_calls_fit_the_remainder(fresh: SimulatorServer) -> None:
    acc = fresh.add_account(seed=1, size=200, tier="starter")
    client = Spot(fresh.base_url, acc.spot_key, acc.spot_secret)
    assert [client.call("TradesHistory")["error"] for _ in range(7)] == [[]] * 7
    assert client.call("QueryTrades", txid=acc.truth.trades[0].txid)["error"] == [
        "EAPI:Rate limit exceeded"
    ]
    assert client.call("Balance")["error"] == []
    assert client.call("Balance")["error"] == ["EAPI:Rate limit exceeded"]


def test_speed_scales_the_counter_decay() -> None:
    with SimulatorServer(speed=50) as server:
        acc = server.add_account(seed=1, size=200, tier="pro")
        client = Spot(server.base_url, acc.spot_key, acc.spot_secret)
        while client.call("Ledgers")["error"] == []:
            pass
        time.sleep(0.1)  # 50 units/s at speed 50: at least 5 units decay
        assert [client.call("Ledgers")["error"] for _ in range(2)] == [[], []]


def test_public_flood_is_too_many_requests(fresh: SimulatorServer) -> None:
    client = Spot(fresh.base_url, "", "")
    errors = [client.public("Time").get("error") for _ in range(6)]
    assert errors == [[]] * 5 + [["EGeneral:Too many requests"]]


def test_futures_bad_key_or_signature_is_authentication_error(
    sim: SimulatorServer, futures: Futures
) -> None:
    wrong = futures.get("/derivatives/api/v3/accounts", secret=OTHER_SECRET).json()
    assert (wrong["result"], wrong["error"]) == ("error", "authenticationError")
    stranger = (
        Futures(sim.base_url, "nobody", futures.secret).get("/derivatives/api/v3/accounts").json()
    )
    assert (stranger["result"], stranger["error"]) == ("error", "authenticationError")
    history = futures.get("/api/history/v3/account-log", "count=1", secret=OTHER_SECRET).json()
    assert history["error"] == "authenticationError"


def test_futures_path_is_signed_without_derivatives(futures: Futures) -> None:
    stripped = futures.get("/derivatives/api/v3/accounts", sign_path="/api/v3/accounts").json()
    assert stripped["result"] == "success"


def test_futures_repeated_nonce_is_nonce_duplicate(futures: Futures) -> None:
    nonce = str(next_nonce())
    assert (
        futures.get("/derivatives/api/v3/openpositions", nonce=nonce).json()["result"] == "success"
    )
    assert (
        futures.get("/derivatives/api/v3/openpositions", nonce=nonce).json()["error"]
        == "nonceDuplicate"
    )


def test_history_pool_of_100_tokens_refuses_the_eleventh_costly_log_call(
    fresh: SimulatorServer,
) -> None:
    acc = fresh.add_account(seed=1, size=200)
    client = Futures(fresh.base_url, acc.futures_key, acc.futures_secret)
    results = [client.get("/api/history/v3/account-log", "count=5001").json() for _ in range(11)]
    assert all("logs" in r for r in results[:10])
    assert (results[10]["result"], results[10]["error"]) == ("error", "apiLimitExceeded")


def test_derivatives_budget_of_500_refuses_the_21st_fills_page_before_a_time(
    fresh: SimulatorServer,
) -> None:
    acc = fresh.add_account(seed=1, size=200)
    client = Futures(fresh.base_url, acc.futures_key, acc.futures_secret)
    query = "lastFillTime=2030-01-01T00:00:00.000Z"
    results = [client.get("/derivatives/api/v3/fills", query).json()["result"] for _ in range(21)]
    assert results == ["success"] * 20 + ["error"]
    assert fresh.counters["rejections"] == {"apiLimitExceeded": 1}
