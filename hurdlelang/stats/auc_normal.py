"""roc_auc and pr_auc by the normal approximation: the delta method over the exact score ranks.

Per party and scope, with pos[v], neg[v] the (row-counted) positives and negatives at each distinct
score v in ascending order, P and N their totals, and TP(v), FP(v) the positives and negatives scored
at least v (the notation of hurdlelang/stats/bootstrap_auc.py):

    roc_auc = sum_v pos[v] (neg[< v] + neg[v] / 2) / (P N)
    pr_auc  = sum_v pos[v] prec(v) / P,   prec(v) = TP(v) / (TP(v) + FP(v))

Both are ratios of counts (homogeneous of degree 0), and their gradients with respect to the count
of a (label, score) cell are, writing c(v) = TP(v) + FP(v) and sums over v <= j in score order,

    d roc / d pos[j] = (neg[< j] + neg[j] / 2) / (P N) - roc / P
    d roc / d neg[j] = (pos[> j] + pos[j] / 2) / (P N) - roc / N
    d pr  / d pos[j] = (prec(j) + sum_{v<=j} pos[v] FP(v) / c(v)^2) / P - pr / P
    d pr  / d neg[j] = -sum_{v<=j} pos[v] TP(v) / c(v)^2 / P

The variance sum_k C_k g(k)^2 of roc_auc is DeLong's (with the bootstrap's 1/n where DeLong has
1/(n-1)): the per-cell gradients are his placement values, centred. The paired covariance of two
parties comes from the same entries, each carrying both parties' gradients, so it is exact: no
binning, no coarse pairing. hurdlelang/stats/linear_normal.py turns the gradients into draws.

Cost: one sort per party and scope column, then O(entries); no resampling of cells.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from hurdlelang.metrics.auc_by_scope import by_scope_then_score
from hurdlelang.stats.linear_normal import LinearScopes

METRICS = ("roc_auc", "pr_auc")

MIN_CLASS_ROWS = 200
"""A scope uses the normal method when it holds at least this many positives and as many negatives;
fewer keep the bootstrap. Simulated coverage of the 95% interval (docs/statistics.md, "roc_auc and
pr_auc by the normal approximation"): 93.4%-95.1% with 100 positives, 94.1%-95.5% with 150, so 200
keeps a margin below the 93.5% floor."""

METHOD = "normal approximation (delta method over the exact score ranks: DeLong's variance, paired)"


def auc_gradients(
    label: np.ndarray, score: np.ndarray, scope: np.ndarray, n_scopes: int, mult: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Exact (roc_auc, pr_auc) of every scope, (S, 2), and each entry's gradients, (n, 2): of its
    own scope's values, with respect to the count of the (label, score) cell it falls in. A scope
    without positives or without negatives has NaN values and zero gradients."""
    y = label.astype(bool)
    m = np.ones(len(y)) if mult is None else np.asarray(mult, dtype=float)
    order = by_scope_then_score(score, scope, n_scopes)
    s_sorted, v_sorted = scope[order], score[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (s_sorted[1:] != s_sorted[:-1]) | (v_sorted[1:] != v_sorted[:-1])
    group_sorted = np.cumsum(new) - 1
    group = np.empty(len(order), dtype=np.int64)
    group[order] = group_sorted
    g_count = int(group_sorted[-1]) + 1 if len(order) else 0
    g_scope = s_sorted[new]
    pos = np.bincount(group, weights=m * y, minlength=g_count)
    neg = np.bincount(group, weights=m * ~y, minlength=g_count)

    big_p = np.bincount(g_scope, weights=pos, minlength=n_scopes)
    big_n = np.bincount(g_scope, weights=neg, minlength=n_scopes)
    pos_below = _exclusive_within(pos, g_scope, n_scopes)
    neg_below = _exclusive_within(neg, g_scope, n_scopes)
    pp, nn = big_p[g_scope], big_n[g_scope]
    defined_scope = (big_p > 0) & (big_n > 0)
    defined = defined_scope[g_scope]
    with np.errstate(divide="ignore", invalid="ignore"):
        pairs = np.where(defined, pp * nn, 1.0)
        roc = np.bincount(g_scope, weights=pos * (neg_below + neg / 2), minlength=n_scopes) / np.where(
            defined_scope, big_p * big_n, 1.0
        )
        tp = pp - pos_below  # positives scored at least v
        fp = nn - neg_below
        prec = np.where(tp + fp > 0, tp / (tp + fp), 0.0)
        pr = np.bincount(g_scope, weights=pos * prec, minlength=n_scopes) / np.where(defined_scope, big_p, 1.0)
        c2 = np.where(tp + fp > 0, (tp + fp) ** 2, 1.0)
        up_to_p = _inclusive_within(pos * fp / c2, g_scope, n_scopes)
        up_to_n = _inclusive_within(pos * tp / c2, g_scope, n_scopes)
        rg, pg = roc[g_scope], pr[g_scope]
        roc_pos = (neg_below + neg / 2) / pairs - rg / np.where(defined, pp, 1.0)
        roc_neg = (pp - pos_below - pos + pos / 2) / pairs - rg / np.where(defined, nn, 1.0)
        pr_pos = (prec + up_to_p - pg) / np.where(defined, pp, 1.0)
        pr_neg = -up_to_n / np.where(defined, pp, 1.0)
    grad_roc = np.where(defined[group], np.where(y, roc_pos[group], roc_neg[group]), 0.0)
    grad_pr = np.where(defined[group], np.where(y, pr_pos[group], pr_neg[group]), 0.0)
    values = np.stack([np.where(defined_scope, roc, np.nan), np.where(defined_scope, pr, np.nan)], 1)
    return values, np.stack([grad_roc, grad_pr], 1)


def _exclusive_within(values: np.ndarray, scope: np.ndarray, n_scopes: int) -> np.ndarray:
    """Sum of the earlier values of the same scope (values sorted by scope)."""
    return _inclusive_within(values, scope, n_scopes) - values


def _inclusive_within(values: np.ndarray, scope: np.ndarray, n_scopes: int) -> np.ndarray:
    running = np.cumsum(values)
    totals = np.bincount(scope, weights=values, minlength=n_scopes)
    before = np.concatenate([[0.0], np.cumsum(totals)[:-1]])
    return running - before[scope]


@dataclass(frozen=True)
class NormalAuc:
    """Draws of roc_auc and pr_auc per (party, scope name) for the scopes large enough (``drawn``),
    the Berry-Esseen bound of each, and the scopes left to the bootstrap (``small``: too few
    positives or negatives)."""

    samples: dict[tuple[str, str], dict[str, np.ndarray]]
    bound: dict[tuple[str, str], dict[str, float]]
    small: tuple[str, ...]


def normal_auc(
    label: np.ndarray,
    scores: Mapping[str, np.ndarray],
    codes: np.ndarray,
    names: tuple[str, ...],
    wanted: Sequence[str],
    mult: np.ndarray | None,
    resamples: int,
    seed: int,
    stream: str,
) -> NormalAuc:
    """Every party's roc_auc and pr_auc on the ``wanted`` scopes (names; ``codes`` index ``names``
    per entry), drawn jointly per scope over the parties from the delta method."""
    y = np.asarray(label).astype(np.int64)
    m = None if mult is None else np.asarray(mult, dtype=float)
    ones = np.ones(len(y)) if m is None else m
    positives = np.bincount(codes, weights=ones * y, minlength=len(names))
    negatives = np.bincount(codes, weights=ones * (1 - y), minlength=len(names))
    index = {name: k for k, name in enumerate(names)}
    large = [w for w in wanted if min(positives[index[w]], negatives[index[w]]) >= MIN_CLASS_ROWS]
    small = tuple(w for w in wanted if w not in large)
    if not large:
        return NormalAuc({}, {}, small)
    # only the entries of the large scopes, renumbered 0..len(large)-1 in the order of ``large``
    renumber = np.full(len(names), -1, dtype=np.int64)
    renumber[[index[w] for w in large]] = np.arange(len(large))
    scope = renumber[codes]
    keep = scope >= 0
    parties = list(scores)
    y, scope, m, columns = _collapsed(
        y[keep], scope[keep], _kept(m, keep), [np.asarray(scores[p])[keep] for p in parties]
    )
    points, grads = [], []
    for score in columns:
        values, g = auc_gradients(y, score, scope, len(large), m)
        points.append(values)
        grads.append(g)
    linear = LinearScopes.of(np.concatenate(points, 1), scope, np.concatenate(grads, 1), m)
    drawn = linear.draw(resamples, seed, stream)
    samples, bound = {}, {}
    for k, where in enumerate(large):
        for j, party in enumerate(parties):
            cols = slice(len(METRICS) * j, len(METRICS) * (j + 1))
            samples[(party, where)] = dict(zip(METRICS, drawn[k][:, cols].T, strict=True))
            bound[(party, where)] = dict(zip(METRICS, linear.bound[k, cols].tolist(), strict=True))
    return NormalAuc(samples, bound, small)


def _collapsed(y: np.ndarray, scope: np.ndarray, m: np.ndarray | None, scores: list[np.ndarray]):
    """The entries with the same scope, label and every party's score merged into one, their rows
    added up, when that at least halves them: an entry's gradient depends on nothing else, and the
    covariance and Berry-Esseen sums are linear in the rows, so the result is the same. It pays on
    the whole data when the engine's cells were grouped by a slice column too (500 slice values:
    700,000 cells, a few thousand without the slice)."""
    key, groups = scope.astype(np.int64) * 2 + y, 0
    if not scores:
        return y, scope, m, scores
    for score in scores:  # more keys only split groups: stop as soon as halving is out of reach
        codes, distinct = pd.factorize(score, use_na_sentinel=False)
        key, uniques = pd.factorize(key * len(distinct) + codes)
        groups = len(uniques)
        if groups * 2 > len(key):
            return y, scope, m, scores
    first = np.empty(groups, dtype=np.int64)
    first[key[::-1]] = np.arange(len(key))[::-1]  # any entry of a group would do: the first
    rows = np.bincount(key, weights=np.ones(len(key)) if m is None else m, minlength=groups)
    return y[first], scope[first], rows, [score[first] for score in scores]


def _kept(m: np.ndarray | None, keep: np.ndarray) -> np.ndarray | None:
    return None if m is None else m[keep]
