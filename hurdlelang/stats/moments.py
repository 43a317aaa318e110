"""Sufficient statistics of per-unit terms, and intervals drawn from them in O(terms^2 x resamples).

A metric that is a ratio of sums of per-unit terms (hurdlelang/stats/bootstrap_means.py's SumForm:
mae = sum w|e| / sum w, r2 from sum w e^2, sum w y, sum w y^2, sum w; log_loss, brier,
top_k_accuracy; ranking's per-query values) depends on a row bootstrap only through the resampled
vector of sums S* = sum_i m_i x_i, (m_1..m_N) ~ Multinomial(N, 1/N). That vector's mean and
covariance are exact functions of a few sums over the units (below), and by the central limit
theorem S* is close to normal with those moments. So instead of drawing B x N row counts, the
normal method draws S* from N(s, cross - s s'/N) for every scope, jointly over every term of every
party (paired differences keep their correlation), and pushes each draw through the metric's
``combine``: derived metrics and paired differences then work on the samples as before.

What an engine must provide (one GROUP BY per slice column, plus the whole data)
-------------------------------------------------------------------------------
``terms`` is an ordered list of per-unit values x_t (a unit is a row, or a whole query for
ranking), named by the caller; for a (party, metric) the terms are exactly the columns of its
SumForm, in the order hurdlelang/engine/plan.py's SUM_TERMS / QUERY_TERMS lists them. Per scope
(the whole data, or one value of one slice column), with units outside the scope contributing 0:

- ``n``       the number of units in the scope (COUNT(*); queries for ranking);
- ``sums``    sum_i x_t,i for every term t (SUM(x_t));
- ``cross``   sum_i x_t,i * x_u,i for every pair t <= u, jointly over all parties' terms
              (SUM(x_t * x_u)); the matrix is symmetric, engines may fill one triangle;
- ``cubes``   sum_i x_t,i^3 and ``fourths`` sum_i x_t,i^4 per term (SUM(POWER(x_t, 3)), ...):
              only for the approximation bound, never for the interval itself;
- ``units``   N, the units of the whole data (the row bootstrap draws N units, so a slice's size
              varies from resample to resample, as with the cells of bootstrap_counts.py).

A scope with fewer than ``ROW_BOOTSTRAP_BELOW`` units keeps the exact row bootstrap (its per-unit
terms are then needed: ``rows``), where the normal approximation is poorest and rows are cheap.

Approximation bound (reported in the record)
--------------------------------------------
For the linearised statistic Y = g'X (g the gradient of ``combine`` at the observed sums), the
Berry-Esseen theorem bounds how far the normal law of the resampled sum is from the row
bootstrap's: sup_x |P*(...) - Phi(x)| <= C rho / (sigma^3 sqrt N), C = 0.4748 (Shevtsova 2011),
sigma^2 = g' Cov g, rho = E|Y - EY|^3 <= (E (Y - EY)^4)^(3/4) <= (sum_t |g_t| ||X_t - mu_t||_4)^3
(Lyapunov, then Minkowski), each ||X_t - mu_t||_4 exact from the four power sums. The bound is a
worst case over all distributions with those moments, so it is loose (often 10-50 times the
observed error); it says how much the normal method could differ from the row bootstrap, and
shrinks as 1/sqrt(N).

Reproducibility: the draws are N(0, 1) from ``make_rng(seed, stream)`` times the Cholesky factor of
the covariance; both are continuous in the sums, so engines whose sums agree to rounding give
intervals that agree to rounding.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from hurdlelang.stats.intervals import make_rng

ROW_BOOTSTRAP_BELOW = 2_000
"""Scopes with fewer units keep the row bootstrap (measured in docs/statistics.md)."""

BERRY_ESSEEN_C = 0.4748  # Shevtsova (2011), i.i.d. summands
NORMAL_METHOD = "normal approximation of the resampled sums (their exact mean and covariance)"


@dataclass(frozen=True)
class Moments:
    """Power sums of per-unit terms, per scope, jointly over every party (see the module docstring).

    Arrays are indexed [scope, term(, term)]; ``scopes`` names the rows (``ALL`` or slice values)."""

    terms: tuple[str, ...]
    scopes: tuple[str, ...]
    units: int  # N: units of the whole data
    n: np.ndarray  # (S,) units per scope
    sums: np.ndarray  # (S, T)
    cross: np.ndarray  # (S, T, T)
    cubes: np.ndarray  # (S, T)
    fourths: np.ndarray  # (S, T)

    @classmethod
    def from_columns(
        cls,
        terms: Sequence[str],
        columns: np.ndarray,
        codes: np.ndarray | None = None,
        scopes: Sequence[str] = ("all",),
        multiplicity: np.ndarray | None = None,
    ) -> Moments:
        """From per-unit columns (units x T), today's path: ``codes`` the scope index of each unit
        (None: one scope, the whole data); ``multiplicity`` how many units each row stands for (a
        table of distinct units with counts, as a simulation or a GROUP BY over values gives)."""
        x = np.asarray(columns, dtype=float)
        if x.ndim != 2 or x.shape[1] != len(terms):
            raise ValueError(f"columns must be (units, {len(terms)}), got {x.shape}")
        m = np.ones(len(x)) if multiplicity is None else np.asarray(multiplicity, dtype=float)
        codes = np.zeros(len(x), dtype=np.int64) if codes is None else np.asarray(codes)
        s = len(scopes)
        n, sums = np.zeros(s), np.zeros((s, x.shape[1]))
        cross = np.zeros((s, x.shape[1], x.shape[1]))
        cubes, fourths = np.zeros_like(sums), np.zeros_like(sums)
        order = np.argsort(codes, kind="stable") if s > 1 else None
        bounds = np.searchsorted(codes[order], np.arange(s + 1)) if s > 1 else (0, len(x))
        for k in range(s):
            rows = order[bounds[k] : bounds[k + 1]] if s > 1 else slice(None)
            xk, mk = x[rows], m[rows]
            weighted = xk if multiplicity is None else xk * mk[:, None]
            n[k] = mk.sum()
            sums[k] = weighted.sum(axis=0)
            cross[k] = xk.T @ weighted
            sq = xk * weighted
            cubes[k] = (sq * xk).sum(axis=0)
            fourths[k] = (sq * xk * xk).sum(axis=0)
        return cls(tuple(terms), tuple(scopes), int(round(m.sum())), n, sums, cross, cubes, fourths)

    def index(self, scope: str) -> int:
        return self.scopes.index(scope)

    def covariance(self, k: int) -> np.ndarray:
        """Covariance of the row bootstrap's resampled sums in scope k: cross - s s' / N."""
        s = self.sums[k]
        cov = self.cross[k] - np.outer(s, s) / self.units
        return (cov + cov.T) / 2

    def draw(self, k: int, resamples: int, seed: int, stream: str) -> np.ndarray:
        """(resamples, T) resampled sums of scope k, from their normal approximation."""
        cov = self.covariance(k)
        t = len(self.terms)
        scale = np.sqrt(np.clip(np.diag(cov), 0.0, None))
        # a term with no spread (the weight sum of the whole data, a column equal to another's
        # multiple) is drawn at its value; the rest through the Cholesky factor of their
        # correlation, ridged so that duplicated terms (singular) still factor
        live = scale > 1e-12 * np.maximum(1.0, np.abs(self.sums[k]))
        return normal_around(self.sums[k], cov, make_rng(seed, stream).standard_normal((resamples, t)), live)

    def berry_esseen(self, k: int, combine: Callable[[np.ndarray], np.ndarray], columns: Sequence[int]) -> float:
        """The bound (module docstring) for ``combine`` of the terms at ``columns`` in scope k: 0.0
        when the statistic has no spread (every draw is its value, as every row resample's is), 1.0
        (no statement) where it is undefined."""
        cols = list(columns)
        s = self.sums[k, cols]
        g = _gradient(combine, s)
        if g is None:
            return 1.0
        big_n = self.units
        cov = self.covariance(k)[np.ix_(cols, cols)] / big_n  # per-unit covariance
        sigma2 = float(g @ cov @ g)
        mu = s / big_n
        if not sigma2 > 1e-15 * max(1.0, float(np.abs(g) @ np.abs(mu)) ** 2):
            return 0.0
        m2 = np.diag(self.cross[k])[cols] / big_n
        m3, m4 = self.cubes[k, cols] / big_n, self.fourths[k, cols] / big_n
        central4 = np.clip(m4 - 4 * mu * m3 + 6 * mu**2 * m2 - 3 * mu**4, 0.0, None)
        rho = float(np.abs(g) @ central4**0.25) ** 3
        return float(min(1.0, BERRY_ESSEEN_C * rho / (sigma2**1.5 * np.sqrt(big_n))))


def _gradient(combine: Callable[[np.ndarray], np.ndarray], s: np.ndarray) -> np.ndarray | None:
    """Central differences of combine at s (relative steps), None where it is undefined there."""
    t = len(s)
    h = 1e-6 * np.maximum(np.abs(s), 1.0)
    points = np.vstack([s, s + np.diag(h), s - np.diag(h)])
    values = combine(points)
    if not np.all(np.isfinite(values)):
        return None
    return (values[1 : t + 1] - values[t + 1 :]) / (2 * h)


def normal_around(point: np.ndarray, cov: np.ndarray, z: np.ndarray, live: np.ndarray) -> np.ndarray:
    """(resamples, T) normal draws: ``point`` plus the standard normals ``z`` (resamples, T) through
    the correlation factor and the scale of ``cov`` on the ``live`` terms; the rest at their value."""
    out = np.broadcast_to(point, z.shape).copy()
    if live.any():
        sd = np.sqrt(np.clip(np.diag(cov), 0.0, None))[live]
        corr = cov[np.ix_(live, live)] / np.outer(sd, sd)
        out[:, live] += (z[:, live] @ correlation_factor(corr).T) * sd
    return out


def correlation_factor(corr: np.ndarray) -> np.ndarray:
    """A matrix F with F F' = corr: the Cholesky factor, ridged so that duplicated terms (singular)
    still factor. Terms that are nearly functions of one another (labels around 10^6: y and y^2 move
    together to 1e-12) leave `corr` with eigenvalues a little below zero from rounding, which no
    ridge this small mends: then the symmetric square root with those eigenvalues set to 0, the
    nearest correlation the rounding allows (a draw is then exactly as spread as the terms are)."""
    try:
        return np.linalg.cholesky(corr + 1e-10 * np.eye(len(corr)))
    except np.linalg.LinAlgError:
        values, vectors = np.linalg.eigh(corr)
        return vectors * np.sqrt(np.clip(values, 0.0, None))
