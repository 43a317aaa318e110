"""Multiclass metrics: from a confusion matrix (decisions) and from per-class probabilities.

Confusion formulas take a matrix of shape (..., k, k), rows the actual class and columns the
decided class (sklearn's layout), and return an array of shape (...) with NaN where undefined: one
formula for a single (k, k) evaluation and for a (B, k, k) bootstrap stack.

Which classes count: every class of the matrix. The caller builds it over the spec's classes (its
declared classes, and every class in the evaluated labels or the party's decisions), the same list
on the whole data and in every slice: a macro average is over all of them (sklearn's `labels=`),
so a slice where a class never occurs does not average over fewer classes. Where sklearn would warn
that a per-class value is ill-defined and substitute 0 (zero_division="warn"), the average is
undefined here, with the classes named: a hurdle judged on a substituted 0 would be judged on a
number nobody measured.

Per-class metrics (`recall[billing]`) and the cost of a cost matrix come from the same matrix: the
row, the column or the cell-wise product of one class, or of the costs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
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
    return tp, true, pred, np.ones(true.shape, dtype=bool)


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
    # undefined only for a class with no rows and no decisions (none in a weighted average counts)
    per, nothing = safe_divide(2 * tp, true + pred), (true + pred) == 0
    if average == "macro":
        return _mean_over(per, present, nothing)
    return _support_weighted(per, true, np.zeros_like(nothing))


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
    _, true, pred, present = _margins(m)
    if not (true > 0).any():
        return NO_ROWS
    return f"precision is undefined for classes never decided: {_named(classes, present & (pred == 0))}"


def _never_actual(m, classes) -> str:
    _, true, pred, present = _margins(m)
    if not (true > 0).any():
        return NO_ROWS
    named = _named(classes, present & (true == 0))
    return f"recall is undefined for classes absent from the labels: {named}"


def _no_class_rows(m, classes) -> str:
    _, true, pred, _ = _margins(m)
    if not (true > 0).any():
        return NO_ROWS
    named = _named(classes, (true + pred) == 0)
    return f"F1 is undefined for classes with no rows and no decisions: {named}"


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
    "f1_macro": ConfusionMetric(lambda m: _f1(m, "macro"), _no_class_rows),
    "f1_micro": ConfusionMetric(_micro, _no_rows),
    "f1_weighted": ConfusionMetric(lambda m: _f1(m, "weighted"), _no_rows),
    "mcc": ConfusionMetric(_mcc, _mcc_reason),
}


# --- one class of the matrix, and the cost of its cells ------------------------------------------


def _one_class(name: str, m: np.ndarray, at: int) -> np.ndarray:
    """A per-class metric of class number `at`, from its cell, row and column of the matrix."""
    m = np.asarray(m, dtype=float)
    tp, actual, decided = m[..., at, at], m[..., at, :].sum(axis=-1), m[..., :, at].sum(axis=-1)
    rows = m.sum(axis=(-2, -1))
    if name == "precision":
        return safe_divide(tp, decided)
    if name == "recall":
        return safe_divide(tp, actual)
    if name == "f1":
        return safe_divide(2 * tp, actual + decided)
    if name == "support":
        return actual
    if name == "share":
        return safe_divide(actual, rows)
    return safe_divide(decided, rows)  # predicted_share


PER_CLASS = ("precision", "recall", "f1", "support", "share", "predicted_share")
_PER_CLASS_WHY = {
    "precision": "no row was decided as {c} here",
    "recall": "no row of {c} here",
    "f1": "no row of {c} and none decided as it here",
    "share": NO_ROWS,
    "predicted_share": NO_ROWS,
}
COST_METRICS = ("cost", "total_cost")


def class_index(classes: Sequence, of) -> int:
    """Where class `of` is in the matrix's classes; the checker made sure it is a spec's class."""
    names = [str(c) for c in classes]
    if str(of) not in names:
        raise ValueError(f"class {of!r} is not among the matrix's classes {names}")
    return names.index(str(of))


def cost_array(classes: Sequence, costs: Mapping[tuple[str, str], float]) -> np.ndarray:
    """The (k, k) costs aligned with the matrix's classes, rows actual and columns decided."""
    names = [str(c) for c in classes]
    missing = [(a, d) for a in names for d in names if (a, d) not in costs]
    if missing:
        raise ValueError(f"the cost matrix has no cost for (actual, decided) {missing[:3]}")
    return np.array([[costs[(a, d)] for d in names] for a in names], dtype=float)


def _cost(m: np.ndarray, costs: np.ndarray, total: bool) -> np.ndarray:
    m = np.asarray(m, dtype=float)
    spent = (m * costs).sum(axis=(-2, -1))
    return spent if total else safe_divide(spent, m.sum(axis=(-2, -1)))


@dataclass(frozen=True)
class Cells:
    """What a confusion metric needs besides the matrix: its classes (in the matrix's order), the
    class of a per-class metric, the spec's costs."""

    classes: Sequence
    of: str | None = None
    costs: Mapping[tuple[str, str], float] | None = None


def _formula(name: str, cells: Cells | None) -> Callable[[np.ndarray], np.ndarray]:
    if name in COST_METRICS:
        if cells is None or cells.costs is None:
            raise ValueError(f"{name} needs the spec's cost matrix")
        costs = cost_array(cells.classes, cells.costs)
        return lambda m: _cost(m, costs, name == "total_cost")
    if cells is not None and cells.of is not None:
        at = class_index(cells.classes, cells.of)
        return lambda m: _one_class(name, m, at)
    if name in PER_CLASS:
        raise ValueError(f"multiclass {name} is of one class: {name}[CLASS]")
    return CONFUSION_LIBRARY[name].formula


def confusion_metric(name: str, matrix: np.ndarray, classes: Sequence, cells: Cells | None = None) -> MetricValue:
    value = float(_formula(name, cells)(np.asarray(matrix, dtype=float)))
    if not np.isnan(value):
        return MetricValue(value)
    if name in CONFUSION_LIBRARY:
        return undefined(CONFUSION_LIBRARY[name].why(matrix, np.asarray(classes)))
    if name in COST_METRICS:
        return undefined(NO_ROWS)
    return undefined(_PER_CLASS_WHY[name].format(c=shown(cells.of)))


def confusion_metric_vectorised(name: str, matrices: np.ndarray, cells: Cells | None = None) -> np.ndarray:
    """The formula on a (k, k) matrix or a (B, k, k) stack; NaN where undefined."""
    return np.asarray(_formula(name, cells)(np.asarray(matrices, dtype=float)), dtype=float)


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
