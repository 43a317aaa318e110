"""intervals.py's order statistic against numpy's quantile."""

import operator

import numpy as np
import pytest

import hurdlelang.stats.intervals as intervals_module
from hurdlelang.stats.intervals import _order_statistic, holds, holds_each, interval, intervals

OPERATORS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}


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


@pytest.mark.parametrize("block", [1_000, 3_000, 1 << 19])  # resamples a block: 1, 3 and every statistic
def test_many_intervals_at_once_are_each_interval(monkeypatch, block):
    """A record's intervals come from partitions of (statistics x resamples) blocks (`intervals`):
    the same bounds, undefined fractions and reasons as one `interval` each, whatever the block,
    including statistics undefined in some resamples, in too many, and in the tail."""
    monkeypatch.setattr(intervals_module, "_BLOCK", block)
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


def test_many_judgements_at_once_are_each_judgement():
    """`in every region` is judged on every slice value at once (`holds_each`): each bound is the
    quantile numpy gives with undefined resamples counted against it, and the same judgement as
    one `holds` each, undefined where too many resamples are."""
    rng = np.random.default_rng(10)
    rows = [rng.normal(0.1, 0.05, size=1_000) for _ in range(4)]
    rows[1][:30] = np.nan  # 3%: a bound still exists at 95%
    rows[2][:80] = np.nan  # 8%: above the 5% limit, undefined
    names = [f"region={i}" for i in range(len(rows))]
    for op, required in ((">=", 0.05), (">", 0.0), ("<=", 0.2), ("<", 0.12)):
        got = holds_each(rows, op, required, 0.95, names)
        assert [g.interval.as_dict() for g in got] == [
            holds(r, op, required, 0.95, what=w).interval.as_dict() for r, w in zip(rows, names, strict=True)
        ]
        lower = op in (">=", ">")
        for row, judgement in zip(rows, got, strict=True):
            if np.isnan(row).mean() > 0.05:
                assert judgement.held is None and np.isnan(judgement.bound)
                continue
            filled = np.where(np.isnan(row), -np.inf if lower else np.inf, row)
            want = np.quantile(filled, 0.05 if lower else 0.95, method="lower" if lower else "higher")
            assert judgement.bound == want
            assert judgement.held == OPERATORS[op](want, required)
