"""Error control compiled from the shape of a condition: `or` corrected, `not` as the confident
reverse, and "ruled out" vs "not shown" for tiers not reached. Judged with the real pipeline
(hurdlelang.api.judge) on seeded simulated data.

The `or` check uses parts that are independent by construction (one per disjoint slice), so the
error of an uncorrected `or` is known exactly, 1 - 0.95^4 = 18.5%, and the corrected one is
1 - (1 - 0.05/4)^4 = 4.9%: the accepted range is the 99.9% binomial range around 4.9%, which
excludes both a liberal and a wastefully conservative rule. Bigger runs: bench/bench_error_rates.py,
results in docs/statistics.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hurdlelang import api
from hurdlelang.data.prepare import prepare
from hurdlelang.data.read import Table
from hurdlelang.judging.decide import decide
from hurdlelang.judging.evaluate import Evaluation
from hurdlelang.judging.uncertainty import Uncertainty, requested
from tests.stats.test_interval_coverage import binomial_range

HEADER = """
spec s {
  owner "x"
  task binary
  data { label y  predict c  slice region }
  baseline b { predict base }
  hurdles at 95% confidence {
"""


def spec(body: str, otherwise: str = "otherwise keep") -> object:
    return api.load_spec(text=HEADER + body + f"\n    {otherwise}\n  }}\n}}\n")


def simulate(rng, n: int, tpr: float = 0.6, fpr: float = 0.15, cand_tpr: float | None = None) -> pd.DataFrame:
    """Label, the candidate's and the baseline's decisions (independent errors given the label), and
    four equal regions."""
    y = (rng.random(n) < 0.3).astype(int)

    def decide(rate):
        return np.where(y == 1, rng.random(n) < rate, rng.random(n) < fpr).astype(int)

    region = np.array(["r1", "r2", "r3", "r4"])[np.arange(n) % 4]
    return pd.DataFrame({"y": y, "c": decide(cand_tpr or tpr), "base": decide(tpr), "region": region})


def decided_tier(checked, frame: pd.DataFrame, seed: int, resamples: int = 400) -> str | None:
    """The real evaluation, bootstrap and decision, drawing only what the conditions need (a run
    also draws every reported metric on every slice, for the record)."""
    ev = Evaluation(checked, prepare(checked, Table("<sim>", frame), {}))
    unc = Uncertainty(ev, resamples, seed)
    unc.prepare(requested(ev))
    return decide(checked, ev, unc)[2].tier


def promotions(checked, r: int, n: int, seed: int, **kwargs) -> float:
    rng = np.random.default_rng(seed)
    return sum(decided_tier(checked, simulate(rng, n, **kwargs), i) == "t" for i in range(r)) / r


def test_or_of_independent_parts_keeps_the_nominal_error_rate():
    # four independent chances under the null: uncorrected, 18.5% of data sets would promote
    parts = " or ".join(f'recall beats b in region = "r{i}"' for i in range(1, 5))
    r = 400
    rate = promotions(spec(f"tier t {{ {parts} }}"), r, 1000, seed=11)
    low, high = binomial_range(r, 1 - (1 - 0.05 / 4) ** 4)
    assert low <= rate <= high, rate


def test_not_is_the_confident_reverse():
    # `not recall beats b` holds only when the candidate is confidently no better: with equal true
    # recall that is about 5% of data sets (the old reading, "not confidently better", gave ~95%)
    r = 400
    rate = promotions(spec("tier t { not recall beats b }"), r, 1000, seed=12)
    low, high = binomial_range(r, 0.05)
    assert low <= rate <= high, rate


def test_not_of_every_slice_is_an_or_over_the_slices():
    # not (X in every region) = the reverse of X in some region: corrected over the 4 regions
    r = 400
    rate = promotions(spec("tier t { not recall beats b in every region }"), r, 1000, seed=13)
    low, high = binomial_range(r, 1 - (1 - 0.05 / 4) ** 4)
    assert low <= rate <= high, rate


def test_the_record_says_at_which_level_each_part_was_judged():
    checked = spec("tier t { precision >= 0.9 or recall >= 0.9 at 99% confidence }\n    tier u { not recall >= 0.99 }")
    record = api.judge(checked, simulate(np.random.default_rng(1), 2000), resamples=200).record
    either, _ = record.tiers
    parts = either.conditions[0].parts
    assert [p.judged_at for p in parts] == [0.975, 0.995]
    assert [p.confidence for p in parts] == [0.95, 0.99]
    assert "split 2 ways (Bonferroni)" in parts[0].level_reason
    negated = record.tiers[1].conditions[0].parts[0]
    assert (negated.negated, negated.op, negated.judged_at) == (True, "<", 0.95)
    assert negated.formula == "recall < 0.99"
    assert "confident reverse" in negated.level_reason
    assert negated.state == "held" and negated.bound < 0.99  # the upper bound was compared


def test_ruled_out_and_not_shown():
    checked = spec("tier far { recall >= 0.95 }\n    tier close { recall beats b }")
    record = api.judge(checked, simulate(np.random.default_rng(2), 2000), resamples=400).record
    far, close = record.tiers
    assert (far.state, far.evidence) == ("failed", "ruled_out")  # true recall 0.6: far below 0.95
    assert (close.state, close.evidence) == ("failed", "not_shown")  # equal recall: cannot tell
    assert record.outcome.tier == "keep"
    assert "'far' ruled out; 'close' not shown" in record.outcome.reason


def test_only_if_ruled_out_waits_instead_of_falling_back():
    body = "tier far { recall >= 0.95 }\n    tier close { recall beats b }"
    data = simulate(np.random.default_rng(2), 2000)
    waiting = spec(body, 'otherwise keep "Keep it" only if ruled out')
    decision = api.judge(waiting, data, resamples=400)
    assert decision.status == "inconclusive" and decision.tier is None
    assert "the data cannot tell yet for 'close'" in decision.record.outcome.reason
    assert decision.record.fallback.only_if_ruled_out
    # when every tier is ruled out the fall-back is taken as usual
    ruled = spec("tier far { recall >= 0.95 }", 'otherwise keep "Keep it" only if ruled out')
    assert api.judge(ruled, data, resamples=400).tier == "keep"


def test_point_estimates_claim_neither():
    checked = api.load_spec(
        text=HEADER.replace(" at 95% confidence", "") + "tier t { recall >= 0.95 }\n otherwise keep }}"
    )
    record = api.judge(checked, simulate(np.random.default_rng(3), 500)).record
    assert record.tiers[0].evidence == "failed"
    assert record.tiers[0].conditions[0].judged_at is None
