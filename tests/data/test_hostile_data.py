"""Hostile and careless predictions files: each ends in a data diagnostic (exit 5) before a reader
touches the file, and nothing is written. FIFOs and sparse files are made in a temporary folder;
no real device is used."""

from __future__ import annotations

import bz2
import gzip
import json
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from hurdlelang.data import sniff
from tests.conftest import CORPUS, invoke
from tests.hostile import changed, fifo, snapshot

BAD = CORPUS / "data"
GOOD = BAD / "binary_good.csv"
TEXT = GOOD.read_text()


def _frame() -> pd.DataFrame:
    return pd.read_csv(GOOD)


def _columns() -> dict[str, pa.Array]:
    frame = _frame()
    return {c: pa.array(frame[c].tolist()) for c in frame.columns}


MAKERS = {
    "fifo.csv": fifo,
    "gzip.csv": lambda p: p.write_bytes(gzip.compress(TEXT.encode())),
    "bzip2.csv": lambda p: p.write_bytes(bz2.compress(TEXT.encode())),
    "sheet.csv": lambda p: zipfile.ZipFile(p, "w").writestr("xl/workbook.xml", "<workbook/>"),
    "parquet.csv": lambda p: pq.write_table(pa.table(_columns()), p),
    "nul.csv": lambda p: p.write_bytes(TEXT.encode() + b"\0" * 4096),
    "semicolons.csv": lambda p: p.write_text(TEXT.replace(",", ";")),
    "tabs.csv": lambda p: p.write_text(TEXT.replace(",", "\t")),
    "latin1.csv": lambda p: p.write_bytes(TEXT.replace("north", "Münster").encode("latin-1")),
    "duplicate.csv": lambda p: p.write_text(TEXT.replace("row_id,region,y,p,w,rule", "row_id,region,y,p,y,rule")),
    "duplicate.parquet": lambda p: pq.write_table(
        pa.Table.from_arrays([*_columns().values(), pa.array([0] * 8)], names=[*_columns(), "y"]), p
    ),
    "single_class.csv": lambda p: _frame().assign(y=0).to_csv(p, index=False),
    "list_score.parquet": lambda p: pq.write_table(pa.table({**_columns(), "p": pa.array([[0.5]] * 8)}), p),
    "struct_slice.parquet": lambda p: pq.write_table(pa.table({**_columns(), "region": pa.array([{"a": 1}] * 8)}), p),
}

CASES = [
    ("fifo.csv", "D020 data file is a FIFO, not a regular file", "does not read from pipes"),
    ("gzip.csv", "D018 the file holds gzip-compressed data, not CSV text", "gunzip"),
    ("bzip2.csv", "D018 the file holds bzip2-compressed data, not CSV text", "bunzip2"),
    ("sheet.csv", "D018 the file holds a zip archive (an .xlsx workbook is one), not CSV text", "export the sheet"),
    ("parquet.csv", "D018 the file holds a Parquet file, not CSV text", "name it .parquet"),
    ("nul.csv", "D018 the file holds binary data (NUL bytes), not CSV text", "CSV text"),
    (
        "semicolons.csv",
        "D003 the header line has no ',' but 5 semicolon(s): the file looks semicolon-separated",
        "export with ','",
    ),
    ("tabs.csv", "D003 the header line has no ',' but 5 tab(s): the file looks tab-separated", ".tsv"),
    ("latin1.csv", "D003 data file is not UTF-8 text: byte 0xfc on line 2 (counting the header)", "UTF-8"),
    ("duplicate.csv", "D021 the header names 'y' more than once", "its own name"),
    ("duplicate.parquet", "D021 the header names 'y' more than once", "its own name"),
    ("single_class.csv", "D023 column 'y' (label) holds only the class 0 in the rows evaluated", "both outcomes"),
    (
        "list_score.parquet",
        "D024 column 'p' (score) holds nested values (Parquet type list<element: double>), not one value per row",
        "flatten",
    ),
    (
        "struct_slice.parquet",
        "D024 column 'region' (slice) holds nested values (Parquet type struct<a: int64>), not one value per row",
        "flatten",
    ),
]


def _run(tmp_path: Path, data: Path, *extra):
    out = tmp_path / "out" / "record.json"
    out.parent.mkdir(exist_ok=True)
    return invoke("run", BAD / "binary.hurdle", "--data", data, "--out", out, *extra), out


