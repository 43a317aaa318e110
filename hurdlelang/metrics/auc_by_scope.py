"""roc_auc and pr_auc of every value of a slice column at once, without one pass per slice value:
Mann-Whitney with ties 1/2 and average precision with a threshold at each distinct score, summed
per slice with bincount, so a column with 500 values costs about what the whole data costs
(metrics/binary.py's whole-data roc_auc and pr_auc are the one-scope case).

The sums run over (slice value, distinct score) *cells* in slice-then-score order
(``ScopeScoreCells``). A score with few distinct values (on a grid, a rule's 0/1) needs no sort of
the entries at all: a hash gives each entry its rank among the distinct scores, and every (slice,
rank) pair is a cell, the empty ones adding 0 to every sum. Only when those pairs outnumber the
entries are the occupied ones sorted. stats/auc_normal.py sums over the same cells (``CellCurves``).

A slice value where the one-at-a-time function would give an undefined value with a reason (one
class only, no rows of positive weight) comes back as NaN: the caller asks the one-at-a-time
function for it, so the reason is worded the same.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from hurdlelang.metrics.values import row_weights

_HASHED_SAMPLE = 8192  # entries looked at to guess whether a score has few distinct values
_EMPTY_CELLS = 4096  # keys of a table beyond its entries' number that still cost little


def auc_by_scope(
    label: np.ndarray,
    score: np.ndarray,
    codes: np.ndarray,
    n_scopes: int,
    weight: np.ndarray | None,
    ranks: Ranks | None = None,
) -> np.ndarray | None:
    """(n_scopes, 2): roc_auc and pr_auc of each slice value (codes index the values), NaN where
    undefined; None when a score is not finite (the one-at-a-time function words that reason).
    ``ranks``: the scores' ``dense_ranks``, when the caller has them (they serve every column)."""
    s = np.asarray(score, dtype=float)
    if not np.isfinite(s).all():
        return None
    y, codes = np.asarray(label).astype(bool), np.asarray(codes)
    w = None
    if weight is not None:
        w = row_weights(weight, len(s))
        keep = w > 0  # as metrics/binary.py: rows of zero weight are not on the curve
        y, s, w, codes = y[keep], s[keep], w[keep], codes[keep]
        ranks = ranks if keep.all() else None  # (the ranks of every row)
    curves = scope_curves(y, s, codes, n_scopes, w, ranks)
    roc = np.where(curves.defined, curves.roc, np.nan)
    pr = np.where(curves.big_p > 0, np.maximum(curves.pr, 0.0), np.nan)
    return np.stack([roc, pr], 1)


def scope_curves(
    y: np.ndarray,
    score: np.ndarray,
    codes: np.ndarray,
    n_scopes: int,
    weight: np.ndarray | None,
    ranks: Ranks | None = None,
) -> CellCurves:
    """The ``CellCurves`` of every scope from the entries' labels (bool), finite scores (or their
    ``dense_ranks``), scope codes and weights (positive; None: 1 each)."""
    cells = ScopeScoreCells.of_ranks(*(ranks or dense_ranks(score)), codes, n_scopes)
    return CellCurves.of(*cells.label_sums(y, weight), cells.scope, n_scopes)


Ranks = tuple[np.ndarray, int]  # each entry's rank among the distinct scores, and their number


def dense_ranks(score: np.ndarray) -> Ranks:
    """Each entry's rank among the distinct scores (0 the lowest), and how many distinct scores
    there are. Scores are finite (the engine's value checks)."""
    score = np.asarray(score)
    if len(score) == 0:
        return np.zeros(0, dtype=np.int64), 0
    seen, looked_at = _sampled_distinct(score)
    if seen * 2 <= looked_at:  # values repeat at least half the time: few distinct scores
        # a hash factorisation, O(n), its table sized from the sample (no rehashing as it fills),
        # then a sort of the distinct values only
        codes, distinct = pd.factorize(score, use_na_sentinel=False, size_hint=4 * seen)
        rank_of_code = np.empty(len(distinct), dtype=np.int64)
        rank_of_code[np.argsort(distinct)] = np.arange(len(distinct))
        return rank_of_code[codes], len(distinct)
    order = np.argsort(score)  # a hash of a million distinct floats costs about three sorts of them
    in_order = score[order]
    new = np.ones(len(score), dtype=bool)
    new[1:] = in_order[1:] != in_order[:-1]
    rank = np.empty(len(score), dtype=np.int64)
    rank[order] = np.cumsum(new) - 1
    return rank, int(new.sum())


