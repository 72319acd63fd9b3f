"""Bad input is refused with the file, line and column, and nothing is written."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest

from portfolio.imports.service import import_files
from portfolio.kraken.csvfiles import CsvRefused
from tests.factories import UserFactory
from tests.imports import writer
from tests.imports.support import counts, csv_connection

# tasks (imports, prices, rebuilds) run here whatever broker the suite is configured with
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]

HEADER = '"txid","refid","time","type","subtype","aclass","asset","wallet","amount","fee","balance"'
ROW = '"L{n:05d}-AAAAA-BBBBBB","TREF{n:02d}-AAAAA-BBBBBB","2023-12-14 15:24:{n:02d}","deposit","",'
ROW += '"currency","BTC","spot / main",0.5000000000,0,{balance}'


def good_ledgers(rows: int = 3) -> str:
    lines = [HEADER]
    lines += [ROW.format(n=n, balance=Decimal("0.5") * (n + 1)) for n in range(rows)]
    return "\n".join(lines) + "\n"


def refused(tmp_path, bad_name: str, bad: bytes) -> CsvRefused:
    """Import a good file then the bad one: the refusal, and a database left as it was."""
    connection = csv_connection(UserFactory())
    good = writer.write(tmp_path, "good.csv", good_ledgers().encode())
    before = counts()
    with pytest.raises(CsvRefused) as caught:
        import_files(connection=connection, files=[good, writer.write(tmp_path, bad_name, bad)])
    assert counts() == before == (0, 0, 0)
    return caught.value


def replaced(old: str, new: str, line: int = 3) -> bytes:
    lines = good_ledgers().splitlines()
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new)
    return ("\n".join(lines) + "\n").encode()


def test_a_file_that_is_not_a_kraken_export(tmp_path):
    error = refused(tmp_path, "bank.csv", b"date,amount,description\n2023-01-01,5,coffee\n")
    assert str(error).startswith("bank.csv: this is not a Kraken ledgers, trades or futures log")


def test_a_header_with_an_unknown_column(tmp_path):
    error = refused(tmp_path, "new.csv", (HEADER + ',"colour"\n').encode())
    assert str(error) == "new.csv, line 1: unknown column 'colour' in the ledgers header; " + (
        "nothing was read"
    )


def test_a_row_with_the_wrong_number_of_columns(tmp_path):
    error = refused(tmp_path, "short.csv", replaced(",0,1.0", ",0"))
    assert str(error) == "short.csv, line 3: 10 columns where the header has 11"


def test_a_number_that_is_not_one(tmp_path):
    error = refused(tmp_path, "bad.csv", replaced("0.5000000000", "0.5.0"))
    assert (error.file, error.line, error.column) == ("bad.csv", 3, "9 (amount)")
    error = refused(tmp_path, "nan.csv", replaced("0.5000000000", "NaN"))
    assert str(error) == "nan.csv, line 3, column 9 (amount): 'NaN' is not a number"


def test_a_date_in_another_format(tmp_path):
    error = refused(tmp_path, "date.csv", replaced("2023-12-14 15:24:01", "14/12/2023 15:24"))
    assert str(error) == (
        "date.csv, line 3, column 3 (time): '14/12/2023 15:24' is not a time as YYYY-MM-DD HH:MM:SS"
    )


def test_a_formula_is_refused_not_stored_or_evaluated(tmp_path):
    formula = '"=HYPERLINK(""http://evil.example"",""click"")"'
    error = refused(tmp_path, "formula.csv", replaced('"TREF01-AAAAA-BBBBBB"', formula))
    assert (error.line, error.column) == (3, "2 (refid)")
    assert "is not a value Kraken writes here" in str(error)
    error = refused(tmp_path, "sum.csv", replaced("0.5000000000", "=1+2"))
    assert str(error) == "sum.csv, line 3, column 9 (amount): '=1+2' is not a number"


def test_a_zip_with_something_else_inside(tmp_path):
    data = writer.zip_of({"ledgers.csv": good_ledgers().encode(), "run-me.exe": b"MZ"})
    error = refused(tmp_path, "export.zip", data)
    assert str(error) == (
        "export.zip: the ZIP holds 'run-me.exe', which is not a Kraken CSV export"
    )


def test_a_zip_whose_csv_has_a_bad_row_names_the_member(tmp_path):
    data = writer.zip_of({"ledgers.csv": replaced("0.5000000000", "x")})
    error = refused(tmp_path, "export.zip", data)
    assert str(error) == "export.zip/ledgers.csv, line 3, column 9 (amount): 'x' is not a number"


def test_an_empty_file_and_a_header_of_nothing(tmp_path):
    assert str(refused(tmp_path, "empty.csv", b"")) == "empty.csv: the file is empty"
    assert str(refused(tmp_path, "blank.csv", b"\xef\xbb\xbf\n")) == "blank.csv: the file is empty"


def test_text_that_is_not_utf8(tmp_path):
    error = refused(tmp_path, "latin.csv", replaced("spot / main", "spot / m\xe4in").decode()
                    .encode("latin-1"))  # fmt: skip
    assert str(error) == "latin.csv, line 3: not UTF-8 text"


def test_a_two_gigabyte_file_is_refused_by_its_size_before_it_is_read(tmp_path):
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as handle:
        handle.truncate(2 * 1024**3)  # sparse: no 2 GB written
    assert os.stat(huge).st_blocks * 512 < 1024**2
    connection = csv_connection(UserFactory())
    with pytest.raises(CsvRefused) as caught:
        import_files(connection=connection, files=[huge])
    assert str(caught.value) == (
        f"huge.csv: {2 * 1024**3} bytes is over the import limit of 268435456 bytes; "
        "nothing was read"
    )
    assert counts() == (0, 0, 0)


def test_the_size_limit_is_a_setting_and_covers_what_a_zip_unpacks_to(tmp_path, settings):
    settings.KRAKEN_IMPORT_MAX_BYTES = 200
    error = refused(tmp_path, "big.csv", good_ledgers(10).encode())
    assert "bytes is over the import limit of 200 bytes" in str(error)
    settings.KRAKEN_IMPORT_MAX_BYTES = 5000
    bomb = writer.zip_of({"ledgers.csv": good_ledgers(200).encode()})
    assert len(bomb) < 5000
    error = refused(tmp_path, "bomb.zip", bomb)
    assert "bomb.zip: the ZIP unpacks to" in str(error) and "over the limit of 5000" in str(error)


def test_an_id_twice_in_one_file_is_added_once_and_a_disagreeing_copy_reported(tmp_path):
    connection = csv_connection(UserFactory())
    lines = good_ledgers().splitlines()
    same, other = lines[2], lines[2].replace("0.5000000000", "0.7000000000")
    data = ("\n".join([*lines, same, other]) + "\n").encode()
    summary = import_files(connection=connection, files=[writer.write(tmp_path, "d.csv", data)])
    assert (summary.rows_read, summary.added, summary.already_present) == (5, 3, 1)
    assert summary.conflicts == 1
    assert summary.conflict_notes == [
        "d.csv, line 6: L00001-AAAAA-BBBBBB differs from an earlier row of this import "
        "(amount 0.5000000000 here, 0.7000000000 in the file); kept the earlier row of this import"
    ]
    assert counts() == (3, 0, 0)


def test_text_that_a_spreadsheet_would_read_as_a_formula_is_refused(tmp_path):
    error = refused(tmp_path, "minus.csv", replaced('"spot / main"', '"-A1"'))
    assert (
        str(error)
        == "minus.csv, line 3, column 8 (wallet): '-A1' is not a value Kraken writes here"
    )


def test_an_id_repeated_in_a_later_batch_is_compared_with_the_stored_copy(tmp_path, monkeypatch):
    monkeypatch.setattr("portfolio.imports.service.BATCH", 2)
    connection = csv_connection(UserFactory())
    lines = good_ledgers(4).splitlines()
    other = lines[1].replace("0.5000000000", "0.7000000000")
    data = ("\n".join([*lines, lines[1], other]) + "\n").encode()
    summary = import_files(connection=connection, files=[writer.write(tmp_path, "d.csv", data)])
    assert (summary.added, summary.already_present, summary.conflicts) == (4, 1, 1)
    assert summary.conflict_notes == [
        "d.csv, line 7: L00000-AAAAA-BBBBBB differs from an earlier row of this import "
        "(amount 0.5000000000 here, 0.7000000000 in the file); kept the earlier row of this import"
    ]


def test_a_bad_row_after_many_batches_leaves_nothing(tmp_path, monkeypatch):
    """Rows already sent (on PostgreSQL through a COPY still open across batches) go too."""
    monkeypatch.setattr("portfolio.imports.service.BATCH", 2)
    connection = csv_connection(UserFactory())
    lines = good_ledgers(20).splitlines()
    lines[18] = lines[18].replace("0.5000000000", "1/2")
    ticks = []
    data = ("\n".join(lines) + "\n").encode()
    with pytest.raises(CsvRefused, match="d.csv, line 19, column 9 \\(amount\\): '1/2' is not"):
        import_files(
            connection=connection,
            files=[writer.write(tmp_path, "d.csv", data)],
            progress=lambda done, total, note: ticks.append(done),
        )
    assert len(ticks) == 2  # every fourth batch of two rows, before the bad row
    assert counts() == (0, 0, 0)
