"""Coverage of the intervals of per-class metrics and of a cost matrix's cost, by simulation.

The same set-up as tests/stats/test_confusion_coverage.py (cell counts drawn from the true cell
probabilities, then the real resampler, formulas and percentile interval): per-class recall and
precision are ratios of the matrix's cells and the cost is linear in them, so the multinomial over
joint cells is their row bootstrap too. Over 1,500 data sets per size the 95% two-sided interval
must hold the true value 93.5%-96.5% of the time."""

from __future__ import annotations

import numpy as np
import pytest

from hurdlelang.metrics.multiclass import Cells
from hurdlelang.metrics.registry import vectorised_confusion_metric
from hurdlelang.stats.bootstrap_confusion import resample_confusion
from hurdlelang.stats.intervals import interval
from tests.stats.test_confusion_coverage import TRUE, K, _cells

CLASSES = ("a", "b", "c")
PRICE = {
    (a, d): 0.0 if a == d else 10.0 * (1 + i) + 3.0 * j for i, a in enumerate(CLASSES) for j, d in enumerate(CLASSES)
}
DATASETS, RESAMPLES = 1500, 400
METRICS = {
    "recall[c]": ("recall", Cells(CLASSES, "c")),
    "precision[a]": ("precision", Cells(CLASSES, "a")),
    "f1[b]": ("f1", Cells(CLASSES, "b")),
    "cost": ("cost", Cells(CLASSES, None, PRICE)),
}


@pytest.mark.parametrize("n", [500, 5_000])
def test_per_class_and_cost_intervals_cover_the_true_value(n):
    rng = np.random.default_rng(1000 + n)
    truth = {key: float(vectorised_confusion_metric(name, None, TRUE, cells)) for key, (name, cells) in METRICS.items()}
    # the cost of the true law by hand: the probability of each cell times its price
    assert truth["cost"] == pytest.approx(
        sum(TRUE[i, j] * PRICE[(a, d)] for i, a in enumerate(CLASSES) for j, d in enumerate(CLASSES))
    )
    covered = dict.fromkeys(truth, 0)
    for i in range(DATASETS):
        counts = rng.multinomial(n, TRUE.ravel()).reshape(K, K)
        drawn = resample_confusion(_cells(counts), RESAMPLES, seed=i, stream="coverage")[("candidate", "all")]
        for key, (name, cells) in METRICS.items():
            found = interval(vectorised_confusion_metric(name, None, drawn, cells), 0.95, "two-sided")
            covered[key] += found.low <= truth[key] <= found.high
    for key, hits in covered.items():
        assert 0.935 <= hits / DATASETS <= 0.965, (key, n, hits / DATASETS)
