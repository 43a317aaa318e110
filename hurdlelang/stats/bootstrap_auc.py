"""Paired row bootstrap of roc_auc and pr_auc (average precision), exact or binned.

Both metrics depend on the rows only through, per party, the histogram of scores of positives and
of negatives, in score order. Write P, N for the positive and negative totals (weighted if weights)
and pos[q], neg[q] for the histograms over score values (or bins) in ascending order:

    roc_auc = sum_q pos[q] * (neg[< q] + neg[q] / 2) / (P * N)       (ties count 1/2)
    pr_auc  = sum_q pos[q] * TP[>= q] / (TP[>= q] + FP[>= q]) / P     (average precision, scikit-learn's
                                                                     definition: one threshold per
                                                                     distinct score, high to low)

A resample only changes how many drawn rows fall in each (slice, label, score value) cell, so, like the
confusion counts (hurdlelang.stats.bootstrap_counts), a row bootstrap is a multinomial over cells.

Methods
-------
``exact``: cells are the distinct score values. When there are few of them the multinomial over the
occupied (slice, label, score of every party) cells is drawn directly; otherwise (continuous scores,
about one cell per row) the resample draws n row indices and counts them, O(n) per resample. Either
way the sample is exactly the row-bootstrap AUC.

``binned`` (default): each party's scores are cut into at most ``bins`` (default 4096) equal-count
bins (quantiles of its own scores; equal scores never straddle two bins; a party with at most ``bins``
distinct scores, such as 0/1 decisions, keeps its exact values). The multinomial runs over
(slice, label, bin) cells, so the cost per resample is a few thousand binomial draws, whatever n is.

Binning error, and the bound reported on the data
-------------------------------------------------
Binning changes roc_auc only through positive-negative pairs that share a bin but not a score: the
exact AUC counts such a pair 0 or 1, the binned one 1/2. So

    |roc_auc_binned - roc_auc_exact| <= (1/2) * #{pos-neg pairs in the same bin, different score} / (P N)

which is at most half the fraction of pairs sharing a bin (the familiar "fraction of pairs sharing
a bin" bound, halved because within-bin pairs are counted 1/2, not 0). For pr_auc, a bin b with p
positives, m negatives, TP0 positives and FP0 negatives above it contributes to the exact AP a value
between sum_j (TP0+j)/(TP0+j+FP0+m) (every positive after every negative, j = 1..p) and
p (TP0+p)/(TP0+p+FP0); the binned value lies in the same range, so the error is at most the width,
with the sum bounded below by its integral, p - (FP0+m) ln(1 + p/(TP0+FP0+m)). Bins holding a
single score value contribute no error. Both bounds are computed on the data, per party and slice,
and returned in ``error_bound``. With 4096 equal-count bins on 1M rows the roc bound is ~1e-4 and
the pr bound ~1e-3; the actual error is far smaller (within a narrow bin positives and negatives are
nearly exchangeable), and both bounds are attained only by adversarial orderings within bins.

Recentering: by default the binned samples are shifted by (exact - binned) on the observed data, so
the bootstrap distribution is centred on the exact point estimate that the record reports. The
binning error of a resample is close to that of the data (it is a smooth function of the cell
frequencies), so the shift removes most of it. In the worst case a recentred sample is off by the
resample's own bound plus |shift|, and |shift| is at most the bound observed on the data.

The paired difference with two scored parties
---------------------------------------------
The candidate and a baseline with scores must be resampled on the same rows, so the multinomial
must run over joint cells (slice, label, bin_candidate, bin_baseline): up to 2 x 4096 x 4096 cells, on
1M rows about as many occupied cells as rows, which would cost as much as resampling rows. The
engine therefore works in two stages:

1. if the occupied joint cells at full resolution number at most ``max_joint_cells`` (16,384; in
   practice data of up to ~16k rows), the multinomial runs over them directly: exact pairing;
2. otherwise each party's fine bins are grouped into J coarse bins (runs of consecutive fine bins, so
   fine bins nest in coarse ones). The multinomial runs over the occupied joint coarse cells
   (slice, label, coarse_c, coarse_b). Then, for each party separately, the drawn count of each of
   its (slice, label, coarse) cells is split over its fine bins by a multinomial with the observed
   within-cell proportions. J is the largest of 256, 128, 64, 32, 16, 8 whose occupied joint cells
   fit in ``max_joint_cells`` (or ``joint_bins`` if given): strongly associated scores occupy few
   joint cells and get a fine pairing, which is exactly when pairing matters most.

Stage 2 is exact for each party on its own: summed over the other party's coarse bins, a party's
(slice, label, coarse) counts are the exact multinomial marginal, and splitting a multinomial count by
a multinomial with the true conditional proportions gives exactly the marginal distribution of its
(slice, label, fine) counts. Each party's AUC samples therefore have exactly the row-bootstrap
distribution of its binned AUC, and the pairing between the parties is exact down to 1/J of their
score ranks. What stage 2 gives up is the dependence *within* a joint coarse cell, where the two
parties' fine positions are split independently. When the scores are positively associated (the
usual case: two models of the same outcome) that within-cell covariance is positive, dropping it
widens the spread of the difference, and intervals on the difference err on the conservative side.
Measured on 20,000 rows (tests/test_bootstrap.py checks a version of this): scores correlated
0.96, the standard deviation of the resampled difference against the exact row bootstrap was
+1% (roc_auc) and +9% (pr_auc, whose weight sits on the few top-ranked rows) with J = 64, and
within Monte Carlo error (about 1%) with J = 128 or 256 (the automatic choice there was 256). The cost
per resample is one binomial per occupied joint coarse cell plus one per fine bin per party and label
(about 25,000 for two parties at 4096 bins without slices), independent of n; with slices it grows
with their number.

Computing the AUCs of a resample costs what its histograms occupy, not slices x bins: each party's
histogram is held over the (slice, bin) pairs occupied on the data only (a resample cannot reach
another), and roc_auc and pr_auc of every scope (ALL and each slice value) come out of one pass over
that block, with no loop over slice values (hurdlelang/stats/auc_segments.py). The draws, and so the
samples for a seed, are those of the dense version this replaced (tests/stats/test_auc_pinned.py).
What is left per resample is the draws themselves: one binomial per occupied joint group, plus, when
paired through coarse cells, about one per occupied fine (slice, label, bin) cell of each party.

Cells instead of rows: with ``multiplicity`` (rows per entry, the entries being the distinct
(slice, label, scores[, weight]) cells of a GROUP BY) every histogram, bin and group counts an entry
that many times, so the groups, their sizes and hence the multinomial draws are those of the rows
it stands for. Resampling then always runs as the multinomial over groups (never by drawing row
indices, which needs the rows themselves).

Weights are supported by the ``exact`` method only (the resample then draws rows, O(n) each): asked
for ``binned`` with weights, the engine uses ``exact`` and says so in ``method`` and ``notes``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from hurdlelang.lang.catalogue import AUC_METRICS
from hurdlelang.stats.auc_segments import ScopeLayout, auc_from_histograms, segment_auc
from hurdlelang.stats.bootstrap_counts import ALL, multiplicity_counts, slice_codes
from hurdlelang.stats.intervals import make_rng

DEFAULT_BINS = 4096
JOINT_BIN_CHOICES = (256, 128, 64, 32, 16, 8)
DEFAULT_MAX_JOINT_CELLS = 16_384
_CHUNK_VALUES = 4_000_000  # numbers held per chunk of resamples
_DENSE_GROUP_SPAN = 1 << 22  # joint keys up to which groups are counted in a table rather than sorted
_PIECE_VALUES = 1 << 20  # keys (or fine cells) per piece of resamples turned into histograms
_ROWS_PER_CELL = 4  # draw row indices instead of a multinomial when cells > rows / this


@dataclass(frozen=True)
class _Data:
    y: np.ndarray
    codes: np.ndarray
    names: tuple[str, ...]
    n_slices: int
    weights: np.ndarray | None
    mult: np.ndarray | None = None  # rows per entry (float), None: one row per entry

    @property
    def rows(self) -> int:
        return self.y.size if self.mult is None else int(self.mult.sum())

    @property
    def totals(self) -> np.ndarray | None:
        """What each entry adds to a histogram: its weight times its rows."""
        if self.mult is None:
            return self.weights
        return self.mult if self.weights is None else self.weights * self.mult


@dataclass(frozen=True)
class ScoreBins:
    """One party's scores, as distinct values and as bins (bins are runs of distinct values)."""

    unique: np.ndarray  # (n,) index of the row's distinct score, ascending
    n_unique: int
    fine: np.ndarray  # (n,) bin of the row, ascending
    n_bins: int
    bin_of_unique: np.ndarray  # (n_unique,)

    @property
    def exact(self) -> bool:
        return self.n_bins == self.n_unique

    @classmethod
    def of(cls, score: np.ndarray, bins: int | None, mult: np.ndarray | None = None) -> ScoreBins:
        """Equal-count bins over the rows (at most ``bins``); ``None``: one bin per distinct score.
        ``mult``: rows per entry when the entries are cells."""
        values = np.asarray(score, dtype=float)
        if values.ndim != 1 or np.isnan(values).any():
            raise ValueError("scores must be a 1-D array without NaN")
        uniques, inverse = np.unique(values, return_inverse=True)
        inverse = inverse.ravel().astype(np.int64)
        u = uniques.size
        if bins is None or u <= bins:
            return cls(inverse, u, inverse, u, np.arange(u))
        per_value = np.rint(np.bincount(inverse, weights=mult, minlength=u)).astype(np.int64)
        before = np.cumsum(per_value) - per_value
        raw = (before * bins) // int(per_value.sum())  # the equal-count bin where each value's first row falls
        _, bin_of_unique = np.unique(raw, return_inverse=True)
        bin_of_unique = bin_of_unique.ravel().astype(np.int64)
        return cls(inverse, u, bin_of_unique[inverse], int(bin_of_unique.max()) + 1, bin_of_unique)


