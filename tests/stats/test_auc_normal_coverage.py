"""Coverage of the normal (delta-method) roc_auc and pr_auc intervals by simulation, at n = 500,
5,000 and 200,000 rows: the 95% two-sided interval must hold the true value in 93.5%-96.5% of 1,500
data sets (a standard error of 0.56 points), for each party's roc_auc and pr_auc and for the paired
difference of the two parties' roc_auc and pr_auc.

As in test_sum_coverage.py, a data set is drawn exactly at any size as the multinomial count of the
units of a law with finitely many of them: (label, candidate level, baseline level), two correlated
binormal scores cut into 29 levels, prevalence 30%. The method sees the data set through its cells
(the counts are the multiplicities), as `hurdlec run` does with a GROUP BY. The true values are the
population roc_auc (ties 1/2) and average precision of the discretised law, which the sample values
estimate consistently.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from hurdlelang.stats.auc_normal import auc_gradients
from hurdlelang.stats.intervals import interval
from hurdlelang.stats.linear_normal import LinearScopes

SIZES = [500, 5_000, 200_000]
DATASETS, RESAMPLES = 1500, 400
PREVALENCE = 0.3


def _law():
    """Unit probabilities and (label, candidate level, baseline level) of each unit."""
    step, rho = 0.25, 0.6
    cuts = np.arange(-3 + step / 2, 4.5, step)
    rng = np.random.default_rng(0)
    # the joint law of the two levels given the label, by a large Gaussian sample's cell frequencies:
    # a fixed, known law (the truth below is computed from it, not estimated from the data sets)
    z = rng.standard_normal((2, 2_000_000))
    a0, b0 = z[0], rho * z[0] + math.sqrt(1 - rho**2) * z[1]
    units_p, units = [], []
    for label, (shift_a, shift_b) in ((1, (1.2, 0.8)), (0, (0.0, 0.0))):
        la = np.searchsorted(cuts, a0 + shift_a)
        lb = np.searchsorted(cuts, b0 + shift_b)
        width = len(cuts) + 1
        freq = np.bincount(la * width + lb, minlength=width * width) / z.shape[1]
        keep = np.flatnonzero(freq)
        units_p.append((PREVALENCE if label else 1 - PREVALENCE) * freq[keep])
        units.append(np.column_stack([np.full(len(keep), label), keep // width, keep % width]))
    return np.concatenate(units_p), np.concatenate(units)


def _truth(p: np.ndarray, label: np.ndarray, level: np.ndarray) -> tuple[float, float]:
    levels = int(level.max()) + 1
    pos = np.bincount(level[label == 1], weights=p[label == 1], minlength=levels)
    neg = np.bincount(level[label == 0], weights=p[label == 0], minlength=levels)
    roc = float((pos * (np.cumsum(neg) - neg / 2)).sum() / (pos.sum() * neg.sum()))
    tp, fp = pos[::-1].cumsum()[::-1], neg[::-1].cumsum()[::-1]  # mass scored at least each level
    ap = float((pos * tp / (tp + fp)).sum() / pos.sum())
    return roc, ap


@pytest.mark.parametrize("n", SIZES)
def test_normal_auc_intervals_cover_the_true_value(n):
    p, units = _law()
    label, cand, base = units[:, 0], units[:, 1].astype(float), units[:, 2].astype(float)
    truth_c, truth_b = _truth(p, label, units[:, 1]), _truth(p, label, units[:, 2])
    truth = {
        "c.roc_auc": truth_c[0],
        "c.pr_auc": truth_c[1],
        "b.roc_auc": truth_b[0],
        "b.pr_auc": truth_b[1],
        "c-b.roc_auc": truth_c[0] - truth_b[0],
        "c-b.pr_auc": truth_c[1] - truth_b[1],
    }
    rng = np.random.default_rng(n + 3)
    covered = dict.fromkeys(truth, 0)
    for i in range(DATASETS):
        counts = rng.multinomial(n, p)
        cells = np.flatnonzero(counts)
        y, mult = label[cells], counts[cells].astype(float)
        scope = np.zeros(len(cells), dtype=np.int64)
        vc, gc = auc_gradients(y, cand[cells], scope, 1, mult)
        vb, gb = auc_gradients(y, base[cells], scope, 1, mult)
        drawn = LinearScopes.of(np.c_[vc, vb], scope, np.c_[gc, gb], mult).draw(RESAMPLES, i, "coverage")[0]
        samples = {
            "c.roc_auc": drawn[:, 0],
            "c.pr_auc": drawn[:, 1],
            "b.roc_auc": drawn[:, 2],
            "b.pr_auc": drawn[:, 3],
            "c-b.roc_auc": drawn[:, 0] - drawn[:, 2],
            "c-b.pr_auc": drawn[:, 1] - drawn[:, 3],
        }
        for key, value in truth.items():
            found = interval(samples[key], 0.95, "two-sided")
            covered[key] += found.low <= value <= found.high
    rates = {k: c / DATASETS for k, c in covered.items()}
    assert all(0.935 <= r <= 0.965 for r in rates.values()), (n, rates)
