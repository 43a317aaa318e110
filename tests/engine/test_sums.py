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
    text = SPEC.format(weight="    weight w\n" if weighted else "", confidence=confidence)
    return _run_on_engines(tmp_path, "sums.hurdle", text, data, ("pandas", "duckdb"))


def _run_on_engines(tmp_path, name: str, text: str, data: pd.DataFrame, engines):
    """The spec `text` run on `data` (as Parquet) by each engine: (spec, data path, engine -> record)."""
    spec = tmp_path / name
    spec.write_text(text)
    path = tmp_path / "data.parquet"
    data.to_parquet(path)
    out = {}
    for engine in engines:
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


# ---- binary log_loss and brier (the rows still come for the counts and AUCs) ----

BINARY = """spec losses "losses" {{
  owner "tests"
  task binary
  data {{
    label y
    score p
    predict p >= 0.4
{weight}    slice region, shop
  }}
  baseline rule "rule" {{
    predict rule
  }}
  baseline other "other" {{
    score q
    predict q >= 0.5
  }}
  metric both_losses lower is better = log_loss + brier
  hurdles at 95% confidence {{
    tier ship "ship" {{
      log_loss beats other
      brier beats other in every region
      both_losses <= 1
      recall beats rule
    }}
    otherwise keep "keep"
  }}
}}
"""


def binary_frame(rows: int = 6_000, seed: int = 5) -> pd.DataFrame:
    """Scores with exact 0s and 1s (log_loss's clipping at eps: about 36 for a confident mistake),
    a decisions-only rule (its 0/1 decisions are its probabilities), a small region (under 2,000
    rows: the row bootstrap) and weights with zeros."""
    rng = np.random.default_rng(seed)
    y = (rng.random(rows) < 0.3).astype(np.int8)
    signal = rng.normal(size=rows)
    p = np.round(1 / (1 + np.exp(-(1.5 * y + signal - 1.2))), 4)
    p[rng.random(rows) < 0.01] = 1.0
    p[rng.random(rows) < 0.01] = 0.0
    q = np.round(np.clip(0.3 + 0.3 * y + rng.normal(0, 0.25, rows), 0, 1), 3)
    region = np.where(rng.random(rows) < 0.1, "tiny", np.where(rng.random(rows) < 0.5, "north", "south"))
    return pd.DataFrame(
        {
            "y": y,
            "p": p,
            "q": q,
            "rule": (y + rng.normal(0, 0.8, rows) > 0.7).astype(np.int8),
            "w": rng.integers(0, 4, rows).astype(float),
            "region": region,
            "shop": rng.choice(["a", "b"], rows),
        }
    )


def _binary_records(tmp_path, weighted: bool, data: pd.DataFrame, engines=("pandas", "duckdb")):
    text = BINARY.format(weight="    weight w\n" if weighted else "")
    return _run_on_engines(tmp_path, "losses.hurdle", text, data, engines)


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_binary_losses_from_engine_sums_give_the_pandas_record(tmp_path, weighted):
    from sklearn.metrics import brier_score_loss
    from sklearn.metrics import log_loss as sk_log_loss

    data = binary_frame()
    spec, path, records = _binary_records(tmp_path, weighted, data)
    prepared = prepare_duckdb(compile_path(spec).specs[0], open_source(str(path)))
    assert prepared.sums is not None and prepared.cells == 6_000  # the sums, and every row (counts, AUCs)
    assert {"candidate:w*loss", "rule:w*loss", "other:w*(p-y)^2", "w"} <= set(prepared.sums.terms)
    assert "w*y" not in prepared.sums.terms  # no r2: no second pass
    assert_same(_comparable(records["pandas"]), _comparable(records["duckdb"]))
    metrics = records["duckdb"]["metrics"]
    w = data["w"] if weighted else None
    north = data["region"] == "north"
    for party, column in (("candidate", "p"), ("rule", "rule"), ("other", "q")):
        assert metrics[party]["all"]["log_loss"]["value"] == pytest.approx(
            sk_log_loss(data["y"], data[column], sample_weight=w, labels=[0, 1]), rel=1e-12
        )
        got = metrics[party]["region=north"]["brier"]["value"]
        expected = brier_score_loss(
            data["y"][north], data[column][north], sample_weight=None if w is None else w[north]
        )
        assert got == pytest.approx(expected, rel=1e-12)
    assert metrics["rule"]["all"]["log_loss"]["value"] > 5  # 0/1 decisions: each mistake costs about 36
    methods = records["duckdb"]["confidence"]["methods"]
    assert "normal approximation" in methods["candidate.log_loss"] and "resampled rows" in methods["rule.brier"]


def test_binary_losses_of_a_scope_without_weight_keep_their_reason(tmp_path):
    data = binary_frame(rows=4_000)
    data.loc[data["shop"] == "b", "w"] = 0.0
    _, _, records = _binary_records(tmp_path, True, data)
    assert_same(_comparable(records["pandas"]), _comparable(records["duckdb"]))
    shop_b = records["duckdb"]["metrics"]["candidate"]["shop=b"]
    assert shop_b["log_loss"]["value"] is None and "zero total weight" in shop_b["log_loss"]["reason"]
    assert shop_b["brier"]["value"] is None


def test_binary_specs_the_engine_sums(tmp_path):
    text = BINARY.format(weight="")
    assert sums_suffice(_spec(tmp_path, text))
    # no loss reported: nothing to sum
    plain = text.replace("      log_loss beats other\n", "").replace("      brier beats other in every region\n", "")
    assert not sums_suffice(
        _spec(
            tmp_path,
            plain.replace("  metric both_losses lower is better = log_loss + brier\n", "").replace(
                "      both_losses <= 1\n", ""
            ),
        )
    )
    # a party without decisions: its count metrics are drawn on rows with the losses
    assert not sums_suffice(_spec(tmp_path, text.replace("    predict q >= 0.5\n", "")))
    other = '  baseline other "other" {\n    score q\n    predict q >= 0.5\n  }\n'
    dummy = text.replace(other, '  baseline other "other" {\n    strategy prior\n  }\n')
    assert "strategy prior" in dummy and not sums_suffice(_spec(tmp_path, dummy))


@pytest.mark.spark
def test_spark_binary_losses_give_the_pandas_record(tmp_path, spark):
    from hurdlelang.engine.spark import frame_spark_source, prepare_spark

    data = binary_frame()
    spec, _, records = _binary_records(tmp_path, True, data, engines=("pandas", "spark"))
    assert_same(_comparable(records["pandas"]), _comparable(records["spark"]))
    prepared = prepare_spark(compile_path(spec).specs[0], frame_spark_source(spark.createDataFrame(data)))
    assert prepared.sums is not None and prepared.cells == 6_000


def test_binary_losses_of_equal_columns_are_two_terms(tmp_path):
    """A baseline whose score column equals the candidate's: its loss terms hold the candidate's
    values, and the row path must still draw them as two terms (named, not merged by value), as the
    engine's table has them; merged, the draws of every term would differ between the engines."""
    data = binary_frame(rows=3_000)
    data["q"] = data["p"]
    _, _, records = _binary_records(tmp_path, False, data)
    assert_same(_comparable(records["pandas"]), _comparable(records["duckdb"]))
    metrics = records["duckdb"]["metrics"]
    assert metrics["other"]["all"]["log_loss"]["value"] == metrics["candidate"]["all"]["log_loss"]["value"]