def _histograms(index: np.ndarray, n_index: int, data: _Data) -> np.ndarray:
    """(n_slices, 2, n_index) totals on the observed data."""
    key = (data.codes * 2 + data.y) * n_index + index
    size = data.n_slices * 2 * n_index
    return np.bincount(key, weights=data.totals, minlength=size).reshape(data.n_slices, 2, n_index)


def _roc_bound(binned: np.ndarray, exact: np.ndarray) -> float:
    """(1/2) share of pos-neg pairs in one bin but not one score. binned (2, Q), exact (2, U)."""
    p_total, n_total = binned[1].sum(), binned[0].sum()
    if p_total == 0 or n_total == 0:
        return float("nan")
    same_bin = float((binned[1] * binned[0]).sum())
    same_score = float((exact[1] * exact[0]).sum())
    return 0.5 * max(same_bin - same_score, 0.0) / (p_total * n_total)


def _ap_bound(binned: np.ndarray, values_per_bin: np.ndarray) -> float:
    """Worst-case |AP_binned - AP_exact| from bins holding several distinct scores. binned (2, Q)."""
    pos, neg = binned[1][::-1].astype(float), binned[0][::-1].astype(float)  # high scores first
    p_total = pos.sum()
    if p_total == 0:
        return float("nan")
    tp0 = np.cumsum(pos) - pos
    fp0 = np.cumsum(neg) - neg
    c = fp0 + neg
    with np.errstate(divide="ignore", invalid="ignore"):
        upper = pos * np.divide(tp0 + pos, tp0 + pos + fp0, out=np.ones_like(pos), where=(tp0 + pos + fp0) > 0)
        lower = np.where(
            c > 0, pos - c * np.log1p(np.divide(pos, tp0 + c, out=np.zeros_like(pos), where=(tp0 + c) > 0)), pos
        )
    width = np.where(values_per_bin[::-1] > 1, np.clip(upper - lower, 0.0, None), 0.0)
    return float(width.sum() / p_total)


