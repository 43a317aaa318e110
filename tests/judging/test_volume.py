"""Decisions at a volume, end to end: `predict p top 10%`, `top N`, `at the volume of B`.

Oracles: scikit-learn's precision and recall on the decisions a hand-written top-k makes (the k
highest scores, ties at the cut all in), lift as that precision over numpy's base rate; the same
numbers from the DuckDB engine; and the record's note on the cut."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import precision_score, recall_score

from hurdlelang.api import judge, load_spec

SPEC = """
spec mailing "Insurance mailing" {
  owner "marketing"
  task  binary

  data {
    label   bought
    score   p
    predict p VOLUME
    slice   region
  }

  baseline rule "Today's rule" {
    predict rule_flag
  }
  baseline old "Last year's model, at the same share" {
    predict p_old top 10%
  }

  hurdles at 95% confidence {
    tier rollout {
      precision beats rule
      lift >= 1.5
      recall beats old in every region
    }
    otherwise keep_rule
  }
}
"""


def make_frame() -> pd.DataFrame:
    rng = np.random.default_rng(14)
    n = 1_500
    x = rng.normal(size=n)
    bought = (rng.random(n) < 1 / (1 + np.exp(-(1.5 * x - 2.5)))).astype(int)
    return pd.DataFrame(
        {
            "bought": bought,
            "p": np.round(1 / (1 + np.exp(-(1.4 * x - 2.4 + rng.normal(0, 0.6, n)))), 2),  # ties
            "p_old": np.round(rng.random(n) * 0.3 + 0.2 * bought, 3),
            "rule_flag": ((x + rng.normal(0, 1.2, n)) > 1.2).astype(int),
            "region": rng.choice(["north", "south"], n),
        }
    )


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return make_frame()


def _top(values: np.ndarray, k: int) -> np.ndarray:
    threshold = np.sort(values)[::-1][k - 1]
    return (values >= threshold).astype(int)


def _metrics(decision, party="candidate", where="all") -> dict[str, float]:
    return {name: m.value for name, m in decision.record.metrics[party][where].items()}


@pytest.mark.parametrize(
    "volume,k",
    [("top 10%", lambda n, flags: math.ceil(0.1 * n)), ("top 200", lambda n, flags: 200)]
    + [("at the volume of rule", lambda n, flags: int(flags.sum()))],
)
def test_precision_recall_and_lift_at_the_volume_equal_sklearn_on_the_top_k(frame, volume, k):
    spec = load_spec(text=SPEC.replace("VOLUME", volume))
    decision = judge(spec, frame, resamples=200)
    y = frame["bought"].to_numpy()
    decided = _top(frame["p"].to_numpy(), k(len(frame), frame["rule_flag"]))
    got = _metrics(decision)
    assert got["precision"] == pytest.approx(precision_score(y, decided), abs=1e-12)
    assert got["recall"] == pytest.approx(recall_score(y, decided), abs=1e-12)
    assert got["lift"] == pytest.approx(precision_score(y, decided) / y.mean(), abs=1e-12)
    assert got["predicted_positive_rate"] == pytest.approx(decided.mean(), abs=1e-12)
    north = (frame["region"] == "north").to_numpy()  # a slice counts the rows the overall cut flags
    assert _metrics(decision, where="region=north")["recall"] == pytest.approx(
        recall_score(y[north], decided[north]), abs=1e-12
    )
    old = _top(frame["p_old"].to_numpy(), math.ceil(0.1 * len(frame)))
    assert _metrics(decision, "old")["precision"] == pytest.approx(precision_score(y, old), abs=1e-12)
    note = decision.record.metrics["candidate"]["all"]["precision"].note
    assert note.startswith("decides at ") and f"{int(decided.sum()):,} rows flagged" in note


def test_duckdb_chooses_the_same_cut_and_the_same_intervals(frame):
    spec = load_spec(text=SPEC.replace("VOLUME", "at the volume of rule"))
    on_pandas = judge(spec, frame, resamples=200)
    on_duckdb = judge(spec, frame, resamples=200, engine="duckdb")
    assert on_pandas.record.metrics == on_duckdb.record.metrics
    assert on_pandas.record.outcome == on_duckdb.record.outcome


def test_the_cut_is_re_chosen_in_each_resample(frame):
    """The record says how the counts were resampled, and the interval of the candidate's
    predicted positive rate is not a point: its volume follows the rule's flags resample by
    resample, while a top-10% party flags the same share every time (ties aside)."""
    decision = judge(load_spec(text=SPEC.replace("VOLUME", "at the volume of rule")), frame, resamples=300)
    methods = decision.record.confidence.methods
    assert "re-chosen in each resample" in methods["candidate.precision"]
    rate = decision.record.metrics["candidate"]["all"]["predicted_positive_rate"].interval
    assert rate.high - rate.low > 0.01
    old = decision.record.metrics["old"]["all"]["predicted_positive_rate"].interval
    assert old.high - old.low < 0.01