@pytest.mark.parametrize(("name", "first", "hint"), CASES, ids=[c[0] for c in CASES])
def test_hostile_data_is_a_data_error_and_touches_nothing(tmp_path, name, first, hint):
    data = tmp_path / "in" / name
    data.parent.mkdir()
    MAKERS[name](data)
    (tmp_path / "out").mkdir()
    before = snapshot(tmp_path)
    result, out = _run(tmp_path, data)
    assert result.exit_code == 5, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == f"{data}: {first}", result.stderr
    assert hint in lines[-1] and lines[-1].startswith("  hint: "), result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert changed(before, snapshot(tmp_path)) == set(), "a data error writes nothing"


def test_every_new_data_code_is_in_the_corpus():
    assert {c[1].split()[0] for c in CASES} >= {"D018", "D020", "D021", "D023", "D024"}


def test_a_fifo_as_baseline_data_is_d020(tmp_path):
    pipe = fifo(tmp_path / "as_is.csv")
    result = invoke("run", BAD / "binary.hurdle", "--data", BAD / "join_main.csv", "--baseline-data", f"as_is={pipe}")
    assert result.exit_code == 5, result.stderr
    assert result.stderr.startswith(f"{pipe}: D020 data file is a FIFO, not a regular file")


def test_init_on_a_fifo_is_d020(tmp_path):
    pipe = fifo(tmp_path / "data.csv")
    result = invoke("init", "--data", pipe)
    assert result.exit_code == 1
    assert f"{pipe}: D020" in result.stderr


def test_a_file_over_the_size_limit_is_d022_before_it_is_read(tmp_path):
    sparse = tmp_path / "huge.csv"
    with open(sparse, "wb") as handle:  # a sparse file: 3 GiB long, no disk used
        handle.truncate(3 << 30)
    result, _ = _run(tmp_path, sparse, "--engine", "pandas")  # the reader that loads the whole file
    assert result.exit_code == 5
    assert result.stderr.startswith(
        f"{sparse}: D022 data file is too large: 3,221,225,472 bytes, over the limit of 2,147,483,648 bytes"
    )


def test_a_sparse_file_under_the_limit_is_binary_data_at_once(tmp_path):
    sparse = tmp_path / "zeros.csv"
    with open(sparse, "wb") as handle:
        handle.truncate(1 << 30)
    result, _ = _run(tmp_path, sparse)
    assert result.exit_code == 5
    assert "D018 the file holds binary data (NUL bytes)" in result.stderr


def test_parquet_is_limited_by_the_size_its_metadata_declares(tmp_path, monkeypatch):
    data = tmp_path / "small.parquet"
    # a compression bomb in miniature: 800 KB of text that zstd stores in a few KB
    pq.write_table(pa.table({**_columns(), "pad": pa.array(["x" * 100_000] * 8)}), data, compression="zstd")
    declared = pq.read_metadata(data).row_group(0).total_byte_size
    assert declared > 20 * data.stat().st_size
    monkeypatch.setattr(sniff, "MAX_DATA_BYTES", 5 * data.stat().st_size)  # the file itself is well under it
    result, _ = _run(tmp_path, data, "--engine", "pandas")
    assert result.exit_code == 5
    assert f"D022 data file is too large: {declared:,} bytes uncompressed, as its metadata declares" in result.stderr


def test_an_unbound_nested_column_is_fine(tmp_path):
    data = tmp_path / "embeddings.parquet"
    pq.write_table(pa.table({**_columns(), "embedding": pa.array([[0.1, 0.2]] * 8)}), data)
    result, out = _run(tmp_path, data)
    assert result.exit_code in (0, 1), result.stderr
    assert json.loads(out.read_text())["data"]["rows_used"] == 8


def test_boolean_labels_and_decisions_count_as_1_and_0(tmp_path):
    as_bool = tmp_path / "bool.csv"
    frame = _frame()
    frame.assign(y=frame["y"].astype(bool), rule=frame["rule"].astype(bool)).to_csv(as_bool, index=False)
    assert "True" in as_bool.read_text()
    result, out = _run(tmp_path, as_bool)
    (tmp_path / "plain").mkdir()
    plain, plain_out = _run(tmp_path / "plain", GOOD)
    assert result.exit_code == plain.exit_code, result.stderr
    assert json.loads(out.read_text())["metrics"] == json.loads(plain_out.read_text())["metrics"]


@pytest.mark.parametrize(("name", "first", "hint"), CASES, ids=[c[0] for c in CASES])
def test_the_duckdb_engine_gives_the_same_diagnostics(tmp_path, name, first, hint):
    data = tmp_path / "in" / name
    data.parent.mkdir()
    MAKERS[name](data)
    (tmp_path / "out").mkdir()
    before = snapshot(tmp_path)
    result, _ = _run(tmp_path, data, "--engine", "duckdb")
    assert result.exit_code == 5, result.stderr
    assert result.stderr.splitlines()[0] == f"{data}: {first}", result.stderr
    assert changed(before, snapshot(tmp_path)) == set()
