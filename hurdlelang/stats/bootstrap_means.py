"""Bootstrap of metrics that are sums over units, vectorised across resamples.

A row bootstrap draws each row m_i times, (m_1..m_n) ~ Multinomial(n, 1/n); for ranking the units
are whole queries. Many metrics are ratios of weighted sums over units: mae = sum w|e| / sum w,
r2 from sum w e^2, sum w y, sum w y^2, a multiclass confusion matrix is a sum of one-hot cells,
hit_rate@k a weighted mean of per-query hits. For those, every resample's value comes from one
matrix product, draws (B x units) @ columns (units x s), and a `combine` of the s sums: exactly the
value of the metric on the resampled rows, without computing it B times. Each form below mirrors
the formula of the metric library (hurdlelang/metrics_*.py); tests/test_uncertainty.py checks
that both give the same samples on the same draws.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from hurdlelang.data.prepared import PartyData, Prepared
from hurdlelang.lang import ir
from hurdlelang.metrics.multiclass import COST_METRICS, Cells
from hurdlelang.metrics.ranking import Ranked, _discount, rank
from hurdlelang.metrics.registry import CONFUSION_METRIC_NAMES, vectorised_confusion_metric

EPS = np.finfo(float).eps


@dataclass(frozen=True)
class SumForm:
    """Per-unit columns whose resampled sums give the metric through `combine`."""

    columns: np.ndarray  # (units, s)
    combine: Callable[[np.ndarray], np.ndarray]  # (B, s) sums -> (B,) values, NaN where undefined


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


# The combines depend on the sums only, never on rows, so that an engine's sums (hurdlelang/stats/
# moments.py) go through the same formulas: `sum_combine` names them per metric.


def _mean_of(s: np.ndarray) -> np.ndarray:
    return _ratio(s[:, 0], s[:, 1])


def _root_mean_of(s: np.ndarray) -> np.ndarray:
    return np.sqrt(_mean_of(s))


def _total_of(s: np.ndarray) -> np.ndarray:
    return s[:, 0]


def _r2_of(s: np.ndarray) -> np.ndarray:
    sse, sy, syy, d = s.T
    with np.errstate(divide="ignore", invalid="ignore"):
        sst = syy - np.where(d > 0, sy * sy / np.where(d > 0, d, 1.0), 0.0)
    constant = sst <= 1e-12 * np.maximum(syy, 1.0)
    return np.where(constant | (d <= 0), np.nan, 1.0 - sse / np.where(constant, 1.0, sst))


def _mape_of(s: np.ndarray) -> np.ndarray:
    return np.where(s[:, 2] > 0, np.nan, _ratio(s[:, 0], s[:, 1]))


COMBINES: dict[tuple[str, str], Callable[[np.ndarray], np.ndarray]] = {
    **{("regression", m): _mean_of for m in ("mae", "mse", "bias")},
    ("regression", "rmse"): _root_mean_of,
    ("regression", "r2"): _r2_of,
    ("regression", "mape"): _mape_of,
    ("binary", "log_loss"): _mean_of,
    ("binary", "brier"): _mean_of,
    ("multiclass", "log_loss"): _mean_of,
    ("multiclass", "top_k_accuracy"): _mean_of,
    **{("ranking", m): _mean_of for m in ("hit_rate", "precision", "recall", "mrr", "ndcg")},
}


def sum_combine(task: str, name: str) -> Callable[[np.ndarray], np.ndarray] | None:
    """The combine of a metric's SumForm from its name alone, for sums an engine computed (None:
    not a sum metric, or one whose combine needs the data, as a confusion matrix's class count)."""
    if name in ("rows", "n", "queries"):
        return _total_of
    return COMBINES.get((task, name))


def _mean(values: np.ndarray, w: np.ndarray) -> SumForm:
    return SumForm(np.column_stack([w * values, w]), _mean_of)


def _r2(e: np.ndarray, y: np.ndarray, w: np.ndarray) -> SumForm:
    return SumForm(np.column_stack([w * e * e, w * y, w * y * y, w]), _r2_of)


def _mape(e: np.ndarray, y: np.ndarray, w: np.ndarray) -> SumForm:
    zero = (y == 0) & (w > 0)
    share = np.abs(e) / np.where(y == 0, 1.0, np.abs(y))
    return SumForm(np.column_stack([w * share, w, zero.astype(float)]), _mape_of)


def _regression(name: str, data: Prepared, party: PartyData, w: np.ndarray) -> SumForm | None:
    y = data.label.astype(float)
    e = party.decided.astype(float) - y
    means = {"mae": np.abs(e), "mse": e * e, "bias": e}
    if name in means:
        return _mean(means[name], w)
    if name == "rmse":
        return SumForm(_mean(e * e, w).columns, _root_mean_of)
    if name == "r2":
        return _r2(e, y, w)
    if name == "mape":
        return _mape(e, y, w)
    return None


def _class_index(values: np.ndarray, classes: np.ndarray) -> np.ndarray:
    return np.searchsorted(classes, values)


