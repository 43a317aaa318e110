"""`--baseline-data` joined by the DuckDB engine (hurdlelang/engine/duck_join.py): the same record
as the pandas reader's join, from CSV and from Parquet, with the baseline's column named as in the
predictions file; the join's diagnostics are the bad-data corpus' (tests/engine/test_duck_corpus.py
runs its join cases on DuckDB)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from hurdlelang.judging import runner
from hurdlelang.judging.runner import RunOptions, execute
from hurdlelang.lang.compiler import compile_path
from tests.data.test_bad_data import BAD
from tests.engine.test_duck_numbers import RESAMPLES, _comparable, assert_same


def _record(spec, data, baseline, engine: str, out) -> dict:
    options = RunOptions(str(data), {"as_is": str(baseline)}, str(out), resamples=RESAMPLES, engine=engine)
    execute(compile_path(spec), options)
    return json.loads(out.read_text())


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_duckdb_joins_as_the_pandas_reader(kind, tmp_path, monkeypatch):
    main, base = BAD / "join_main.csv", BAD / "join_as_is.csv"
    if kind == "parquet":
        frames = {"main": pd.read_csv(main), "base": pd.read_csv(base)}
        frames["main"]["rule"] = 1  # the baseline's column name in the predictions too: its own file's counts
        main, base = tmp_path / "main.parquet", tmp_path / "base.parquet"
        frames["main"].to_parquet(main)
        frames["base"].to_parquet(base)
    joined = []
    real = runner.judge_joined
    monkeypatch.setattr(runner, "judge_joined", lambda *a: joined.append(1) or real(*a))
    pandas = _record(BAD / "binary.hurdle", main, base, "pandas", tmp_path / "pandas.json")
    duck = _record(BAD / "binary.hurdle", main, base, "duckdb", tmp_path / "duck.json")
    assert joined == [1]  # the DuckDB run joined in DuckDB
    assert_same(_comparable(pandas), _comparable(duck))
    assert [f["role"] for f in duck["data"]["files"]] == ["predictions", "baseline as_is"]
    recall = duck["metrics"]["as_is"]["all"]["recall"]["value"]
    assert recall is not None and recall < 1  # not the predictions file's rule (all 1: recall 1)
