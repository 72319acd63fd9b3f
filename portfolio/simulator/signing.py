"""Kraken request signatures, computed and verified exactly as the reference (sections 1.2 and 2.1)
states.

Spot:    API-Sign = b64(HMAC-SHA512(b64decode(secret), uri_path + SHA256(nonce + body)))
Futures: Authent  = b64(HMAC-SHA512(b64decode(secret), SHA256(post_data + nonce + endpoint_path)))
with ``/derivatives`` stripped from the futures endpoint path before hashing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

FUTURES_PATH_PREFIX = "/derivatives"


def spot_signature(*, uri_path: str, nonce: str, body: bytes, secret_b64: str) -> str:
    """The API-Sign value for a spot private request over the exact body bytes."""
    digest = hashlib.sha256(nonce.encode() + body).digest()
    mac = hmac.new(base64.b64decode(secret_b64), uri_path.encode() + digest, hashlib.sha512)
    return base64.b64encode(mac.digest()).decode()


def futures_signature(*, endpoint_path: str, nonce: str, post_data: str, secret_b64: str) -> str:
    """The Authent value for a futures request; the path may still carry ``/derivatives``."""
    path = endpoint_path.removeprefix(FUTURES_PATH_PREFIX)
    digest = hashlib.sha256((post_data + nonce + path).encode()).digest()
    mac = hmac.new(base64.b64decode(secret_b64), digest, hashlib.sha512)
    return base64.b64encode(mac.digest()).decode()


def verify_spot_signature(
    *, uri_path: str, nonce: str, body: bytes, secret_b64: str, signature: str
) -> bool:
    """True when ``signature`` is the API-Sign of this exact request."""
    expected = spot_signature(uri_path=uri_path, nonce=nonce, body=body, secret_b64=secret_b64)
    return _same(expected, signature)


def verify_futures_signature(
    *, endpoint_path: str, nonce: str, post_data: str, secret_b64: str, signature: str
) -> bool:
    """True when ``signature`` is the Authent of this exact request."""
    try:
        expected = futures_signature(
            endpoint_path=endpoint_path, nonce=nonce, post_data=post_data, secret_b64=secret_b64
        )
    except (binascii.Error, ValueError):
        return False
    return _same(expected, signature)


def _same(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.strip().encode())
