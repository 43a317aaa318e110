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

Cost: O(entries) per party and scope column when the scores have few distinct values (a hash
ranks them: metrics/auc_by_scope.py), one sort when they have many; no resampling of cells.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from hurdlelang.metrics.auc_by_scope import (
    CellCurves,
    Ranks,
    ScopeScoreCells,
    before_within,
    dense_fits,
    dense_ranks,
)
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
    return cell_gradients(label, ScopeScoreCells.of(score, scope, n_scopes), n_scopes, mult)


def cell_gradients(
    label: np.ndarray, cells: ScopeScoreCells, n_scopes: int, mult: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """``auc_gradients`` over a party's (scope, score) cells already found."""
    y = np.asarray(label, dtype=np.int64)
    m = None if mult is None else np.asarray(mult, dtype=float)
    pos, neg = cells.label_sums(y, m)
    c = CellCurves.of(pos, neg, cells.scope, n_scopes)
    g_scope = cells.scope
    defined = c.defined[g_scope]
    with np.errstate(divide="ignore", invalid="ignore"):
        pp, nn = np.where(defined, c.big_p[g_scope], 1.0), np.where(defined, c.big_n[g_scope], 1.0)
        pairs = pp * nn
        c2 = np.where(c.tp + c.fp > 0, (c.tp + c.fp) ** 2, 1.0)
        up_to_p = _inclusive_within(pos * c.fp / c2, g_scope, n_scopes)
        up_to_n = _inclusive_within(pos * c.tp / c2, g_scope, n_scopes)
        rg, pg = c.roc[g_scope], c.pr[g_scope]
        per_cell = np.zeros((len(g_scope), 2, len(METRICS)))  # [cell, label, metric]
        per_cell[:, 1, 0] = (c.neg_below + neg / 2) / pairs - rg / pp
        per_cell[:, 0, 0] = (c.tp - pos + pos / 2) / pairs - rg / nn
        per_cell[:, 1, 1] = (c.prec + up_to_p - pg) / pp
        per_cell[:, 0, 1] = -up_to_n / pp
    per_cell[~defined] = 0.0
    grads = per_cell.reshape(-1, len(METRICS))[cells.of_entry * 2 + y]  # one gather for both metrics
    values = np.stack([np.where(c.defined, c.roc, np.nan), np.where(c.defined, c.pr, np.nan)], 1)
    return values, grads


def _inclusive_within(values: np.ndarray, scope: np.ndarray, n_scopes: int) -> np.ndarray:
    """Sum of the values up to and including this one in the same scope (values sorted by scope)."""
    return before_within(values, scope, np.bincount(scope, weights=values, minlength=n_scopes)) + values


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
    ranks: Mapping[str, Ranks] | None = None,
) -> NormalAuc:
    """Every party's roc_auc and pr_auc on the ``wanted`` scopes (names; ``codes`` index ``names``
    per entry), drawn jointly per scope over the parties from the delta method. ``ranks``: each
    party's ``dense_ranks`` of its scores, when the caller found them already."""
    y, codes = np.asarray(label, dtype=np.int64), np.asarray(codes, dtype=np.int64)
    m = None if mult is None else np.asarray(mult, dtype=float)
    by_class = np.bincount(codes * 2 + y, weights=m, minlength=2 * len(names)).reshape(-1, 2)
    index = {name: k for k, name in enumerate(names)}
    large = [w for w in wanted if by_class[index[w]].min() >= MIN_CLASS_ROWS]
    small = tuple(w for w in wanted if w not in large)
    if not large:
        return NormalAuc({}, {}, small)
    # only the entries of the large scopes, renumbered 0..len(large)-1 in the order of ``large``
    renumber = np.full(len(names), -1, dtype=np.int64)
    renumber[[index[w] for w in large]] = np.arange(len(large))
    scope = renumber[codes]
    keep = slice(None) if len(large) == len(names) else scope >= 0  # (a view, not a copy, of every entry)
    parties = list(scores)
    if ranks is not None and isinstance(keep, slice):  # every entry kept: the ranks of all of them
        found = [ranks[p] for p in parties]
    else:
        found = [dense_ranks(np.asarray(scores[p])[keep]) for p in parties]
    y, scope, m, found = _collapsed(y[keep], scope[keep], len(large), _kept(m, keep), found)
    points, grads = [], []
    for rank, distinct in found:
        values, g = cell_gradients(y, ScopeScoreCells.of_ranks(rank, distinct, scope, len(large)), len(large), m)
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


def _collapsed(y: np.ndarray, scope: np.ndarray, n_scopes: int, m: np.ndarray | None, ranks: list[Ranks]):
    """The entries with the same scope, label and every party's score (``dense_ranks`` of it) merged
    into one, their rows added up, when that at least halves them: an entry's gradient depends on
    nothing else, and the covariance and Berry-Esseen sums are linear in the rows, so the result is
    the same. It pays on the whole data when the engine's cells were grouped by a slice column too
    (500 slice values: 700,000 cells, a few thousand without the slice)."""
    if not ranks:
        return y, scope, m, ranks
    most = len(y) // 2
    if max(distinct for _, distinct in ranks) > most:
        return y, scope, m, ranks  # at least one group per distinct score: no halving
    group, groups, keys = np.asarray(scope, dtype=np.int64) * 2 + y, 2 * n_scopes, []
    for rank, distinct in ranks:  # more keys only split groups: stop as soon as halving is out of reach
        renumbered = _renumbered(group * distinct + rank, groups * distinct, most)
        if renumbered is None:
            return y, scope, m, ranks
        group, key = renumbered
        groups = len(key)
        keys.append(key)
    rows = np.bincount(group, weights=m, minlength=groups).astype(float, copy=False)
    # each group's scope, label and ranks read back from the keys that numbered it: no gather over
    # the entries, whose positions are scattered
    number, merged = np.arange(groups), []
    for key, (_, distinct) in zip(reversed(keys), reversed(ranks), strict=True):
        number, rank = np.divmod(key[number], distinct)
        merged.insert(0, (rank, distinct))
    return number % 2, number // 2, rows, merged


def _renumbered(key: np.ndarray, span: int, most: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Each key (0 <= key < span) numbered by its distinct value, and the value of each number; None
    when there are more than ``most``. Keys spanning no more than the entries are counted in a
    table (no hash, no sort)."""
    if not dense_fits(span, len(key)):
        codes, distinct = pd.factorize(key)
        return (codes, distinct) if len(distinct) <= most else None
    present = np.bincount(key, minlength=span) > 0
    if np.count_nonzero(present) > most:
        return None
    return (np.cumsum(present) - 1)[key], np.flatnonzero(present)


def _kept(m: np.ndarray | None, keep: np.ndarray | slice) -> np.ndarray | None:
    return None if m is None else m[keep]
