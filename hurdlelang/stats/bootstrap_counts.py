"""Paired row bootstrap of confusion counts, by a multinomial over joint cells: cost independent of n.

Why this is exact
-----------------
Count-based metrics (precision, recall, f1, accuracy, and any derived metric of tp, fp, tn, fn)
depend on a row only through its *joint cell*: the label bit and one decision bit per party (the
candidate and every column baseline), so 2^(parties + 1) cells, per slice. A row bootstrap draws n
rows with replacement, each row with probability 1/n; the number of drawn rows falling in each
(slice, cell) is therefore exactly ``Multinomial(n, rows_in_cell / n)``. Drawing that multinomial
over the occupied cells *is* the row bootstrap, not an approximation of it, and one draw serves
every party at once, so the candidate and the baselines are resampled on the same rows (paired).
Per resample the cost is one binomial per occupied cell (at most slices x 2^(parties+1), never more
than n), whatever n is: 1,000 resamples of 1M rows take milliseconds.

Slices: a resample is a draw of the whole data, so slice sizes vary from resample to resample, as
in a row bootstrap; the whole ("all") is the sum of its slices within each resample.

Row weights
-----------
With sample weights a count is a sum of weights, and a resample's weighted tp is sum_i m_i w_i,
m_i being how often row i was drawn. Rows are grouped by (slice, cell, weight):

- when there are at most ``max_weight_groups`` distinct groups (class or stratum weights, integer
  frequency weights, any weights with few distinct values), the multinomial over these groups is
  again exactly the row bootstrap;
- otherwise (continuous weights) weights are quantised into log-spaced levels of relative width
  ``weight_tolerance`` (default 1%) and every row carries the mean weight of its (slice, cell,
  level) group. Group totals, hence the point estimate and the mean of every resampled count, are
  unchanged; each resampled weighted count differs from its exact value by at most
  ``weight_error_bound`` (reported, <= the tolerance) relative, since
  |sum m_i (w_i - w_g)| <= max_i |w_i - w_g| / w_g * sum m_i w_g. A ratio of two such counts
  (precision) is then within about twice that, relative, in the worst case; the typical error is
  far smaller because the per-row deviations average out. Zero weights form their own exact level.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from hurdlelang.core.names import WHOLE_DATA
from hurdlelang.data.prepared import Slices
from hurdlelang.stats.intervals import make_rng

ALL = WHOLE_DATA
"""The slice key of the whole data."""

MAX_PARTIES = 20  # 2^21 joint cells per slice: far beyond any real spec, and still dense-countable


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


COUNT_FORMULAS: dict[str, Callable[..., np.ndarray]] = {
    "precision": lambda tp, fp, tn, fn: _ratio(tp, tp + fp),
    "recall": lambda tp, fp, tn, fn: _ratio(tp, tp + fn),
    "f1": lambda tp, fp, tn, fn: _ratio(2 * tp, 2 * tp + fp + fn),
    "accuracy": lambda tp, fp, tn, fn: _ratio(tp + tn, tp + fp + tn + fn),
    "specificity": lambda tp, fp, tn, fn: _ratio(tn, tn + fp),
    "positive_rate": lambda tp, fp, tn, fn: _ratio(tp + fp, tp + fp + tn + fn),
}
"""Vectorised count metrics: arrays in, arrays out, NaN where undefined (same meaning as
hurdlelang.metrics.values). Any other ``f(tp, fp, tn, fn)`` can be passed to CountArrays.apply."""


@dataclass(frozen=True)
class CountArrays:
    """Confusion counts of one party on one slice, one entry per resample (shape (B,))."""

    tp: np.ndarray
    fp: np.ndarray
    tn: np.ndarray
    fn: np.ndarray

    @property
    def n(self) -> np.ndarray:
        return self.tp + self.fp + self.tn + self.fn

    def apply(self, formula: Callable[..., np.ndarray]) -> np.ndarray:
        """``formula(tp, fp, tn, fn)`` on the arrays; it must be vectorised and give NaN when undefined."""
        return np.asarray(formula(self.tp, self.fp, self.tn, self.fn), dtype=float)

    def metric(self, name: str) -> np.ndarray:
        if name not in COUNT_FORMULAS:
            raise KeyError(f"no count formula for '{name}'; pass a callable to CountArrays.apply")
        return self.apply(COUNT_FORMULAS[name])


def slice_codes(slices, n: int) -> tuple[np.ndarray, tuple[str, ...]]:
    """(codes, names) from None, a Slices, or raw values; no slices -> all rows in slice 0, names ()."""
    if slices is None:
        return np.zeros(n, dtype=np.int64), ()
    factorised = slices if isinstance(slices, Slices) else Slices.of(slices)
    if factorised.codes.shape != (n,):
        raise ValueError(f"slices must have one value per row ({n}), got shape {factorised.codes.shape}")
    return factorised.codes, factorised.names


def _bits(values, name: str, n: int) -> np.ndarray:
    array = np.asarray(values)
    if array.shape != (n,):
        raise ValueError(f"{name} must have one value per row ({n}), got shape {array.shape}")
    if array.dtype.kind in "biu":  # integers (the engines' int8): a range check, no float comparison
        if array.dtype.kind != "b" and (array.min() < 0 or array.max() > 1):
            raise ValueError(f"{name} must hold only 0 and 1")
        return array.astype(np.uint8, copy=False)
    as_int = array.astype(np.int64)
    if not np.array_equal(as_int, array) or ((as_int != 0) & (as_int != 1)).any():
        raise ValueError(f"{name} must hold only 0 and 1")
    return as_int.astype(np.uint8)


def multiplicity_counts(multiplicity, n: int) -> np.ndarray | None:
    """Rows per entry as float counts for bincount (None: one row per entry)."""
    if multiplicity is None:
        return None
    m = np.asarray(multiplicity)
    if m.shape != (n,) or (m < 1).any():
        raise ValueError(f"multiplicity must be a count of at least 1 per entry ({n})")
    return m.astype(float)


def _group_by_key_and_weight(key: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Group rows by exact (key, weight): (group index per row, key per group)."""
    order = np.lexsort((w, key))
    k, v = key[order], w[order]
    new = np.r_[True, (k[1:] != k[:-1]) | (v[1:] != v[:-1])]
    group_sorted = np.cumsum(new) - 1
    inverse = np.empty_like(group_sorted)
    inverse[order] = group_sorted
    return inverse, k[new]


