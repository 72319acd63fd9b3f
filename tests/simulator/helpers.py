"""Hand-written Kraken signing and tiny HTTP clients for the simulator tests.

Deliberately independent of ``portfolio.simulator.signing`` and ``portfolio.kraken``: the tests
sign requests the way the reference (sections 1.2 and 2.1) describes, so they check the simulator.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import time
import urllib.parse
from decimal import Decimal
from typing import Any

import requests


def sign_spot(path: str, nonce: str, body: str | bytes, secret: str) -> str:
    raw = body if isinstance(body, bytes) else body.encode()
    message = path.encode() + hashlib.sha256(nonce.encode() + raw).digest()
    return base64.b64encode(
        hmac.new(base64.b64decode(secret), message, hashlib.sha512).digest()
    ).decode()


def sign_futures(path: str, nonce: str, post_data: str, secret: str) -> str:
    if path.startswith("/derivatives"):
        path = path[len("/derivatives") :]
    digest = hashlib.sha256((post_data + nonce + path).encode()).digest()
    return base64.b64encode(
        hmac.new(base64.b64decode(secret), digest, hashlib.sha512).digest()
    ).decode()


_nonces = itertools.count(int(time.time() * 1000) * 1000)


def next_nonce() -> int:
    return next(_nonces)


class Spot:
    """POST /0/private/<method> with a form body, signed; plus GET /0/public/<method>."""

    def __init__(self, base_url: str, key: str, secret: str) -> None:
        self.base_url, self.key, self.secret = base_url, key, secret
        self.session = requests.Session()

    def raw(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        nonce: int | None = None,
        secret: str | None = None,
        key: str | None = None,
        timeout: float = 10,
    ) -> requests.Response:
        nonce = next_nonce() if nonce is None else nonce
        body = urllib.parse.urlencode({"nonce": nonce, **(params or {})})
        path = f"/0/private/{method}"
        headers = {
            "API-Key": self.key if key is None else key,
            "API-Sign": sign_spot(path, str(nonce), body, secret or self.secret),
            "Content-Type": "application/x-www-form-urlencoded",
        }
        return self.session.post(self.base_url + path, data=body, headers=headers, timeout=timeout)

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        return self.raw(method, params).json(parse_float=Decimal)

    def result(self, method: str, **params: Any) -> Any:
        reply = self.call(method, **params)
        assert reply["error"] == [], reply["error"]
        return reply["result"]

    def public(self, method: str, **params: Any) -> dict[str, Any]:
        url = f"{self.base_url}/0/public/{method}"
        return self.session.get(url, params=params, timeout=10).json(parse_float=Decimal)


class Futures:
    def __init__(self, base_url: str, key: str, secret: str) -> None:
        self.base_url, self.key, self.secret = base_url, key, secret
        self.session = requests.Session()

    def get(
        self,
        path: str,
        query: str = "",
        *,
        secret: str | None = None,
        sign_path: str | None = None,
        nonce: str | None = None,
    ) -> requests.Response:
        nonce = str(next_nonce()) if nonce is None else nonce
        headers = {
            "APIKey": self.key,
            "Nonce": nonce,
            "Authent": sign_futures(sign_path or path, nonce, query, secret or self.secret),
        }
        url = self.base_url + path + (f"?{query}" if query else "")
        return self.session.get(url, headers=headers, timeout=10)

    def json(self, path: str, query: str = "") -> dict[str, Any]:
        return json.loads(self.get(path, query).content, parse_float=Decimal)
