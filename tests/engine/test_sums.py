"""Sums of per-row terms computed in the engine (hurdlelang/engine/terms.py, duck_sums.py): a
regression spec on data of at least ROW_BOOTSTRAP_BELOW rows reaches the evaluator as a SumTable
(every row's sums) plus the rows of its small scopes only, and gives the pandas reader's record:
every value and every interval to 1e-9, the same decisions and notes."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from hurdlelang.engine.duck import prepare_duckdb
from hurdlelang.engine.source import open_source
from hurdlelang.engine.terms import sums_suffice
from hurdlelang.judging.runner import RunOptions, execute
from hurdlelang.lang.compiler import compile_path
from tests.engine.test_duck_numbers import _comparable, assert_same

SPEC = """spec sums "sums" {{
  owner "tests"
  task regression
  data {{
    label y
    predict forecast
{weight}    slice region, shop
  }}
  baseline naive "naive" {{
    predict naive
  }}
  baseline over "over" {{
    predict over
  }}
  metric mape_gap = mape - 0
  hurdles{confidence} {{
    tier ship "ship" {{
      mae beats naive by 5%
      rmse beats naive in every region
      r2 >= 0.2
      mape <= 0.5
      bias <= 2 in every shop
    }}
    otherwise keep "keep"
  }}
}}
"""


def frame(rows: int = 6_000, seed: int = 3, offset: float = 100.0) -> pd.DataFrame:
    """Labels near `offset` (r2's centred sums: test_r2_of_labels_near_a_large_mean), a baseline
    that always over-predicts (its w|e| and w e are equal on every row: one term, as the row path
    draws it), a small region (under 2,000 rows: the row bootstrap) and two shops."""
    rng = np.random.default_rng(seed)
    y = offset + rng.normal(0, 3, rows).round(2)
    region = np.where(rng.random(rows) < 0.1, "tiny", np.where(rng.random(rows) < 0.5, "north", "south"))
    return pd.DataFrame(
        {
            "y": y,
            "forecast": (y + rng.normal(0, 1.5, rows)).round(2),
            "naive": (y + rng.normal(0, 3, rows)).round(2),
            "over": y + np.abs(rng.normal(0, 2, rows)).round(2) + 0.5,
            "w": rng.integers(0, 4, rows).astype(float),
            "region": region,
            "shop": rng.choice(["a", "b"], rows),
        }
    )


def _records(tmp_path, weighted: bool, data: pd.DataFrame, confidence: str = " at 95% confidence"):
    spec = tmp_path / "sums.hurdle"
    spec.write_text(SPEC.format(weight="    weight w\n" if weighted else "", confidence=confidence))
    path = tmp_path / "data.parquet"
    data.to_parquet(path)
    out = {}
    for engine in ("pandas", "duckdb"):
        target = tmp_path / f"{engine}.json"
        execute(compile_path(spec), RunOptions(str(path), out_path=str(target), resamples=300, engine=engine))
        out[engine] = json.loads(target.read_text())
    return spec, path, out


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_engine_sums_give_the_pandas_record(tmp_path, weighted):
    spec, path, records = _records(tmp_path, weighted, frame())
    prepared = prepare_duckdb(compile_path(spec).specs[0], open_source(str(path)))
    assert prepared.sums is not None and prepared.rows == 6_000
    assert set(prepared.slices["region"]) == {"tiny"}  # only the small scope's rows were fetched
    assert prepared.cells == int((frame()["region"] == "tiny").sum())
    assert_same(_comparable(records["pandas"]), _comparable(records["duckdb"]))
    methods = records["duckdb"]["confidence"]["methods"]
    assert "normal approximation" in methods["candidate.mae"] and "resampled rows" in methods["candidate.mae"]


def test_r2_of_labels_near_a_large_mean(tmp_path):
    """sum(w y^2) - sum(w y)^2 / sum(w) would lose every digit here; the table's centred sums do not.
    (Without intervals: the normal draws' covariance of such terms is not centred yet, a known debt.)"""
    _, _, records = _records(tmp_path, False, frame(offset=1e6), confidence="")
    assert_same(_comparable(records["pandas"]), _comparable(records["duckdb"]))
    r2 = records["duckdb"]["metrics"]["candidate"]["all"]["r2"]["value"]
    assert 0.5 < r2 < 0.95


def test_undefined_values_keep_their_reasons(tmp_path):
    data = frame(rows=2_500, offset=50.0)
    data.loc[data["region"] == "north", "y"] = 5.0  # constant labels there: r2 undefined
    data.loc[data.index[data["region"] == "south"][:3], "y"] = 0.0  # mape undefined: labels of 0
    _, _, records = _records(tmp_path, False, data)
    assert_same(_comparable(records["pandas"]), _comparable(records["duckdb"]))
    north = records["duckdb"]["metrics"]["candidate"]["region=north"]
    assert north["r2"]["value"] is None and "constant" in north["r2"]["reason"]
    assert "label is 0 in 3 row(s)" in records["duckdb"]["metrics"]["candidate"]["all"]["mape"]["reason"]


def _spec(tmp_path, text: str):
    path = tmp_path / "s.hurdle"
    path.write_text(text)
    return compile_path(path).specs[0]


def test_small_data_and_row_metrics_keep_the_rows(tmp_path):
    spec = _spec(tmp_path, SPEC.format(weight="", confidence=""))
    assert sums_suffice(spec)
    assert not sums_suffice(
        _spec(tmp_path, SPEC.format(weight="", confidence="").replace("r2 >= 0.2", "median_absolute_error <= 9"))
    )
    path = tmp_path / "small.parquet"
    frame(rows=500).to_parquet(path)
    assert prepare_duckdb(spec, open_source(str(path))).sums is None  # under 2,000 rows: the rows


@pytest.mark.spark
def test_spark_sums_give_the_pandas_record(tmp_path, spark):
    from hurdlelang.engine.spark import frame_spark_source, prepare_spark

    data = frame()
    spec, path, records = _records(tmp_path, True, data)
    target = tmp_path / "spark.json"
    execute(compile_path(spec), RunOptions(str(path), out_path=str(target), resamples=300, engine="spark"))
    assert_same(_comparable(records["pandas"]), _comparable(json.loads(target.read_text())))
    prepared = prepare_spark(compile_path(spec).specs[0], frame_spark_source(spark.createDataFrame(data)))
    assert prepared.sums is not None and prepared.cells == int((data["region"] == "tiny").sum())
