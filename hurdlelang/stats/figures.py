"""Samples of a reported figure's own uncertainty, independent of the judged data.

A figure baseline (`precision = 0.41 from 12_000 rows`, `mae = 1.9 +- 0.2`) is an estimate made on
a sample of its own. Comparing the candidate with it is a two-sample question: the candidate's
bootstrap samples and these samples are combined draw by draw (they are independent), so the
interval of the difference carries both uncertainties, as a two-sample test must.

- A share of counted units from N units (precision from N predicted positives, recall from N
  positives, accuracy from N rows): draws from the Jeffreys posterior Beta(x + 1/2, N - x + 1/2)
  with x = value * N. Its quantiles are the Jeffreys interval, whose coverage is close to nominal
  for every p and N (Brown, Cai and DasGupta 2001), where the binomial parametric bootstrap is
  discrete and, at a figure of 0 or 1, has no spread at all (the figure would be treated as exact).
- Any other figure, with the interval it was reported with at some level (`+- h` and `between low
  and high` at 95% unless the spec says otherwise): draws from a normal distribution whose central
  interval at that level is the reported one; an asymmetric interval gets a split normal (each side
  its own spread), so the reported ends are its quantiles either way.

Functions work on numbers only, so that any engine can call them.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from hurdlelang.stats.intervals import make_rng


@dataclass(frozen=True)
class FigureDraws:
    samples: np.ndarray
    method: str  # for the record


def share_draws(value: float, n: int, resamples: int, seed: int, stream: str) -> FigureDraws:
    """A share `value` of `n` counted units: Jeffreys posterior draws."""
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"a share lies in [0, 1], got {value!r}")
    if isinstance(n, bool) or int(n) != n or n < 1:
        raise ValueError(f"n must be a positive whole number (the share's denominator), got {n!r}")
    x = value * n
    rng = make_rng(seed, stream)
    samples = rng.beta(x + 0.5, n - x + 0.5, size=int(resamples))
    return FigureDraws(samples, f"Jeffreys interval of a share (n = {int(n):,})")


def interval_draws(
    value: float, low: float, high: float, level: float, resamples: int, seed: int, stream: str
) -> FigureDraws:
    """A figure reported with the central interval [low, high] at `level`: (split) normal draws."""
    if not low <= value <= high or low == high:
        raise ValueError(f"{value!r} must lie in the interval [{low!r}, {high!r}], which must not be empty")
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must lie strictly between 0 and 1, got {level!r}")
    z = NormalDist().inv_cdf(0.5 + level / 2)
    below, above = (value - low) / z, (high - value) / z
    rng = make_rng(seed, stream)
    draws = rng.standard_normal(int(resamples))
    samples = value + np.where(draws < 0, draws * below, draws * above)
    shape = "normal" if np.isclose(below, above) else "split normal"
    return FigureDraws(samples, f"{shape} from the reported {level:.0%} interval {low:g} to {high:g}")


def figure_draws(
    value: float,
    rows: int | None,
    low: float | None,
    high: float | None,
    level: float | None,
    resamples: int,
    seed: int,
    stream: str,
) -> FigureDraws | None:
    """The draws of a figure's own uncertainty; None when the spec gives none (it is then exact).
    The checker allows `from N rows` only on a share, and an interval only around its figure."""
    if rows:
        return share_draws(value, rows, resamples, seed, stream)
    if low is not None and high is not None:
        return interval_draws(value, low, high, level or 0.95, resamples, seed, stream)
    return None
