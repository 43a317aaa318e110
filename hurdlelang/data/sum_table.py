"""Sums of per-row terms that an engine computed in its pass, per cell of the slice columns, handed
to the evaluator instead of the rows (hurdlelang/engine/terms.py says which terms and how).

A *cell* is one combination of the slice columns' values (the one cell of the whole data when there
is no slice); every scope (the whole data, one value of one slice column) is a union of cells, so a
scope's sums, cross-products and powers are sums over its cells. Per cell:

- ``rows``      rows in the cell; ``positive`` rows of positive weight (zero-weight rows change no
                metric: the metric library drops them);
- ``sums``      sum of each term; ``cross`` sum of each product of two terms; ``cubes``, ``fourths``
                the 3rd and 4th powers (only for the Berry-Esseen note of hurdlelang/stats/moments.py);
- ``label_min``, ``label_max`` over rows of positive weight (r2: are the labels constant?);
- ``centred``   sum of w (y - cell mean)^2, the cell mean of the label being sum(w y) / sum(w):
                computed in a second pass so that r2's total sum of squares never comes from
                sum(w y^2) - sum(w y)^2 / sum(w), which loses every digit when the labels vary little
                around a large mean; cells merge exactly by the parallel formula (Chan et al. 1979).

The small scopes' rows are still fetched (the row bootstrap of hurdlelang/stats/moments.py below
ROW_BOOTSTRAP_BELOW units); they are the Prepared's arrays, and the table holds every row's sums.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ScopeSums:
    rows: int
    positive: int
    sums: np.ndarray  # (T,)
    label_min: float
    label_max: float
    centred: float  # sum w (y - mean)^2 over the scope, NaN when no weight


@dataclass(frozen=True)
class SumTable:
    terms: tuple[str, ...]
    slices: dict[str, np.ndarray]  # slice column -> (C,) text value of each cell
    rows: np.ndarray  # (C,) int
    positive: np.ndarray  # (C,) int
    sums: np.ndarray  # (C, T)
    cross: np.ndarray  # (C, T, T), symmetric
    cubes: np.ndarray  # (C, T)
    fourths: np.ndarray  # (C, T)
    label_min: np.ndarray  # (C,), NaN in a cell without positive weight
    label_max: np.ndarray  # (C,)
    centred: np.ndarray  # (C,)

    @property
    def total_rows(self) -> int:
        return int(self.rows.sum())

    def term(self, name: str) -> int:
        return self.terms.index(name)

    def values(self, column: str) -> tuple[str, ...]:
        """The slice column's values, sorted as hurdlelang/stats/bootstrap_counts.Slices sorts them."""
        return tuple(str(v) for v in np.unique(self.slices[column].astype(str)))

    def mask(self, scope: tuple[str, str] | None) -> np.ndarray:
        """The cells of a scope."""
        if scope is None:
            return np.ones(len(self.rows), dtype=bool)
        return self.slices[scope[0]].astype(str) == scope[1]

    def scope_rows(self, scope: tuple[str, str] | None) -> int:
        return int(self.rows[self.mask(scope)].sum())

    def scope(self, scope: tuple[str, str] | None, weight_term: str) -> ScopeSums:
        """A scope's sums; ``weight_term`` names the term w (the label's mean is sum(w y) / sum(w))."""
        m = self.mask(scope)
        with np.errstate(invalid="ignore"):
            low = np.nanmin(self.label_min[m]) if np.isfinite(self.label_min[m]).any() else np.nan
            high = np.nanmax(self.label_max[m]) if np.isfinite(self.label_max[m]).any() else np.nan
        return ScopeSums(
            int(self.rows[m].sum()),
            int(self.positive[m].sum()),
            self.sums[m].sum(axis=0),
            float(low),
            float(high),
            _merge_centred(self, m, weight_term),
        )

    def power_sums(self, column: str | None, terms: list[int]) -> tuple[tuple[str, ...], tuple[np.ndarray, ...]]:
        """(scope names, (n, sums, cross, cubes, fourths)) over the chosen terms, one row per scope:
        the whole data (``column`` None) or each value of the slice column, in sorted order."""
        names = ("all",) if column is None else self.values(column)
        masks = [self.mask(None)] if column is None else [self.mask((column, v)) for v in names]
        pick = np.asarray(terms, dtype=np.int64)
        n = np.array([self.rows[m].sum() for m in masks], dtype=float)
        sums = np.stack([self.sums[m][:, pick].sum(axis=0) for m in masks])
        cross = np.stack([self.cross[m][:, pick][:, :, pick].sum(axis=0) for m in masks])
        cubes = np.stack([self.cubes[m][:, pick].sum(axis=0) for m in masks])
        fourths = np.stack([self.fourths[m][:, pick].sum(axis=0) for m in masks])
        return names, (n, sums, cross, cubes, fourths)


def _merge_centred(table: SumTable, m: np.ndarray, weight_term: str) -> float:
    """sum w (y - mean)^2 of a union of cells from each cell's own: sum_c [centred_c + d_c (m_c - m)^2]."""
    if "w*y" not in table.terms:
        return float("nan")
    d = table.sums[m][:, table.term(weight_term)]
    sy = table.sums[m][:, table.term("w*y")]
    live = d > 0
    if not live.any():
        return float("nan")
    d, sy, centred = d[live], sy[live], table.centred[m][live]
    means = sy / d
    mean = sy.sum() / d.sum()
    return float((centred + d * (means - mean) ** 2).sum())
