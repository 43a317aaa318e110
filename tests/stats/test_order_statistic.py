"""intervals.py's order statistic against numpy's quantile."""

import numpy as np

from hurdlelang.stats.intervals import _order_statistic, interval, intervals


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


def test_many_intervals_at_once_are_each_interval():
    """A record's intervals come from one partition of a (statistics x resamples) matrix
    (`intervals`): the same bounds, undefined fractions and reasons as one `interval` each,
    including statistics undefined in some resamples, in too many, and in the tail."""
    rng = np.random.default_rng(9)
    rows = []
    for undefined in (0.0, 0.0, 0.01, 0.03, 0.2, 0.024, 0.026):
        values = rng.normal(size=1_000)
        values[rng.permutation(1_000)[: int(undefined * 1_000)]] = np.nan
        rows.append(values)
    infinite = rng.normal(size=1_000)  # a ratio's resamples can be infinite: ordered as numbers, not as NaN
    infinite[:30], infinite[30:60], infinite[60:70] = np.inf, -np.inf, np.nan
    rows.append(rng.permutation(infinite))
    names = [f"m{i}" for i in range(len(rows))]
    for side in ("two-sided", "lower", "upper"):
        for confidence in (0.9, 0.95):
            got = intervals(rows, confidence, side, names)
            want = [interval(r, confidence, side, what=w) for r, w in zip(rows, names, strict=True)]
            assert [g.as_dict() for g in got] == [w.as_dict() for w in want]
    uneven = [rows[0], rows[1][:500]]  # different resample counts: one at a time, the same answers
    assert [i.as_dict() for i in intervals(uneven, 0.95, "lower", ["a", "b"])] == [
        interval(uneven[0], 0.95, "lower", what="a").as_dict(),
        interval(uneven[1], 0.95, "lower", what="b").as_dict(),
    ]
