"""Resampled histograms of one party laid out over occupied bins only, and AUC on all scopes at once.

The AUC bootstrap (hurdlelang/stats/bootstrap_auc.py) needs, per resample, roc_auc and pr_auc on
the whole data and on every slice value. A dense (slice, label, bin) histogram costs
slices x bins per resample although a slice value with 2,000 rows occupies at most 2,000 bins, and
a Python loop over slice values costs ~50 us per value and chunk. Here:

- ``ScopeLayout``: the (slice, bin) pairs occupied on the data (a resample draws only rows of the
  data, so it can never reach another pair), in slice-then-bin order: one contiguous *segment* of
  ascending bins per slice value; the whole data ("ALL") is one more segment, over the union of the
  bins, placed first. A resample's histogram is then a (resamples, 2, width) block, width the
  number of occupied pairs plus ALL's bins, never slices x bins; each drawn group (or row) adds to
  its slice's position and to ALL's in one ``bincount``.
- ``segment_auc``: roc_auc and pr_auc of every segment of such a block with one cumulative sum per
  label over the whole block (not one per scope), the formulas of ``auc_from_histograms``.

Exactness. The cumulative sum within a segment is the block's running sum minus its value just
before the segment. With integer counts (every resample without weights) both are integers below
2**53, so the difference is exact and every count, product and ratio is the one a dense histogram
per scope gives (bins dropped are empty: they add 0 to every sum). Only the order in which the
pr_auc terms (ratios, not integers) are added may differ, a change of about 1e-16. With weights the
running sums are not exact, so ``exact_sums=False`` computes each segment on its own instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_DENSE_SPAN = 1 << 22  # (slice, bin) pairs up to which occupancy is counted in a dense table, not sorted
_CACHE_VALUES = 1 << 17  # numbers per label and temporary in one piece of segment_auc (1 MiB)


def auc_from_histograms(pos: np.ndarray, neg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """roc_auc and pr_auc from histograms over score values in ascending order (last axis).

    Works on any leading shape (e.g. (B, Q)); NaN where undefined (one class missing; for pr_auc,
    no positives)."""
    pos = np.asarray(pos, dtype=float)
    neg = np.asarray(neg, dtype=float)
    p_total = pos.sum(-1)
    n_total = neg.sum(-1)
    below = np.cumsum(neg, -1)  # negatives at or below each bin
    roc_num = np.einsum("...q,...q->...", pos, below) - 0.5 * np.einsum("...q,...q->...", pos, neg)
    # rows scored in this bin or higher, of which positives: precision at each threshold, high to low
    at_or_above = (p_total + n_total)[..., None] - below + neg
    pos_below = np.cumsum(pos, -1)
    pos_below -= pos
    at_or_above -= pos_below
    tp_at = p_total[..., None] - pos_below
    np.divide(tp_at, at_or_above, out=tp_at, where=pos > 0)
    ap_num = np.einsum("...q,...q->...", pos, tp_at)
    with np.errstate(divide="ignore", invalid="ignore"):
        roc = np.where((p_total > 0) & (n_total > 0), roc_num / (p_total * n_total), np.nan)
        ap = np.where(p_total > 0, ap_num / p_total, np.nan)
    return roc, ap


@dataclass(frozen=True)
class ScopeLayout:
    """Occupied (slice, bin) pairs of one party and the scopes' segments over them.

    A block holds, per label, ALL's segment (if slices were given: one position per bin occupied in
    any slice) and then one segment per slice value (one position per occupied pair)."""

    slice_of: np.ndarray  # (L,) slice code of each occupied pair, ascending
    bin_of: np.ndarray  # (L,) bin of each pair, ascending within its slice
    n_bins: int
    union: np.ndarray | None  # ALL's bins, ascending (None: no slices, the one slice is ALL)
    starts: np.ndarray  # (K,) first position of each scope's segment in a label's row
    lengths: np.ndarray  # (K,)

    @classmethod
    def of(cls, codes: np.ndarray, bin_index: np.ndarray, n_slices: int, n_bins: int, named: bool) -> ScopeLayout:
        """From each row's (or entry's) slice code and bin. ``named``: slices were given, so the
        scopes are ALL then every slice value; otherwise the one slice is ALL itself."""
        key = codes.astype(np.int64) * n_bins + bin_index
        span = n_slices * n_bins
        key = np.flatnonzero(np.bincount(key, minlength=span)) if span <= _DENSE_SPAN else np.unique(key)
        slice_of, bin_of = key // n_bins, key % n_bins
        lengths = np.bincount(slice_of, minlength=n_slices)
        union = np.unique(bin_of) if named else None
        if named:
            lengths = np.concatenate([[union.size], lengths])
        return cls(slice_of, bin_of, n_bins, union, np.cumsum(lengths) - lengths, lengths)

    @property
    def occupied(self) -> int:
        return self.slice_of.size

    @property
    def n_all(self) -> int:
        """Positions of ALL's own segment (0 without slices: the slice's segment is ALL)."""
        return 0 if self.union is None else self.union.size

    @property
    def width(self) -> int:
        """Positions per label in a block."""
        return self.n_all + self.occupied

    def keys(self, label: np.ndarray, slice_code: np.ndarray, bin_index: np.ndarray) -> np.ndarray:
        """(1 or 2, n): where each entry counts in a (2, width) block: in its slice's segment, and
        in ALL's if there is one."""
        pair = self.n_all + self._pair(slice_code.astype(np.int64) * self.n_bins + bin_index)
        rows = [label * self.width + pair]
        if self.union is not None:
            rows.insert(0, label * self.width + np.searchsorted(self.union, bin_index))
        return np.stack(rows)

    def gathers(self, grid_of_bin: np.ndarray, per_label: int) -> tuple[np.ndarray, np.ndarray | None]:
        """For histograms in a padded grid (``grid_of_bin``: a bin's place in a label's row of
        ``per_label`` places): (2, L) indices of the slices' pairs into a (slice, label, grid)
        array, and (2, n_all) indices of ALL's bins into a (label, grid) one."""
        by_label = np.array([[0], [per_label]])
        pairs = (self.slice_of * 2 * per_label + grid_of_bin[self.bin_of])[None, :] + by_label
        whole = None if self.union is None else grid_of_bin[self.union][None, :] + by_label
        return pairs, whole

    def _pair(self, key: np.ndarray) -> np.ndarray:
        occupied = self.slice_of * self.n_bins + self.bin_of
        span = int(occupied[-1]) + 1 if self.occupied else 0
        if span > _DENSE_SPAN:
            return np.searchsorted(occupied, key)
        table = np.zeros(span, dtype=np.int64)
        table[occupied] = np.arange(self.occupied)
        return table[key]


