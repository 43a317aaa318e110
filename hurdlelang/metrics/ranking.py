"""Ranking metrics on long-format data: one row per (query, item) with a query id, a relevance
label and a score. Within a query a higher score ranks first.

Conventions, chosen once for all ranking metrics:
- relevant means relevance > 0; graded relevance matters only to ndcg, which uses it as the gain;
- ties in score are broken by original row order (a stable sort), except in ndcg, which averages
  over the orders of tied items exactly as sklearn's ndcg_score(ignore_ties=False) does;
- a query's weight is the weight of its rows (sklearn's per-query sample_weight), so it must be the
  same on every row of a query;
- a query with fewer than k items is ranked in full: hit_rate, recall and ndcg see all its items,
  and precision@k still divides by k (the empty slots count as misses, as in TREC's P@k).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from hurdlelang.metrics.values import MetricValue, nonfinite_reason, row_weights, safe_divide, shown, undefined


@dataclass(frozen=True)
class Ranked:
    """Rows sorted by query, then score (descending), then original row order."""

    query: np.ndarray  # query index of each sorted row, 0..q-1
    position: np.ndarray  # 0-based rank of the row within its query
    relevance: np.ndarray
    score: np.ndarray
    query_weight: np.ndarray  # one per query
    size: np.ndarray  # items per query

    @property
    def queries(self) -> int:
        return len(self.size)

    def per_query(self, values: np.ndarray) -> np.ndarray:
        return np.bincount(self.query, weights=values, minlength=self.queries)

    def average(self, per_query: np.ndarray, among: np.ndarray | None = None) -> float:
        w = self.query_weight if among is None else np.where(among, self.query_weight, 0.0)
        return float(np.average(per_query, weights=w))


def rank(group, label, score, weight=None) -> Ranked | MetricValue:
    relevance = np.asarray(label, dtype=float)
    s = np.asarray(score, dtype=float)
    if reason := nonfinite_reason(s, "score") or nonfinite_reason(relevance, "relevance"):
        return undefined(reason)
    ids, query = np.unique(np.asarray(group), return_inverse=True)
    if len(ids) == 0:
        return undefined("no queries")
    w = row_weights(weight, len(s))
    query_weight = np.zeros(len(ids))
    query_weight[query] = w
    if (query_weight[query] != w).any():
        bad = ids[np.unique(query[query_weight[query] != w])[0]]
        return undefined(f"weights differ within query {shown(bad)}: ranking weights are per query")
    if query_weight.sum() == 0:
        return undefined("all queries have zero weight")
    order = np.lexsort((np.arange(len(s)), -s, query))
    query = query[order]
    size = np.bincount(query, minlength=len(ids))
    position = np.arange(len(s)) - np.repeat(np.cumsum(size) - size, size)
    return Ranked(query, position, relevance[order], s[order], query_weight, size)


def hit_rate(r: Ranked, k: int) -> MetricValue:
    """Share of all queries with a relevant item in the top k (a query with none is a miss)."""
    hits = r.per_query((r.relevance > 0) & (r.position < k)) > 0
    return MetricValue(r.average(hits))


def precision_at(r: Ranked, k: int) -> MetricValue:
    return MetricValue(r.average(r.per_query((r.relevance > 0) & (r.position < k)) / k))


def recall_at(r: Ranked, k: int) -> MetricValue:
    """Mean over the queries that have a relevant item (others have no recall to measure)."""
    relevant = r.per_query(r.relevance > 0)
    has_relevant = (relevant > 0) & (r.query_weight > 0)
    if not has_relevant.any():
        return undefined("no query has a relevant item: recall has nothing to find")
    found = r.per_query((r.relevance > 0) & (r.position < k))
    return MetricValue(r.average(np.nan_to_num(safe_divide(found, relevant)), among=has_relevant))


def mrr(r: Ranked, _k: int | None = None) -> MetricValue:
    """Mean over all queries of 1 / rank of the first relevant item; a query with none adds 0."""
    first = np.full(r.queries, np.inf)
    relevant = r.relevance > 0
    np.minimum.at(first, r.query[relevant], r.position[relevant])
    return MetricValue(r.average(np.where(np.isfinite(first), 1 / (first + 1), 0.0)))


def _discount(position: np.ndarray, k: int) -> np.ndarray:
    # written as sklearn writes it so the two agree to the last bit where they can
    return np.where(position < k, 1 / (np.log(position + 2) / np.log(2)), 0.0)


def ndcg(r: Ranked, k: int) -> MetricValue:
    """sklearn's ndcg_score per query (linear gain, log2 discount, ties averaged), averaged over
    queries; a query with no relevant item scores 0, as in sklearn."""
    if (r.relevance < 0).any():
        return undefined("negative relevance labels: ndcg needs gains >= 0")
    # each run of tied scores within a query shares its mean gain over the run's discounts
    new_run = np.r_[True, (r.query[1:] != r.query[:-1]) | (r.score[1:] != r.score[:-1])]
    run = np.cumsum(new_run) - 1
    run_gain = safe_divide(np.bincount(run, weights=r.relevance), np.bincount(run))
    dcg = r.per_query(run_gain[run] * _discount(r.position, k))
    ideal_order = np.lexsort((-r.relevance, r.query))
    ideal = r.per_query(r.relevance[ideal_order] * _discount(r.position, k))
    return MetricValue(r.average(np.where(ideal > 0, safe_divide(dcg, ideal), 0.0)))


RANKING_LIBRARY: dict[str, Callable[[Ranked, int], MetricValue]] = {
    "hit_rate": hit_rate,
    "precision": precision_at,
    "recall": recall_at,
    "ndcg": ndcg,
    "mrr": mrr,
}
