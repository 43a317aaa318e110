"""Abstain bands end to end: `predict p >= 0.8 as block, p < 0.2 as allow, otherwise review`.

Oracles: scikit-learn's precision and recall on the decided rows alone (the band above 1, the band
below 0, the rest left out), numpy's shares of decided and abstained rows, the same record from the
DuckDB engine, and intervals from the same paired draws as the baseline's."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import precision_score, recall_score

from hurdlelang.api import judge, load_spec
from hurdlelang.core.source import Source
from hurdlelang.lang.compiler import compile_source

SPEC = """
spec fraud "Block card fraud, send the doubtful to review" {
  owner "payments-risk"
  task  binary

  data {
    label   is_fraud
    score   p
    predict p >= 0.8 as block, p < 0.3 as allow, otherwise review
    slice   channel
  }

  baseline rules "The velocity rules" {
    predict rules_block
  }

  metric saved "Fraud stopped, less the cost of review, per transaction"
    = (tp * 90 GBP - fp * 5 GBP - abstained * 2 GBP) / n

  hurdles at 95% confidence {
    require coverage >= 50%
    tier automate "Block and allow automatically, review the rest" {
      precision beats rules
      abstain_rate <= 40%
      recall >= 0.3 in every channel
    }
    otherwise keep_rules
  }
}
"""


def make_frame() -> pd.DataFrame:
    rng = np.random.default_rng(26)
    n = 2_000
    fraud = (rng.random(n) < 0.2).astype(int)
    p = np.clip(rng.beta(2, 5, n) + 0.55 * fraud * rng.random(n), 0, 1).round(3)
    return pd.DataFrame(
        {
            "is_fraud": fraud,
            "p": p,
            "rules_block": ((p + rng.normal(0, 0.25, n)) > 0.7).astype(int),
            "channel": rng.choice(["web", "app"], n),
        }
    )


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return make_frame()


def _values(decision, party="candidate", where="all"):
    return {k: m.value for k, m in decision.record.metrics[party][where].items()}


def test_metrics_count_the_decided_rows_and_coverage_the_rest(frame):
    decision = judge(load_spec(text=SPEC), frame, resamples=200)
    y, p = frame["is_fraud"].to_numpy(), frame["p"].to_numpy()
    decided = p >= 0.8
    kept = decided | (p < 0.3)
    got = _values(decision)
    assert got["precision"] == pytest.approx(precision_score(y[kept], decided[kept]), abs=1e-12)
    assert got["recall"] == pytest.approx(recall_score(y[kept], decided[kept]), abs=1e-12)
    assert got["coverage"] == pytest.approx(kept.mean(), abs=1e-12)
    assert got["abstain_rate"] == pytest.approx(1 - kept.mean(), abs=1e-12)
    assert got["rows"] == len(frame)
    expected_saved = (((y == 1) & decided).sum() * 90 - ((y == 0) & decided).sum() * 5 - (~kept).sum() * 2) / len(
        frame
    )  # n counts every row, decided or not
    assert got["saved"] == pytest.approx(expected_saved, abs=1e-9)
    web = (frame["channel"] == "web").to_numpy()
    assert _values(decision, where="channel=web")["recall"] == pytest.approx(
        recall_score(y[kept & web], decided[kept & web]), abs=1e-12
    )
    assert _values(decision, "rules")["coverage"] == 1.0  # a rule decides every row
    note = decision.record.metrics["candidate"]["all"]["precision"].note
    assert f"{int((~kept).sum()):,} of 2,000 rows" in note and "go to review" in note


def test_coverage_has_an_interval_and_duckdb_gives_the_same_record(frame):
    spec = load_spec(text=SPEC)
    on_pandas = judge(spec, frame, resamples=200)
    on_duckdb = judge(spec, frame, resamples=200, engine="duckdb")
    assert on_pandas.record.metrics == on_duckdb.record.metrics
    rate = on_pandas.record.metrics["candidate"]["all"]["abstain_rate"]
    assert rate.interval.low < rate.value < rate.interval.high
    tier = on_pandas.record.tiers[0]
    assert [c.text for c in tier.conditions][:2] == ["precision beats rules", "abstain_rate <= 40%"]


@pytest.mark.parametrize(
    "bands,message",
    [
        ("p >= 0.3 as block, p < 0.5 as allow, otherwise review", "the bands overlap"),
        ("p >= 0.5 as block, p < 0.5 as allow, otherwise review", "leave nothing for 'review'"),
        ("p >= 0.8 as block, p >= 0.2 as allow, otherwise review", "one band above"),
        ("p >= 0.8 as block, q < 0.2 as allow, otherwise review", "two columns"),
        ("p >= 0.8 as block, p < 0.2 as block, otherwise review", "two bands are called 'block'"),
    ],
)
def test_bands_that_overlap_or_leave_nothing_undecided_are_refused(bands, message):
    text = SPEC.replace("p >= 0.8 as block, p < 0.3 as allow, otherwise review", bands)
    result = compile_source(Source("t.hurdle", text))
    assert [d.code for d in result.diagnostics] == ["E126"]
    assert message in result.diagnostics[0].message
