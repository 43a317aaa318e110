"""Normal draws of multiclass confusion metrics on large scopes: the delta method over joint cells.

A confusion metric of a party in a scope (accuracy, f1_macro, recall[billing], cost ...) is a
function f of the counts C of the scope's joint cells (slice, actual class, each party's class:
hurdlelang/stats/bootstrap_confusion.py), through the party's confusion matrix. Under the row
bootstrap C* ~ Multinomial(N, C/N) and f(C*) - f(C) ~ g'(C* - C), g = df/dC at the observed counts.
Every metric drawn here is a ratio of counts, homogeneous of degree 0 (f(tC) = f(C)), so g'C = 0 and
the first-order covariance of two statistics a, b of one scope is sum_k C_k g_a(k) g_b(k); two
scopes of one slice column are uncorrelated. hurdlelang/stats/linear_normal.py draws each scope's
statistics (every party's, paired) from that normal law, with a Berry-Esseen bound of the linearised
statistic. The counts ``support`` and ``total_cost`` are of degree 1 (g'C != 0, and two slices'
counts are correlated): they keep the multinomial, as every scope under NORMAL_FROM_ROWS rows does.

The gradient of a metric with respect to a joint cell is that of the party's matrix cell the joint
cell falls in (times the cell's row weight, for weighted groups). It is taken by central differences
of the registry's own formula (one relative step per matrix cell, 1e-6), evaluated on a batch of
(scopes x 2 k^2) perturbed matrices at once: the metric's formula is the one the multinomial
resamples, so the two methods cannot disagree on what is measured. Only occupied cells carry a
gradient (an empty cell has weight 0 in the covariance).

Cost: O(groups x statistics) to gather the gradients, then Q normals per scope and resample,
instead of one binomial per joint cell and resample.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hurdlelang.metrics.multiclass import Cells
from hurdlelang.metrics.registry import vectorised_confusion_metric
from hurdlelang.stats.bootstrap_confusion import ConfusionCells
from hurdlelang.stats.bootstrap_counts import ALL
from hurdlelang.stats.linear_normal import LinearScopes

NORMAL_FROM_ROWS = 500
"""Scopes with at least this many rows take the normal method (coverage in docs/statistics.md)."""

DEGREE_ONE = ("support", "total_cost")  # counts, not ratios: always the multinomial
METHOD = "normal approximation of the joint confusion cells (delta method)"
_STEP = 1e-6
_BATCH = 2_000_000  # matrix entries per batch of perturbed matrices


@dataclass(frozen=True)
class Statistic:
    """One party's confusion metric: ``cells`` its matrix's classes, class and costs."""

    party: str
    name: str
    param: float | None
    cells: Cells

    def of(self, matrices: np.ndarray) -> np.ndarray:
        return vectorised_confusion_metric(self.name, self.param, matrices, self.cells)


@dataclass(frozen=True)
class NormalConfusion:
    scopes: tuple[str, ...]
    samples: np.ndarray  # (scopes, resamples, statistics)
    bound: np.ndarray  # (scopes, statistics): Berry-Esseen bound of the linearised statistic

    def __post_init__(self):
        object.__setattr__(self, "_at", {name: k for k, name in enumerate(self.scopes)})

    def get(self, scope: str, q: int) -> np.ndarray:
        return self.samples[self._at[scope], :, q]

    def bound_of(self, scope: str, q: int) -> float:
        return float(self.bound[self._at[scope], q])


def scope_rows(cells: ConfusionCells) -> dict[str, int]:
    """Rows of each scope of the cells (ALL when they have no slice column)."""
    g = cells.groups
    if not g.slices:
        return {ALL: int(g.group_rows.sum())}
    rows = np.bincount(g.group_slice, weights=g.group_rows, minlength=len(g.slices))
    return {name: int(round(r)) for name, r in zip(g.slices, rows, strict=True)}


def normal_confusion(
    cells: ConfusionCells, statistics: list[Statistic], scopes: list[str], resamples: int, seed: int, stream: str
) -> NormalConfusion:
    """Every statistic on every one of ``scopes`` (names of the cells' slices, or ALL), drawn
    jointly per scope. Same (cells, statistics, scopes, resamples, seed, stream) -> same draws."""
    g, k = cells.groups, len(cells.classes)
    names = g.slices if g.slices else (ALL,)
    wanted = np.array([names.index(s) for s in scopes], dtype=np.int64)
    where = np.full(len(names), -1, dtype=np.int64)
    where[wanted] = np.arange(len(wanted))
    keep = where[g.group_slice] >= 0
    entry_scope = where[g.group_slice[keep]]
    code = g.group_cell[keep]
    rows = g.group_rows[keep].astype(float)
    weight = np.ones(len(rows)) if g.group_weight is None else np.asarray(g.group_weight, dtype=float)[keep]
    s, q = len(wanted), len(statistics)
    point = np.empty((s, q))
    grads = np.zeros((len(rows), q))
    actual = code % k
    for j, party in enumerate(cells.parties):
        mine = [i for i, st in enumerate(statistics) if st.party == party]
        if not mine:
            continue
        decided = (code // k ** (j + 1)) % k
        own = cells.own[party]
        inverse = np.full(k, -1, dtype=np.int64)
        inverse[own] = np.arange(len(own))
        kp = len(own)
        a, d = inverse[actual], inverse[decided]
        flat = np.bincount(entry_scope * kp * kp + a * kp + d, weights=rows * weight, minlength=s * kp * kp)
        matrices = flat.reshape(s, kp, kp)
        for i in mine:
            point[:, i] = statistics[i].of(matrices)
            gradient = _gradient(statistics[i].of, matrices)
            grads[:, i] = weight * gradient[entry_scope, a, d]
    linear = LinearScopes.of(point, entry_scope, grads, rows)
    return NormalConfusion(tuple(scopes), linear.draw(resamples, seed, stream), linear.bound)


def _gradient(f, matrices: np.ndarray) -> np.ndarray:
    """(S, k, k) central differences of f at each of S matrices, per cell; 0 on empty cells."""
    s, k, _ = matrices.shape
    out = np.zeros((s, k * k))
    unit = np.eye(k * k).reshape(k * k, k, k)
    per_scope = 2 * k**4
    step = max(1, _BATCH // per_scope)
    for start in range(0, s, step):
        m = matrices[start : start + step]
        h = _STEP * np.where(m > 0, m, 1.0).reshape(len(m), k * k)
        moved = h[:, :, None, None] * unit[None]
        batch = np.concatenate([m[:, None] + moved, m[:, None] - moved], axis=1)
        values = f(batch.reshape(-1, k, k)).reshape(len(m), 2, k * k)
        grad = (values[:, 0] - values[:, 1]) / (2 * h)
        out[start : start + step] = np.where(m.reshape(len(m), -1) > 0, grad, 0.0)
    return out.reshape(s, k, k)
