"""Open orders over real HTTP: the simulator serves OpenOrders, QueryOrders and futures
openorders as Kraken does (and as ccxt calls them), the client parses them, a sync stores them
as a snapshot, and the page shows what each holds so "available" agrees with BalanceEx."""

from decimal import Decimal

import pytest
from django.db import connection as db_connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portfolio.kraken.errors import InvalidArgumentsError
from portfolio.kraken_factory import clients_for
from portfolio.models import BalanceSnapshot, OpenOrder, OrderMarket, SyncState
from tests.factories import PASSWORD
from tests.simulator.helpers import Futures, Spot
from tests.sync.conftest import connect, run_sync

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def account(simulator):
    return simulator.add_account(seed=1501, size=300)


def ccxt_style_spot(simulator, account) -> Spot:
    credentials = account.credentials()
    return Spot(simulator.base_url, credentials["spot_key"], credentials["spot_secret"])


def test_open_orders_and_query_orders_answer_in_kraken_shapes_as_ccxt_calls_them(
    simulator, account
):
    spot = ccxt_style_spot(simulator, account)
    # ccxt fetch_open_orders: privatePostOpenOrders with no parameters; it reads result.open
    reply = spot.call("OpenOrders")
    assert reply["error"] == []
    opened = reply["result"]["open"]
    assert set(opened) == {o.txid for o in account.truth.open_orders}
    assert len(opened) == 2
    for order in opened.values():
        assert order["status"] == "open"
        assert set(order["descr"]) >= {"pair", "type", "ordertype", "price", "order"}
        assert order["vol_exec"] == "0.00000000"
        assert Decimal(order["descr"]["price"]) > 0 and isinstance(order["opentm"], Decimal)
    # ccxt fetch_order: privatePostQueryOrders {txid, trades}; open and closed orders alike
    closed = account.truth.closed_orders[0].txid
    wanted = ",".join([*opened, closed])
    queried = spot.result("QueryOrders", txid=wanted, trades="true")
    assert list(queried) == [*opened, closed]
    assert queried[closed]["status"] in ("closed", "canceled")
    assert spot.call("QueryOrders", txid="ONOPE-NOPE0-NOPE00")["error"] == [
        "EGeneral:Invalid arguments"
    ]


def test_futures_openorders_answers_as_kraken_futures(simulator, account):
    credentials = account.credentials()
    futures = Futures(simulator.base_url, credentials["futures_key"], credentials["futures_secret"])
    body = futures.json("/derivatives/api/v3/openorders")  # ccxt krakenfutures fetchOpenOrders
    assert body["result"] == "success" and "serverTime" in body
    [order] = body["openOrders"]
    assert order["symbol"] == "PF_XBTUSD" and order["orderType"] == "lmt"
    assert order["status"] == "untouched" and order["unfilledSize"] > 0


def test_balance_ex_holds_exactly_what_the_open_orders_hold(simulator, account):
    spot = ccxt_style_spot(simulator, account)
    balances = spot.result("BalanceEx")
    opened = spot.result("OpenOrders")["open"].values()
    pairs = spot.public("AssetPairs")["result"]
    by_altname = {p["altname"]: p for p in pairs.values()}
    held: dict[str, Decimal] = {}
    for order in opened:
        pair = by_altname[order["descr"]["pair"]]
        volume = Decimal(order["vol"]) - Decimal(order["vol_exec"])
        if order["descr"]["type"] == "sell":
            asset, amount = pair["base"], volume
        else:
            asset = pair["quote"]
            amount = (volume * Decimal(order["descr"]["price"])).quantize(Decimal("0.0001"))
        held[asset] = held.get(asset, Decimal(0)) + amount
    served = {a: Decimal(v["hold_trade"]) for a, v in balances.items() if Decimal(v["hold_trade"])}
    assert set(served) == set(held)
    for asset, amount in held.items():
        assert abs(served[asset] - amount) <= Decimal("0.0001"), asset  # rounding up of a buy


def test_the_client_parses_them(simulator, account):
    connection = connect(simulator, account)
    clients = clients_for(connection=connection)
    spot = clients.spot.open_orders()
    assert {o.txid for o in spot} == {o.txid for o in account.truth.open_orders}
    assert all(o.status == "open" and o.vol > 0 and o.closetm is None for o in spot)
    again = clients.spot.query_orders([o.txid for o in spot])
    assert [o.txid for o in again] == [o.txid for o in spot]
    with pytest.raises(InvalidArgumentsError):
        clients.spot.query_orders(["ONOPE-NOPE0-NOPE00"])
    [future] = clients.futures.open_orders()
    assert future.symbol == "PF_XBTUSD" and future.unfilled_size == Decimal("0.01")


def test_a_sync_stores_them_as_a_snapshot_and_the_page_agrees_with_balance_ex(
    simulator, account, client
):
    connection = connect(simulator, account)
    assert run_sync(connection).state == SyncState.SUCCEEDED
    stored = OpenOrder.objects.filter(connection=connection)
    assert stored.filter(market=OrderMarket.SPOT).count() == 2
    assert stored.filter(market=OrderMarket.FUTURES).count() == 1
    lines = BalanceSnapshot.objects.filter(connection=connection).first().lines.all()
    hold_trade = {line.raw_asset: line.hold_trade for line in lines if line.hold_trade}
    ours: dict[str, Decimal] = {}
    for order in stored.filter(market=OrderMarket.SPOT):
        ours[order.hold_raw_asset] = ours.get(order.hold_raw_asset, Decimal(0)) + order.hold
    assert ours == hold_trade == account.truth.holds

    assert client.login(username=connection.user.username, password=PASSWORD)
    with CaptureQueriesContext(db_connection) as queries:
        page = client.get(reverse("open_orders"))
    assert page.status_code == 200
    assert len(queries) <= 12  # no query per order or per asset
    html = page.content.decode()
    for order in stored:
        assert f'data-order="{order.order_id}"' in html
    views = page.context["views"]
    [view] = views
    assert view.holds and all(h.explained for h in view.holds)
    for hold in view.holds:
        assert hold.available == hold.total - hold.held

    # an order filled or cancelled on Kraken is gone after the next sync (replaced wholesale)
    gone = account.truth.open_orders.pop()
    account.truth.holds[gone.hold_asset] -= gone.hold
    assert run_sync(connection).state == SyncState.SUCCEEDED
    assert not stored.filter(order_id=gone.txid).exists()
    assert stored.filter(market=OrderMarket.SPOT).count() == 1


def test_another_users_orders_are_not_shown(simulator, account, client):
    connection = connect(simulator, account)
    assert run_sync(connection).state == SyncState.SUCCEEDED
    from tests.factories import UserFactory

    stranger = UserFactory()
    assert client.login(username=stranger.username, password=PASSWORD)
    html = client.get(reverse("open_orders")).content.decode()
    assert "data-order=" not in html
