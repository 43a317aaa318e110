"""Totals at the business's volume: `volume 120_000 customers per month` and conditions judged
`per month`.

Oracles: a hand computation (the margin on the rows judged, divided by the rows, times the volume),
the per-row interval scaled by the same factor, a slice's share of the monthly volume, and the
unit printed beside each value in the record, the summary and the Markdown report."""

from __future__ import annotations

import pytest

from hurdlelang.api import judge, load_spec
from hurdlelang.judging.examples import run_examples
from hurdlelang.report.render import render
from tests.judging.test_volume import make_frame

SPEC = """
spec mailing "Insurance mailing" {
  owner  "marketing"
  task   binary
  volume 120_000 customers per month

  data {
    label   bought
    score   p
    predict p at the volume of rule
    slice   region
  }

  baseline rule "Today's rule" {
    predict rule_flag
  }

  metric margin "Margin of the mailing" = tp * 120 EUR - (tp + fp) * 2 EUR
  metric per_1000 "Margin per 1,000 customers" = margin / n * 1000

  hurdles at 95% confidence {
    tier rollout "Mail the model's list" {
      margin >= 40_000 EUR per month
      margin beats rule by 5_000 EUR per month
      tp between 1_000 and 20_000 per month
      margin >= 5_000 EUR per month in every region
    }
    otherwise keep_rule "Keep the rule"
  }

  example "a big month" {
    given margin 60_000 EUR, tp 4_000
    given rule: margin 50_000 EUR
    expect rollout
  }
}
"""


@pytest.fixture(scope="module")
def decision():
    return judge(load_spec(text=SPEC), make_frame(), resamples=300)


def test_a_total_per_month_is_the_total_per_row_times_the_volume(decision):
    frame = make_frame()
    metrics = decision.record.metrics["candidate"]
    margin, monthly = metrics["all"]["margin"], metrics["all"]["margin per month"]
    factor = 120_000 / len(frame)
    assert monthly.value == pytest.approx(margin.value * factor, rel=1e-12)
    assert monthly.interval.low == pytest.approx(margin.interval.low * factor, rel=1e-12)
    assert monthly.interval.high == pytest.approx(margin.interval.high * factor, rel=1e-12)
    tp = metrics["all"]["tp per month"].value
    assert tp == pytest.approx(
        metrics["all"]["precision"].value * metrics["all"]["predicted_positive_rate"].value * 120_000
    )
    # a slice's monthly total is its share of the monthly volume, not the whole volume at its mix
    north = metrics["region=north"]["margin per month"].value
    assert north == pytest.approx(metrics["region=north"]["margin"].value * factor, rel=1e-12)
    south = metrics["region=south"]["margin per month"].value
    assert north + south == pytest.approx(monthly.value, rel=1e-12)
    # a rate is reported as it is: the same at any volume
    assert "per_1000 per month" not in metrics["all"]


def test_units_per_month_in_the_record_the_summary_and_the_report(decision):
    info = decision.record.metric_info
    assert info["margin per month"].unit == "EUR per month"
    assert info["tp per month"].unit == "per month"
    assert "120,000 customers per month" in info["margin per month"].title
    assert "EUR per month (needs ≥ 40,000 EUR per month)" in decision.summary
    markdown = render(decision.record, "md")
    assert "≥ +5,000 EUR per month" in markdown


def test_the_conditions_are_judged_on_the_monthly_totals(decision):
    tier = decision.record.tiers[0]
    first = tier.conditions[0]
    assert first.text == "margin >= 40_000 EUR per month"
    assert first.required == 40_000


def test_an_example_gives_the_monthly_value_of_a_per_month_condition():
    (result,) = run_examples([load_spec(text=SPEC)])
    assert result.passed, result.explanation()
