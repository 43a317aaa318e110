"""Multiclass metrics: from a confusion matrix (decisions) and from per-class probabilities.

Confusion formulas take a matrix of shape (..., k, k), rows the actual class and columns the
decided class (sklearn's layout), and return an array of shape (...) with NaN where undefined: one
formula for a single (k, k) evaluation and for a (B, k, k) bootstrap stack.

Which classes count: those occurring in the labels or the decisions (sklearn's unique_labels). A
class of the matrix with an empty row and column is absent from the data and is ignored, so a fixed
class list can be used across resamples. Where sklearn would warn that a per-class value is
ill-defined and substitute 0 (zero_division="warn"), the average is undefined here, with the
classes named: a hurdle judged on a substituted 0 would be judged on a number nobody measured.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from hurdlelang.metrics.values import MetricValue, nonfinite_reason, row_weights, safe_divide, shown, undefined

NO_ROWS = "no rows (or zero total weight)"
# probabilities rounded when written to a file rarely sum to exactly 1; beyond this they are not probabilities
ROW_SUM_TOLERANCE = 0.01


def confusion_matrix(
    label: np.ndarray, decided: np.ndarray, weight: np.ndarray | None = None, classes: Sequence | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(matrix, classes): the (k, k) confusion matrix over the sorted union of `classes` and the
    values seen, rows actual and columns decided, weighted by `weight` when given."""
    label, decided = np.asarray(label), np.asarray(decided)
    seen = [label, decided] + ([np.asarray(classes)] if classes is not None else [])
    known = np.unique(np.concatenate(seen))
    k = len(known)
    cell = np.searchsorted(known, label) * k + np.searchsorted(known, decided)
    w = row_weights(weight, len(label)) if weight is not None else None
    counts = np.bincount(cell, weights=w, minlength=k * k)
    return counts.reshape(k, k), known


