"""`hurdlec init`: a starting spec from a predictions file, which checks clean."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from hurdlelang.core.source import Source
from hurdlelang.lang.compiler import compile_source
from tests.conftest import EXAMPLES

TASKS = {
    "repeat_purchase": "binary",
    "fraud_blocking": "binary",
    "ticket_routing": "multiclass",
    "demand_forecast": "regression",
    "basket_recommendation": "ranking",
}


@pytest.mark.parametrize("name", sorted(TASKS))
def test_init_guesses_the_task_and_checks_clean(hurdlec, name):
    result = hurdlec("init", "--data", EXAMPLES / "data" / f"{name}.csv")
    assert result.exit_code == 0, result.stderr
    compiled = compile_source(Source(f"{name}.hurdle", result.stdout))
    assert compiled.diagnostics == []
    (spec,) = compiled.specs
    assert spec.task == TASKS[name]
    assert spec.baselines, "a baseline to beat is always proposed"


def test_init_measures_todays_baseline(hurdlec):
    result = hurdlec("init", "--data", EXAMPLES / "data" / "fraud_blocking.csv")
    frame = pd.read_csv(EXAMPLES / "data" / "fraud_blocking.csv")
    rule, fraud = frame["rules_block"] == 1, frame["is_fraud"] == 1
    precision = (rule & fraud).sum() / rule.sum()
    assert f"# Today's rule has precision {precision:.3f}" in result.stdout
    assert re.search(r"label is_fraud\n\s+score p_fraud\n\s+predict p_fraud >= 0.5", result.stdout)
    assert "slice channel" in result.stdout and "id transaction_id" in result.stdout


def test_init_reads_parquet_and_writes_out(hurdlec, tmp_path):
    data = tmp_path / "routing.parquet"
    pd.read_csv(EXAMPLES / "data" / "ticket_routing.csv").to_parquet(data)
    out = tmp_path / "routing.hurdle"
    result = hurdlec("init", "--data", data, "--out", out)
    assert result.exit_code == 0
    assert "task multiclass" in out.read_text()
    again = hurdlec("init", "--data", data, "--out", out)
    assert again.exit_code == 2 and "exists; pass --force" in again.stderr
    assert hurdlec("init", "--data", data, "--out", out, "--force").exit_code == 0


def test_init_without_a_label_column_says_so(hurdlec, tmp_path):
    data = tmp_path / "odd.csv"
    data.write_text("a,b\n1,0.2\n0,0.4\n")
    result = hurdlec("init", "--data", data)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"{data}: D004 no column looks like the label"
