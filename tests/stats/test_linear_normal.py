"""LinearScopes.draw: the scopes drawn at once (in blocks of scopes, in place) give the draws of the
one-scope-at-a-time definition (moments.normal_around on the same standard normals), whatever the
block size; scopes with a statistic that does not move, or an undefined one, take that definition
itself; and the covariance is the sum over entries of mult * g_a * g_b."""

from __future__ import annotations

import numpy as np
import pytest

import hurdlelang.stats.linear_normal as linear_normal
from hurdlelang.stats.intervals import make_rng
from hurdlelang.stats.linear_normal import LinearScopes
from hurdlelang.stats.moments import normal_around


def _scopes(s: int = 40, q: int = 5, seed: int = 1) -> LinearScopes:
    rng = np.random.default_rng(seed)
    scope = np.repeat(np.arange(s), 8)
    grads = rng.normal(size=(len(scope), q))
    grads[:, q - 1] = grads[:, 0] * 2  # a statistic that is a multiple of another: singular
    return LinearScopes.of(rng.normal(size=(s, q)), scope, grads, rng.integers(1, 50, len(scope)))


def _one_at_a_time(linear: LinearScopes, resamples: int, seed: int, stream: str) -> np.ndarray:
    z = make_rng(seed, stream).standard_normal((*linear.point.shape[:1], resamples, linear.point.shape[1]))
    sd = np.sqrt(np.clip(np.diagonal(linear.cov, axis1=1, axis2=2), 0.0, None))
    live = (sd > 1e-12 * np.maximum(1.0, np.abs(np.nan_to_num(linear.point)))) & np.isfinite(linear.point)
    return np.stack([normal_around(linear.point[k], linear.cov[k], z[k], live[k]) for k in range(len(z))])


def test_covariance_is_the_sum_over_entries():
    rng = np.random.default_rng(0)
    scope, grads, mult = rng.integers(0, 3, 200), rng.normal(size=(200, 2)), rng.integers(1, 9, 200)
    linear = LinearScopes.of(np.zeros((3, 2)), scope, grads, mult)
    for k in range(3):
        g, m = grads[scope == k], mult[scope == k]
        np.testing.assert_allclose(linear.cov[k], (g * m[:, None]).T @ g, rtol=1e-12)


@pytest.mark.parametrize("block", [1, 7 * 100 * 5, 10**9])
def test_blocks_give_the_one_at_a_time_draws(monkeypatch, block):
    linear = _scopes()
    monkeypatch.setattr(linear_normal, "_BLOCK", block)
    drawn = linear.draw(100, seed=3, stream="t")
    np.testing.assert_allclose(drawn, _one_at_a_time(linear, 100, 3, "t"), rtol=0, atol=1e-12)


def test_a_still_or_undefined_statistic_takes_the_one_at_a_time_draws():
    linear = _scopes()
    point = linear.point.copy()
    point[4, 1] = np.nan  # undefined in one scope: all its draws NaN
    cov = linear.cov.copy()
    cov[9, 2, :] = cov[9, :, 2] = 0.0  # no spread in another: drawn at its value
    still = LinearScopes(point, cov, linear.bound)
    drawn = still.draw(100, seed=3, stream="t")
    expected = _one_at_a_time(still, 100, 3, "t")
    assert np.isnan(drawn[4, :, 1]).all() and np.all(drawn[9, :, 2] == point[9, 2])
    np.testing.assert_allclose(drawn, expected, rtol=0, atol=1e-12)