@dataclass(frozen=True)
class AucResamples:
    """Resampled roc_auc / pr_auc per (party, slice); slice ALL is the whole data.

    ``point``: exact values on the data. ``error_bound``: the binning error bound on the data (0 when
    a party's bins are its distinct scores). ``shift``: what recentering added to the binned samples."""

    samples: dict[tuple[str, str], dict[str, np.ndarray]]
    point: dict[tuple[str, str], dict[str, float]]
    error_bound: dict[tuple[str, str], dict[str, float]]
    shift: dict[tuple[str, str], dict[str, float]]
    method: str
    resamples: int
    seed: int
    stream: str
    bins: dict[str, int]
    pairing: str
    notes: tuple[str, ...] = ()

    def get(self, party: str, metric: str, slice: str = ALL) -> np.ndarray:
        return self.samples[(party, slice)][metric]


@dataclass(frozen=True)
class _Resolution:
    """How one party enters the joint cells: by fine bin, or by coarse bin then split."""

    index: np.ndarray  # (n,) the party's index in the joint key
    size: int
    nested: bool
    flat: np.ndarray | None = None  # fine bin -> position in the (coarse, within) padded grid
    within: int = 0  # padded fine bins per coarse bin


def _coarse(bins: ScoreBins, joint_bins: int) -> _Resolution:
    q = bins.n_bins
    coarse_of_fine = (np.arange(q) * joint_bins) // q
    start = np.searchsorted(coarse_of_fine, np.arange(joint_bins))
    width = int(np.bincount(coarse_of_fine, minlength=joint_bins).max())
    flat = coarse_of_fine * width + (np.arange(q) - start[coarse_of_fine])
    return _Resolution(coarse_of_fine[bins.fine], joint_bins, True, flat, width)


