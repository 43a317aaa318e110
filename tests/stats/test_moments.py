"""The sufficient statistic of sum metrics (hurdlelang/stats/moments.py) against its oracles: the
sums computed directly, the row bootstrap's own resampled sums, and the normal CDF."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hurdlelang.stats.moments import Moments


def _data(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    e = rng.gamma(2.0, 1.5, n)
    return np.column_stack([e, np.ones(n), e * 0.6 + rng.gamma(2.0, 1.0, n)])


def test_sums_per_scope_equal_direct_sums_and_multiplicity_equals_repeated_rows():
    x = _data(500)
    codes = np.arange(500) % 3
    m = Moments.from_columns(("a", "w", "b"), x, codes, ("p", "q", "r"))
    for k in range(3):
        xk = x[codes == k]
        assert m.n[k] == len(xk)
        np.testing.assert_allclose(m.sums[k], xk.sum(axis=0), rtol=1e-12)
        np.testing.assert_allclose(m.cross[k], xk.T @ xk, rtol=1e-12)
        np.testing.assert_allclose(m.fourths[k], (xk**4).sum(axis=0), rtol=1e-12)
    assert m.units == 500
    distinct, counts = np.array([[1.0, 1, 2], [3.0, 1, 0.5]]), np.array([4, 7])
    once = Moments.from_columns(("a", "w", "b"), distinct, multiplicity=counts)
    repeated = Moments.from_columns(("a", "w", "b"), np.repeat(distinct, counts, axis=0))
    for field in ("n", "sums", "cross", "cubes", "fourths"):
        np.testing.assert_allclose(getattr(once, field), getattr(repeated, field), rtol=1e-12)


def test_normal_draws_have_the_row_bootstraps_mean_and_covariance_in_every_scope():
    n, b = 400, 4000
    x = _data(n, seed=1)
    codes = (np.arange(n) % 4 == 0).astype(int)  # a slice holding a quarter of the rows
    m = Moments.from_columns(("a", "w", "b"), x, codes, ("rest", "quarter"))
    rng = np.random.default_rng(2)
    draws = np.stack([np.bincount(rng.integers(0, n, n), minlength=n) for _ in range(b)]).astype(float)
    for k in range(2):
        rowboot = draws @ (x * (codes == k)[:, None])
        normal = m.draw(k, b, seed=3, stream=f"s{k}")
        np.testing.assert_allclose(normal.mean(axis=0), rowboot.mean(axis=0), rtol=0.01)
        # covariances from 4,000 draws agree to a few percent of the variances
        scale = np.sqrt(np.outer(np.diag(np.cov(rowboot.T)), np.diag(np.cov(rowboot.T))))
        assert np.abs(np.cov(normal.T) - np.cov(rowboot.T)).max() / scale.max() < 0.08
        np.testing.assert_allclose(np.cov(normal.T), m.covariance(k), rtol=0.08, atol=1e-9)
    whole = Moments.from_columns(("a", "w", "b"), x)
    assert np.all(whole.draw(0, 50, 0, "w")[:, 1] == n)  # the weight sum of the whole data never varies
    np.testing.assert_array_equal(whole.draw(0, 50, 7, "x"), whole.draw(0, 50, 7, "x"))


def test_duplicated_terms_draw_equal_values():
    x = _data(300)
    m = Moments.from_columns(("a", "a again", "b"), np.column_stack([x[:, 0], x[:, 0], x[:, 2]]))
    drawn = m.draw(0, 200, 0, "dup")
    # equal up to the ridge that lets the singular correlation factor: 1e-4 standard deviations
    assert np.abs(drawn[:, 0] - drawn[:, 1]).max() < 1e-4 * drawn[:, 0].std()


def _phi(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.vectorize(math.erf)(z / math.sqrt(2)))


def test_berry_esseen_bound_holds_and_shrinks_as_one_over_root_n():
    def mean(s):
        return s[:, 0] / s[:, 1]

    bounds = []
    base = _data(200, seed=5)
    for copies in (1, 4, 16):  # the same per-unit moments at 200, 800 and 3,200 units
        x = np.tile(base, (copies, 1))
        n = len(x)
        m = Moments.from_columns(("a", "w", "b"), x)
        bound = m.berry_esseen(0, mean, [0, 1])
        bounds.append(bound)
        # the oracle: the row bootstrap's law of the mean, against its normal approximation
        rng = np.random.default_rng(n)
        boot = np.sort([x[rng.integers(0, n, n), 0].mean() for _ in range(3000)])
        z = (boot - x[:, 0].mean()) / (x[:, 0].std() / math.sqrt(n))
        kolmogorov = np.abs(np.arange(1, 3001) / 3000 - _phi(z)).max()
        assert kolmogorov <= bound + 0.02, (n, kolmogorov, bound)  # + the 3,000 draws' own noise
    assert bounds[0] > bounds[1] > bounds[2]
    np.testing.assert_allclose([bounds[0] / bounds[1], bounds[1] / bounds[2]], [2, 2], rtol=1e-6)


def test_terms_that_move_together_to_rounding_still_draw():
    # labels around 10^6: y and y^2 are correlated to about 1 - 1e-12, and the rounding of their
    # raw power sums leaves the correlation a little indefinite, which no Cholesky ridge mends
    rng = np.random.default_rng(1)
    y = 1e6 + rng.normal(0, 3, 5_000)
    e = y - (y + rng.normal(0, 1, 5_000))
    m = Moments.from_columns(("y", "y2", "|e|"), np.column_stack([y, y * y, np.abs(e)]))
    draws = m.draw(0, 4_000, seed=1, stream="s")
    assert np.isfinite(draws).all()
    cov = m.covariance(0)
    # the spread of each term is the row bootstrap's, and the well-conditioned term is untouched
    assert np.sqrt(draws.var(axis=0)) == pytest.approx(np.sqrt(np.diag(cov)), rel=0.05)
    assert np.corrcoef(draws[:, 0], draws[:, 1])[0, 1] > 0.999