def _multiclass(metric: ir.MetricKey, data: Prepared, party: PartyData, w: np.ndarray) -> SumForm | None:
    name, param = metric.name, metric.param
    if name in COST_METRICS:
        return None  # the spec's costs are not here: computed on each resample instead
    if name in CONFUSION_METRIC_NAMES and party.decided is not None:
        classes = np.unique(np.concatenate([data.label, party.decided, np.asarray(data.classes or (), dtype=str)]))
        k = len(classes)
        cell = _class_index(data.label, classes) * k + _class_index(party.decided, classes)
        onehot = np.zeros((len(cell), k * k))
        onehot[np.arange(len(cell)), cell] = w
        cells = Cells(classes, metric.of)
        return SumForm(onehot, lambda s: vectorised_confusion_metric(name, param, s.reshape(-1, k, k), cells))
    if party.score is None or data.classes is None:
        return None
    p = party.score
    names = np.asarray(data.classes)
    order = np.argsort(names, kind="stable")
    column = order[np.searchsorted(names[order], data.label)]
    actual = p[np.arange(len(p)), column]
    if name == "log_loss":
        if np.abs(p.sum(axis=1) - 1).max() > 0.01:
            return None  # the library reports it undefined; the resamples are then all undefined
        return _mean(-np.log(np.clip(actual, EPS, 1 - EPS)), w)
    if name == "top_k_accuracy" and param is not None and param < len(names):
        rank_of = np.empty(len(order), dtype=np.int64)
        rank_of[order] = np.arange(len(order))
        tied_later = (p == actual[:, None]) & (rank_of[None, :] > rank_of[column][:, None])
        position = (p > actual[:, None]).sum(axis=1) + tied_later.sum(axis=1)
        return _mean((position < param).astype(float), w)
    return None


def _binary(name: str, data: Prepared, party: PartyData, w: np.ndarray) -> SumForm | None:
    if party.score is None and party.decided is None:
        return None
    # a decisions-only party's 0/1 decisions are its probabilities, as the evaluator takes them
    y, p = data.label, party.score if party.score is not None else party.decided.astype(float)
    if name == "log_loss":
        loss = -np.where(y == 1, np.log(np.clip(p, EPS, 1 - EPS)), np.log(np.clip(1 - p, EPS, 1 - EPS)))
        return _mean(loss, w)
    if name == "brier":
        return _mean((p - y) ** 2, w)
    return None


def query_units(data: Prepared) -> np.ndarray:
    """The query index (0..q-1, in sorted id order) of each row."""
    return np.unique(data.group, return_inverse=True)[1]


def _ranking(name: str, param, data: Prepared, party: PartyData) -> SumForm | None:
    r = rank(data.group, data.label, party.score, data.weight)
    if not isinstance(r, Ranked):
        return None
    qw = r.query_weight
    relevant = r.relevance > 0
    k = int(param) if param is not None else 0
    if name in ("hit_rate", "precision", "recall"):
        found = r.per_query(relevant & (r.position < k))
        if name == "hit_rate":
            return _mean((found > 0).astype(float), qw)
        if name == "precision":
            return _mean(found / k, qw)
        total = r.per_query(relevant)
        has = total > 0
        return _mean(np.where(has, found / np.where(has, total, 1.0), 0.0), np.where(has, qw, 0.0))
    if name == "mrr":
        first = np.full(r.queries, np.inf)
        np.minimum.at(first, r.query[relevant], r.position[relevant])
        return _mean(np.where(np.isfinite(first), 1 / (first + 1), 0.0), qw)
    if name == "ndcg":
        if (r.relevance < 0).any():
            return None
        new_run = np.r_[True, (r.query[1:] != r.query[:-1]) | (r.score[1:] != r.score[:-1])]
        run = np.cumsum(new_run) - 1
        run_gain = np.bincount(run, weights=r.relevance) / np.bincount(run)
        dcg = r.per_query(run_gain[run] * _discount(r.position, k))
        ideal = r.per_query(r.relevance[np.lexsort((-r.relevance, r.query))] * _discount(r.position, k))
        return _mean(np.where(ideal > 0, dcg / np.where(ideal > 0, ideal, 1.0), 0.0), qw)
    if name == "queries":
        return SumForm((qw > 0).astype(float)[:, None], _total_of)
    if name in ("rows", "n"):
        return SumForm(r.size.astype(float)[:, None], _total_of)
    return None


def sum_form(task: str, metric: ir.MetricKey, data: Prepared, party: PartyData) -> SumForm | None:
    """The metric as sums over units, or None when it is not one (a median, a maximum)."""
    name = metric.name
    if task == "ranking":
        return _ranking(name, metric.param, data, party) if party.score is not None else None
    w = data.weight if data.weight is not None else np.ones(data.rows)
    if name in ("rows", "n"):
        values = np.ones(data.rows) if name == "rows" else w
        return SumForm(values[:, None], _total_of)
    if task == "regression" and party.decided is not None:
        return _regression(name, data, party, w)
    if task == "multiclass":
        return _multiclass(metric, data, party, w)
    if task == "binary":
        return _binary(name, data, party, w)
    return None
