"""A figure baseline's own uncertainty (hurdlelang/stats/figures.py): the draws have the quantiles
they promise, and a comparison with a figure that is itself an estimate keeps the nominal
false-promotion rate (a two-sample question: the candidate's bootstrap and the figure's draws are
independent). Seeded; the accepted ranges are 99.9% binomial ranges (tests/stats/test_interval_coverage.py).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from hurdlelang.stats.bootstrap import JointCells, beats, resample_counts
from hurdlelang.stats.figures import figure_draws, interval_draws, share_draws
from tests.stats.test_interval_coverage import binomial_range


def test_share_draws_are_the_jeffreys_posterior():
    drawn = share_draws(0.41, 12_000, 20_000, seed=1, stream="f")
    x = 0.41 * 12_000
    for q in (0.025, 0.5, 0.975):
        expected = stats.beta.ppf(q, x + 0.5, 12_000 - x + 0.5)
        assert np.quantile(drawn.samples, q) == pytest.approx(expected, abs=6e-4)
    # a figure of 1.0 still has an uncertainty (the binomial bootstrap would have none)
    assert np.quantile(share_draws(1.0, 50, 5000, 1, "g").samples, 0.05) < 0.98


def test_interval_draws_have_the_reported_ends_as_quantiles():
    drawn = interval_draws(1.9, 1.7, 2.2, 0.9, 40_000, seed=2, stream="f")
    assert np.quantile(drawn.samples, 0.05) == pytest.approx(1.7, abs=0.01)
    assert np.quantile(drawn.samples, 0.95) == pytest.approx(2.2, abs=0.01)
    assert np.median(drawn.samples) == pytest.approx(1.9, abs=0.01)
    assert drawn.method == "split normal from the reported 90% interval 1.7 to 2.2"
    assert figure_draws(1.9, None, None, None, None, 10, 0, "f") is None  # no uncertainty: exact


def test_a_figure_estimated_from_its_own_sample_keeps_the_nominal_rate():
    # the candidate's true precision equals the figure's true value; the figure is what a sample of
    # N predicted positives gave. `precision beats figure` at 95% should promote in ~5% of cases.
    rng = np.random.default_rng(20261201)
    r, n, big_n = 600, 2000, 1000
    p_true = 0.3 * 0.6 / (0.3 * 0.6 + 0.7 * 0.15)
    promoted = 0
    for i in range(r):
        y = (rng.random(n) < 0.3).astype(int)
        d = np.where(y == 1, rng.random(n) < 0.6, rng.random(n) < 0.15).astype(int)
        cand = resample_counts(JointCells.build(y, {"c": d}), 1000, seed=i).samples("c", "precision")
        figure = rng.binomial(big_n, p_true) / big_n
        promoted += beats(cand, share_draws(figure, big_n, 1000, i, "f").samples).held
    low, high = binomial_range(r, 0.05)
    assert low <= promoted / r <= high, promoted / r
