"""`hurdlec plan`: golden output on the bundled examples, a tier no size can reach, and a simulation
check that the planned size reaches a tier with the asked power (80%: in 75% to 85% of data sets)."""

from __future__ import annotations

import json
import os

import numpy as np
import pandas as pd
import pytest

from hurdlelang import api
from hurdlelang.data.prepare import prepare
from hurdlelang.data.read import Table
from hurdlelang.judging.evaluate import Evaluation
from hurdlelang.judging.plan import plan_pilot
from hurdlelang.judging.uncertainty import Uncertainty, requested
from hurdlelang.lang import ir
from tests.conftest import CORPUS, EXAMPLES, invoke
from tests.judging.plan_golden import assert_plan_text
from tests.judging.test_error_control import decided_tier

GOLDEN = CORPUS / "plan"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
NAMES = sorted(p.stem for p in EXAMPLES.glob("*.hurdle"))


@pytest.mark.parametrize("name", NAMES)
def test_plan_on_the_bundled_examples(name, monkeypatch):
    monkeypatch.chdir(EXAMPLES)
    result = invoke("plan", f"{name}.hurdle", "--data", f"data/{name}.csv")
    expected = GOLDEN / f"{name}.expected"
    if UPDATE:
        expected.write_text(result.stdout, encoding="utf-8")
    assert_plan_text(result.stdout, expected.read_text(encoding="utf-8"))
    assert result.exit_code in (0, 1)


def test_a_tier_no_size_can_reach_is_said_so(monkeypatch):
    monkeypatch.chdir(EXAMPLES)
    result = invoke("plan", "fraud_blocking.hurdle", "--data", "data/fraud_blocking.csv", "--format", "json")
    assert result.exit_code == 1  # some tier cannot be reached
    block, review = json.loads(result.stdout)["tiers"]
    assert not block["reachable"] and block["rows"] is None
    assert "does not clear the hurdle" in block["why_unreachable"]
    assert review["reachable"] and review["rows"] >= 20_000  # the spec's `require rows >= 20_000`


SPEC = """
spec s {
  owner "x"
  task binary
  data { label y  predict c }
  baseline b { predict base }
  hurdles at 95% confidence {
    tier t { recall beats b }
    otherwise keep
  }
}
"""


def simulate(rng, n: int, cand_recall: float = 0.66, base_recall: float = 0.60, prevalence: float = 0.3):
    y = (rng.random(n) < prevalence).astype(int)
    cand = np.where(y == 1, rng.random(n) < cand_recall, rng.random(n) < 0.15).astype(int)
    base = np.where(y == 1, rng.random(n) < base_recall, rng.random(n) < 0.15).astype(int)
    return pd.DataFrame({"y": y, "c": cand, "base": base})


def test_the_planned_size_reaches_the_tier_with_the_asked_power():
    spec = api.load_spec(text=SPEC)
    rng = np.random.default_rng(31)
    # a pilot; the plan takes its effects as the truth
    ev = Evaluation(spec, prepare(spec, Table("<pilot>", simulate(rng, 10_000)), {}))
    unc = Uncertainty(ev, 4000, 0)
    unc.prepare(requested(ev))
    [tier] = plan_pilot(spec, ev, unc, 0.8).tiers
    assert tier.reachable and 1_000 < tier.rows < 100_000
    # the pilot's effects as the truth: data sets of the planned size drawn with the pilot's recalls
    recall = ir.MetricKey(name="recall")
    truth = [ev.value(party, recall, None).value for party in ("candidate", "b")]
    truth.append(ev.value("candidate", ir.MetricKey(name="positive_rate"), None).value)
    r = 600
    reached = sum(decided_tier(spec, simulate(rng, tier.rows, *truth), i) == "t" for i in range(r)) / r
    assert 0.75 <= reached <= 0.85, (tier.rows, reached)


JOINT_SPEC = """
spec s {
  owner "x"
  task binary
  data { label y  predict c }
  baseline b { predict base }
  metric net_value "value per 1,000 rows" = (tp * 38 GBP - fp * 4 GBP) / n * 1000
  hurdles at 95% confidence {
    tier t {
      recall beats b
      net_value beats b
      precision no worse than b by 3 points
    }
    otherwise keep
  }
}
"""


def _planned_rows(spec, ev, unc) -> int:
    [tier] = plan_pilot(spec, ev, unc, 0.8).tiers
    assert tier.reachable
    return tier.rows


def test_a_tiers_conditions_are_planned_together(monkeypatch):
    """recall and net_value rise and fall with the same true positives: judged together, the tier is
    reached about as often as the harder of the two alone, not as the product of their powers. At
    the size planned jointly, data sets drawn from the pilot (the pilot is the truth) reach the tier
    in 75%-85%; planned as if independent, the size would be far larger."""
    from hurdlelang.stats import power as pw

    spec = api.load_spec(text=JOINT_SPEC)
    rng = np.random.default_rng(7)
    pilot = simulate(rng, 10_000)
    ev = Evaluation(spec, prepare(spec, Table("<pilot>", pilot), {}))
    unc = Uncertainty(ev, 4000, 0)
    unc.prepare(requested(ev))
    rows = _planned_rows(spec, ev, unc)
    r = 600
    reached = sum(
        decided_tier(spec, pilot.sample(rows, replace=True, random_state=1000 + i), i) == "t" for i in range(r)
    )
    assert 0.75 <= reached / r <= 0.85, (rows, reached / r)
    # the same plan with the conditions taken as independent
    monkeypatch.setattr(pw, "correlation", lambda samples, resamples: np.eye(len(samples)))
    assert _planned_rows(spec, ev, unc) > 1.2 * rows
