"""`hurdlec plan` speaks in units: the summary's number formatter (points, percent, money without
an exponent, the label's unit, per month) in the text, and `kind`, `unit` and `scale` beside each
value in the JSON, which is versioned and valid against `hurdlec schema plan`.

Oracles: the statistic recomputed by hand from the pilot's rows (a difference of two proportions,
a relative margin, a money margin, a monthly total as value / n * volume, a mean absolute error),
then printed by hurdlelang/report/numbers.py as the summary prints it."""

from __future__ import annotations

import json

import jsonschema
import numpy as np
import pandas as pd
import pytest

from hurdlelang.record import schemas
from hurdlelang.report import numbers
from tests.conftest import invoke
from tests.judging.test_volume import make_frame

BINARY = """
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

  metric margin "Margin of the mailing" = tp * 120 EUR - (tp + fp) * 2 EUR
  metric per_1000 "Margin per 1,000 customers" = margin / n * 1000

  hurdles at 95% confidence {
    tier money {
      per_1000 beats rule by 50 EUR
      per_1000 >= 100 EUR
    }
    tier monthly {
      margin >= 40_000 EUR per month
      tp >= 100 per month
    }
    tier shares {
      precision beats rule by 2 points
      margin beats rule by 10%
    }
    otherwise keep_rule "Keep the rule"
  }
}
"""

REGRESSION = """
spec riders "Daily ridership" {
  owner "transit"
  task  regression

  data {
    label   riders in "thousand riders"
    predict forecast
  }

  baseline naive "Same day last week" {
    predict last_week
  }

  hurdles at 95% confidence {
    tier use {
      mae <= 5
      mae beats naive by 0.2
    }
    otherwise keep "Keep last week's numbers"
  }
}
"""


def _plan(tmp_path, spec: str, frame: pd.DataFrame, *args: str):
    (tmp_path / "s.hurdle").write_text(spec, encoding="utf-8")
    frame.to_csv(tmp_path / "pilot.csv", index=False)
    common = ("plan", tmp_path / "s.hurdle", "--data", tmp_path / "pilot.csv", "--resamples", "300", *args)
    text = invoke(*common)
    done = invoke(*common, "--format", "json")
    assert text.exit_code in (0, 1) and done.exit_code == text.exit_code, text.stderr
    payload = json.loads(done.stdout)
    jsonschema.Draft202012Validator(schemas.shipped("plan")).validate(payload)
    gates = {c["condition"]: c for t in payload["tiers"] for c in t["conditions"]}
    return text.stdout, payload, gates


@pytest.fixture(scope="module")
def binary(tmp_path_factory):
    frame = make_frame()
    return frame, *_plan(tmp_path_factory.mktemp("binary"), BINARY, frame)


def _counts(frame: pd.DataFrame, decided: np.ndarray) -> tuple[int, int]:
    y = frame["bought"].to_numpy()
    return int(((decided == 1) & (y == 1)).sum()), int(((decided == 1) & (y == 0)).sum())


def _line(text: str, condition: str) -> str:
    return next(line for line in text.splitlines() if line.strip().startswith(condition + ":"))


def test_the_plan_json_is_versioned(binary):
    _, _, payload, _ = binary
    assert payload["schema_version"] == "1"
    assert payload["pilot_rows"] == 1_500 and payload["assumed"] is None


def test_a_money_margin_is_in_its_unit(binary):
    frame, text, _, gates = binary
    n = len(frame)
    tp, fp = _counts(frame, (frame["p"] >= 0.2).to_numpy().astype(int))
    btp, bfp = _counts(frame, frame["rule_flag"].to_numpy())
    candidate = (tp * 120 - (tp + fp) * 2) / n * 1000
    baseline = (btp * 120 - (btp + bfp) * 2) / n * 1000
    gate = gates["per_1000 beats rule by 50 EUR"]
    assert (gate["kind"], gate["unit"], gate["scale"]) == ("difference", "EUR", None)
    assert gate["estimate"] == pytest.approx(candidate - baseline)
    assert f"estimate {numbers.signed(candidate - baseline, 'EUR')} (needs ≥ +50 EUR)" in _line(
        text, "per_1000 beats rule by 50 EUR"
    )
    level = gates["per_1000 >= 100 EUR"]
    assert (level["kind"], level["unit"], level["estimate"]) == ("level", "EUR", pytest.approx(candidate))
    assert f"estimate {numbers.number(candidate, 'EUR')} (needs ≥ 100 EUR)" in _line(text, "per_1000 >= 100 EUR")


def test_a_total_per_month_is_scaled_to_the_volume_and_says_so(binary):
    frame, text, _, gates = binary
    tp, fp = _counts(frame, (frame["p"] >= 0.2).to_numpy().astype(int))
    monthly = (tp * 120 - (tp + fp) * 2) / len(frame) * 120_000
    gate = gates["margin >= 40_000 EUR per month"]
    assert (gate["kind"], gate["unit"], gate["scale"]) == ("level", "EUR", "per month")
    assert gate["estimate"] == pytest.approx(monthly)
    line = _line(text, "margin >= 40_000 EUR per month")
    assert f"estimate {numbers.number(monthly, 'EUR per month')} (needs ≥ 40,000 EUR per month)" in line
    assert "e+" not in text  # never an exponent, however large the total
    count = gates["tp >= 100 per month"]
    assert (count["kind"], count["unit"], count["scale"]) == ("level", None, "per month")
    assert "(needs ≥ 100 per month)" in _line(text, "tp >= 100 per month")