def _margins(m: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    m = np.asarray(m, dtype=float)
    tp = np.diagonal(m, axis1=-2, axis2=-1)
    true, pred = m.sum(axis=-1), m.sum(axis=-2)
    return tp, true, pred, (true + pred) > 0


def _mean_over(per_class: np.ndarray, classes: np.ndarray, ill_defined: np.ndarray) -> np.ndarray:
    mean = safe_divide(np.where(classes, per_class, 0.0).sum(axis=-1), classes.sum(axis=-1))
    return np.where(ill_defined.any(axis=-1), np.nan, mean)


def _support_weighted(per_class: np.ndarray, true: np.ndarray, ill_defined: np.ndarray) -> np.ndarray:
    # classes with no actual rows carry weight 0, so their per-class value never matters
    mean = safe_divide((true * np.where(true > 0, per_class, 0.0)).sum(axis=-1), true.sum(axis=-1))
    return np.where((ill_defined & (true > 0)).any(axis=-1), np.nan, mean)


def _micro(m):
    tp, true, pred, _ = _margins(m)
    return safe_divide(tp.sum(axis=-1), pred.sum(axis=-1))


def _precision(m, average: str):
    tp, true, pred, present = _margins(m)
    per, never_predicted = safe_divide(tp, pred), present & (pred == 0)
    return _mean_over(per, present, never_predicted) if average == "macro" else _support_weighted(per, true, pred == 0)


def _recall(m, average: str):
    tp, true, pred, present = _margins(m)
    per, never_actual = safe_divide(tp, true), present & (true == 0)
    return _mean_over(per, present, never_actual) if average == "macro" else _support_weighted(per, true, true == 0)


def _f1(m, average: str):
    tp, true, pred, present = _margins(m)
    # a class in the labels or the decisions has true + pred > 0, so its F1 is always defined
    per, nothing = safe_divide(2 * tp, true + pred), np.zeros_like(present)
    return _mean_over(per, present, nothing) if average == "macro" else _support_weighted(per, true, nothing)


def _mcc(m):
    tp, true, pred, _ = _margins(m)
    n, correct = pred.sum(axis=-1), tp.sum(axis=-1)
    cov_tp = correct * n - (true * pred).sum(axis=-1)
    cov_pp = n**2 - (pred * pred).sum(axis=-1)
    cov_tt = n**2 - (true * true).sum(axis=-1)
    value = safe_divide(cov_tp, np.sqrt(np.maximum(cov_pp * cov_tt, 0.0)))
    # decided structurally, not by a float product that weights can leave a hair above 0
    single = ((true > 0).sum(axis=-1) < 2) | ((pred > 0).sum(axis=-1) < 2)
    return np.where(single, np.nan, value)


def _named(classes: np.ndarray, mask: np.ndarray) -> str:
    return ", ".join(shown(c) for c in classes[mask])


def _never_predicted(m, classes) -> str:
    _, _, pred, present = _margins(m)
    return f"precision is undefined for classes never decided: {_named(classes, present & (pred == 0))}"


def _never_actual(m, classes) -> str:
    _, true, _, present = _margins(m)
    named = _named(classes, present & (true == 0))
    return f"recall is undefined for classes decided but absent from the labels: {named}"


def _mcc_reason(m, classes) -> str:
    _, true, pred, _ = _margins(m)
    if not (true > 0).any():
        return NO_ROWS
    side = "labels" if (true > 0).sum() < 2 else "decisions"
    return f"MCC needs at least two classes among the labels and among the decisions: the {side} hold one class"


def _no_rows(m, classes) -> str:
    return NO_ROWS


@dataclass(frozen=True)
class ConfusionMetric:
    formula: Callable[[np.ndarray], np.ndarray]
    why: Callable[[np.ndarray, np.ndarray], str]


CONFUSION_LIBRARY: dict[str, ConfusionMetric] = {
    "accuracy": ConfusionMetric(_micro, _no_rows),
    "balanced_accuracy": ConfusionMetric(lambda m: _recall(m, "macro"), _never_actual),
    "precision_macro": ConfusionMetric(lambda m: _precision(m, "macro"), _never_predicted),
    "precision_micro": ConfusionMetric(_micro, _no_rows),
    "precision_weighted": ConfusionMetric(lambda m: _precision(m, "weighted"), _never_predicted),
    "recall_macro": ConfusionMetric(lambda m: _recall(m, "macro"), _never_actual),
    "recall_micro": ConfusionMetric(_micro, _no_rows),
    "recall_weighted": ConfusionMetric(lambda m: _recall(m, "weighted"), _no_rows),
    "f1_macro": ConfusionMetric(lambda m: _f1(m, "macro"), _no_rows),
    "f1_micro": ConfusionMetric(_micro, _no_rows),
    "f1_weighted": ConfusionMetric(lambda m: _f1(m, "weighted"), _no_rows),
    "mcc": ConfusionMetric(_mcc, _mcc_reason),
}


def confusion_metric(name: str, matrix: np.ndarray, classes: Sequence) -> MetricValue:
    metric = CONFUSION_LIBRARY[name]
    value = float(metric.formula(np.asarray(matrix, dtype=float)))
    return undefined(metric.why(matrix, np.asarray(classes))) if np.isnan(value) else MetricValue(value)


def confusion_metric_vectorised(name: str, matrices: np.ndarray) -> np.ndarray:
    """The formula on a (k, k) matrix or a (B, k, k) stack; NaN where undefined."""
    return np.asarray(CONFUSION_LIBRARY[name].formula(np.asarray(matrices, dtype=float)), dtype=float)


# --- metrics of per-class probabilities ---------------------------------------------------------


def _score_columns(label, score, classes) -> tuple[np.ndarray, np.ndarray, np.ndarray] | MetricValue:
    """(score matrix, column order sorted by class, column of each row's actual class)."""
    p = np.asarray(score, dtype=float)
    names = np.asarray(classes)
    if p.ndim != 2 or p.shape[1] != len(names) or len(np.unique(names)) != len(names):
        raise ValueError(f"scores of shape {p.shape} need one column per distinct class, got classes {list(names)}")
    if reason := nonfinite_reason(p, "a class score"):
        return undefined(reason)
    order = np.argsort(names, kind="stable")
    label = np.asarray(label)
    at = np.clip(np.searchsorted(names[order], label), 0, len(names) - 1)
    unknown = names[order][at] != label
    if unknown.any():
        return undefined(f"labels with no score column: {_named(np.unique(label[unknown]), slice(None))}")
    return p, order, order[at]


def top_k_accuracy(
    label: np.ndarray, score: np.ndarray, classes: Sequence, k: int, weight: np.ndarray | None = None
) -> MetricValue:
    """Share of rows whose actual class is among the k highest-scored. Tied scores are broken as
    sklearn breaks them: the class later in sorted class order ranks first."""
    prepared = _score_columns(label, score, classes)
    if isinstance(prepared, MetricValue):
        return prepared
    p, order, column = prepared
    if k >= len(order):
        return undefined(f"k = {k} is not below the number of classes ({len(order)}): every row would be a hit")
    w = row_weights(weight, len(p))
    if w.sum() == 0:
        return undefined(NO_ROWS)
    rank_of = np.empty(len(order), dtype=np.int64)
    rank_of[order] = np.arange(len(order))
    actual = p[np.arange(len(p)), column][:, None]
    tied_later = (p == actual) & (rank_of[None, :] > rank_of[column][:, None])
    position = (p > actual).sum(axis=1) + tied_later.sum(axis=1)
    return MetricValue(float(np.average(position < k, weights=w)))


def log_loss(label: np.ndarray, score: np.ndarray, classes: Sequence, weight: np.ndarray | None = None) -> MetricValue:
    """Mean negative log of the probability given to the actual class, clipped to [eps, 1 - eps]
    as sklearn clips; rows not summing to 1 (beyond ROW_SUM_TOLERANCE) make it undefined."""
    prepared = _score_columns(label, score, classes)
    if isinstance(prepared, MetricValue):
        return prepared
    p, _, column = prepared
    if ((p < 0) | (p > 1)).any():
        return undefined("class scores outside [0, 1]: log_loss needs probabilities")
    off = np.abs(p.sum(axis=1) - 1) > ROW_SUM_TOLERANCE
    if off.any():
        return undefined(f"class probabilities do not sum to 1 in {int(off.sum())} row(s)")
    w = row_weights(weight, len(p))
    if w.sum() == 0:
        return undefined(NO_ROWS)
    eps = np.finfo(float).eps
    actual = np.clip(p[np.arange(len(p)), column], eps, 1 - eps)
    return MetricValue(float(np.average(-np.log(actual), weights=w)))