def resample_auc(
    label,
    scores: Mapping[str, np.ndarray],
    *,
    slices=None,
    weights=None,
    resamples: int = 1000,
    seed: int = 0,
    stream: str = "auc",
    method: str = "binned",
    bins: int = DEFAULT_BINS,
    joint_bins: int | None = None,
    max_joint_cells: int = DEFAULT_MAX_JOINT_CELLS,
    recenter: bool = True,
    multiplicity=None,
) -> AucResamples:
    """Paired row bootstrap of roc_auc and pr_auc for every party in ``scores`` (party -> scores;
    pass 0/1 decisions as the scores of a party that has none), per slice and on the whole data.

    ``method``: ``"binned"`` (default) or ``"exact"``. ``bins``: fine bins per party.
    ``joint_bins``: coarse bins for pairing two or more scored parties on large data (default: the
    finest of 256..8 that fits ``max_joint_cells``). ``recenter``: shift binned samples by the
    observed (exact - binned). ``slices``: None, a Slices, or one value per row. ``multiplicity``:
    rows per entry when the entries are cells of a GROUP BY rather than rows."""
    if method not in ("binned", "exact"):
        raise ValueError(f"method must be 'binned' or 'exact', got {method!r}")
    if resamples < 1:
        raise ValueError("resamples must be at least 1")
    if not scores:
        raise ValueError("at least one party's scores are needed")
    y = np.asarray(label)
    if y.ndim != 1 or y.size == 0 or ((y != 0) & (y != 1)).any():
        raise ValueError("label must be a non-empty 1-D array of 0/1")
    y = y.astype(np.int64)
    n = y.size
    codes, names = slice_codes(slices, n)
    w = None
    fallback = ()
    if weights is not None:
        if method != "exact":
            method = "exact"  # binned cells carry row counts, not weights
            fallback = ("weights are bound: the exact (row) bootstrap was used instead of the binned one",)
        w = np.asarray(weights, dtype=float)
        if w.shape != (n,) or not np.isfinite(w).all() or (w < 0).any():
            raise ValueError("weights must be finite, non-negative, one per row")
    for party in scores:
        if np.shape(scores[party]) != (n,):
            raise ValueError(f"scores of '{party}' must have one value per row ({n})")
    mult = multiplicity_counts(multiplicity, n)
    data = _Data(y, codes, names, max(len(names), 1), w, mult)
    score_bins = {p: ScoreBins.of(scores[p], None if method == "exact" else bins, mult) for p in scores}
    observed = {p: _observe(p, sb, data, recenter) for p, sb in score_bins.items()}
    resolution, group_rows, rep, pairing = _joint_cells(data, score_bins, method, joint_bins, max_joint_cells)
    samples = _resample(data, score_bins, observed, resolution, group_rows, rep, resamples, make_rng(seed, stream))

    notes = fallback + tuple(
        f"'{p}' has {sb.n_unique} distinct scores: binned at its exact values"
        for p, sb in score_bins.items()
        if method == "binned" and sb.exact
    )
    label_method = "exact (row bootstrap)" if method == "exact" else f"binned (at most {bins} equal-count bins)"
    if method == "binned" and recenter:
        label_method += ", recentred on the exact point"
    merged = {k: v for o in observed.values() for k, v in o.point.items()}
    return AucResamples(
        samples,
        merged,
        {k: v for o in observed.values() for k, v in o.bound.items()},
        {k: v for o in observed.values() for k, v in o.shift.items()},
        label_method,
        resamples,
        seed,
        stream,
        {p: sb.n_bins for p, sb in score_bins.items()},
        pairing,
        notes,
    )


