"""Export lifecycle: AddExport, ExportStatus, RetrieveExport (a ZIP with the CSV), RemoveExport."""

from __future__ import annotations

import io
import time
import zipfile

from portfolio.simulator import SimAccount, SimulatorServer

from .helpers import Spot

LEDGER_HEADER = (
    '"txid","refid","time","type","subtype","aclass","asset","wallet","amount","fee","balance"'
)
TRADE_HEADER = (
    '"txid","ordertxid","pair","time","type","ordertype","price","cost","fee","vol","margin",'
    '"misc","ledgers"'
)
START, END = 1_609_459_200, 1_640_995_199  # calendar 2021


def _wait_processed(spot: Spot, report: str, ident: str) -> dict:
    for _ in range(100):
        status = next(s for s in spot.result("ExportStatus", report=report) if s["id"] == ident)
        if status["status"] == "Processed":
            return status
        time.sleep(0.01)
    raise AssertionError("export never processed")


def test_ledger_export_is_a_zip_with_the_2024_csv(spot: Spot, account: SimAccount) -> None:
    ident = spot.result(
        "AddExport", report="ledgers", description="tax 2021", starttm=START, endtm=END
    )["id"]
    assert len(ident) == 4 and ident.isalpha()
    status = _wait_processed(spot, "ledgers", ident)
    assert (status["descr"], status["format"], status["datastarttm"], status["dataendtm"]) == (
        "tax 2021",
        "CSV",
        str(START),
        str(END),
    )
    reply = spot.raw("RetrieveExport", {"id": ident})
    assert reply.headers["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(reply.content))
    assert archive.namelist() == ["ledgers.csv"]
    lines = archive.read("ledgers.csv").decode().splitlines()
    expected = [e for e in account.truth.ledgers if START <= e.time <= END]
    assert lines[0] == LEDGER_HEADER
    assert len(lines) == 1 + len(expected)
    first = expected[0]
    assert lines[1].startswith(f'"{first.id}","{first.refid}","2021-01-01 ')
    assert (
        ',"USD","spot / main",' in lines[1]
        or ',"EUR","spot / main",' in lines[1]
        or ',"GBP",' in lines[1]
    )


def test_trade_export_lists_trades_with_their_ledger_ids(spot: Spot, account: SimAccount) -> None:
    ident = spot.result("AddExport", report="trades", description="t", starttm=START, endtm=END)[
        "id"
    ]
    _wait_processed(spot, "trades", ident)
    archive = zipfile.ZipFile(io.BytesIO(spot.raw("RetrieveExport", {"id": ident}).content))
    lines = archive.read("trades.csv").decode().splitlines()
    trade = next(t for t in account.truth.trades if START <= t.time <= END)
    assert lines[0] == TRADE_HEADER
    assert lines[1].startswith(f'"{trade.txid}","{trade.ordertxid}","{trade.pair}",')
    assert lines[1].endswith('"' + ",".join(trade.ledgers) + '"')


def test_export_moves_from_queued_to_processed_and_can_only_be_cancelled_before() -> None:
    with SimulatorServer(speed=1) as server:
        acc = server.add_account(seed=1, size=100)
        spot = Spot(server.base_url, acc.spot_key, acc.spot_secret)
        ident = spot.result("AddExport", report="ledgers", description="q")["id"]
        assert spot.result("ExportStatus", report="ledgers")[0]["status"] == "Queued"
        assert spot.call("RetrieveExport", id=ident) == {"error": ["EGeneral:Invalid arguments"]}
        assert spot.call("RemoveExport", id=ident, type="delete") == {
            "error": ["EGeneral:Invalid arguments"]
        }
        assert spot.result("RemoveExport", id=ident, type="cancel") == {"cancel": True}
        assert spot.result("ExportStatus", report="ledgers") == []


def test_processed_export_is_deleted(spot: Spot) -> None:
    ident = spot.result(
        "AddExport", report="ledgers", description="d", starttm=START, endtm=START + 86_400
    )["id"]
    _wait_processed(spot, "ledgers", ident)
    assert spot.result("RemoveExport", id=ident, type="delete") == {"delete": True}
    assert ident not in {s["id"] for s in spot.result("ExportStatus", report="ledgers")}
    assert spot.call("RetrieveExport", id=ident) == {"error": ["EGeneral:Invalid arguments"]}


def test_add_export_requires_report_and_description(spot: Spot) -> None:
    assert spot.call("AddExport", report="ledgers") == {"error": ["EGeneral:Invalid arguments"]}
    assert spot.call("AddExport", report="orders", description="x") == {
        "error": ["EGeneral:Invalid arguments"]
    }
