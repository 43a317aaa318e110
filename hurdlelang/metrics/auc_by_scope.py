"""roc_auc and pr_auc of every value of a slice column at once: one sort by (slice, score) instead of
one sort per slice value. The formulas are metrics/binary.py's (Mann-Whitney with ties 1/2;
average precision with a threshold at each distinct score), summed per slice with bincount, so a
column with 500 values costs about what the whole data costs.

A slice value where the one-at-a-time function would give an undefined value with a reason (one
class only, no rows of positive weight) comes back as NaN: the caller asks the one-at-a-time
function for it, so the reason is worded the same.
"""

from __future__ import annotations

import numpy as np

from hurdlelang.metrics.values import row_weights


def auc_by_scope(
    label: np.ndarray, score: np.ndarray, codes: np.ndarray, n_scopes: int, weight: np.ndarray | None
) -> np.ndarray | None:
    """(n_scopes, 2): roc_auc and pr_auc of each slice value (codes index the values), NaN where
    undefined; None when a score is not finite (the one-at-a-time function words that reason)."""
    s = np.asarray(score, dtype=float)
    if not np.isfinite(s).all():
        return None
    w = row_weights(weight, len(s))
    keep = w > 0  # as metrics/binary.py: rows of zero weight are not on the curve
    y, s, w, codes = np.asarray(label)[keep].astype(bool), s[keep], w[keep], np.asarray(codes)[keep]
    order = by_scope_then_score(s, codes, n_scopes)
    c_sorted, s_sorted = codes[order], s[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (c_sorted[1:] != c_sorted[:-1]) | (s_sorted[1:] != s_sorted[:-1])
    group = np.cumsum(new) - 1
    g_scope = c_sorted[new]
    pos = np.bincount(group, weights=(w * y)[order], minlength=len(g_scope))
    neg = np.bincount(group, weights=(w * ~y)[order], minlength=len(g_scope))
    big_p = np.bincount(g_scope, weights=pos, minlength=n_scopes)
    big_n = np.bincount(g_scope, weights=neg, minlength=n_scopes)
    pos_below = _before_within(pos, g_scope, big_p)
    neg_below = _before_within(neg, g_scope, big_n)
    with np.errstate(divide="ignore", invalid="ignore"):
        roc = np.bincount(g_scope, weights=pos * (neg_below + neg / 2), minlength=n_scopes) / (big_p * big_n)
        tp = big_p[g_scope] - pos_below  # positives scored at least this score, in its slice
        fp = big_n[g_scope] - neg_below
        pr = np.bincount(g_scope, weights=pos * tp / (tp + fp), minlength=n_scopes) / big_p
    roc = np.where((big_p > 0) & (big_n > 0), roc, np.nan)
    pr = np.where(big_p > 0, np.maximum(pr, 0.0), np.nan)
    return np.stack([roc, pr], 1)


def by_scope_then_score(score: np.ndarray, codes: np.ndarray, n_scopes: int) -> np.ndarray:
    """An order by scope, then score: entries tied on both are summed together whatever their order,
    so the score sort need not be stable (quicksort, a fraction of lexsort's time), and the scope
    sort is numpy's stable radix sort on small integers."""
    by_score = np.argsort(score)
    scope = codes[by_score]
    if n_scopes <= np.iinfo(np.int16).max:
        scope = scope.astype(np.int16)
    return by_score[np.argsort(scope, kind="stable")]


def _before_within(values: np.ndarray, scope: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Sum of the earlier values of the same scope (values sorted by scope)."""
    before = np.concatenate([[0.0], np.cumsum(totals)[:-1]])
    return np.cumsum(values) - values - before[scope]