def segment_auc(block: np.ndarray, layout: ScopeLayout, exact_sums: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """roc_auc and pr_auc, (size, K), of every scope of a (size, 2, width) block (label 0, then 1).

    The formulas of ``auc_from_histograms`` per segment, with every within-segment running sum
    written as the block's running sum minus its value before the segment (exact for integers)."""
    if not exact_sums:
        return _each_segment(block, layout)
    block = np.asarray(block, dtype=float)  # bincount without weights counts in int64
    rows = max(1, _CACHE_VALUES // max(block.shape[-1], 1))
    if block.shape[0] > rows:  # a dozen temporaries of the block's size: keep them in cache
        parts = [_segment_auc(block[i : i + rows], layout) for i in range(0, block.shape[0], rows)]
        return np.concatenate([r for r, _ in parts]), np.concatenate([a for _, a in parts])
    return _segment_auc(block, layout)


def _segment_auc(block: np.ndarray, layout: ScopeLayout) -> tuple[np.ndarray, np.ndarray]:
    neg, pos = block[:, 0], block[:, 1]
    starts, lengths = layout.starts, layout.lengths
    cum_neg = np.cumsum(neg, -1)
    cum_pos = np.cumsum(pos, -1)
    neg_before, n_total = _before_and_total(cum_neg, starts, lengths)
    pos_before, p_total = _before_and_total(cum_pos, starts, lengths)
    # pr_auc: rows at or above a bin (in its scope) and positives among them, as differences of
    # the block's running sums: total + before - running + this bin
    at_or_above = np.repeat(p_total + n_total + neg_before + pos_before, lengths, axis=-1)
    at_or_above -= cum_neg
    at_or_above -= cum_pos
    at_or_above += neg
    at_or_above += pos
    tp_at = np.repeat(p_total + pos_before, lengths, axis=-1)
    tp_at -= cum_pos
    tp_at += pos
    np.divide(tp_at, at_or_above, out=tp_at, where=pos > 0)
    tp_at *= pos  # 0 where no positive (tp_at is finite there, undivided)
    ap_num = _segment_sum(tp_at, starts, lengths)
    # roc_auc: negatives at or below each bin within its scope (kept within the scope, so the
    # products stay below P * N), less half the bin's own
    below = cum_neg
    below -= np.repeat(neg_before, lengths, axis=-1)
    below -= 0.5 * neg
    below *= pos
    roc_num = _segment_sum(below, starts, lengths)
    with np.errstate(divide="ignore", invalid="ignore"):
        roc = np.where((p_total > 0) & (n_total > 0), roc_num / (p_total * n_total), np.nan)
        ap = np.where(p_total > 0, ap_num / p_total, np.nan)
    return roc, ap


def _before_and_total(running: np.ndarray, starts: np.ndarray, lengths: np.ndarray):
    """(size, K) running sum just before each segment and the segment's sum."""
    ends = starts + lengths - 1
    at_end = np.where(ends >= 0, running[:, np.maximum(ends, 0)], 0.0)
    before = np.where(starts > 0, running[:, np.maximum(starts - 1, 0)], 0.0)
    return before, at_end - before


def _segment_sum(values: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Sum of each segment along the last axis; 0 for an empty segment. Segments are contiguous
    and in order, so each non-empty one runs from its start to the next non-empty one's."""
    sums = np.zeros(values.shape[:-1] + (starts.size,))
    filled = lengths > 0
    if filled.any():
        sums[..., filled] = np.add.reduceat(values, starts[filled], axis=-1)
    return sums


def _each_segment(block: np.ndarray, layout: ScopeLayout) -> tuple[np.ndarray, np.ndarray]:
    roc = np.empty((block.shape[0], layout.starts.size))
    ap = np.empty_like(roc)
    for k, (a, n) in enumerate(zip(layout.starts, layout.lengths, strict=True)):
        roc[:, k], ap[:, k] = auc_from_histograms(block[:, 1, a : a + n], block[:, 0, a : a + n])
    return roc, ap