@dataclass(frozen=True)
class JointCells:
    """Rows grouped by (slice, joint cell[, weight]); built once, resampled many times.

    A joint cell code packs the label in bit 0 and party j's decision in bit j + 1."""

    parties: tuple[str, ...]
    slices: tuple[str, ...]  # slice names; () when there is no slice column
    rows: int
    group_slice: np.ndarray  # (G,) slice index of each group (0 when there are no slices)
    group_cell: np.ndarray  # (G,) joint cell code of each group
    group_rows: np.ndarray  # (G,) rows in each group
    group_weight: np.ndarray | None  # (G,) weight carried by each row of the group; None: unweighted
    weight_error_bound: float = 0.0  # max relative deviation of a row's weight from its group's
    notes: tuple[str, ...] = field(default=())

    @classmethod
    def build(
        cls,
        label,
        decisions: Mapping[str, np.ndarray],
        slices=None,
        weights=None,
        *,
        weight_tolerance: float = 0.01,
        max_weight_groups: int = 20_000,
        multiplicity=None,
    ) -> JointCells:
        """Group the rows. ``decisions`` maps each party (candidate first, by convention) to its
        0/1 decisions; ``slices`` is one categorical value per row; ``weights`` non-negative.
        ``multiplicity``: how many rows each entry stands for (entries are then cells of a
        GROUP BY, not rows); the groups are exactly those of the rows it stands for."""
        label_bits = np.asarray(label)
        n = label_bits.shape[0] if label_bits.ndim == 1 else -1
        if n < 1:
            raise ValueError("label must be a non-empty 1-D array")
        label_bits = _bits(label_bits, "label", n)
        if not decisions:
            raise ValueError("at least one party's decisions are needed")
        if len(decisions) > MAX_PARTIES:
            raise ValueError(f"at most {MAX_PARTIES} parties can be resampled jointly")
        parties = tuple(decisions)
        code = label_bits.astype(np.uint32)  # MAX_PARTIES + 1 bits
        for j, party in enumerate(parties):
            code |= np.left_shift(_bits(decisions[party], f"decisions of '{party}'", n), j + 1, dtype=np.uint32)
        slice_codes_, slice_names = slice_codes(slices, n)
        n_cells = 1 << (len(parties) + 1)
        key = slice_codes_ * n_cells + code
        mult = multiplicity_counts(multiplicity, n)
        if weights is None:
            sizes = np.bincount(key, weights=mult, minlength=max(len(slice_names), 1) * n_cells)
            occupied = np.flatnonzero(sizes)
            return cls(
                parties,
                slice_names,
                n if mult is None else int(mult.sum()),
                occupied // n_cells,
                occupied % n_cells,
                sizes[occupied].astype(np.int64),
                None,
            )
        return cls._weighted(parties, slice_names, n, key, n_cells, weights, weight_tolerance, max_weight_groups, mult)

    @classmethod
    def _weighted(cls, parties, slice_names, n, key, n_cells, weights, tolerance, max_groups, mult=None) -> JointCells:
        w = np.asarray(weights, dtype=float)
        if w.shape != (n,):
            raise ValueError(f"weights must have one value per row ({n}), got shape {w.shape}")
        if not np.isfinite(w).all() or (w < 0).any():
            raise ValueError("weights must be finite and non-negative")
        if not 0 < tolerance < 1:
            raise ValueError("weight_tolerance must be between 0 and 1")
        inverse, group_key = _group_by_key_and_weight(key, w)
        notes: tuple[str, ...] = ()
        bound = 0.0
        if group_key.size > max_groups:
            # log-spaced levels of relative width `tolerance`; zero weights are a level of their own
            positive = w > 0
            level = np.zeros(n, dtype=np.int64)
            level[positive] = np.floor(np.log(w[positive]) / np.log1p(tolerance)).astype(np.int64)
            level[positive] += 1 - level[positive].min()
            levels = int(level.max()) + 1
            uniques, inverse = np.unique(key * levels + level, return_inverse=True)
            group_key = uniques // levels
            notes = (
                f"{len(np.unique(w))} distinct weights quantised to levels of relative width {tolerance:g} "
                f"({group_key.size} groups); every resampled weighted count is exact up to the reported bound",
            )
        inverse = inverse.ravel()
        sizes = np.bincount(inverse, weights=mult)
        mean_weight = np.bincount(inverse, weights=w if mult is None else w * mult) / sizes
        if notes:
            carried = mean_weight[inverse]
            with np.errstate(divide="ignore", invalid="ignore"):
                deviation = np.where(carried > 0, np.abs(w - carried) / carried, 0.0)
            bound = float(deviation.max())
        return cls(
            parties,
            slice_names,
            n if mult is None else int(mult.sum()),
            group_key // n_cells,
            group_key % n_cells,
            np.rint(sizes).astype(np.int64),
            mean_weight,
            bound,
            notes,
        )

    @property
    def groups(self) -> int:
        return int(self.group_rows.size)

    def _confusion_index(self, party: str) -> np.ndarray:
        """Per group: 0 tn, 1 fp, 2 fn, 3 tp for ``party``."""
        j = self.parties.index(party)
        label = self.group_cell & 1
        decided = (self.group_cell >> (j + 1)) & 1
        return 2 * label + decided

    def _aggregate(self, draws: np.ndarray) -> dict[tuple[str, str], CountArrays]:
        """draws: (B, G) rows (or weight totals) per group -> counts per (party, slice)."""
        b = draws.shape[0]
        n_slices = max(len(self.slices), 1)
        values = draws if self.group_weight is None else draws * self.group_weight
        offsets = (np.arange(b) * n_slices * 4)[:, None]
        out: dict[tuple[str, str], CountArrays] = {}
        for party in self.parties:
            target = self.group_slice * 4 + self._confusion_index(party)
            flat = np.bincount((target[None, :] + offsets).ravel(), weights=values.ravel(), minlength=b * n_slices * 4)
            out.update(scope_counts(party, flat, b, self.slices, counted=self.group_weight is None))
        return out

    def observed(self) -> dict[tuple[str, str], CountArrays]:
        """The counts on the data itself (arrays of shape (1,)), same keys as a resample."""
        return self._aggregate(self.group_rows[None, :])


