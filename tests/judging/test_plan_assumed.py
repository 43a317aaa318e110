"""`hurdlec plan --assume`: planning from assumed values, before any model exists.

Golden cases (tests/corpus/assume/NAME.args, the arguments after `hurdlec plan`, run in that
folder; NAME.expected, the exit code, stderr and stdout; UPDATE_GOLDEN=1 rewrites them), sizes
checked against closed-form sample-size formulas, and a simulation: data sets of the planned size
drawn from the assumed truth (not from the synthetic pilot) reach the tier in 75%-85% at 80% power."""

from __future__ import annotations

import math
import os
import shlex
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest

from hurdlelang import api
from hurdlelang.core.diagnostics import CATALOGUE
from hurdlelang.judging.assumptions import parse_assumptions
from hurdlelang.judging.plan import plan_assumed
from tests.conftest import CORPUS, invoke
from tests.judging.plan_golden import assert_plan_text
from tests.judging.test_error_control import decided_tier
from tests.judging.test_plan import simulate

CASES = CORPUS / "assume"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
NAMES = sorted(p.stem for p in CASES.glob("*.args"))
Z = NormalDist().inv_cdf


@pytest.mark.parametrize("name", NAMES)
def test_assumed_plans_and_their_diagnostics_are_golden(name, monkeypatch):
    monkeypatch.chdir(CASES)
    args = shlex.split((CASES / f"{name}.args").read_text(encoding="utf-8"))
    result = invoke("plan", *args)
    text = f"exit {result.exit_code}\n--- stderr\n{result.stderr}--- stdout\n{result.stdout}"
    expected = CASES / f"{name}.expected"
    if UPDATE:
        expected.write_text(text, encoding="utf-8")
    assert_plan_text(text, expected.read_text(encoding="utf-8"))
    code = name.split("_")[0]
    if code in CATALOGUE:  # a case named for a code reports it, and fails as a data error does
        assert f" {code} " in result.stderr and result.exit_code == 5


def test_every_assumption_code_has_a_golden_case():
    codes = {c for c in CATALOGUE if c.startswith("A")}
    assert codes == {n.split("_")[0] for n in NAMES if n.startswith("A")}


def _plan(text: str, *assume: str, slices: tuple[str, ...] = (), rows=None):
    spec = api.load_spec(text=text)
    return plan_assumed(spec, parse_assumptions(spec, assume, slices), 0.8, 0, 10_000, rows)


BINARY = """
spec s {{
  owner "x"
  task binary
  data {{ label y  predict c }}
  baseline b {{ predict base }}
  metric net_value "value" = (tp * 38 GBP - fp * 4 GBP) / n * 1000
  hurdles at 95% confidence {{
    tier t {{ {conditions} }}
    otherwise keep
  }}
}}
"""


def test_a_level_hurdle_needs_the_rows_of_the_textbook_formula():
    # precision >= 0.33 with precision 0.35 on 20% predicted positives: a one-sample proportion test,
    # n * q = (z_0.95 + z_0.8)^2 p (1 - p) / (p - p0)^2 predicted positives
    plan = _plan(
        BINARY.format(conditions="precision >= 0.33"), "precision=0.35,predicted_positive_rate=0.2,positive_rate=0.1"
    )
    p, q = 0.35, 0.2
    expected = (Z(0.95) + Z(0.8)) ** 2 * p * (1 - p) / (p - 0.33) ** 2 / q
    assert plan.tiers[0].rows == pytest.approx(expected, rel=0.04)


def test_a_paired_comparison_needs_the_rows_of_the_textbook_formula():
    # recall beats b, the two independent given the label: the paired difference of two recalls on
    # the same positives has variance (r1 (1 - r1) + r2 (1 - r2)) / positives
    plan = _plan(
        BINARY.format(conditions="recall beats b"),
        "recall=0.66,specificity=0.85,b.recall=0.60,b.specificity=0.85,positive_rate=0.3",
    )
    r1, r2, pi = 0.66, 0.60, 0.3
    expected = (Z(0.95) + Z(0.8)) ** 2 * (r1 * (1 - r1) + r2 * (1 - r2)) / (r1 - r2) ** 2 / pi
    assert plan.tiers[0].rows == pytest.approx(expected, rel=0.04)


