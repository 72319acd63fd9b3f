"""Rows are keyed on Kraken's ids: importing twice, or around a sync, adds nothing twice."""

from __future__ import annotations

import pytest

from portfolio.imports.service import import_files
from portfolio.models import SyncState
from tests.imports import writer
from tests.imports.support import csv_connection, everything, ledger_rows
from tests.simulated import connect, sync

# tasks (imports, prices, rebuilds) run here whatever broker the suite is configured with
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("eager")]


def all_files(account, folder):
    return [
        writer.write(folder, "ledgers.csv", writer.ledgers_csv(account, "legacy")),
        writer.write(folder, "trades.csv", writer.trades_csv(account, "positions")),
        writer.write(folder, "log.csv", writer.futures_csv(account, "full")),
    ]


def test_importing_the_same_files_twice_changes_nothing(simulator, tmp_path):
    account = simulator.add_account(seed=1402, size=250)
    connection = csv_connection(connect(simulator, account).user)
    first = import_files(connection=connection, files=all_files(account, tmp_path))
    stored = everything(connection)

    again = import_files(connection=connection, files=all_files(account, tmp_path))

    assert again.added == 0 and again.conflicts == 0
    assert again.already_present == first.added
    assert again.skipped == first.skipped == 1
    assert everything(connection) == stored


def test_imports_around_a_sync_give_the_database_a_sync_alone_gives(simulator, tmp_path):
    account = simulator.add_account(seed=1403, size=250)
    alone = connect(simulator, account, label="API only")
    assert sync(alone).state == SyncState.SUCCEEDED
    mixed = connect(simulator, account, label="Imported then synced")  # one key per user
    before = import_files(connection=mixed, files=all_files(account, tmp_path / "a"))
    assert before.added > 0

    assert sync(mixed).state == SyncState.SUCCEEDED
    after = import_files(connection=mixed, files=all_files(account, tmp_path / "b"))

    assert (after.added, after.conflicts) == (0, 0)
    assert after.already_present == before.added
    ours, theirs = everything(mixed), everything(alone)
    assert ours == theirs


def test_a_row_that_disagrees_with_the_api_is_reported_and_the_api_row_kept(simulator, tmp_path):
    account = simulator.add_account(seed=1404, size=120)
    connection = connect(simulator, account)
    assert sync(connection).state == SyncState.SUCCEEDED
    stored = ledger_rows(connection)
    text = writer.ledgers_csv(account, "wallet").decode()
    victim = account.truth.ledgers[5]
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(f'"{victim.id}"'))
    cells = lines[at].split(",")
    cells[8] = "12345.6789"  # the amount
    lines[at] = ",".join(cells)
    path = writer.write(tmp_path, "edited.csv", ("\n".join(lines) + "\n").encode())

    summary = import_files(connection=connection, files=[path])

    assert (summary.added, summary.conflicts) == (0, 1)
    assert summary.already_present == len(account.truth.ledgers) - 1
    (note,) = summary.conflict_notes
    assert note.startswith(f"edited.csv, line {at + 1}: {victim.id} differs from the stored row")
    assert "12345.6789 in the file" in note and note.endswith("kept the stored row")
    assert ledger_rows(connection) == stored
