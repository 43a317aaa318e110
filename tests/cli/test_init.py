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
    assert f"# Today's rule (rules_block) flags {rule.sum():,} rows: precision {precision:.3f}" in result.stdout
    threshold = re.search(r"label\s+is_fraud\n\s+score\s+p_fraud\n\s+predict p_fraud >= ([0-9.]+)", result.stdout)
    assert threshold is not None
    # the threshold flags about as many transactions as the rules block today, not a default 0.5
    flagged = (frame["p_fraud"] >= float(threshold[1])).sum()
    assert abs(flagged - rule.sum()) <= rule.sum() // 20
    assert re.search(r"slice\s+channel", result.stdout) and re.search(r"id\s+transaction_id", result.stdout)


def test_init_reads_parquet_and_writes_out(hurdlec, tmp_path):
    data = tmp_path / "routing.parquet"
    pd.read_csv(EXAMPLES / "data" / "ticket_routing.csv").to_parquet(data)
    out = tmp_path / "routing.hurdle"
    result = hurdlec("init", "--data", data, "--out", out)
    assert result.exit_code == 0
    assert re.search(r"task\s+multiclass", out.read_text())
    again = hurdlec("init", "--data", data, "--out", out)
    assert again.exit_code == 2 and "exists; pass --force" in again.stderr
    assert hurdlec("init", "--data", data, "--out", out, "--force").exit_code == 0


def test_init_without_a_label_column_says_so(hurdlec, tmp_path):
    data = tmp_path / "odd.csv"
    data.write_text("name,city\nann,rome\nbob,oslo\n")  # nothing is a label, by name or by content
    result = hurdlec("init", "--data", data)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"{data}: D004 no column looks like the label"
