from portfolio.kraken.signing import futures_signature, spot_signature

DOC_SECRET = (
    "kQH5HW/8p1uGOVjbgWA7FunAmGO8lsSUXNsu3eow76sz84Q18fWxnyRzBHCd3pd5nE9qa99HAZtuZuj6F1huXg=="
)
SDK_SECRET = "cHl0aG9uLWtyYWtlbi1zZGsgdW5pdC10ZXN0IHNlY3JldCB2YWx1ZQ=="


def test_spot_signature_matches_krakens_published_vector():
    body = "nonce=1616492376594&ordertype=limit&pair=XBTUSD&price=37500&type=buy&volume=1.25"
    signature = spot_signature(
        secret=DOC_SECRET, url_path="/0/private/AddOrder", nonce=1616492376594, body=body
    )
    assert signature == (
        "4/dpxb3iT4tp/ZCVEwSnEsLxx0bqyhLpdfOpc6fn7OR8+UClSV5n9E6aSS8MPtnRfp32bAb0nmbRn6H8ndwLUQ=="
    )


def test_spot_signature_of_a_ledgers_body_matches_the_regression_vector():
    signature = spot_signature(
        secret=DOC_SECRET,
        url_path="/0/private/Ledgers",
        nonce="1616492376594",
        body="nonce=1616492376594&ofs=50&start=0",
    )
    assert signature == (
        "zhA06QVRb48OyIXpKet8hySM0T2IYBpSborBpVeAIehZsk/fStehj5dlZhQExKktiBrojvc9ckazy9IMYNsRfA=="
    )


def test_spot_signature_matches_the_sdk_golden_value():
    signature = spot_signature(
        secret=SDK_SECRET,
        url_path="/0/private/AddOrder",
        nonce="1616492376594",
        body="nonce=1616492376594&ordertype=limit&pair=XBTUSD",
    )
    assert signature == (
        "Fo+0Uhanvs3F1byZFCjVBMLsCcRE2xLQMDpoA3Q9hawoZ0ZL35AmbknAQBlOIs4baRx9UGhzQH+/CTl9qnyp1w=="
    )


def test_futures_signature_matches_the_sdk_golden_value_with_or_without_derivatives_prefix():
    expected = (
        "Txi+gJVXe3EN1brXYQ46FuV6UVtEVSKhc6dYMhPb7a/HXZLGvO6m9UUg+KVKqhLxrbllOPI7qRkHYmPfJZZSGA=="
    )
    for path in ("/derivatives/api/v3/sendorder", "/api/v3/sendorder"):
        signature = futures_signature(
            secret=SDK_SECRET,
            endpoint_path=path,
            nonce="1616492376594",
            post_data="orderType=lmt&symbol=PI_XBTUSD",
        )
        assert signature == expected


def test_futures_signature_accepts_the_docs_example_secret_that_lacks_padding():
    signature = futures_signature(
        secret="rttp4AzwRfYEdQ7R7X8Z/04Y4TZPa97pqCypi3xXxAqftygftnI6H9yGV+OcUOOJeFtZkr8mVwbAndU3Kz4Q+eG",
        endpoint_path="/api/v3/orderbook",
        nonce="1415957147987",
        post_data="symbol=fi_xbtusd_180615",
    )
    assert signature == (
        "DqUyz8Wh/72af7dimSXHw91IFxrAriTgVodyg2s67PU2mVStwLDQak+uIoCtfb43XONq0xVAp+vm5dqnhFAB1Q=="
    )


def test_futures_signature_of_history_account_log_query():
    signature = futures_signature(
        secret=DOC_SECRET,
        endpoint_path="/api/history/v2/account-log",
        nonce="1616492376594",
        post_data="count=25&since=1604937694000",
    )
    assert signature == (
        "bwVe1U0lIoRp8cU2DWyWHqWROasUck7o4nuHu+nBbHDMugHrZtYONar8iEPJA2mk+Jb8a3m+FUXaHKbKHw64WA=="
    )