def test_the_planned_size_reaches_the_tier_when_the_assumptions_are_the_truth():
    """A tier of two related conditions planned from assumptions; data sets of that size drawn with
    the assumed recalls, specificities and base rate (independent Bernoulli draws) reach it in
    75%-85% of cases."""
    text = BINARY.format(conditions="recall beats b\n net_value beats b")
    plan = _plan(text, "recall=0.66,specificity=0.85,b.recall=0.60,b.specificity=0.85,positive_rate=0.3")
    [tier] = plan.tiers
    assert tier.reachable
    spec = api.load_spec(text=text)
    rng = np.random.default_rng(1)
    r = 800  # the reached share's own noise: 1.4 points at 80%
    reached = sum(decided_tier(spec, simulate(rng, tier.rows), i) == "t" for i in range(r)) / r
    assert 0.75 <= reached <= 0.85, (tier.rows, reached)


REGRESSION = """
spec s {
  owner "x"
  task regression
  data { label y  predict f }
  baseline b { predict fb }
  hurdles at 95% confidence {
    tier t { mae beats b }
    otherwise keep
  }
}
"""


def _errors(rng, n: int, mae: float, rmse: float) -> np.ndarray:
    sigma2 = math.log(1 + (rmse**2 - mae**2) / mae**2)
    return rng.choice([-1.0, 1.0], n) * rng.lognormal(math.log(mae) - sigma2 / 2, math.sqrt(sigma2), n)


def test_a_regression_plan_reaches_the_tier_when_the_assumptions_are_the_truth():
    plan = _plan(REGRESSION, "mae=1.9,rmse=2.6,b.mae=2.4,b.rmse=3.2")
    [tier] = plan.tiers
    spec = api.load_spec(text=REGRESSION)
    rng = np.random.default_rng(5)
    r = 300
    hits = 0
    for i in range(r):
        y = rng.normal(100, 20, tier.rows)
        frame = pd.DataFrame(
            {"y": y, "f": y + _errors(rng, tier.rows, 1.9, 2.6), "fb": y + _errors(rng, tier.rows, 2.4, 3.2)}
        )
        hits += decided_tier(spec, frame, i) == "t"
    assert 0.75 <= hits / r <= 0.85, (tier.rows, hits / r)


def test_assumed_values_come_out_of_the_synthetic_pilot_as_assumed():
    from hurdlelang.judging.assumed_pilot import synthetic_pilot
    from hurdlelang.judging.evaluate import Evaluation
    from hurdlelang.lang import ir

    spec = api.load_spec(text=BINARY.format(conditions="f1 beats b"))
    assumed = parse_assumptions(spec, ("precision=0.35,f1=0.4,b.recall=0.3,b.accuracy=0.8,positive_rate=0.12",))
    ev = Evaluation(spec, synthetic_pilot(spec, assumed, 0))
    value = lambda party, name: ev.value(party, ir.MetricKey(name=name), None).value  # noqa: E731
    assert value("candidate", "precision") == pytest.approx(0.35, abs=1e-3)
    assert value("candidate", "f1") == pytest.approx(0.4, abs=1e-3)
    assert value("b", "recall") == pytest.approx(0.3, abs=1e-3)
    assert value("b", "accuracy") == pytest.approx(0.8, abs=1e-3)
    assert value("candidate", "positive_rate") == pytest.approx(0.12, abs=1e-4)


@pytest.mark.parametrize(
    "data,baseline,who",
    [
        ("predict c >= 0.8 as block, c < 0.2 as allow, otherwise review", "predict base", "the candidate"),
        ("predict c", "predict base >= 0.8 as block, base < 0.2 as allow, otherwise review", "baseline 'b'"),
    ],
)
def test_a_party_with_abstain_bands_cannot_be_planned_from_assumed_values(data, baseline, who):
    # the assumed values fix the decided rows' precision, not how many rows are decided: planned as
    # if every row were decided, the plan would promise too few rows
    text = BINARY.format(conditions="precision beats b").replace("predict c", data).replace("predict base", baseline)
    plan = _plan(text, "precision=0.5,recall=0.6,b.precision=0.4,b.recall=0.5,positive_rate=0.2")
    (tier,) = plan.tiers
    assert not tier.planned and tier.rows is None
    assert f"reads the rows {who} decides by abstain bands" in tier.why_unreachable
