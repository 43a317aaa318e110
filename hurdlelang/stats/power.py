"""Power of one-sided interval gates as the sample grows, from a pilot's estimate and standard error.

A comparison at level c holds when its one-sided bound clears the hurdle r. With the pilot's
estimate theta taken as the truth and a standard error se0 at n0 rows that shrinks as 1/sqrt(n) (the
rate of every metric here: shares, means, AUCs and smooth functions of them), the bound at n rows is
about theta_n - z_c * se(n), theta_n ~ Normal(theta, se(n)), so for `statistic >= r`

    power(n) = Phi((theta - r) / se(n) - z_c),     se(n) = se0 * sqrt(n0 / n),

and symmetrically for `<=`. When theta does not clear r the power never passes 1 - c however many
rows are added: the hurdle cannot be reached at any size (if the pilot is the truth).

A tier's gates are judged on the same rows, so their estimates err together: precision and a value
metric computed from the same true positives rise and fall as one, and a product of their powers
(independence) would plan far more rows than the tier needs. `JointGates` keeps that dependence:
the estimates are jointly normal around the pilot's values with the correlation of the pilot's
paired resamples, and the chance that the tier's logic holds is counted over a fixed, seeded set
of joint draws (the same draws at every size, so that the power rises smoothly with the rows and
a plan is reproducible). Pure arithmetic over numbers, so any engine can call it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

_NORMAL = NormalDist()
MAX_ROWS = 10**12  # beyond this a hurdle counts as unreachable in practice


@dataclass(frozen=True)
class Gate:
    """One judged comparison: `estimate op required` at `level`, with standard error `se` on `rows`."""

    estimate: float
    se: float
    rows: float  # the rows (or slice rows) the standard error was measured on
    op: str
    required: float
    level: float | None  # None: point estimates, no interval

    @property
    def margin(self) -> float:
        """How far the estimate clears the hurdle, in the direction that holds (negative: it fails)."""
        gap = self.estimate - self.required
        return gap if self.op in (">=", ">") else -gap

    def power(self, scale: float) -> float:
        """The chance the gate holds with `scale` times the pilot's rows."""
        if self.level is None:
            return 1.0 if self.margin > 0 or (self.margin == 0 and self.op in (">=", "<=")) else 0.0
        if self.se <= 0 or not math.isfinite(self.se):
            return 1.0 if self.margin > 0 else 0.0
        z = _NORMAL.inv_cdf(self.level)
        return _NORMAL.cdf(self.margin / (self.se / math.sqrt(scale)) - z)

    def reachable(self, power: float) -> bool:
        return self.power(MAX_ROWS / max(self.rows, 1.0)) >= power

    def detectable_margin(self, power: float) -> float | None:
        """The smallest true clearance of the hurdle this gate detects with `power` at the pilot's size."""
        if self.level is None:
            return None
        return (_NORMAL.inv_cdf(self.level) + _NORMAL.inv_cdf(power)) * self.se


JOINT_DRAWS = 20_000  # the power's Monte Carlo error is at most 0.35 points (at 50%)


