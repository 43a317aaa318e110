"""The percentile bootstrap's false-promotion rate at a small and a large sample, for a share and a
derived value metric (seeded, cheap: the count bootstrap costs the same at any size). The full
study, with AUC and MAE and 2,000 data sets per cell, is bench/bench_error_rates.py (results in
docs/statistics.md); here 600 data sets per cell, accepted within the 99.9% binomial range of 5%."""

from __future__ import annotations

import numpy as np
import pytest

from hurdlelang.stats.bootstrap import JointCells, beats, resample_counts
from tests.stats.test_interval_coverage import binomial_range, simulate


def net_value(c) -> np.ndarray:
    return (c.tp * 38.0 - c.fp * 4.0) / c.n * 1000


@pytest.mark.parametrize("n", [200, 20_000])
def test_exchangeable_parties_promote_at_the_nominal_rate(n):
    rng = np.random.default_rng(n)
    r = 600
    precision = value = 0
    for i in range(r):
        label, cand, base = simulate(rng, n, 0.3, 0.6, 0.15)
        counts = resample_counts(JointCells.build(label, {"c": cand, "b": base}), 1000, seed=i)
        c, b = counts.samples("c", "precision"), counts.samples("b", "precision")
        precision += bool(beats(c, b, confidence=0.95).held)
        cells = {p: counts.counts[(p, "all")] for p in ("c", "b")}
        value += bool(beats(net_value(cells["c"]), net_value(cells["b"]), confidence=0.95).held)
    low, high = binomial_range(r, 0.05)
    assert low <= precision / r <= high, precision / r
    assert low <= value / r <= high, value / r
