"""intervals.py's order statistic against numpy's quantile."""

import numpy as np

from hurdlelang.stats.intervals import _order_statistic


def test_order_statistics_are_numpys_quantiles():
    """intervals.py reads its bounds by one partition instead of np.quantile: the same values."""
    rng = np.random.default_rng(8)
    for size in (1, 2, 7, 400, 1_000, 1_001):
        values = rng.normal(size=size)
        values[rng.random(size) < 0.1] = np.nan
        for q in (0.0, 0.025, 0.05, 0.5, 0.95, 0.975, 1.0):
            for method, nan_as in (("lower", -np.inf), ("higher", np.inf)):
                filled = np.where(np.isnan(values), nan_as, values)
                assert _order_statistic(values, q, nan_as, method) == np.quantile(filled, q, method=method)
