import pytest

from portfolio.kraken import errors
from portfolio.kraken.endpoints import SPOT_PRIVATE
from portfolio.kraken.errors import ERROR_TABLE, error_from_kraken, rule_for


@pytest.mark.parametrize(
    ("kraken_error", "error_class", "transient"),
    [
        ("EAPI:Invalid key", errors.InvalidKeyError, False),
        ("EAPI:Invalid signature", errors.InvalidSignatureError, False),
        ("EAPI:Invalid nonce", errors.InvalidNonceError, True),
        ("EGeneral:Permission denied", errors.PermissionDeniedError, False),
        ("EQuery:Unknown asset pair", errors.UnknownAssetPairError, False),
        ("EService:Unavailable", errors.ServiceUnavailableError, True),
        ("EService:Busy", errors.ServiceUnavailableError, True),
        ("EGeneral:Temporary lockout", errors.TemporaryLockoutError, True),
        ("EAPI:Rate limit exceeded", errors.RateLimitError, True),
        ("EGeneral:Too many requests", errors.RateLimitError, True),
        ("EGeneral:Internal error", errors.ServerError, True),
        ("apiLimitExceeded", errors.RateLimitError, True),
        ("authenticationError", errors.AuthenticationError, False),
        ("nonceBelowThreshold", errors.InvalidNonceError, True),
        ("nonceDuplicate", errors.InvalidNonceError, True),
        ("requiredArgumentMissing", errors.InvalidArgumentsError, False),
    ],
)
def test_table_maps_each_kraken_error_to_its_class_and_transience(
    kraken_error, error_class, transient
):
    error = error_from_kraken(kraken_error, endpoint="Ledgers")
    assert type(error) is error_class
    assert error.transient is transient
    assert error.kraken_error == kraken_error
    assert error.endpoint == "Ledgers"


def test_errors_with_extra_detail_match_their_row_by_prefix():
    assert rule_for("EGeneral:Invalid arguments:Index unavailable").error_class is (
        errors.InvalidArgumentsError
    )
    assert rule_for("EService: Throttled: 1688669085").error_class is errors.RateLimitError


def test_unknown_errors_are_permanent_kraken_errors():
    error = error_from_kraken("EOrder:Something new", endpoint="Balance")
    assert type(error) is errors.KrakenError
    assert error.transient is False


def test_permission_denied_names_the_permissions_the_endpoint_needs():
    error = error_from_kraken(
        "EGeneral:Permission denied",
        endpoint="Ledgers",
        permissions=SPOT_PRIVATE["Ledgers"].permissions,
    )
    assert str(error) == (
        "The API key lacks a permission Ledgers needs. In Kraken's API key settings enable: "
        '"Query Funds", "Query Ledger Entries". (EGeneral:Permission denied)'
    )


def test_trade_history_permission_is_query_closed_orders_and_trades():
    assert SPOT_PRIVATE["TradesHistory"].permissions == ("Query Closed Orders & Trades",)
    assert SPOT_PRIVATE["ClosedOrders"].permissions == ("Query Closed Orders & Trades",)
    assert "Export Data" in SPOT_PRIVATE["RetrieveExport"].permissions


def test_every_table_row_marks_transience_consistently_with_its_class():
    for kraken_error, rule in ERROR_TABLE.items():
        error = error_from_kraken(kraken_error, endpoint="x")
        assert error.transient is rule.transient
        assert isinstance(error, errors.KrakenError)
