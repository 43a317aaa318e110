"""Paired row bootstrap of multiclass confusion matrices, by a multinomial over joint cells.

The multiclass twin of hurdlelang/stats/bootstrap_counts.py. A row's contribution to every party's
confusion matrix depends only on its joint cell: (slice, actual class, each deciding party's
class), K^(parties + 1) cells per slice for K classes. A row bootstrap draws how many of its n rows
fall in each occupied cell as Multinomial(n, rows_in_cell / n), so drawing that multinomial *is*
the paired row bootstrap: exact, one draw for every party at once, and a cost per resample of one
binomial per occupied cell (with 5 classes and 3 parties at most 625 per slice), whatever n is.
Before, each resample drew n row counts and multiplied them into one-hot columns of K^2 cells per
party: O(n) per resample.

Each party's matrix is over the classes of its own row-bootstrap form (the sorted union of the
labels, its decisions and the spec's classes, as hurdlelang/stats/bootstrap_means.py had it), so
the resampled metrics have exactly the distribution they had. Row weights are grouped as in
bootstrap_counts (exact groups, or quantised levels with a reported bound).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from hurdlelang.stats.bootstrap_counts import ALL, JointCells, multiplicity_counts, slice_codes
from hurdlelang.stats.intervals import make_rng

MAX_CELLS = 1 << 24  # K^(parties+1) per slice; beyond it the caller resamples rows instead
_CHUNK_CELLS = 4_000_000


@dataclass(frozen=True)
class ConfusionCells:
    parties: tuple[str, ...]
    classes: np.ndarray  # every class seen by any party, sorted: the digits of a cell code
    own: dict[str, np.ndarray]  # per party, the indices (into classes) of its matrix's classes
    groups: JointCells  # (slice, cell[, weight]) groups; group_cell packs label + K * decisions

    @classmethod
    def build(
        cls, label, decisions: Mapping[str, np.ndarray], classes=(), slices=None, weights=None, multiplicity=None
    ):
        """None when the joint cells would be too many to count (then resample rows).
        ``multiplicity``: rows per entry when the entries are cells of a GROUP BY."""
        label = np.asarray(label)
        n = len(label)
        extra = np.asarray(list(classes) if classes is not None else [], dtype=label.dtype)
        known = np.unique(np.concatenate([label, *decisions.values(), extra]))
        k = len(known)
        cells = k ** (len(decisions) + 1)
        if cells > MAX_CELLS:
            return None
        code = np.searchsorted(known, label).astype(np.int64)
        place = k
        for d in decisions.values():
            code += np.searchsorted(known, d).astype(np.int64) * place
            place *= k
        codes, names = slice_codes(slices, n)
        key = codes * cells + code
        parties = tuple(decisions)
        mult = multiplicity_counts(multiplicity, n)
        rows = n if mult is None else int(mult.sum())
        if weights is None:
            occupied, inverse = np.unique(key, return_inverse=True)
            sizes = np.rint(np.bincount(inverse.ravel(), weights=mult)).astype(np.int64)
            groups = JointCells(parties, names, rows, occupied // cells, occupied % cells, sizes, None)
        else:
            groups = JointCells._weighted(parties, names, n, key, cells, weights, 0.01, 20_000, mult)
        own = {p: np.searchsorted(known, np.unique(np.concatenate([label, d, extra]))) for p, d in decisions.items()}
        return cls(parties, known, own, groups)

    def _matrices(self, draws: np.ndarray) -> dict[tuple[str, str], np.ndarray]:
        """draws: (B, G) rows per group -> per (party, slice) the (B, k_party, k_party) matrices."""
        g, k = self.groups, len(self.classes)
        b = draws.shape[0]
        n_slices = max(len(g.slices), 1)
        values = draws if g.group_weight is None else draws * g.group_weight
        offsets = (np.arange(b) * n_slices * k * k)[:, None]
        actual = g.group_cell % k
        out = {}
        for j, party in enumerate(self.parties):
            decided = (g.group_cell // k ** (j + 1)) % k
            target = g.group_slice * k * k + actual * k + decided
            flat = np.bincount(
                (target[None, :] + offsets).ravel(), weights=values.ravel(), minlength=b * n_slices * k * k
            )
            per_slice = flat.reshape(b, n_slices, k, k)
            idx = self.own[party]
            pick = np.ix_(np.arange(b), idx, idx)
            out[(party, ALL)] = per_slice.sum(axis=1)[pick]
            for s, name in enumerate(g.slices):
                out[(party, name)] = per_slice[:, s][pick]
        return out

    def observed(self) -> dict[tuple[str, str], np.ndarray]:
        return self._matrices(self.groups.group_rows[None, :].astype(float))


def resample_confusion(cells: ConfusionCells, resamples: int, seed: int, stream: str) -> dict:
    """Per (party, slice): (B, k, k) resampled confusion matrices, paired across parties and slices.
    Same (cells, resamples, seed, stream) -> same matrices."""
    rng = make_rng(seed, stream)
    g = cells.groups
    pvals = g.group_rows / g.rows
    chunk = max(1, _CHUNK_CELLS // max(g.groups, 1))
    parts = []
    for start in range(0, resamples, chunk):
        size = min(chunk, resamples - start)
        parts.append(cells._matrices(rng.multinomial(g.rows, pvals, size=size).astype(float)))
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
