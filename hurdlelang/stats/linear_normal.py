"""Normal draws of statistics linearised over cells (the delta method for a row bootstrap).

A statistic f of the cell counts C of one scope (a confusion, a pair of score histograms) moves under
a row bootstrap, C* ~ Multinomial(N, C/N), as f(C*) - f(C) ~ g'(C* - C) to first order, with g the
gradient of f at the observed counts. The resampled counts have covariance diag(C) - C C'/N. For a
statistic that is homogeneous of degree 0 in the counts (a ratio of counts: precision, accuracy,
roc_auc, pr_auc) Euler's identity gives g'C = 0, so

    Cov(f_a, f_b) = sum_k C_k g_a(k) g_b(k)

exactly (to first order), and two scopes of one slice column (disjoint cells) are uncorrelated. So
each scope is drawn on its own: its Q statistics (every party's, so that paired differences keep
their correlation) jointly from N(f(C), Cov), which costs Q normals per scope and resample instead of
one binomial per cell.

What a caller provides, per entry i (a row, or a cell of a GROUP BY standing for ``mult_i`` rows):
its scope, and the gradient of each statistic of that scope with respect to the count of the cell
the entry falls in (entries of one cell carry the same gradient).

Approximation bound: the linearised statistic is a sum over the N drawn rows of the per-row values
g(i), centred (sum_i m_i g(i) = 0), so the Berry-Esseen theorem bounds the distance of its
resampled law from the normal one by C sum_i m_i |g(i)|^3 / (sum_i m_i g(i)^2)^(3/2), C = 0.4748
(Shevtsova 2011): the bound of stats/moments.py, for the linearised statistic. It does not cover the
second-order (curvature) term, which the coverage simulations (docs/statistics.md) measure.

Reproducibility: the draws are N(0, 1) from ``make_rng(seed, stream)``, one array of (scopes,
resamples, Q) in that order, times the ridged Cholesky factor of each scope's correlation (continuous
in the counts, so engines whose counts agree give draws that agree).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hurdlelang.stats.intervals import make_rng
from hurdlelang.stats.moments import BERRY_ESSEEN_C, normal_around

_BLOCK = 1 << 19  # normals drawn at a time (4 MB)


@dataclass(frozen=True)
class LinearScopes:
    """Point values (S, Q), covariances (S, Q, Q) and Berry-Esseen bounds (S, Q) of Q statistics in
    each of S scopes. A NaN point is a statistic undefined in its scope: all its draws are NaN."""

    point: np.ndarray
    cov: np.ndarray
    bound: np.ndarray

    @classmethod
    def of(cls, point: np.ndarray, scope: np.ndarray, grads: np.ndarray, mult: np.ndarray | None) -> LinearScopes:
        """``point`` (S, Q); ``scope`` (n,) the scope of each entry, 0..S-1; ``grads`` (n, Q) each
        entry's gradient of its scope's statistics; ``mult`` (n,) rows per entry, or None (1 each)."""
        s, q = point.shape
        m = np.ones(len(scope)) if mult is None else np.asarray(mult, dtype=float)
        g = np.where(np.isfinite(grads), grads, 0.0)
        cov = np.zeros((s, q, q))
        for a in range(q):
            for b in range(a, q):
                cov[:, a, b] = cov[:, b, a] = np.bincount(scope, weights=m * g[:, a] * g[:, b], minlength=s)
        third = np.stack([np.bincount(scope, weights=m * np.abs(g[:, a]) ** 3, minlength=s) for a in range(q)], 1)
        var = np.diagonal(cov, axis1=1, axis2=2)
        with np.errstate(divide="ignore", invalid="ignore"):
            bound = np.where(var > 0, np.minimum(1.0, BERRY_ESSEEN_C * third / var**1.5), 0.0)
        return cls(point, cov, np.where(np.isfinite(point), bound, 1.0))

    def draw(self, resamples: int, seed: int, stream: str) -> np.ndarray:
        """(S, resamples, Q) draws of every scope's statistics from their normal approximation."""
        s, q = self.point.shape
        sd = np.sqrt(np.clip(np.diagonal(self.cov, axis1=1, axis2=2), 0.0, None))
        # a statistic without spread (one class in a scope's decisions) is drawn at its value
        live = (sd > 1e-12 * np.maximum(1.0, np.abs(np.nan_to_num(self.point)))) & np.isfinite(self.point)
        every = live.all(axis=1)
        factors = _factors(self.cov[every] / (sd[every, :, None] * sd[every, None, :]))
        rng = make_rng(seed, stream)
        if factors is None or not every.all():
            z = rng.standard_normal((s, resamples, q))
            return self._some_move(z, live, every, factors, sd)
        # every scope's statistics move (the usual case): the normals drawn a block of scopes at a
        # time into one buffer (the same stream as one (S, resamples, Q) draw) and spread in place,
        # so that no second array of scopes x resamples x statistics is made (tens of MB with 500
        # slice values, whose fresh pages cost more than the arithmetic)
        out = np.empty((s, resamples, q))
        block = max(1, _BLOCK // max(resamples * q, 1))
        z = np.empty((min(block, s), resamples, q))
        for start in range(0, s, block):
            part = slice(start, min(s, start + block))
            k = part.stop - part.start
            rng.standard_normal(out=z[:k])
            np.matmul(z[:k], factors[part].transpose(0, 2, 1), out=out[part])
            out[part] *= sd[part, None, :]
            out[part] += self.point[part, None, :]
        return out

    def _some_move(self, z: np.ndarray, live, every, factors, sd) -> np.ndarray:
        """The draws when some statistic of some scope does not move (or a correlation does not
        factor): those scopes one at a time (moments.normal_around), the others at once."""
        s = len(self.point)
        if factors is None:
            return np.stack([normal_around(self.point[k], self.cov[k], z[k], live[k]) for k in range(s)])
        out = np.empty(z.shape)
        spread = np.matmul(z[every], factors.transpose(0, 2, 1))
        out[every] = self.point[every, None, :] + spread * sd[every, None, :]
        for k in np.flatnonzero(~every):
            out[k] = normal_around(self.point[k], self.cov[k], z[k], live[k])
        return out


def _factors(corr: np.ndarray) -> np.ndarray | None:
    """The ridged Cholesky factors of a stack of correlations (moments.correlation_factor's first
    choice); None when one does not factor, and each scope then takes correlation_factor alone."""
    try:
        return np.linalg.cholesky(corr + 1e-10 * np.eye(corr.shape[-1]))
    except np.linalg.LinAlgError:
        return None