@dataclass(frozen=True)
class JointGates:
    """The gates of one tier with the dependence of their estimates.

    Each gate's statistic has a part of its standard error that shrinks with the rows (`gates[i].se`
    at the pilot's size, correlation `data_corr` between gates) and a part that does not (`fixed[i]`,
    a figure's or a record's own uncertainty, correlation `fixed_corr`): at `scale` times the pilot's
    rows the estimates are jointly normal with covariance D_s R_d D_s / scale + D_f R_f D_f.
    """

    gates: list[Gate]
    fixed: list[float]
    data_corr: np.ndarray
    fixed_corr: np.ndarray
    draws: int = JOINT_DRAWS
    seed: int = 0

    def outcomes(self, scale: float) -> tuple[np.ndarray, np.ndarray]:
        """Joint outcomes of the gates at `scale` times the pilot's rows: a boolean matrix (one row per
        draw, one column per gate: does the gate hold?) and each row's probability. Gates without
        noise (no level, or no spread) hold or fail in every row; a single noisy gate takes its
        exact power (two rows, held and failed), several take seeded joint draws."""
        k = len(self.gates)
        se_data = np.array([g.se for g in self.gates], dtype=float) / math.sqrt(scale)
        se_fixed = np.array(self.fixed, dtype=float)
        se = np.sqrt(se_data**2 + se_fixed**2)
        noisy = np.array(
            [g.level is not None and math.isfinite(s) and s > 0 for g, s in zip(self.gates, se, strict=True)]
        )
        idx = np.flatnonzero(noisy)
        if idx.size == 0:
            rows, weights = np.ones((1, k), dtype=bool), np.ones(1)
        elif idx.size == 1:
            p = self._combined(self.gates[idx[0]], se[idx[0]]).power(1.0)
            rows, weights = np.ones((2, k), dtype=bool), np.array([p, 1.0 - p])
            rows[1, idx[0]] = False
        else:
            rows = np.ones((self.draws, k), dtype=bool)
            weights = np.full(self.draws, 1.0 / self.draws)
            rows[:, idx] = self._draw(idx, se_data, se_fixed, se, scale)
        for i in np.flatnonzero(~noisy):
            rows[:, i] = self._combined(self.gates[i], se[i]).power(1.0) >= 0.5  # 0 or 1
        return rows, weights

    def _combined(self, g: Gate, se: float) -> Gate:
        return Gate(g.estimate, se, g.rows, g.op, g.required, g.level)

    def _draw(self, idx, se_data, se_fixed, se, scale) -> np.ndarray:
        # a gate holds when its estimate errs by less than margin - z * se towards failing; the
        # error towards failing is -(estimate - truth) for >=, +(estimate - truth) for <=
        sign = np.array([-1.0 if self.gates[i].op in (">=", ">") else 1.0 for i in idx])
        rd = self.data_corr[np.ix_(idx, idx)] * np.outer(sign, sign)
        rf = self.fixed_corr[np.ix_(idx, idx)] * np.outer(sign, sign)
        sd, sf, s = se_data[idx], se_fixed[idx], se[idx]
        corr = (np.outer(sd, sd) * rd + np.outer(sf, sf) * rf) / np.outer(s, s)
        factor = _cholesky(corr)
        z = np.random.default_rng(self.seed).standard_normal((self.draws, idx.size))
        errors = z @ factor.T
        limits = np.array(
            [self.gates[i].margin / se[i] - _NORMAL.inv_cdf(self.gates[i].level) for i in idx], dtype=float
        )
        return errors <= limits


def _cholesky(corr: np.ndarray) -> np.ndarray:
    """A factor L with L L' = corr, after clipping negative eigenvalues (a correlation estimated
    from finite resamples, or with constant columns, need not be positive definite)."""
    values, vectors = np.linalg.eigh((corr + corr.T) / 2)
    fixed = (vectors * np.clip(values, 0.0, None)) @ vectors.T
    d = np.sqrt(np.clip(np.diag(fixed), 1e-300, None))
    fixed = fixed / np.outer(d, d) + 1e-12 * np.eye(len(d))
    return np.linalg.cholesky(fixed)


def correlation(samples: list[np.ndarray | None], resamples: int) -> np.ndarray:
    """The correlation of paired resamples of several statistics (None: no such part, or a constant:
    taken as uncorrelated with the rest). Resamples undefined in any statistic are left out."""
    k = len(samples)
    corr = np.eye(k)
    live = [i for i, x in enumerate(samples) if x is not None and np.nanstd(x) > 0]
    if len(live) < 2:
        return corr
    matrix = np.column_stack([np.asarray(samples[i], dtype=float) for i in live])
    matrix = matrix[np.all(np.isfinite(matrix), axis=1)]
    if len(matrix) < max(30, resamples // 10) or np.any(matrix.std(axis=0) == 0):
        return corr  # too few defined resamples to say: independence
    corr[np.ix_(live, live)] = np.corrcoef(matrix, rowvar=False)
    return corr


def smallest_scale(power_at, target: float, low: float = 1e-6, high: float | None = None) -> float | None:
    """The smallest factor s of the pilot's rows with power_at(s) >= target (power rises with s);
    None when even `high` does not reach it."""
    high = high or 1e12
    if power_at(high) < target:
        return None
    if power_at(low) >= target:
        return low
    for _ in range(200):  # bisection on log s
        mid = math.sqrt(low * high)
        if power_at(mid) >= target:
            high = mid
        else:
            low = mid
        if high / low < 1.0005:
            break
    return high
