"""The typed columns DuckDB hands over (hurdlelang/engine/duck.py): through Arrow, each slice column as
codes into its sorted values (the same as factorising its text, which the pandas reader gives), the
rows in file order without an ORDER BY, and the cells still used wherever they pay."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from hurdlelang.data.prepare import prepare
from hurdlelang.data.prepared import Slices
from hurdlelang.data.read import read_table
from hurdlelang.engine import cells, duck
from hurdlelang.engine.source import frame_source, open_source
from hurdlelang.lang.compiler import compile_path
from tests.conftest import EXAMPLES

FRAUD = EXAMPLES / "fraud_blocking.hurdle"
FRAUD_DATA = EXAMPLES / "data" / "fraud_blocking.csv"


def _source(kind: str, tmp_path):
    frame = pd.read_csv(FRAUD_DATA)
    if kind == "csv":
        return open_source(str(FRAUD_DATA))
    if kind == "parquet":
        frame.to_parquet(tmp_path / "fraud.parquet")
        return open_source(str(tmp_path / "fraud.parquet"))
    return frame_source(frame if kind == "frame" else pa.Table.from_pandas(frame))


def _assert_coded_as_their_text(prepared):
    for column, text in prepared.slices.items():
        coded = prepared.coded_slices[column]
        expected = Slices.of(text)
        assert coded.names == expected.names
        assert np.array_equal(coded.codes, expected.codes)
        assert np.array_equal(coded.text, text)


@pytest.mark.parametrize("kind", ["csv", "parquet", "frame", "arrow"])
def test_the_rows_slice_codes_are_those_of_their_text(kind, tmp_path):
    """Continuous scores keep the rows: their slice comes coded from DuckDB, in file order, and its
    text is the pandas reader's."""
    spec = compile_path(FRAUD).specs[0]
    prepared = duck.prepare_duckdb(spec, _source(kind, tmp_path))
    assert prepared.multiplicity is None
    _assert_coded_as_their_text(prepared)
    by_pandas = prepare(spec, read_table(str(FRAUD_DATA)), {})
    assert np.array_equal(prepared.slices["channel"], by_pandas.slices["channel"])
    assert prepared.slices["channel"].dtype == by_pandas.slices["channel"].astype(str).dtype  # as assemble types it
    assert np.array_equal(prepared.label, by_pandas.label)


def test_cells_come_coded_as_their_text(tmp_path):
    frame = pd.read_csv(FRAUD_DATA)
    frame["p_fraud"] = frame["p_fraud"].round(2)
    spec = compile_path(FRAUD).specs[0]
    prepared = duck.prepare_duckdb(spec, frame_source(frame))
    assert prepared.multiplicity is not None
    _assert_coded_as_their_text(prepared)
    grouped = cells.group(prepare(spec, read_table(str(FRAUD_DATA)), {}))  # the pandas reader's rows
    _assert_coded_as_their_text(grouped)


def test_rows_are_put_in_the_order_of_their_row_numbers():
    table = pa.table({duck.ROW: [3, 1, 4, 2], "label": [30.0, 10.0, 40.0, 20.0], "slice:s": ["c", "a", "d", "b"]})
    ordered = duck._by_row(table)
    assert ordered.column_names == ["label", "slice:s"]
    assert ordered.column("label").to_pylist() == [10.0, 20.0, 30.0, 40.0]
    assert ordered.column("slice:s").to_pylist() == ["a", "b", "c", "d"]
    assert duck._by_row(ordered.append_column(duck.ROW, pa.array([1, 2, 3, 4]))).equals(ordered)


def test_an_arrow_text_column_of_many_chunks_is_coded_as_its_text():
    chunks = [["web", "app", "web"], [], ["phone", "app", "wéb", ""]]
    got = duck._slice_codes(pa.chunked_array(chunks, type=pa.string()))
    expected = Slices.of(np.array(sum(chunks, []), dtype=object))
    assert got.names == expected.names == ("", "app", "phone", "web", "wéb")
    assert np.array_equal(got.codes, expected.codes)


def test_cells_that_just_pay_are_not_skipped_by_the_estimate(tmp_path):
    """rows = 4 x cells exactly (the bound of worth_it): the HyperLogLog estimate, which errs by a few
    percent, does not send them to the rows."""
    channels, scores = 500, np.array([0.1, 0.3, 0.6, 0.9])
    key = np.tile(np.arange(channels * len(scores)), 4)  # 2,000 cells, 4 rows each
    channel, score = key // len(scores), scores[key % len(scores)]
    frame = pd.DataFrame(
        {
            "transaction_id": np.arange(len(key)),
            "channel": np.array([f"c{i:03d}" for i in range(channels)])[channel],
            "is_fraud": ((channel + key) % 3 == 0).astype(int),
            "p_fraud": score,
            "rules_block": (channel % 2).astype(int),
        }
    )
    spec_path = tmp_path / "fraud.hurdle"
    spec_path.write_text(FRAUD.read_text().replace("require rows >= 2_000 in every channel", "require rows >= 1"))
    prepared = duck.prepare_duckdb(compile_path(spec_path).specs[0], frame_source(frame))
    assert prepared.multiplicity is not None
    assert prepared.cells == channels * len(scores) and prepared.rows == 4 * prepared.cells


def test_an_estimate_may_be_a_quarter_over_the_cells_that_pay():
    assert cells.may_pay(1250, 4000)  # 1,000 cells x 4 = 4,000 rows
    assert not cells.may_pay(1255, 4000)  # 1,004 cells
    assert not cells.may_pay(426_409, 1_000_000)  # DuckDB's estimate of 424,007 cells of 10^6 rows
