"""Normal draws of binary count metrics on large scopes: the delta method over joint cells.

The binary twin of hurdlelang/stats/confusion_normal.py. A count metric of a party in a scope
(precision, recall, f1, mcc, coverage ...) is a function f of the party's five counts there: tp, fp,
tn, fn and ab, the rows it abstained on (hurdlelang/data/bands.py). Each joint cell of
hurdlelang/stats/bootstrap_counts.py (the label bit and one decision bit per party, an abstaining
party's abstentions as a pseudo-party's bit) falls in exactly one of a party's five counts, so under
the row bootstrap, C* ~ Multinomial(N, C/N) over the cells, f(C*) - f(C) ~ g'(C* - C) with
g(cell) = w * df/dcount(cell) (w the cell's row weight) at the observed counts. Every metric drawn
here is a ratio of counts, homogeneous of degree 0, so g'C = 0, the covariance of two statistics of
one scope is sum_k C_k g_a(k) g_b(k), and two values of one slice column are uncorrelated:
hurdlelang/stats/linear_normal.py draws each scope's statistics (every party's, jointly, so paired
differences keep their correlation) with a Berry-Esseen bound of the linearised statistic.

Where the exact multinomial stays (the caller's choice, by ``normal_scopes``): the counts themselves
(tp, fp, tn, fn, n, abstained: degree 1, correlated across slices), scopes under NORMAL_FROM_ROWS
rows, and scopes where some party has a count of fewer than MIN_COUNT_ROWS rows that is not 0 (a
ratio of a handful of rows is far from normal; a count of 0 stays 0 in every resample, as here).

The derivative of f with respect to each count is taken by central differences of the registry's
own formula (relative step 1e-6), on all scopes at once: the metric drawn is the one the multinomial
resamples. Cost: O(cells x statistics) for the gradients, then Q normals per scope and resample,
instead of one binomial per joint cell and resample.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hurdlelang.data.bands import abstain_party
from hurdlelang.metrics.registry import vectorised_count_metric
from hurdlelang.stats.bootstrap_counts import ALL, JointCells
from hurdlelang.stats.confusion_normal import NORMAL_FROM_ROWS, NormalConfusion
from hurdlelang.stats.linear_normal import LinearScopes

DEGREE_ONE = ("tp", "fp", "tn", "fn", "n", "abstained")  # counts, not ratios: always the multinomial
MIN_COUNT_ROWS = 20
"""A scope takes the normal method only if every party's nonzero counts hold at least this many rows."""

METHOD = "normal approximation of the joint cells (delta method)"
TP, FP, TN, FN, AB = range(5)  # a party's counts, in a count formula's order
_STEP = 1e-6


@dataclass(frozen=True)
class CountStatistic:
    """One party's count metric (a name of metrics/binary.py's libraries, not of DEGREE_ONE)."""

    party: str
    name: str
    param: float | None = None

    def of(self, counts: np.ndarray) -> np.ndarray:
        """The metric of (..., 5) counts tp, fp, tn, fn, ab; NaN where undefined."""
        return vectorised_count_metric(self.name, self.param, *np.moveaxis(counts, -1, 0))


def count_category(cells: JointCells, party: str) -> np.ndarray:
    """Per group of ``cells``: which of ``party``'s counts its rows fall in (TP, FP, TN, FN or AB)."""
    label = cells.group_cell & 1
    decided = (cells.group_cell >> (cells.parties.index(party) + 1)) & 1
    category = np.where(label == 1, np.where(decided == 1, TP, FN), np.where(decided == 1, FP, TN))
    pseudo = abstain_party(party)
    if pseudo in cells.parties:
        abstained = (cells.group_cell >> (cells.parties.index(pseudo) + 1)) & 1
        category = np.where(abstained == 1, AB, category)
    return category


def _names(cells: JointCells) -> tuple[str, ...]:
    return cells.slices if cells.slices else (ALL,)


def _per_count(cells: JointCells, party: str, amounts: np.ndarray) -> np.ndarray:
    """(scopes, 5) ``amounts`` per group summed into ``party``'s counts in each scope of the cells."""
    s = len(_names(cells))
    key = cells.group_slice * 5 + count_category(cells, party)
    return np.bincount(key, weights=amounts, minlength=s * 5).reshape(s, 5)


def party_counts(cells: JointCells, party: str) -> np.ndarray:
    """(scopes, 5) ``party``'s counts in each scope of the cells (each slice value, or ALL)."""
    rows = cells.group_rows.astype(float)
    return _per_count(cells, party, rows if cells.group_weight is None else rows * cells.group_weight)


def normal_scopes(cells: JointCells, parties: list[str]) -> set[str]:
    """The scopes of the cells large enough for the normal method: at least NORMAL_FROM_ROWS rows,
    and every nonzero count of every one of ``parties`` at least MIN_COUNT_ROWS rows."""
    names = _names(cells)
    rows = np.bincount(cells.group_slice, weights=cells.group_rows, minlength=len(names))
    large = rows >= NORMAL_FROM_ROWS
    for party in parties:
        # rows, not weight totals: the normal law's quality depends on how many rows are drawn
        per_count = _per_count(cells, party, cells.group_rows)
        large &= ((per_count == 0) | (per_count >= MIN_COUNT_ROWS)).all(axis=1)
    return {name for name, ok in zip(names, large, strict=True) if ok}


def normal_counts(
    cells: JointCells, statistics: list[CountStatistic], scopes: list[str], resamples: int, seed: int, stream: str
) -> NormalConfusion:
    """Every statistic on every one of ``scopes`` (names of the cells' slices, or ALL), drawn jointly
    per scope. Same (cells, statistics, scopes, resamples, seed, stream) -> same draws."""
    if any(st.name in DEGREE_ONE for st in statistics):
        raise ValueError(f"counts ({', '.join(DEGREE_ONE)}) are not ratios: resample them by the multinomial")
    names = _names(cells)
    where = np.full(len(names), -1, dtype=np.int64)
    where[[names.index(s) for s in scopes]] = np.arange(len(scopes))
    keep = where[cells.group_slice] >= 0
    entry_scope = where[cells.group_slice[keep]]
    weight = np.ones(keep.sum()) if cells.group_weight is None else np.asarray(cells.group_weight, float)[keep]
    wanted = where >= 0
    point = np.empty((len(scopes), len(statistics)))
    grads = np.zeros((int(keep.sum()), len(statistics)))
    for party in dict.fromkeys(st.party for st in statistics):
        counts = np.zeros((len(scopes), 5))
        counts[where[wanted]] = party_counts(cells, party)[wanted]
        category = count_category(cells, party)[keep]
        for i, st in enumerate(statistics):
            if st.party == party:
                point[:, i] = st.of(counts)
                grads[:, i] = weight * _gradient(st.of, counts)[entry_scope, category]
    linear = LinearScopes.of(point, entry_scope, grads, cells.group_rows[keep].astype(float))
    return NormalConfusion(tuple(scopes), linear.draw(resamples, seed, stream), linear.bound)


def _gradient(f, counts: np.ndarray) -> np.ndarray:
    """(S, 5) central differences of f at each scope's counts; 0 where a count is 0 (no rows)."""
    h = _STEP * np.where(counts > 0, counts, 1.0)
    out = np.zeros_like(counts)
    for c in range(5):
        step = np.zeros_like(counts)
        step[:, c] = h[:, c]
        with np.errstate(divide="ignore", invalid="ignore"):
            out[:, c] = (f(counts + step) - f(counts - step)) / (2 * h[:, c])
    return np.where(counts > 0, out, 0.0)
