"""The reference's published signing vectors (sections 1.3 and 2.2) against the simulator's
verifier."""

from __future__ import annotations

import urllib.parse

import pytest

from portfolio.simulator.signing import (
    futures_signature,
    spot_signature,
    verify_futures_signature,
    verify_spot_signature,
)

from .helpers import sign_futures, sign_spot

DOC_SECRET = (
    "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg=="
)
SDK_SECRET = "cHl0aG9uLWtyYWtlbi1zZGsgdW5pdC10ZXN0IHNlY3JldCB2YWx1ZQ=="
NONCE = "1616492376594"
PADDED_DOC_AUTHENT = (
    "DqUyz8Wh/72af7dimSXHw91IFxrAriTgVodyg2s67PU2mVStwLDQak+uIoCtfb43XONq0xVAp+vm5dqnhFAB1Q=="
)

SPOT_VECTORS = [
    # (secret, path, body, expected API-Sign)
    (
        DOC_SECRET,
        "/0/private/AddOrder",
        "nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25",
        "4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ==",
    ),
    (
        DOC_SECRET,
        "/0/private/Balance",
        "nonce=1616492376594",
        "1nH4vwR+8FHiYh1QT649xXkGd3JR3x0DWkgv3u9Ed/Qqv6KPtgQpEU4m+Emb/VgpEji3j1XNwI+HCbfXxmrTOg==",
    ),
    (
        DOC_SECRET,
        "/0/private/Ledgers",
        "nonce=1616492376594&ofs=50&start=0",
        "zhA06QVRb48OyIXpKet8hySM0T2IYBpSborBpVeAIehZsk/fStehj5dlZhQExKktiBrojvc9ckazy9IMYNsRfA==",
    ),
    (
        DOC_SECRET,
        "/0/private/AddOrder",
        '{"nonce": "1616492376594", "ordertype": "limit", "pair": "XBTUSD", "price": 37500, '
        '"type": "buy", "volume": 1.25}',
        "xojekerxRL59CSvi3027oZ1+nMQF0TgqD5QE569qR8tgSJ4tAhoVYVGhSEciXkufsn6foHHVi0N3Utiarvg74w==",
    ),
    (
        SDK_SECRET,
        "/0/private/AddOrder",
        "nonce=1616492376594&ordertype=limit&pair=XBTUSD",
        "Fo+0Uhanvs3F1byZFCjVBMLsCcRE2xLQMDpoA3Q9hawoZ0ZL35AmbknAQBlOIs4baRx9UGhzQH+/CTl9qnyp1w==",
    ),
]

FUTURES_VECTORS = [
    # (secret, endpoint path, postData, expected Authent)
    (
        SDK_SECRET,
        "/derivatives/api/v3/sendorder",
        "orderType=lmt&symbol=PI_XBTUSD",
        "Txi+gJVXe3EN1brXYQ46FuV6UVtEVSKhc6dYMhPb7a/HXZLGvO6m9UUg+KVKqhLxrbllOPI7qRkHYmPfJZZSGA==",
    ),
    (
        SDK_SECRET,
        "/api/v3/sendorder",
        "orderType=lmt&symbol=PI_XBTUSD",
        "Txi+gJVXe3EN1brXYQ46FuV6UVtEVSKhc6dYMhPb7a/HXZLGvO6m9UUg+KVKqhLxrbllOPI7qRkHYmPfJZZSGA==",
    ),
    (
        DOC_SECRET,
        "/derivatives/api/v3/accounts",
        "",
        "bqTfyhuH4ot0us/gmtt6G75BrSzdgRCsHFM+oX0qrQAj2n01HkuuIFSF0N+p6535Dfe6FTmhPhk+VA1ieoP6lQ==",
    ),
    (
        DOC_SECRET,
        "/api/history/v2/account-log",
        "count=25&since=1604937694000",
        "bwVe1U0lIoRp8cU2DWyWHqWROasUck7o4nuHu+nBbHDMugHrZtYONar8iEPJA2mk+Jb8a3m+FUXaHKbKHw64WA==",
    ),
]


def test_doc_payload_is_the_urlencoded_order() -> None:
    params = {
        "nonce": NONCE,
        "ordertype": "limit",
        "pair": "XBTUSD",
        "price": 37500,
        "type": "buy",
        "volume": 1.25,
    }
    assert urllib.parse.urlencode(params) == SPOT_VECTORS[0][2]


@pytest.mark.parametrize(("secret", "path", "body", "expected"), SPOT_VECTORS)
def test_spot_vectors_verify_and_reproduce(
    secret: str, path: str, body: str, expected: str
) -> None:
    assert (
        spot_signature(uri_path=path, nonce=NONCE, body=body.encode(), secret_b64=secret)
        == expected
    )
    assert sign_spot(path, NONCE, body, secret) == expected
    assert verify_spot_signature(
        uri_path=path, nonce=NONCE, body=body.encode(), secret_b64=secret, signature=expected
    )


@pytest.mark.parametrize(("secret", "path", "body", "expected"), SPOT_VECTORS)
def test_spot_verifier_rejects_a_changed_body(
    secret: str, path: str, body: str, expected: str
) -> None:
    assert not verify_spot_signature(
        uri_path=path, nonce=NONCE, body=body.encode() + b" ", secret_b64=secret, signature=expected
    )


@pytest.mark.parametrize(("secret", "path", "post_data", "expected"), FUTURES_VECTORS)
def test_futures_vectors_verify_with_or_without_derivatives(
    secret: str, path: str, post_data: str, expected: str
) -> None:
    assert (
        futures_signature(endpoint_path=path, nonce=NONCE, post_data=post_data, secret_b64=secret)
        == expected
    )
    assert sign_futures(path, NONCE, post_data, secret) == expected
    assert verify_futures_signature(
        endpoint_path=path, nonce=NONCE, post_data=post_data, secret_b64=secret, signature=expected
    )


def test_futures_verifier_rejects_another_nonce() -> None:
    secret, path, post_data, expected = FUTURES_VECTORS[0]
    assert not verify_futures_signature(
        endpoint_path=path,
        nonce="1616492376595",
        post_data=post_data,
        secret_b64=secret,
        signature=expected,
    )


def test_futures_doc_example_secret_is_not_valid_base64_but_padded_gives_the_reference_value() -> (
    None
):
    secret = (
        "rttp4AzwRfYEdQ7R7X8Z/04Y4TZPa97pqCypi3xXxAqftygftnI6H9yGV+OcUOOJeFtZkr8mVwbAndU3Kz4Q+eG"
    )
    assert not verify_futures_signature(
        endpoint_path="/api/v3/orderbook",
        nonce="1415957147987",
        post_data="symbol=fi_xbtusd_180615",
        secret_b64=secret,
        signature="x",
    )
    assert (
        futures_signature(
            endpoint_path="/api/v3/orderbook",
            nonce="1415957147987",
            post_data="symbol=fi_xbtusd_180615",
            secret_b64=secret + "=",
        )
        == PADDED_DOC_AUTHENT
    )
