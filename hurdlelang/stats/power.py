"""Power of one-sided interval gates as the sample grows, from a pilot's estimate and standard error.

A comparison at level c holds when its one-sided bound clears the hurdle r. With the pilot's
estimate theta taken as the truth and a standard error se0 at n0 rows that shrinks as 1/sqrt(n) (the
rate of every metric here: shares, means, AUCs and smooth functions of them), the bound at n rows is
about theta_n - z_c * se(n), theta_n ~ Normal(theta, se(n)), so for `statistic >= r`

    power(n) = Phi((theta - r) / se(n) - z_c),     se(n) = se0 * sqrt(n0 / n),

and symmetrically for `<=`. When theta does not clear r the power never passes 1 - c however many
rows are added: the hurdle cannot be reached at any size (if the pilot is the truth). Conditions
combine as the decision does: all of a tier's conditions (and `in every` slices) as a product, an
`or` as 1 - the product of the misses. The product treats the conditions as independent; conditions
that rise together (precision and a value metric) reach the tier more often than that, so a size
planned this way is on the safe side. Pure arithmetic over numbers, so any engine can call it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

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


def all_of(powers: list[float]) -> float:
    return math.prod(powers)


def any_of(powers: list[float]) -> float:
    return 1.0 - math.prod(1.0 - p for p in powers)


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