@dataclass(frozen=True)
class _Observed:
    """One party on the observed data: exact points, binning bounds, shifts, fine histograms."""

    point: dict
    bound: dict
    shift: dict
    fine: np.ndarray  # (n_slices, 2, n_bins)


def _observe(party: str, sb: ScoreBins, data: _Data, recenter: bool) -> _Observed:
    exact_h = _histograms(sb.unique, sb.n_unique, data)
    fine_h = exact_h if sb.exact else _histograms(sb.fine, sb.n_bins, data)
    values_per_bin = np.bincount(sb.bin_of_unique, minlength=sb.n_bins)
    point, bound, shift = {}, {}, {}
    for s, key in _slice_keys(party, data.names):
        e, f = (exact_h.sum(0), fine_h.sum(0)) if s is None else (exact_h[s], fine_h[s])
        roc_e, ap_e = (float(v) for v in auc_from_histograms(e[1], e[0]))
        roc_f, ap_f = (float(v) for v in auc_from_histograms(f[1], f[0]))
        point[key] = {"roc_auc": roc_e, "pr_auc": ap_e}
        if sb.exact:
            bound[key] = {"roc_auc": 0.0, "pr_auc": 0.0}
        else:
            bound[key] = {"roc_auc": _roc_bound(f, e), "pr_auc": _ap_bound(f, values_per_bin)}
        use = recenter and not sb.exact
        shift[key] = {
            "roc_auc": roc_e - roc_f if use and np.isfinite(roc_e) else 0.0,
            "pr_auc": ap_e - ap_f if use and np.isfinite(ap_e) else 0.0,
        }
    return _Observed(point, bound, shift, fine_h)


def _joint_cells(data: _Data, score_bins: dict, method: str, joint_bins: int | None, max_cells: int):
    """Each party's resolution in the joint key, the occupied groups (rows per group and a
    representative row of each), and a description of the pairing."""
    resolution = {p: _Resolution(sb.fine, sb.n_bins, False) for p, sb in score_bins.items()}
    pairing = "single party" if len(score_bins) == 1 else "joint cells at full resolution (exact pairing)"
    n = data.y.size
    if data.weights is not None:  # weighted (exact method): every row (or cell) is its own group
        sizes = np.ones(n, dtype=np.int64) if data.mult is None else np.rint(data.mult).astype(np.int64)
        return resolution, sizes, np.arange(n), pairing
    group_rows, rep = _groups(data, resolution.values())
    if method == "binned" and len(score_bins) > 1 and group_rows.size > max_cells:
        chosen = joint_bins or _auto_joint_bins(data, score_bins.values(), max_cells)
        resolution = {p: (_coarse(sb, chosen) if sb.n_bins > chosen else resolution[p]) for p, sb in score_bins.items()}
        group_rows, rep = _groups(data, resolution.values())
        pairing = (
            f"joint cells of {chosen} coarse bins per party, split into fine bins per party "
            "(exact marginals; pairing at coarse resolution)"
        )
    return resolution, group_rows, rep, pairing


