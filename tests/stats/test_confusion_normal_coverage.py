"""Coverage of the normal (delta-method) intervals of multiclass confusion metrics, by simulation,
at n = 500, 5,000 and 200,000 rows.

The method depends on the data only through its joint cell counts, so each data set is drawn as
cell counts from the true joint probabilities of (actual, candidate's class, baseline's class); the
1,500 data sets of a size are the 1,500 slices of one set of cells, which the method draws
independently (scopes of a slice column are uncorrelated to first order), so one call of the real
code (hurdlelang/stats/confusion_normal.py: the registry's formulas, the gradients, the normal
draws of linear_normal.py) and the real percentile interval serve them all. The 95% two-sided
interval must hold the true value 93.5%-96.5% of the time (a standard error of 0.56 points) for
accuracy, f1_macro, balanced_accuracy, recall of the rarest class (20% of rows) and the paired
differences candidate - baseline."""

from __future__ import annotations

import numpy as np
import pytest

from hurdlelang.metrics.multiclass import Cells
from hurdlelang.stats.bootstrap_confusion import ConfusionCells
from hurdlelang.stats.bootstrap_counts import JointCells
from hurdlelang.stats.confusion_normal import Statistic, normal_confusion
from hurdlelang.stats.intervals import interval

K = 3
CLASSES = ("a", "b", "c")
PRIOR = np.array([0.5, 0.3, 0.2])
CANDIDATE = np.array([[0.85, 0.10, 0.05], [0.10, 0.80, 0.10], [0.10, 0.15, 0.75]])  # actual x decided
BASELINE = np.array([[0.80, 0.12, 0.08], [0.15, 0.70, 0.15], [0.12, 0.18, 0.70]])
AGREE = 0.6  # the baseline decides as the candidate 60% of the time, else by its own confusion
DATASETS, RESAMPLES = 1500, 400
METRICS = (("accuracy", None), ("f1_macro", None), ("balanced_accuracy", None), ("recall", "c"))


def _joint() -> np.ndarray:
    a, c, b = np.meshgrid(np.arange(K), np.arange(K), np.arange(K), indexing="ij")
    return PRIOR[a] * CANDIDATE[a, c] * (AGREE * (b == c) + (1 - AGREE) * BASELINE[a, b])  # [actual, cand, base]


def _cells(counts: np.ndarray) -> ConfusionCells:
    """(datasets, K^3) counts as the slices of one set of joint cells: code = actual + K cand + K^2 base."""
    slice_of, cell = np.nonzero(counts)
    actual, cand, base = cell // (K * K), (cell // K) % K, cell % K
    parties = ("candidate", "baseline")
    names = tuple(str(i) for i in range(len(counts)))
    groups = JointCells(parties, names, int(counts.sum()), slice_of, actual + K * cand + K * K * base,
                        counts[slice_of, cell], None)  # fmt: skip
    return ConfusionCells(parties, np.array(CLASSES), {p: np.arange(K) for p in parties}, groups)


@pytest.mark.parametrize("n", [500, 5_000, 200_000])
def test_normal_intervals_cover_the_true_value(n):
    joint = _joint()
    matrices = {"candidate": joint.sum(axis=2), "baseline": joint.sum(axis=1)}
    stats = [Statistic(p, m, None, Cells(CLASSES, of)) for p in matrices for m, of in METRICS]
    truth = np.array([float(s.of(matrices[s.party])) for s in stats])
    rng = np.random.default_rng(n)
    counts = rng.multinomial(n, joint.ravel(), size=DATASETS)
    cells = _cells(counts)
    drawn = normal_confusion(cells, stats, list(cells.groups.slices), RESAMPLES, seed=n, stream="coverage")
    q = len(METRICS)
    checks = {f"{s.party}.{s.name}{'[' + s.cells.of + ']' if s.cells.of else ''}": i for i, s in enumerate(stats)}
    checks |= {f"candidate - baseline {m}": (i, i + q) for i, (m, _) in enumerate(METRICS)}
    for what, at in checks.items():
        if isinstance(at, tuple):
            samples, value = drawn.samples[:, :, at[0]] - drawn.samples[:, :, at[1]], truth[at[0]] - truth[at[1]]
        else:
            samples, value = drawn.samples[:, :, at], truth[at]
        hits = 0
        for one in samples:
            found = interval(one, 0.95, "two-sided")
            hits += found.low <= value <= found.high
        assert 0.935 <= hits / DATASETS <= 0.965, (what, n, hits / DATASETS)
    assert np.all(drawn.bound < 1.0)
