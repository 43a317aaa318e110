"""Binary metrics: from confusion counts (decisions) and from a probability score.

Every count formula takes numpy arrays tp, fp, tn, fn of any (shared) shape and returns an array of
that shape with NaN where the metric is undefined, so one formula serves a single evaluation (0-d)
and a bootstrap (shape (B,)). The scalar entry point turns NaN into an explained MetricValue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from hurdlelang.metrics.auc_by_scope import CellCurves, scope_curves
from hurdlelang.metrics.values import (
    Counts,
    MetricValue,
    binary_array,
    nonfinite_reason,
    row_weights,
    safe_divide,
    undefined,
)

NO_ROWS = "no rows (or zero total weight)"
NO_PREDICTED_POSITIVES = "no predicted positives (tp + fp = 0)"
NO_ACTUAL_POSITIVES = "no actual positives (tp + fn = 0)"
NO_ACTUAL_NEGATIVES = "no actual negatives (tn + fp = 0)"


def _fbeta(tp, fp, tn, fn, beta):
    b2 = float(beta) ** 2
    # sklearn's form: (1 + b2) tp / ((1 + b2) tp + b2 fn + fp) stays defined when only one of
    # precision and recall is (it is then 0), and is undefined only when tp + fp + fn = 0
    return safe_divide((1 + b2) * tp, (1 + b2) * tp + b2 * fn + fp)


def _mcc(tp, fp, tn, fn, _):
    margins = (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn)
    return safe_divide(tp * tn - fp * fn, np.sqrt(margins))


def _balanced_accuracy(tp, fp, tn, fn, _):
    return (safe_divide(tp, tp + fn) + safe_divide(tn, tn + fp)) / 2


def _mcc_reason(c: Counts) -> str:
    empty = [
        reason
        for margin, reason in (
            (c.tp + c.fp, NO_PREDICTED_POSITIVES),
            (c.tp + c.fn, NO_ACTUAL_POSITIVES),
            (c.tn + c.fp, NO_ACTUAL_NEGATIVES),
            (c.tn + c.fn, "no predicted negatives (tn + fn = 0)"),
        )
        if margin == 0
    ]
    return "MCC needs both classes among labels and decisions: " + "; ".join(empty or [NO_ROWS])


def _balanced_reason(c: Counts) -> str:
    return "balanced accuracy needs both classes in the labels: " + (
        NO_ACTUAL_POSITIVES if c.tp + c.fn == 0 else NO_ACTUAL_NEGATIVES
    )


@dataclass(frozen=True)
class CountMetric:
    """formula(tp, fp, tn, fn, param) -> array with NaN where undefined; why(counts) explains a NaN."""

    formula: Callable[..., np.ndarray]
    why: Callable[[Counts], str]
    param: str | None = None


def _fixed(reason: str) -> Callable[[Counts], str]:
    return lambda _c: reason


COUNT_LIBRARY: dict[str, CountMetric] = {
    "accuracy": CountMetric(lambda tp, fp, tn, fn, _: safe_divide(tp + tn, tp + fp + tn + fn), _fixed(NO_ROWS)),
    "balanced_accuracy": CountMetric(_balanced_accuracy, _balanced_reason),
    "precision": CountMetric(lambda tp, fp, tn, fn, _: safe_divide(tp, tp + fp), _fixed(NO_PREDICTED_POSITIVES)),
    "recall": CountMetric(lambda tp, fp, tn, fn, _: safe_divide(tp, tp + fn), _fixed(NO_ACTUAL_POSITIVES)),
    "specificity": CountMetric(lambda tp, fp, tn, fn, _: safe_divide(tn, tn + fp), _fixed(NO_ACTUAL_NEGATIVES)),
    "f1": CountMetric(
        lambda tp, fp, tn, fn, _: _fbeta(tp, fp, tn, fn, 1.0),
        _fixed("no positives predicted or actual (tp + fp + fn = 0)"),
    ),
    "fbeta": CountMetric(_fbeta, _fixed("no positives predicted or actual (tp + fp + fn = 0)"), param="beta"),
    "mcc": CountMetric(_mcc, _mcc_reason),
    # precision / positive rate = tp n / ((tp + fp)(tp + fn)): 1 is no better than flagging at random
    "lift": CountMetric(
        lambda tp, fp, tn, fn, _: safe_divide(tp * (tp + fp + tn + fn), (tp + fp) * (tp + fn)),
        _fixed(f"{NO_PREDICTED_POSITIVES} or {NO_ACTUAL_POSITIVES}"),
    ),
    "predicted_positive_rate": CountMetric(
        lambda tp, fp, tn, fn, _: safe_divide(tp + fp, tp + fp + tn + fn), _fixed(NO_ROWS)
    ),
    "positive_rate": CountMetric(lambda tp, fp, tn, fn, _: safe_divide(tp + fn, tp + fp + tn + fn), _fixed(NO_ROWS)),
    # the raw counts are measured, never undefined (a count of 0 is a real 0)
    "tp": CountMetric(lambda tp, fp, tn, fn, _: np.asarray(tp, dtype=float), _fixed("")),
    "fp": CountMetric(lambda tp, fp, tn, fn, _: np.asarray(fp, dtype=float), _fixed("")),
    "tn": CountMetric(lambda tp, fp, tn, fn, _: np.asarray(tn, dtype=float), _fixed("")),
    "fn": CountMetric(lambda tp, fp, tn, fn, _: np.asarray(fn, dtype=float), _fixed("")),
    "n": CountMetric(lambda tp, fp, tn, fn, _: np.asarray(tp + fp + tn + fn, dtype=float), _fixed("")),
}


# Of a party with abstain bands (hurdlelang/data/bands.py): `ab` rows were not decided. For every
# other party ab is 0: coverage 1, nothing abstained.
COVERAGE_LIBRARY: dict[str, Callable[..., np.ndarray]] = {
    "coverage": lambda tp, fp, tn, fn, ab: safe_divide(tp + fp + tn + fn, tp + fp + tn + fn + ab),
    "abstain_rate": lambda tp, fp, tn, fn, ab: safe_divide(ab, tp + fp + tn + fn + ab),
    "abstained": lambda tp, fp, tn, fn, ab: np.asarray(ab, dtype=float),
    # every row judged, decided or not: a value per row counts every customer
    "n": lambda tp, fp, tn, fn, ab: np.asarray(tp + fp + tn + fn + ab, dtype=float),
}


def count_metric(name: str, c: Counts, param: float | None = None) -> MetricValue:
    counts = (np.float64(c.tp), np.float64(c.fp), np.float64(c.tn), np.float64(c.fn))
    if name in COVERAGE_LIBRARY:
        value = float(COVERAGE_LIBRARY[name](*counts, np.float64(c.ab)))
        return undefined(NO_ROWS) if np.isnan(value) else MetricValue(value)
    metric = COUNT_LIBRARY[name]
    value = float(metric.formula(*counts, param))
    return undefined(metric.why(c)) if np.isnan(value) else MetricValue(value)


def count_metric_vectorised(name: str, param: float | None, tp, fp, tn, fn, ab=0.0) -> np.ndarray:
    """The same formula on arrays of counts (e.g. shape (B,) bootstrap resamples); NaN where undefined."""
    arrays = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (tp, fp, tn, fn, ab)))
    if name in COVERAGE_LIBRARY:
        return np.asarray(COVERAGE_LIBRARY[name](*arrays), dtype=float)
    return np.asarray(COUNT_LIBRARY[name].formula(*arrays[:4], param), dtype=float)


# Named functions for the walking-skeleton evaluator and its tests (metric_values re-exports them).
def accuracy(c: Counts) -> MetricValue:
    return count_metric("accuracy", c)


def precision(c: Counts) -> MetricValue:
    return count_metric("precision", c)


def recall(c: Counts) -> MetricValue:
    return count_metric("recall", c)


def f1(c: Counts) -> MetricValue:
    return count_metric("f1", c)


# --- metrics of a probability score -------------------------------------------------------------


def _score_inputs(label, score, weight) -> tuple[np.ndarray, np.ndarray, np.ndarray] | MetricValue:
    """Labels as bool, scores as float and weights, restricted to rows of positive weight (which
    is how sklearn treats zero weights on curves); an undefined value when nothing is left."""
    y = binary_array(label, "label").astype(bool)
    s = np.asarray(score, dtype=float)
    w = row_weights(weight, len(y))
    keep = w > 0
    y, s, w = y[keep], s[keep], w[keep]
    if len(y) == 0:
        return undefined(NO_ROWS)
    if reason := nonfinite_reason(s, "score"):
        return undefined(reason)
    return y, s, w


def _both_classes(y: np.ndarray, what: str) -> MetricValue | None:
    if y.all() or not y.any():
        only = "positives" if y.all() else "negatives"
        return undefined(f"only {only} in the data: {what} needs both classes")
    return None


def _whole_curve(y: np.ndarray, s: np.ndarray, w: np.ndarray, weight: np.ndarray | None) -> CellCurves:
    """The curve over every row as one scope, summed per distinct score without sorting the rows
    when they have few distinct scores (metrics/auc_by_scope.py, which sums every slice value so).
    Without ``weight`` the rows are counted, not summed with weights of 1."""
    return scope_curves(y, s, np.zeros(len(y), dtype=np.int64), 1, None if weight is None else w)


def roc_auc(label: np.ndarray, score: np.ndarray, weight: np.ndarray | None = None) -> MetricValue:
    """Mann-Whitney form: the (weighted) chance a random positive outscores a random negative, ties 1/2."""
    prepared = _score_inputs(label, score, weight)
    if isinstance(prepared, MetricValue):
        return prepared
    y, s, w = prepared
    if missing := _both_classes(y, "AUC"):
        return missing
    return MetricValue(float(_whole_curve(y, s, w, weight).roc[0]))


def pr_auc(label: np.ndarray, score: np.ndarray, weight: np.ndarray | None = None) -> MetricValue:
    """Average precision (sklearn's average_precision_score): sum over thresholds of the gain in
    recall times the precision there, thresholds at each distinct score, no interpolation."""
    prepared = _score_inputs(label, score, weight)
    if isinstance(prepared, MetricValue):
        return prepared
    y, s, w = prepared
    if not y.any():
        return undefined(f"{NO_ACTUAL_POSITIVES}: average precision needs at least one")
    return MetricValue(max(0.0, float(_whole_curve(y, s, w, weight).pr[0])))


def _probabilities(label, score, weight, what: str) -> tuple[np.ndarray, np.ndarray, np.ndarray] | MetricValue:
    y = binary_array(label, "label").astype(float)
    p = np.asarray(score, dtype=float)
    w = row_weights(weight, len(y))
    if reason := nonfinite_reason(p, "score"):
        return undefined(reason)
    outside = int(((p < 0) | (p > 1)).sum())
    if outside:
        return undefined(f"scores outside [0, 1] in {outside} row(s): {what} needs probabilities")
    if w.sum() == 0:
        return undefined(NO_ROWS)
    return y, p, w


def log_loss(label: np.ndarray, score: np.ndarray, weight: np.ndarray | None = None) -> MetricValue:
    """Mean negative log-likelihood. As sklearn (>= 1.5) does, p and 1 - p are each clipped to
    [eps, 1 - eps] (eps of float64), so a confident mistake costs about 36, not infinity."""
    prepared = _probabilities(label, score, weight, "log_loss")
    if isinstance(prepared, MetricValue):
        return prepared
    y, p, w = prepared
    eps = np.finfo(float).eps
    loss = -np.where(y == 1, np.log(np.clip(p, eps, 1 - eps)), np.log(np.clip(1 - p, eps, 1 - eps)))
    return MetricValue(float(np.average(loss, weights=w)))


def brier(label: np.ndarray, score: np.ndarray, weight: np.ndarray | None = None) -> MetricValue:
    """Mean squared difference between the probability and the 0/1 outcome (brier_score_loss)."""
    prepared = _probabilities(label, score, weight, "brier")
    if isinstance(prepared, MetricValue):
        return prepared
    y, p, w = prepared
    return MetricValue(float(np.average((y - p) ** 2, weights=w)))


SCORE_LIBRARY: dict[str, Callable[..., MetricValue]] = {
    "roc_auc": roc_auc,
    "pr_auc": pr_auc,
    "log_loss": log_loss,
    "brier": brier,
}

# What the walking-skeleton evaluator computes for every party.
COUNT_METRICS = {"accuracy": accuracy, "precision": precision, "recall": recall, "f1": f1}
SCORE_METRICS = {"roc_auc": roc_auc}
