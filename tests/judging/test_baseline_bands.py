"""Abstain bands on a baseline: today's process may have a manual review step too
(`baseline analysts { predict rule_score >= 0.7 as block, rule_score < 0.3 as allow, otherwise
review }`), and is then judged as the candidate with bands is: its confusion metrics count the
rows it decided, `coverage`, `abstain_rate` and `abstained` say how much it left to people.

Oracles: scikit-learn's precision and recall on the baseline's decided rows alone, numpy's shares
of decided rows, a value per row counting every row, the same record from the DuckDB engine, and
paired intervals around the values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import precision_score, recall_score

from hurdlelang.api import judge, load_spec

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

  baseline analysts "Rules, with analysts reviewing the doubtful" {
    predict rule_score >= 0.7 as block, rule_score < 0.3 as allow, otherwise review
  }

  metric saved "Fraud stopped, less the cost of review, per transaction"
    = (tp * 90 GBP - fp * 5 GBP - abstained * 2 GBP) / n

  hurdles at 95% confidence {
    tier automate "Block and allow automatically, review the rest" {
      precision beats analysts
      coverage >= analysts.coverage
      saved beats analysts
    }
    otherwise keep_analysts
  }
}
"""


def make_frame() -> pd.DataFrame:
    rng = np.random.default_rng(41)
    n = 2_000
    fraud = (rng.random(n) < 0.2).astype(int)
    p = np.clip(rng.beta(2, 5, n) + 0.55 * fraud * rng.random(n), 0, 1).round(3)
    rule = np.clip(p + rng.normal(0, 0.2, n), 0, 1).round(3)
    return pd.DataFrame({"is_fraud": fraud, "p": p, "rule_score": rule, "channel": rng.choice(["web", "app"], n)})


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return make_frame()


@pytest.fixture(scope="module")
def decision(frame):
    return judge(load_spec(text=SPEC), frame, resamples=200)


def test_a_baselines_metrics_count_the_rows_it_decided(frame, decision):
    y, s = frame["is_fraud"].to_numpy(), frame["rule_score"].to_numpy()
    blocked = s >= 0.7
    decided = blocked | (s < 0.3)
    got = {k: m.value for k, m in decision.record.metrics["analysts"]["all"].items()}
    assert got["precision"] == pytest.approx(precision_score(y[decided], blocked[decided]), abs=1e-12)
    assert got["recall"] == pytest.approx(recall_score(y[decided], blocked[decided]), abs=1e-12)
    assert got["coverage"] == pytest.approx(decided.mean(), abs=1e-12)
    assert got["abstain_rate"] == pytest.approx(1 - decided.mean(), abs=1e-12)
    saved = (((y == 1) & blocked).sum() * 90 - ((y == 0) & blocked).sum() * 5 - (~decided).sum() * 2) / len(frame)
    assert got["saved"] == pytest.approx(saved, abs=1e-9)  # n counts every row, reviewed or not
    app = (frame["channel"] == "app").to_numpy()
    assert decision.record.metrics["analysts"]["channel=app"]["precision"].value == pytest.approx(
        precision_score(y[decided & app], blocked[decided & app]), abs=1e-12
    )
    note = decision.record.metrics["analysts"]["all"]["precision"].note
    assert f"{int((~decided).sum()):,} of 2,000 rows" in note and "go to review" in note


def test_the_comparison_reads_both_parties_decided_rows(frame, decision):
    conditions = {c.text: c for c in decision.record.tiers[0].conditions}
    y, p, s = (frame[c].to_numpy() for c in ("is_fraud", "p", "rule_score"))
    mine = p >= 0.8
    theirs = s >= 0.7
    precision = conditions["precision beats analysts"]
    kept, base_kept = mine | (p < 0.3), theirs | (s < 0.3)
    assert precision.candidate_value == pytest.approx(precision_score(y[kept], mine[kept]))
    assert precision.baseline_value == pytest.approx(precision_score(y[base_kept], theirs[base_kept]))
    coverage = conditions["coverage >= analysts.coverage"]
    assert coverage.observed == pytest.approx(kept.mean() - base_kept.mean())
    for party in ("candidate", "analysts"):
        entry = decision.record.metrics[party]["all"]["coverage"]
        assert entry.interval.low < entry.value < entry.interval.high


def test_duckdb_gives_the_same_record(frame, decision):
    on_duckdb = judge(load_spec(text=SPEC), frame, resamples=200, engine="duckdb")
    assert on_duckdb.record.metrics == decision.record.metrics
