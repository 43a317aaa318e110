"""Units end to end: the label's unit, through derived metrics, into the record, the summary and
both reports (issue 14: `metric_info.net_value.unit` was "EUR" but no report printed it)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import mean_absolute_error

from hurdlelang.record.model import DecisionRecord
from hurdlelang.report import numbers
from hurdlelang.report.render import render
from tests.conftest import EXAMPLE_DATA, EXAMPLE_SPEC, invoke

SPEC = """
spec ridership "Daily ridership forecast" {
  owner "transit-planning"
  task  regression

  data {
    label   riders in "thousand riders"
    predict forecast
    slice   line
  }

  baseline naive "Same day last week" {
    predict riders_last_week
  }

  metric error_cost "Cost of forecast error per day" lower is better = mae * 800 USD

  hurdles at 90% confidence {
    tier use "Staff trains from the forecast" {
      mae beats naive by 10%
      error_cost <= 900 USD
      bias >= -0.5
      bias <= 0.5
    }
    otherwise keep "Staff from last week's counts"
  }
}
"""


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("units")
    rng = np.random.default_rng(7)
    n = 600
    riders = rng.gamma(20, 2.5, n)
    frame = pd.DataFrame(
        {
            "riders": riders.round(3),
            "forecast": (riders + rng.normal(0, 0.8, n)).round(3),
            "riders_last_week": (riders + rng.normal(0, 2.0, n)).round(3),
            "line": rng.choice(["red", "blue", "green"], n),
        }
    )
    data = folder / "ridership.csv"
    frame.to_csv(data, index=False)
    spec = folder / "ridership.hurdle"
    spec.write_text(SPEC)
    out = folder / "record.json"
    result = invoke("run", spec, "--data", data, "--out", out, "--resamples", "300")
    assert result.exit_code in (0, 1), result.stderr
    return frame, result.stdout, DecisionRecord.model_validate(json.loads(out.read_text()))


def test_the_label_unit_names_the_unit_of_regression_errors(run):
    _, _, record = run
    assert record.metric_info["mae"].unit == "thousand riders"
    assert record.metric_info["bias"].unit == "thousand riders"
    assert record.metric_info["error_cost"].unit == "USD"  # not "the label's unit": the USD is kept


def test_the_derived_value_is_the_price_times_the_error(run):
    frame, _, record = run
    mae = mean_absolute_error(frame["riders"], frame["forecast"])
    assert record.metrics["candidate"]["all"]["mae"].value == pytest.approx(mae, rel=1e-12)
    assert record.metrics["candidate"]["all"]["error_cost"].value == pytest.approx(800 * mae, rel=1e-12)


def test_units_stand_beside_values_in_the_summary_and_both_reports(run):
    _, summary, record = run
    cost = numbers.number(record.metrics["candidate"]["all"]["error_cost"].value, "USD")
    mae = numbers.number(record.metrics["candidate"]["all"]["mae"].value, "thousand riders")
    assert cost.endswith(" USD") and cost in summary
    assert mae in summary
    for fmt in ("md", "html"):
        text = render(record, fmt)
        assert cost in text
        assert "thousand riders" in text


def test_a_derived_money_metric_carries_its_unit_into_every_output(hurdlec, tmp_path):
    out = tmp_path / "record.json"
    result = hurdlec("run", EXAMPLE_SPEC, "--data", EXAMPLE_DATA, "--out", out, "--resamples", "200")
    record = DecisionRecord.model_validate(json.loads(out.read_text()))
    assert record.metric_info["net_value"].unit == "GBP"
    value = f"{record.metrics['candidate']['all']['net_value'].value:,.0f} GBP"
    assert value in result.stdout
    assert value in render(record, "md") and value in render(record, "html")
    # a relative margin reads in percent, a difference of proportions in points, never 1e+04
    assert "e+0" not in result.stdout
    assert "(needs ≥ +20%)" in result.stdout
