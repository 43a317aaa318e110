"""Baselines in conditions judged per period: both sides scaled alike (`margin >= rule.margin per
month` scales the rule's total too), a figure stated per month (the business's own monthly number)
compared per month, with the interval it was reported with; the combinations that cannot be
scaled are E217 (tests/corpus/check/E217_*).

Oracles: hand computations on the rows (a party's total / n * volume), the figure as written, and
the figure's own interval widening the bound."""

from __future__ import annotations

import math
from statistics import NormalDist

import pytest

from hurdlelang.api import judge, load_spec
from tests.judging.test_volume import make_frame

SPEC = """
spec mailing "Insurance mailing" {
  owner  "marketing"
  task   binary
  volume 120_000 customers per month

  data {
    label   bought
    predict p >= 0.2
  }

  baseline rule "Today's rule" {
    predict rule_flag
  }
  baseline q3 "Q3 business review" {
    margin = 900_000 EUR per month +- 200_000 EUR
    tp = 9_000 per month
    exact = 900_000 EUR per month
  }

  metric margin "Margin of the mailing" = tp * 120 EUR - (tp + fp) * 2 EUR
  metric exact "The same margin" = tp * 120 EUR - (tp + fp) * 2 EUR

  hurdles at 95% confidence {
    tier rollout "Mail the model's list" {
      margin >= rule.margin per month
      margin beats q3 by 5_000 EUR per month
      tp >= q3.tp per month
      exact beats q3 by 5_000 EUR per month
    }
    otherwise keep_rule "Keep the rule"
  }
}
"""


@pytest.fixture(scope="module")
def decision():
    return judge(load_spec(text=SPEC), make_frame(), resamples=400)


def _margin(frame, decided) -> float:
    y = frame["bought"].to_numpy()
    tp, fp = int(((decided == 1) & (y == 1)).sum()), int(((decided == 1) & (y == 0)).sum())
    return tp * 120 - (tp + fp) * 2


def _conditions(decision) -> dict:
    return {c.text: c for c in decision.record.tiers[0].conditions}


def test_the_baseline_side_of_a_per_month_comparison_is_per_month_too(decision):
    frame = make_frame()
    factor = 120_000 / len(frame)
    candidate = _margin(frame, (frame["p"] >= 0.2).to_numpy().astype(int)) * factor
    rule = _margin(frame, frame["rule_flag"].to_numpy()) * factor
    c = _conditions(decision)["margin >= rule.margin per month"]
    assert c.candidate_value == pytest.approx(candidate)
    assert c.baseline_value == pytest.approx(rule)  # not the rule's margin on the 1,500 rows
    assert c.observed == pytest.approx(candidate - rule)
    assert c.baseline_metric == "margin per month"


def test_a_figure_per_month_is_compared_with_the_monthly_total(decision):
    frame = make_frame()
    candidate = _margin(frame, (frame["p"] >= 0.2).to_numpy().astype(int)) * 120_000 / len(frame)
    conditions = _conditions(decision)
    c = conditions["margin beats q3 by 5_000 EUR per month"]
    assert (c.candidate_value, c.baseline_value) == (pytest.approx(candidate), 900_000)
    assert c.observed == pytest.approx(candidate - 900_000)
    assert c.required == 5_000
    tp = conditions["tp >= q3.tp per month"]
    assert tp.baseline_value == 9_000
    q3 = decision.record.metrics["q3"]["all"]
    assert q3["margin per month"].value == 900_000
    assert decision.record.metric_info["margin per month"].unit == "EUR per month"
    assert "vs q3 900,000 EUR per month" in decision.summary


def test_the_figures_own_interval_widens_the_bound(decision):
    conditions = _conditions(decision)
    uncertain = conditions["margin beats q3 by 5_000 EUR per month"]
    exact = conditions["exact beats q3 by 5_000 EUR per month"]
    assert uncertain.observed == pytest.approx(exact.observed)
    # the same candidate total; only the figure's reported +- 200,000 EUR (a 95% interval) differs:
    # two independent normal parts, the candidate's read off the exact comparison's bound
    z = NormalDist().inv_cdf(0.95)
    candidate_se = (exact.observed - exact.bound) / z
    figure_se = 200_000 / NormalDist().inv_cdf(0.975)
    expected = exact.observed - z * math.hypot(candidate_se, figure_se)
    assert exact.bound - uncertain.bound > 50_000
    assert uncertain.bound == pytest.approx(expected, abs=15_000)  # 400 resamples of a skewed total


def test_the_figure_forms_per_month_compile_to_a_monthly_figure():
    spec = load_spec(
        text=SPEC.replace(
            "margin = 900_000 EUR per month +- 200_000 EUR",
            "margin = 900_000 EUR per month between 800_000 EUR and 1_050_000 EUR at 90% confidence",
        )
    )
    figure = next(f for f in spec.baseline("q3").figures if f.metric.name == "margin")
    assert (figure.metric.key, figure.value, figure.low, figure.high, figure.level) == (
        "margin per month",
        900_000,
        800_000,
        1_050_000,
        0.9,
    )
