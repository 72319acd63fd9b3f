"""Request routing and Kraken's authentication pipeline, independent of the HTTP plumbing.

Spot private checks run in Kraken's order: unknown method, key (``EAPI:Invalid key``), API-Sign over
the exact body bytes (``EAPI:Invalid signature``), nonce (``EAPI:Invalid nonce``), rate counter
(``EAPI:Rate limit exceeded``), then permission (``EGeneral:Permission denied``). Futures checks
APIKey and Authent (path signed without ``/derivatives``) and then the endpoint's budget.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from . import errors
from .errors import KrakenError
from .futures_api import (
    FuturesContext,
    account_log,
    accounts,
    fills,
    open_orders,
    open_positions,
)
from .limits import spot_cost
from .signing import verify_futures_signature, verify_spot_signature
from .spot_private import PRIVATE, Context
from .spot_public import PUBLIC, PublicContext

if TYPE_CHECKING:
    from .account import SimAccount
    from .server import SimulatorServer

DERIVATIVES = {
    "accounts": accounts,
    "openpositions": open_positions,
    "openorders": open_orders,
    "fills": fills,
}


@dataclass(slots=True)
class Request:
    method: str
    path: str
    query: str
    body: bytes
    headers: dict[str, str]  # lower-case names
    client: str


@dataclass(slots=True)
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Outcome:
    reply: Reply
    key: str
    endpoint: str
    result: str = "ok"
    cost: float = 0.0


def to_json(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def spot_ok(result: Any) -> Reply:
    return Reply(body=to_json({"error": [], "result": result}))


def spot_error(message: str) -> Reply:
    return Reply(body=to_json({"error": [message]}))


def server_time() -> str:
    now = dt.datetime.now(dt.UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def futures_error(message: str) -> Reply:
    return Reply(body=to_json({"result": "error", "serverTime": server_time(), "error": message}))


def endpoint_of(path: str) -> str | None:
    """A short endpoint name for counters and fault targeting, or None for non-API paths."""
    for prefix, name in (
        ("/0/private/", "private/"),
        ("/0/public/", "public/"),
        ("/derivatives/api/v3/", "futures/"),
        ("/api/history/", "history/"),
    ):
        if path.startswith(prefix):
            return name + path.removeprefix(prefix)
    return None


def key_of(request: Request) -> str:
    return (
        request.headers.get("api-key")
        or request.headers.get("apikey")
        or f"public:{request.client}"
    )


def parse_spot_params(request: Request) -> dict[str, str]:
    """Form or JSON body parameters as strings (bad bodies raise EGeneral:Invalid arguments)."""
    content_type = request.headers.get("content-type", "")
    try:
        if "json" in content_type:
            raw = json.loads(request.body or b"{}", parse_float=Decimal)
            if not isinstance(raw, dict):
                raise ValueError("JSON body must be an object")
            return {k: _text(v) for k, v in raw.items()}
        text = request.body.decode()
        return {k: v[-1] for k, v in parse_qs(text, keep_blank_values=True).items()}
    except (ValueError, UnicodeDecodeError):
        raise KrakenError(errors.INVALID_ARGUMENTS) from None


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)


def spot_private(sim: SimulatorServer, request: Request, method: str) -> Outcome:
    key = request.headers.get("api-key", "")
    endpoint = f"private/{method}"

    def fail(message: str, cost: float = 0.0) -> Outcome:
        return Outcome(spot_error(message), key or "anonymous", endpoint, message, cost)

    if method not in PRIVATE or method in sim.disabled_methods:
        return fail(errors.UNKNOWN_METHOD)
    if sim.system_status == "maintenance":
        return fail(errors.SERVICE_UNAVAILABLE)
    account = sim.account_by_spot_key(key)
    if account is None:
        return fail(errors.INVALID_KEY)
    try:
        params = parse_spot_params(request)
    except KrakenError as exc:
        return fail(exc.message)
    nonce = params.get("nonce", "")
    signed = verify_spot_signature(
        uri_path=request.path,
        nonce=nonce,
        body=request.body,
        secret_b64=account.spot_secret,
        signature=request.headers.get("api-sign", ""),
    )
    if not signed:
        return fail(errors.INVALID_SIGNATURE)
    return _spot_checked(sim, account, method, params, fail)


def _spot_checked(
    sim: SimulatorServer, account: SimAccount, method: str, params: dict[str, str], fail: Any
) -> Outcome:
    permission, handler = PRIVATE[method]
    cost = spot_cost(method)
    with sim.lock:
        if not nonce_ok(account, params.get("nonce", "")):
            return fail(errors.INVALID_NONCE)
        if not account.counter.take(cost):
            return fail(errors.RATE_LIMIT)
        if permission not in account.permissions:
            return fail(errors.PERMISSION_DENIED, cost)
        try:
            result = handler(Context(account=account, market=sim.market), params)
        except KrakenError as exc:
            return fail(exc.message, cost)
    endpoint = f"private/{method}"
    if isinstance(result, bytes):
        return Outcome(
            Reply(body=result, content_type="application/zip"),
            account.spot_key,
            endpoint,
            cost=cost,
        )
    return Outcome(spot_ok(result), account.spot_key, endpoint, cost=cost)


def nonce_ok(account: SimAccount, raw: str) -> bool:
    try:
        nonce = int(raw)
    except ValueError:
        return False
    return 0 < nonce < 2**64 and account.nonces.accept(nonce)


def spot_public(sim: SimulatorServer, request: Request, method: str) -> Outcome:
    key, endpoint = f"public:{request.client}", f"public/{method}"
    if request.method != "GET" or method not in PUBLIC:
        return Outcome(spot_error(errors.UNKNOWN_METHOD), key, endpoint, errors.UNKNOWN_METHOD)
    if not sim.public_bucket(request.client).take(1):
        return Outcome(
            spot_error(errors.TOO_MANY_REQUESTS), key, endpoint, errors.TOO_MANY_REQUESTS
        )
    if sim.system_status == "maintenance" and method not in ("SystemStatus", "Time"):
        return Outcome(
            spot_error(errors.SERVICE_UNAVAILABLE), key, endpoint, errors.SERVICE_UNAVAILABLE
        )
    params = {k: v[-1] for k, v in parse_qs(request.query, keep_blank_values=True).items()}
    try:
        with sim.lock:
            context = PublicContext(market=sim.market, now=sim.now(), status=sim.system_status)
            result = PUBLIC[method](context, params)
    except KrakenError as exc:
        return Outcome(spot_error(exc.message), key, endpoint, exc.message)
    return Outcome(spot_ok(result), key, endpoint)


def futures(sim: SimulatorServer, request: Request) -> Outcome:
    """Both /derivatives/api/v3/<name> and /api/history/v2|v3/account-log."""
    endpoint = endpoint_of(request.path) or request.path
    key = request.headers.get("apikey", "")
    history_version = {"history/v2/account-log": 2, "history/v3/account-log": 3}.get(endpoint)
    name = endpoint.removeprefix("futures/")
    if history_version is None and name not in DERIVATIVES:
        return Outcome(
            Reply(404, to_json({"result": "error", "error": "notFound"})),
            key or "anonymous",
            endpoint,
            "notFound",
        )
    account = sim.account_by_futures_key(key)
    post_data = request.query if request.method == "GET" else request.body.decode(errors="replace")
    nonce = request.headers.get("nonce", "")
    if account is None or not verify_futures_signature(
        endpoint_path=request.path,
        nonce=nonce,
        post_data=post_data,
        secret_b64=account.futures_secret,
        signature=request.headers.get("authent", ""),
    ):
        return Outcome(
            futures_error(errors.FUTURES_AUTH), key or "anonymous", endpoint, errors.FUTURES_AUTH
        )
    return _futures_checked(sim, account, request, endpoint, history_version, post_data)


def _futures_checked(
    sim: SimulatorServer,
    account: SimAccount,
    request: Request,
    endpoint: str,
    version: int | None,
    post_data: str,
) -> Outcome:
    params = parse_qs(post_data, keep_blank_values=True)
    key = account.futures_key
    with sim.lock:
        problem = account.futures_nonces.check(request.headers.get("nonce", ""))
        if problem:
            return Outcome(futures_error(problem), key, endpoint, problem)
        ctx = FuturesContext(account=account, market=sim.market)
        try:
            if version is None:
                cost, payload = DERIVATIVES[endpoint.removeprefix("futures/")](ctx, params)
            else:
                cost, payload = account_log(ctx, params, version=version)
        except KrakenError as exc:
            return Outcome(futures_error(exc.message), key, endpoint, exc.message)
        bucket = account.history_budget if version else account.derivatives_budget
        if not bucket.take(cost):
            return Outcome(futures_error(errors.FUTURES_LIMIT), key, endpoint, errors.FUTURES_LIMIT)
    if version is None:
        payload = {"result": "success", "serverTime": server_time(), **payload}
    return Outcome(Reply(body=to_json(payload)), key, endpoint, cost=cost)


def route_api(sim: SimulatorServer, request: Request) -> Outcome | None:
    path = request.path
    if path.startswith("/0/private/"):
        if request.method != "POST":
            return Outcome(
                spot_error(errors.UNKNOWN_METHOD),
                key_of(request),
                endpoint_of(path) or path,
                errors.UNKNOWN_METHOD,
            )
        return spot_private(sim, request, path.removeprefix("/0/private/"))
    if path.startswith("/0/public/"):
        return spot_public(sim, request, path.removeprefix("/0/public/"))
    if path.startswith(("/derivatives/api/v3/", "/api/history/")):
        return futures(sim, request)
    return None
