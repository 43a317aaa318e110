"""The Spark engine gives the same record as the pandas reader (every number to 1e-9, the same
decisions) on every bundled example and on the good files of the bad-data corpus (one per task and
missing-value policy), and the same numbers whatever the data comes as: a file, a Parquet folder
Spark partitions itself, a table of the session's catalogue or a Spark DataFrame handed to judge()."""

from __future__ import annotations

import json
from importlib.metadata import version

import pandas as pd
import pytest

from hurdlelang.api import DataError, judge, load_spec
from tests.conftest import EXAMPLES
from tests.engine.test_duck_numbers import BAD, RESAMPLES, _comparable, _metrics, _record, assert_same

pytestmark = pytest.mark.spark

RUNS = [(p, EXAMPLES / "data" / f"{p.stem}.csv") for p in sorted(EXAMPLES.glob("*.hurdle"))] + [
    (BAD / f"{name}.hurdle", BAD / f"{data}.csv")
    for name, data in [
        ("binary_drop", "binary_drop_some"),
        ("multiclass_na", "multiclass_na_good"),
        ("multiclass_numeric", "multiclass_numeric_drop_label"),
        ("ranking", "ranking_good"),
    ]
]


@pytest.mark.parametrize("spec,data", RUNS, ids=[f"{s.stem}-{d.stem}" for s, d in RUNS])
def test_spark_gives_the_pandas_record(spec, data, spark, tmp_path):
    pandas = _record(spec, data, "pandas", tmp_path / "pandas.json")
    on_spark = _record(spec, data, "spark", tmp_path / "spark.json")
    assert_same(_comparable(pandas), _comparable(on_spark))
    # the engine's own library is named where it made the numbers, and only there
    assert on_spark["run"]["versions"]["pyspark"] == version("pyspark")
    assert "pyspark" not in pandas["run"]["versions"]


@pytest.fixture(scope="module")
def demand():
    spec = EXAMPLES / "demand_forecast.hurdle"
    return load_spec(spec), pd.read_csv(EXAMPLES / "data" / "demand_forecast.csv")


def test_a_spark_dataframe_and_a_table_give_the_pandas_numbers(demand, spark):
    spec, frame = demand
    expected = _metrics(json.loads(judge(spec, frame, resamples=RESAMPLES).to_json()))
    by_duckdb = judge(spec, frame, resamples=RESAMPLES, engine="duckdb")
    assert_same(expected, _metrics(json.loads(by_duckdb.to_json())))
    spark_frame = spark.createDataFrame(frame)
    by_frame = judge(spec, spark_frame, resamples=RESAMPLES)  # detected: no engine= needed
    assert_same(expected, _metrics(json.loads(by_frame.to_json())))
    assert by_frame.record.data.files[0].path == "<Spark DataFrame>"
    spark_frame.createOrReplaceTempView("demand_predictions")
    by_table = judge(spec, "demand_predictions", resamples=RESAMPLES, engine="spark")
    assert_same(expected, _metrics(json.loads(by_table.to_json())))
    assert by_table.record.data.files[0].path == "demand_predictions"
    # a table and a DataFrame of the same rows are digested from the columns judged: the same SHA-256
    assert by_table.record.data.files[0].sha256 == by_frame.record.data.files[0].sha256


def test_a_partitioned_parquet_folder_gives_the_same_point_values(demand, spark, tmp_path):
    spec, frame = demand
    expected = _metrics(json.loads(judge(spec, frame, resamples=RESAMPLES).to_json()))
    spark.createDataFrame(frame).repartition(3).write.partitionBy("store_format").parquet(str(tmp_path / "hive"))
    got = json.loads(judge(spec, tmp_path / "hive", resamples=RESAMPLES, engine="spark").to_json())
    assert got["data"]["rows_used"] == expected["rows"]
    # other row order (rows grouped by partition): the point values agree, the resamples need not
    for party, scopes in expected["metrics"].items():
        for scope, metrics in scopes.items():
            for name, m in metrics.items():
                assert got["metrics"][party][scope][name]["value"] == pytest.approx(m["value"], abs=1e-9), (party, name)


def test_an_unknown_table_is_d001(demand, spark):
    spec, _ = demand
    with pytest.raises(DataError) as error:
        judge(spec, "no_such_table", engine="spark")
    (d,) = error.value.diagnostics
    assert (d.code, d.message, d.path) == ("D001", "no data file or Spark table of this name", "no_such_table")


def test_rows_of_a_spark_dataframe_are_numbered_in_its_order(demand, spark):
    """A bad cell is reported at its row of the DataFrame, as the pandas reader reports it."""
    spec, frame = demand
    frame = frame.astype({"units_sold": str})
    frame.loc[[6, 40], "units_sold"] = "n/a"
    with pytest.raises(DataError) as by_pandas:
        judge(spec, frame)
    with pytest.raises(DataError) as by_spark:
        judge(spec, spark.createDataFrame(frame))
    (p,), (s,) = by_pandas.value.diagnostics, by_spark.value.diagnostics
    assert (s.code, s.column, s.rows) == (p.code, p.column, p.rows) == ("D010", "units_sold", (7, 41))
    assert s.message == p.message


def test_the_spark_example_in_docs_api_md_runs(spark, tmp_path, monkeypatch, capsys):
    import re

    from tests.conftest import ROOT

    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "docs" / "api.md").read_text(), re.S)
    (block,) = [b for b in blocks if "spark.table(" in b]
    frame = pd.read_csv(EXAMPLES / "data" / "repeat_purchase.csv")
    spark.createDataFrame(frame).createOrReplaceTempView("repeat_purchase_scores")
    monkeypatch.chdir(ROOT)
    code = block.replace('"repeat_purchase.decision.json"', repr(str(tmp_path / "r.json")))
    exec(compile(code, "api.md", "exec"), {})
    assert capsys.readouterr().out.splitlines() == ["rollout"]
    record = json.loads((tmp_path / "r.json").read_text())
    assert record["data"]["files"][0]["path"] == "<Spark DataFrame>"
