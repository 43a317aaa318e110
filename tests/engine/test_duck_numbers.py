"""The DuckDB engine gives the same record as the pandas reader (every number to 1e-9, the same
decisions) on every bundled example and on the good files of the bad-data corpus, and the same
record whatever form the same data comes in: CSV, .csv.gz, TSV, Parquet, a glob of CSV parts, a
Hive-partitioned Parquet folder, a pandas DataFrame or an Arrow table."""

from __future__ import annotations

import gzip
import json
import shutil

import pandas as pd
import pyarrow as pa
import pytest

from hurdlelang.api import judge, load_spec
from hurdlelang.judging.runner import RunOptions, execute
from hurdlelang.lang.compiler import compile_path
from tests.conftest import CORPUS, EXAMPLES

RESAMPLES = 200  # the same on both engines; enough to exercise every interval method
BAD = CORPUS / "data"
RUNS = [(p, EXAMPLES / "data" / f"{p.stem}.csv") for p in sorted(EXAMPLES.glob("*.hurdle"))] + [
    (BAD / f"{name}.hurdle", BAD / f"{data}.csv")
    for name, data in [
        ("binary", "binary_good"),
        ("binary_drop", "binary_drop_some"),
        ("multiclass", "multiclass_good"),
        ("multiclass_na", "multiclass_na_good"),
        ("multiclass_numeric", "multiclass_numeric_good"),
        ("multiclass_numeric", "multiclass_numeric_drop_label"),
        ("regression", "regression_good"),
        ("ranking", "ranking_good"),
    ]
]


def _record(spec, data, engine: str, out) -> dict:
    options = RunOptions(data_path=str(data), out_path=str(out), resamples=RESAMPLES, engine=engine)
    execute(compile_path(spec), options)
    return json.loads(out.read_text())


def _comparable(record: dict) -> dict:
    record = dict(record)
    record.pop("created_at")
    # the engine's own library (pyspark) is named only by the engine that used it
    versions = {k: v for k, v in record["run"]["versions"].items() if k != "pyspark"}
    record["run"] = dict(record["run"], versions=versions)
    if record["confidence"]:
        record["confidence"] = dict(record["confidence"], notes=sorted(record["confidence"]["notes"]))
    return record


def assert_same(a, b, path="record"):
    if isinstance(a, dict):
        assert set(a) == set(b), path
        for k in a:
            assert_same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert a == pytest.approx(b, abs=1e-9, rel=1e-9), path
    else:
        assert a == b, path


@pytest.mark.parametrize("spec,data", RUNS, ids=[f"{s.stem}-{d.stem}" for s, d in RUNS])
def test_duckdb_gives_the_pandas_record(spec, data, tmp_path):
    pandas = _record(spec, data, "pandas", tmp_path / "pandas.json")
    duck = _record(spec, data, "duckdb", tmp_path / "duck.json")
    assert_same(_comparable(pandas), _comparable(duck))


def _metrics(record: dict) -> dict:
    return {"metrics": record["metrics"], "outcome": record["outcome"], "rows": record["data"]["rows_used"]}


@pytest.fixture(scope="module")
def demand():
    spec = EXAMPLES / "demand_forecast.hurdle"
    return spec, EXAMPLES / "data" / "demand_forecast.csv"


def test_every_form_of_the_same_data_gives_the_same_record(demand, tmp_path):
    spec, csv = demand
    frame = pd.read_csv(csv)
    expected = _metrics(_record(spec, csv, "pandas", tmp_path / "expected.json"))
    forms = tmp_path / "forms"
    forms.mkdir()
    with open(csv, "rb") as f, gzip.open(forms / "d.csv.gz", "wb") as z:
        shutil.copyfileobj(f, z)
    frame.to_csv(forms / "d.tsv", sep="\t", index=False)
    frame.to_parquet(forms / "d.parquet")
    (forms / "parts").mkdir()
    half = len(frame) // 2
    frame.iloc[:half].to_csv(forms / "parts" / "part-0.csv", index=False)
    frame.iloc[half:].to_csv(forms / "parts" / "part-1.csv", index=False)
    frame.to_parquet(forms / "hive", partition_cols=["store_format"])
    paths = [forms / "d.csv.gz", forms / "d.tsv", forms / "d.parquet", f"{forms}/parts/*.csv"]
    for i, path in enumerate(paths):
        got = _metrics(_record(spec, path, "duckdb", tmp_path / f"{i}.json"))
        assert_same(expected, got, str(path))
    # a partitioned folder holds the rows grouped by partition: same numbers, other row order, so
    # only the point values (not the resampled intervals) are comparable
    got = _record(spec, forms / "hive", "duckdb", tmp_path / "hive.json")
    assert got["data"]["rows_used"] == expected["rows"]
    for party, scopes in expected["metrics"].items():
        for scope, metrics in scopes.items():
            for name, m in metrics.items():
                assert got["metrics"][party][scope][name]["value"] == pytest.approx(m["value"], abs=1e-9), (party, name)


def test_a_dataframe_or_arrow_table_is_queried_in_place(demand):
    spec_path, csv = demand
    spec = load_spec(spec_path)
    frame = pd.read_csv(csv)
    by_pandas = judge(spec, frame, resamples=RESAMPLES)
    by_duckdb = judge(spec, frame, resamples=RESAMPLES, engine="duckdb")
    by_arrow = judge(spec, pa.Table.from_pandas(frame), resamples=RESAMPLES, engine="duckdb")
    expected = _metrics(json.loads(by_pandas.to_json()))
    assert_same(expected, _metrics(json.loads(by_duckdb.to_json())))
    assert_same(expected, _metrics(json.loads(by_arrow.to_json())))
    assert by_arrow.record.data.files[0].path == "<Arrow table>"
