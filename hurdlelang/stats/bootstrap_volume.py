"""Paired bootstrap of confusion counts when some party decides at a volume (`predict p top 10%`,
`at the volume of as_is`): the cut is chosen on the data, so it is chosen again in every resample.

A fixed cut judged on resamples would treat the threshold as known and give intervals too narrow
for what the team commits to: "the top 10% of next month's customers", not "everyone above 0.41".
Here each resample flags its own top k rows, exactly as hurdlelang/data/volume.py does on the data
(k-th highest value, ties at the cut all in, k from the resample's own rows or from the resampled
flags of the baseline whose volume is borrowed).

Rows are grouped by (slice, label, every fixed party's decision, the rank of each ranked column's
value, weight[, rows per entry]): a multinomial draw over the groups is the row bootstrap, as in
hurdlelang/stats/bootstrap_counts.py. Per resample, a volume party's cut is a cumulative count over
its distinct values, highest first (the score histogram), so the cost is one pass over the groups
per party, at most n groups. tests/stats/test_bootstrap_volume.py checks the coverage by simulation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from hurdlelang.data.volume import volume_k
from hurdlelang.lang import ir
from hurdlelang.stats.bootstrap_counts import (
    CountArrays,
    CountResamples,
    Slices,
    drawn_counts,
    scope_counts,
    slice_codes,
)
from hurdlelang.stats.intervals import make_rng


@dataclass(frozen=True)
class VolumeParty:
    rule: ir.PredictRule
    ranked: np.ndarray  # the values the rule ranks, one per entry


@dataclass(frozen=True)
class VolumeCells:
    parties: tuple[str, ...]  # fixed parties first, then the volume parties
    fixed: tuple[str, ...]
    volume: dict[str, ir.PredictRule]
    slices: tuple[str, ...]
    rows: int
    group_slice: np.ndarray  # (G,)
    group_label: np.ndarray  # (G,) 0/1
    group_fixed: np.ndarray  # (G, F) 0/1 decisions of the fixed parties
    group_rank: np.ndarray  # (G, V) rank of the group's value per volume party, 0 = highest
    rank_values: tuple[int, ...]  # distinct values per volume party
    group_rows: np.ndarray  # (G,)
    group_weight: np.ndarray | None  # (G,) weight of each row of the group; None: unweighted

    @classmethod
    def build(
        cls,
        label,
        fixed: Mapping[str, np.ndarray],
        volume: Mapping[str, VolumeParty],
        slices: Slices | None = None,
        weights=None,
        multiplicity=None,
    ) -> VolumeCells:
        y = np.asarray(label).astype(np.int64)
        n = len(y)
        codes, names = slice_codes(slices, n)
        columns = [codes, y]
        fixed_names = tuple(fixed)
        columns += [np.asarray(fixed[p]).astype(np.int64) for p in fixed_names]
        ranks, distinct = [], []
        for party in volume:
            values, inverse = np.unique(-np.asarray(volume[party].ranked, dtype=float), return_inverse=True)
            ranks.append(inverse.ravel().astype(np.int64))  # 0: the highest value
            distinct.append(len(values))
        columns += ranks
        w = None if weights is None else np.asarray(weights, dtype=float)
        stacked = np.column_stack([c.astype(float) for c in columns] + ([w] if w is not None else []))
        keys, inverse = np.unique(stacked, axis=0, return_inverse=True)
        inverse = inverse.ravel()
        mult = None if multiplicity is None else np.asarray(multiplicity, dtype=float)
        rows = np.bincount(inverse, weights=mult, minlength=len(keys))
        f, v = len(fixed_names), len(ranks)
        return cls(
            parties=fixed_names + tuple(volume),
            fixed=fixed_names,
            volume={p: volume[p].rule for p in volume},
            slices=names,
            rows=int(round(rows.sum())),
            group_slice=keys[:, 0].astype(np.int64),
            group_label=keys[:, 1].astype(np.int64),
            group_fixed=keys[:, 2 : 2 + f].astype(np.int64),
            group_rank=keys[:, 2 + f : 2 + f + v].astype(np.int64),
            rank_values=tuple(distinct),
            group_rows=np.rint(rows).astype(np.int64),
            group_weight=None if w is None else keys[:, -1],
        )

    @property
    def groups(self) -> int:
        return int(self.group_rows.size)

    def _flags(self, draws: np.ndarray) -> dict[str, np.ndarray]:
        """(B, G) 0/1 decisions of every party in each resample (fixed ones broadcast)."""
        b = draws.shape[0]
        out = {p: np.broadcast_to(self.group_fixed[:, j], draws.shape) for j, p in enumerate(self.fixed)}
        for j, (party, rule) in enumerate(self.volume.items()):
            if rule.volume_of is not None:
                k = (draws * out[rule.volume_of]).sum(axis=1)
            else:
                k = np.full(b, volume_k(rule, self.rows))
            rank, distinct = self.group_rank[:, j], self.rank_values[j]
            index = (np.arange(b)[:, None] * distinct + rank[None, :]).ravel()
            per_value = np.bincount(index, weights=draws.ravel(), minlength=b * distinct).reshape(b, distinct)
            cumulative = np.cumsum(per_value, axis=1)
            cut = (cumulative < k[:, None] - 0.5).sum(axis=1)  # the rank of the k-th highest drawn row
            out[party] = ((rank[None, :] <= cut[:, None]) & (k[:, None] > 0)).astype(np.int64)
        return out

    def aggregate(self, draws: np.ndarray) -> dict[tuple[str, str], CountArrays]:
        b = draws.shape[0]
        n_slices = max(len(self.slices), 1)
        values = draws if self.group_weight is None else draws * self.group_weight
        offsets = (np.arange(b) * n_slices * 4)[:, None]
        out: dict[tuple[str, str], CountArrays] = {}
        for party, decided in self._flags(draws).items():
            target = self.group_slice[None, :] * 4 + 2 * self.group_label[None, :] + decided
            flat = np.bincount((target + offsets).ravel(), weights=values.ravel(), minlength=b * n_slices * 4)
            out.update(scope_counts(party, flat, b, self.slices, counted=self.group_weight is None))
        return out

    def observed(self) -> dict[tuple[str, str], CountArrays]:
        return self.aggregate(self.group_rows[None, :])


METHOD = "multinomial over joint cells, the volume's cut re-chosen in each resample"


def resample_volume_counts(
    cells: VolumeCells, resamples: int = 1000, seed: int = 0, stream: str = "counts"
) -> CountResamples:
    """Paired row bootstrap of every party's confusion counts, each volume party's cut chosen
    again on each resample. Same (cells, resamples, seed, stream) -> same samples."""
    if resamples < 1:
        raise ValueError("resamples must be at least 1")
    counts = drawn_counts(cells.group_rows, cells.rows, cells.aggregate, resamples, make_rng(seed, stream))
    return CountResamples(counts, cells.observed(), METHOD, resamples, seed, stream)