def dense_fits(span: int, entries: int) -> bool:
    """Whether a table over ``span`` keys (a few empty) costs no more than the entries it counts."""
    return span <= entries + _EMPTY_CELLS


def _sampled_distinct(score: np.ndarray) -> tuple[int, int]:
    """The distinct values in an evenly spread sample of the scores, and the sample's size: only to
    choose between two ways of ranking that give the same ranks."""
    sample = score[:: max(1, len(score) // _HASHED_SAMPLE)]
    return len(np.unique(sample)), len(sample)


@dataclass(frozen=True)
class ScopeScoreCells:
    """The (scope, distinct score) cells of one party's entries, numbered in scope-then-score order."""

    of_entry: np.ndarray  # (n,) the cell of each entry
    scope: np.ndarray  # (cells,) the scope of each cell, ascending

    @classmethod
    def of(cls, score: np.ndarray, codes: np.ndarray, n_scopes: int) -> ScopeScoreCells:
        return cls.of_ranks(*dense_ranks(score), codes, n_scopes)

    @classmethod
    def of_ranks(cls, rank: np.ndarray, distinct: int, codes: np.ndarray, n_scopes: int) -> ScopeScoreCells:
        """From each entry's ``dense_ranks`` rank (of ``distinct``) and scope code (of ``n_scopes``)."""
        key = np.asarray(codes, dtype=np.int64) * distinct + rank
        if dense_fits(n_scopes * distinct, len(key)):
            # every (scope, rank) pair a cell: no sort of the entries, no more cells than entries
            return cls(key, np.repeat(np.arange(n_scopes), distinct))
        occupied, of_entry = np.unique(key, return_inverse=True)
        return cls(of_entry, occupied // distinct)

    def label_sums(self, y: np.ndarray, weight: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """The (weighted) positives and negatives of each cell, from one bincount."""
        both = np.bincount(self.of_entry * 2 + y, weights=weight, minlength=2 * len(self.scope))
        both = both.astype(float, copy=False)  # (counts when unweighted)
        return both[1::2], both[::2]


@dataclass(frozen=True)
class CellCurves:
    """roc_auc and pr_auc of each scope from the positives and negatives of its cells (ascending
    score within the scope), and the running sums they come from, per cell."""

    big_p: np.ndarray  # (scopes,) positives
    big_n: np.ndarray  # (scopes,) negatives
    pos_below: np.ndarray  # (cells,) positives scored below the cell's score, in its scope
    neg_below: np.ndarray
    tp: np.ndarray  # (cells,) positives scored at least the cell's score, in its scope
    fp: np.ndarray
    prec: np.ndarray  # (cells,) precision at the cell's score as threshold (0 with nothing above it)
    roc: np.ndarray  # (scopes,) meaningful where ``defined``
    pr: np.ndarray  # (scopes,) meaningful where big_p > 0

    @classmethod
    def of(cls, pos: np.ndarray, neg: np.ndarray, cell_scope: np.ndarray, n_scopes: int) -> CellCurves:
        big_p = np.bincount(cell_scope, weights=pos, minlength=n_scopes)
        big_n = np.bincount(cell_scope, weights=neg, minlength=n_scopes)
        pos_below = before_within(pos, cell_scope, big_p)
        neg_below = before_within(neg, cell_scope, big_n)
        tp = big_p[cell_scope] - pos_below
        fp = big_n[cell_scope] - neg_below
        with np.errstate(divide="ignore", invalid="ignore"):
            prec = np.where(tp + fp > 0, tp / (tp + fp), 0.0)  # 0/0 only in an empty cell (pos 0)
            pairs = np.where((big_p > 0) & (big_n > 0), big_p * big_n, 1.0)
            roc = np.bincount(cell_scope, weights=pos * (neg_below + neg / 2), minlength=n_scopes) / pairs
            pr = np.bincount(cell_scope, weights=pos * prec, minlength=n_scopes) / np.where(big_p > 0, big_p, 1.0)
        return cls(big_p, big_n, pos_below, neg_below, tp, fp, prec, roc, pr)

    @property
    def defined(self) -> np.ndarray:
        """(scopes,) both classes present: roc_auc (and the delta method's pr_auc) defined."""
        return (self.big_p > 0) & (self.big_n > 0)


def before_within(values: np.ndarray, scope: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Sum of the earlier values of the same scope (values sorted by scope; ``totals`` their sums
    per scope): one running sum over every scope, less its value where the scope starts."""
    before = np.concatenate([[0.0], np.cumsum(totals)[:-1]])
    return np.cumsum(values) - values - before[scope]