def scope_counts(
    party: str, flat: np.ndarray, b: int, slices: tuple[str, ...], counted: bool
) -> dict[tuple[str, str], CountArrays]:
    """One party's (B, slice, 4) confusion cells, flattened by np.bincount, as counts on the whole data
    and on each slice value; `counted` (no weight column) rounds the sums to whole rows."""
    per_slice = flat.reshape(b, max(len(slices), 1), 4)
    if counted:
        per_slice = np.rint(per_slice).astype(np.int64)
    whole = per_slice.sum(axis=1)
    out = {(party, ALL): CountArrays(whole[:, 3], whole[:, 1], whole[:, 0], whole[:, 2])}
    for s, name in enumerate(slices):
        cells = per_slice[:, s]
        out[(party, name)] = CountArrays(cells[:, 3], cells[:, 1], cells[:, 0], cells[:, 2])
    return out


@dataclass(frozen=True)
class CountResamples:
    """Resampled confusion counts for every (party, slice); slice ``ALL`` is the whole data."""

    counts: dict[tuple[str, str], CountArrays]
    observed: dict[tuple[str, str], CountArrays]
    method: str
    resamples: int
    seed: int
    stream: str
    weight_error_bound: float = 0.0
    notes: tuple[str, ...] = ()

    def samples(self, party: str, metric: str | Callable[..., np.ndarray], slice: str = ALL) -> np.ndarray:
        """B samples of a count metric (a name in COUNT_FORMULAS, or ``f(tp, fp, tn, fn)``)."""
        arrays = self.counts[(party, slice)]
        return arrays.metric(metric) if isinstance(metric, str) else arrays.apply(metric)

    def point(self, party: str, metric: str | Callable[..., np.ndarray], slice: str = ALL) -> float:
        arrays = self.observed[(party, slice)]
        value = arrays.metric(metric) if isinstance(metric, str) else arrays.apply(metric)
        return float(value[0])