def test_points_and_relative_margins_read_as_the_summary_reads_them(binary):
    frame, text, _, gates = binary
    tp, fp = _counts(frame, (frame["p"] >= 0.2).to_numpy().astype(int))
    btp, bfp = _counts(frame, frame["rule_flag"].to_numpy())
    points = gates["precision beats rule by 2 points"]
    assert (points["kind"], points["unit"]) == ("points", None)
    assert points["estimate"] == pytest.approx(tp / (tp + fp) - btp / (btp + bfp))
    line = _line(text, "precision beats rule by 2 points")
    assert f"estimate {numbers.points(points['estimate'])} (needs ≥ +2 pts)" in line and line.endswith(" pts")
    relative = gates["margin beats rule by 10%"]
    margin, base = tp * 120 - (tp + fp) * 2, btp * 120 - (btp + bfp) * 2
    assert (relative["kind"], relative["unit"]) == ("relative", "EUR")
    assert relative["estimate"] == pytest.approx((margin - base) / abs(base))
    line = _line(text, "margin beats rule by 10%")
    assert f"estimate {numbers.percent(relative['estimate'])} (needs ≥ +10%)" in line
    assert "EUR" not in line.split(":", 1)[1]  # a relative margin has no unit


def test_a_regression_error_is_in_the_labels_unit(tmp_path):
    rng = np.random.default_rng(3)
    riders = rng.normal(60, 15, 800)
    frame = pd.DataFrame(
        {"riders": riders, "forecast": riders + rng.normal(0, 3, 800), "last_week": riders + rng.normal(0, 5, 800)}
    )
    text, _, gates = _plan(tmp_path, REGRESSION, frame)
    mae = float(np.mean(np.abs(frame["forecast"] - frame["riders"])))
    naive = float(np.mean(np.abs(frame["last_week"] - frame["riders"])))
    level = gates["mae <= 5"]
    assert (level["kind"], level["unit"], level["estimate"]) == ("level", "thousand riders", pytest.approx(mae))
    assert f"estimate {numbers.number(mae, 'thousand riders')} (needs ≤ 5 thousand riders)" in _line(text, "mae <= 5")
    gain = gates["mae beats naive by 0.2"]
    assert (gain["kind"], gain["unit"]) == ("difference", "thousand riders")
    assert gain["estimate"] == pytest.approx(naive - mae)  # lower is better: the improvement
    assert f"estimate {numbers.signed(naive - mae, 'thousand riders')}" in _line(text, "mae beats naive by 0.2")


MONTHLY_FIGURE = """
spec m {
  owner "x"
  task binary
  volume 120_000 customers per month
  data { label y  predict c }
  baseline q3 "Q3 review" {
    margin = 1_500_000 EUR per month +- 100_000 EUR
  }
  baseline rules "r" { predict base }
  metric margin "Margin" = tp * 120 EUR - (tp + fp) * 2 EUR
  hurdles at 95% confidence {
    tier t {
      margin beats q3 by 5_000 EUR per month
      margin >= rules.margin per month
    }
    otherwise keep
  }
}
"""


def test_a_plan_from_assumed_values_against_a_monthly_figure_is_in_eur_per_month(tmp_path):
    (tmp_path / "s.hurdle").write_text(MONTHLY_FIGURE, encoding="utf-8")
    assume = "precision=0.5,recall=0.6,rules.precision=0.4,rules.recall=0.5,positive_rate=20%"
    done = invoke("plan", tmp_path / "s.hurdle", "--assume", assume, "--resamples", "2000", "--format", "json")
    payload = json.loads(done.stdout)
    jsonschema.Draft202012Validator(schemas.shipped("plan")).validate(payload)
    gates = {c["condition"]: c for c in payload["tiers"][0]["conditions"]}
    # per row: tp = 0.2 * 0.6, flagged = tp / 0.5; the rule: tp = 0.2 * 0.5, flagged = tp / 0.4
    candidate = (0.12 * 120 - 0.24 * 2) * 120_000
    rule = (0.10 * 120 - 0.25 * 2) * 120_000
    figure = gates["margin beats q3 by 5_000 EUR per month"]
    assert (figure["kind"], figure["unit"], figure["scale"]) == ("difference", "EUR", "per month")
    assert figure["estimate"] == pytest.approx(candidate - 1_500_000, rel=1e-6)
    assert gates["margin >= rules.margin per month"]["estimate"] == pytest.approx(candidate - rule, rel=1e-6)
    text = invoke("plan", tmp_path / "s.hurdle", "--assume", assume, "--resamples", "2000").stdout
    assert "estimate +170,400 EUR per month (needs ≥ +5,000 EUR per month)" in text
