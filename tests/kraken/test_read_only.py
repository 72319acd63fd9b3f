import subprocess
import sys

import pytest

from portfolio.kraken import KrakenFuturesClient, KrakenPublicClient, KrakenSpotClient
from portfolio.kraken.endpoints import FUTURES_PRIVATE, SPOT_PRIVATE, SPOT_PUBLIC
from portfolio.kraken.errors import ForbiddenEndpointError

TRADING = {
    "AddOrder",
    "AddOrderBatch",
    "AmendOrder",
    "EditOrder",
    "CancelOrder",
    "CancelAll",
    "CancelAllOrdersAfter",
    "CancelOrderBatch",
    "Withdraw",
    "WithdrawCancel",
    "WalletTransfer",
    "Stake",
    "Unstake",
    "DepositAddresses",
    "CreateSubaccount",
    "AccountTransfer",
}


def test_the_whitelist_excludes_every_order_and_funding_endpoint():
    assert TRADING.isdisjoint(SPOT_PRIVATE)
    assert TRADING.isdisjoint(SPOT_PUBLIC)
    # the one futures path naming orders lists them (GET openorders); none places or cancels
    ordering = [p for p in FUTURES_PRIVATE if "order" in p.lower() or "transfer" in p.lower()]
    assert ordering == ["/derivatives/api/v3/openorders"]


def test_no_client_has_an_order_method():
    words = ("order", "cancel", "withdraw", "transfer", "stake", "edit")
    for client in (KrakenSpotClient, KrakenFuturesClient, KrakenPublicClient):
        names = [n for n in dir(client) if not n.startswith("_")]
        offending = [n for n in names if any(w in n.lower() for w in words)]
        readers = {  # they read orders; nothing places, edits or cancels one
            KrakenSpotClient: [
                "closed_orders_page",
                "iter_closed_orders",
                "open_orders",
                "query_orders",
            ],
            KrakenFuturesClient: ["open_orders"],
            KrakenPublicClient: [],
        }
        assert offending == readers[client]


def test_calling_an_order_endpoint_raises_before_anything_is_sent():
    class NoNetwork:
        def post(self, *args, **kwargs):
            raise AssertionError("a request was sent")

    client = KrakenSpotClient(api_key="k", api_secret="c2VjcmV0", session=NoNetwork())
    with pytest.raises(ForbiddenEndpointError) as raised:
        client.call("AddOrder", {"pair": "XBTUSD"})
    assert raised.value.transient is False
    futures = KrakenFuturesClient(api_key="k", api_secret="c2VjcmV0", session=NoNetwork())
    with pytest.raises(ForbiddenEndpointError):
        futures.call("/derivatives/api/v3/sendorder")


def test_the_client_package_never_imports_django():
    code = "import sys, portfolio.kraken; print(any(m.startswith('django') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