_CHUNK_CELLS = 4_000_000  # draws held in memory at once: resamples x groups


def drawn_counts(group_rows: np.ndarray, rows: int, aggregate, resamples: int, rng) -> dict:
    """`resamples` draws of Multinomial(rows, group_rows / rows) over the groups, made in chunks of
    bounded memory and folded by `aggregate` ((size, groups) draws -> (party, slice) -> CountArrays)
    into counts per (party, slice), the chunks joined in draw order."""
    pvals = group_rows / rows
    chunk = max(1, _CHUNK_CELLS // max(len(group_rows), 1))
    parts = []
    for start in range(0, resamples, chunk):
        size = min(chunk, resamples - start)
        parts.append(aggregate(rng.multinomial(rows, pvals, size=size)))
    return {
        key: CountArrays(*(np.concatenate([getattr(p[key], f) for p in parts]) for f in ("tp", "fp", "tn", "fn")))
        for key in parts[0]
    }


def resample_counts(cells: JointCells, resamples: int = 1000, seed: int = 0, stream: str = "counts") -> CountResamples:
    """Paired row bootstrap of the confusion counts of every party on every slice.

    One resample is ``Multinomial(n, group_rows / n)`` over the groups of ``cells`` (see the module
    docstring for why that is the row bootstrap). Same (cells, resamples, seed, stream) -> same samples."""
    if resamples < 1:
        raise ValueError("resamples must be at least 1")
    counts = drawn_counts(cells.group_rows, cells.rows, cells._aggregate, resamples, make_rng(seed, stream))
    return CountResamples(
        counts,
        cells.observed(),
        count_method(cells),
        resamples,
        seed,
        stream,
        cells.weight_error_bound,
        cells.notes,
    )


def count_method(cells: JointCells) -> str:
    """The record's name of the multinomial over ``cells``."""
    return "multinomial over joint cells" + (" (quantised weights)" if cells.notes else "")