def _split_pvals(r: _Resolution, fine: np.ndarray) -> np.ndarray:
    """(n_slices, 2, coarse, within) observed proportions of each fine bin within its coarse cell."""
    n_slices = fine.shape[0]
    grid = np.zeros((n_slices, 2, r.size * r.within))
    grid[..., r.flat] = fine
    grid = grid.reshape(n_slices, 2, r.size, r.within)
    totals = grid.sum(-1, keepdims=True)
    empty = totals[..., 0] == 0
    grid = np.divide(grid, totals, out=np.zeros_like(grid), where=totals > 0)
    grid[empty, 0] = 1.0  # never drawn from (the cell is empty), but pvals must sum to 1
    return grid


def _resample(data, score_bins, observed, resolution, group_rows, rep, resamples, rng):
    """The resampled AUCs of every party and scope. Draws, in this order per chunk of resamples:
    the groups (or row indices), then each nested party's split into fine bins; the chunk size is
    part of that order (it fixes which draws come between which), so it stays what it was when the
    samples were pinned (tests/stats/test_auc_pinned.py). Histograms are kept over the occupied
    (slice, bin) pairs only and every scope's AUC comes from one pass (hurdlelang/stats/auc_segments.py)."""
    n, y, codes, n_slices = data.rows, data.y, data.codes, data.n_slices
    split = {p: _split_pvals(r, observed[p].fine) for p, r in resolution.items() if r.nested}
    # drawing row indices needs the rows: cells (a multiplicity) always take the multinomial
    by_rows = data.mult is None and group_rows.size * _ROWS_PER_CELL > n
    cell_weights = None if data.weights is None or by_rows else data.weights[rep]
    widest = max(
        group_rows.size,
        n if by_rows else 0,
        *(n_slices * 2 * max(r.size * max(r.within, 1), score_bins[p].n_bins) for p, r in resolution.items()),
    )
    chunk = max(1, _CHUNK_VALUES // widest)
    layouts = {
        p: ScopeLayout.of(codes, score_bins[p].fine, n_slices, score_bins[p].n_bins, bool(data.names))
        for p in resolution
    }
    cells, gather = {}, {}
    for p, r in resolution.items():
        layout = layouts[p]
        if r.nested:  # the split's (slice, label, coarse, within) grid: where each occupied pair sits in it
            cells[p] = ((codes * 2 + y) * r.size + r.index)[None, :]
            gather[p] = layout.gathers(r.flat, r.size * r.within)
        else:  # each row's positions in the (label, scope position) block
            cells[p] = layout.keys(y, codes, r.index)
    if not by_rows:
        cells = {p: c[:, rep][:, None, :] for p, c in cells.items()}  # each group's cell(s), (k, 1, groups)
    drawn = {p: np.empty((2, resamples, layouts[p].starts.size)) for p in resolution}
    for start in range(0, resamples, chunk):
        size = min(chunk, resamples - start)
        if by_rows:  # about one group per row: drawing row indices is cheaper than the multinomial
            drawn_rows = rng.integers(0, n, size=(size, n))
            values = None if data.weights is None else data.weights[drawn_rows]
        else:
            values = rng.multinomial(n, group_rows / n, size=size)
            values = values if cell_weights is None else values * cell_weights
        for p, r in resolution.items():
            # in pieces of resamples, so the keys and counts held stay bounded; a nested party's
            # split is drawn piece after piece, in the order one call over the chunk would draw it
            per_resample = max(
                cells[p].shape[0] * (n if by_rows else cells[p].shape[-1]), n_slices * 2 * r.size * r.within
            )
            piece = max(1, _PIECE_VALUES // per_resample)
            for a in range(0, size, piece):
                part = slice(a, min(a + piece, size))
                rows = drawn_rows[part] if by_rows else None
                counts = None if values is None else values[part]
                roc, ap = _piece(layouts[p], r, cells[p], rows, counts, split.get(p), gather.get(p), n_slices, rng)
                drawn[p][:, start + part.start : start + part.stop] = roc, ap  # in the order of AUC_METRICS
    out = {}
    for p in resolution:
        scopes = list(_slice_keys(p, data.names))
        if not data.names:
            scopes = scopes[:1]  # the one slice is the whole data
        for k, (_, key) in enumerate(scopes):
            shift = observed[p].shift[key]
            out[key] = {m: drawn[p][i, :, k] + shift[m] for i, m in enumerate(AUC_METRICS)}
    return out


def _piece(layout, r, cells, rows, counts, split, gather, n_slices, rng):
    """roc_auc and pr_auc of a few resamples of one party: its (label, scope position) block from
    the drawn rows or group counts, through the split into fine bins if the party is nested."""
    size = (rows if rows is not None else counts).shape[0]
    exact_sums = counts is None or np.issubdtype(counts.dtype, np.integer)  # integer counts: exact running sums
    width = n_slices * 2 * r.size if r.nested else 2 * layout.width
    keys = cells[:, rows] if rows is not None else cells
    keys = keys + (np.arange(size) * width)[:, None]
    repeat = None if counts is None else np.broadcast_to(counts, keys.shape).ravel()
    hist = np.bincount(keys.ravel(), weights=repeat, minlength=size * width)
    if not r.nested:
        return segment_auc(hist.reshape(size, 2, layout.width), layout, exact_sums)
    hist = hist.reshape(size, n_slices, 2, r.size)
    fine = rng.multinomial(np.rint(hist).astype(np.int64), split).reshape(size, n_slices, -1)
    pairs, whole = gather
    block = fine.reshape(size, -1)[:, pairs]
    if whole is not None:
        block = np.concatenate([fine.sum(axis=1)[:, whole], block], axis=-1)
    return segment_auc(block, layout, exact_sums)


def _slice_keys(party: str, names: tuple[str, ...]):
    yield None, (party, ALL)
    for s, name in enumerate(names):
        yield s, (party, name)


def _groups(data: _Data, resolutions) -> tuple[np.ndarray, np.ndarray]:
    """Occupied (slice, label, index of every party) cells: rows per group and a representative row
    of each. Falls back to one group per row if the packed key would overflow."""
    n = data.y.size
    own = np.ones(n, dtype=np.int64) if data.mult is None else np.rint(data.mult).astype(np.int64)
    key = data.codes * 2 + data.y
    span = float(data.n_slices * 2)
    for r in resolutions:
        span *= r.size
        if span >= 2.0**62:
            return own, np.arange(n)
        key = key * r.size + r.index
    if span <= _DENSE_GROUP_SPAN:  # count in a table, O(n): the same groups, in the same (key) order
        sizes = np.bincount(key, weights=None if data.mult is None else own, minlength=int(span))
        occupied = np.flatnonzero(np.bincount(key, minlength=int(span)))
        table = np.empty(int(span), dtype=np.int64)
        table[key] = np.arange(n)  # some row of each group: every row of a group has the same cells
        return np.rint(sizes[occupied]).astype(np.int64), table[occupied]
    _, rep, inverse = np.unique(key, return_index=True, return_inverse=True)
    sizes = np.bincount(inverse.ravel(), weights=own)
    return np.rint(sizes).astype(np.int64), rep


def _auto_joint_bins(data: _Data, score_bins, max_cells: int) -> int:
    """The finest coarse resolution whose occupied joint cells fit in ``max_cells`` (8 at least).

    Strongly associated scores occupy few joint cells, so they get a fine pairing: exactly where
    the pairing matters most."""
    bins = list(score_bins)
    for j in JOINT_BIN_CHOICES:
        key = data.codes * 2 + data.y
        span = data.n_slices * 2
        for sb in bins:
            size = min(j, sb.n_bins)
            key = key * size + (sb.fine * size) // sb.n_bins
            span *= size
        occupied = np.count_nonzero(np.bincount(key, minlength=span)) if span <= 1 << 24 else np.unique(key).size
        if occupied <= max_cells:
            return j
    return JOINT_BIN_CHOICES[-1]
