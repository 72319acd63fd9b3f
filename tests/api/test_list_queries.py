"""A list page costs a constant number of queries: the same for one row as for several (no
query per row), whichever list it is."""

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from tests.api.conftest import make_report
from tests.api.endpoints import READS, call

pytestmark = pytest.mark.django_db

MORE = {
    "ledger": lambda d: f.LedgerEntryFactory(connection=d["connection"]),
    "trade": lambda d: f.TradeFactory(connection=d["connection"]),
    "order": lambda d: f.ClosedOrderFactory(connection=d["connection"]),
    "fill": lambda d: f.FuturesFillFactory(connection=d["connection"]),
    "log": lambda d: f.FuturesLogEntryFactory(connection=d["connection"]),
    "position": lambda d: f.FuturesPositionFactory(connection=d["connection"]),
    "sync": lambda d: f.SyncRunFactory(connection=d["connection"]),
    "import": lambda d: f.ImportRecordFactory(connection=d["connection"]),
    "lot": lambda d: f.LotRowFactory(run=d["run"]),
    "disposal": lambda d: f.DisposalRowFactory(run=d["run"]),
    "income": lambda d: f.IncomeRowFactory(run=d["run"]),
    "margin": lambda d: f.MarginRowFactory(run=d["run"]),
    "futures": lambda d: f.FuturesRowFactory(run=d["run"]),
    "unknown": lambda d: f.UnknownBasisRowFactory(run=d["run"]),
    "report": lambda d: make_report(d["user"]),
}
LISTS = [e for e in READS if e.lists in MORE]


def test_every_list_is_covered():
    assert {e.lists for e in READS if e.lists} - {"balance"} <= set(MORE)


@pytest.mark.parametrize("endpoint", LISTS, ids=lambda e: e.name.replace(" ", "-"))
def test_a_page_of_many_rows_costs_the_queries_of_one(endpoint, owner, api):
    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(db) as captured:
            response = call(api, endpoint, owner)
        assert response.status_code == 200, response.content
        return len(captured), len(response.json()["results"])

    call(api, endpoint, owner)  # the token's first use of the minute writes its last-used time
    one, rows = queries()
    assert rows == 1
    for _ in range(4):
        MORE[endpoint.lists](owner)
    assert queries() == (one, 5)
