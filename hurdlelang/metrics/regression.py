"""Regression metrics of a numeric prediction against a numeric label, with optional row weights.

All are weighted means over rows as sklearn's sample_weight defines them, except max_error (the
largest error among rows of positive weight) and median_absolute_error (sklearn's weighted median).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from hurdlelang.metrics.values import MetricValue, nonfinite_reason, row_weights, undefined

NO_ROWS = "no rows (or zero total weight)"


def zero_label_reason(zeros: int) -> str:
    return f"label is 0 in {zeros} row(s): percentage error divides by the label"


def constant_label_reason(rows: int) -> str:
    return f"labels are constant{' (a single row)' if rows == 1 else ''}: r2 has no variance to explain"


def _inputs(label, prediction, weight) -> tuple[np.ndarray, np.ndarray, np.ndarray] | MetricValue:
    """Label, prediction and weight of the rows of positive weight (zero-weight rows change none of
    these metrics), or the reason there is nothing to measure."""
    y = np.asarray(label, dtype=float)
    p = np.asarray(prediction, dtype=float)
    if y.shape != p.shape or y.ndim != 1:
        raise ValueError(f"label and prediction must be 1-D of one length, got {y.shape} and {p.shape}")
    w = row_weights(weight, len(y))
    keep = w > 0
    y, p, w = y[keep], p[keep], w[keep]
    if len(y) == 0:
        return undefined(NO_ROWS)
    if reason := nonfinite_reason(y, "label") or nonfinite_reason(p, "prediction"):
        return undefined(reason)
    return y, p, w


def _metric(body: Callable[[np.ndarray, np.ndarray, np.ndarray], MetricValue | float]):
    def metric(label: np.ndarray, prediction: np.ndarray, weight: np.ndarray | None = None) -> MetricValue:
        prepared = _inputs(label, prediction, weight)
        if isinstance(prepared, MetricValue):
            return prepared
        result = body(*prepared)
        return result if isinstance(result, MetricValue) else MetricValue(float(result))

    metric.__name__ = body.__name__
    metric.__doc__ = body.__doc__
    return metric


@_metric
def mae(y, p, w):
    return np.average(np.abs(p - y), weights=w)


@_metric
def mse(y, p, w):
    return np.average((p - y) ** 2, weights=w)


@_metric
def rmse(y, p, w):
    return np.sqrt(np.average((p - y) ** 2, weights=w))


@_metric
def mape(y, p, w):
    """A fraction, not a percent. Undefined when a label is 0: the error relative to 0 has no size
    (sklearn divides by machine epsilon instead and reports numbers near 1e15)."""
    zero = y == 0
    if zero.any():
        return undefined(zero_label_reason(int(zero.sum())))
    return np.average(np.abs(p - y) / np.maximum(np.abs(y), np.finfo(float).eps), weights=w)


@_metric
def r2(y, p, w):
    """Undefined when the labels are constant: there is no variance to explain (sklearn reports 1.0
    or 0.0 then, by convention)."""
    if (y == y[0]).all():
        return undefined(constant_label_reason(len(y)))
    residual = (w * (y - p) ** 2).sum()
    total = (w * (y - np.average(y, weights=w)) ** 2).sum()
    return 1 - residual / total


@_metric
def median_absolute_error(y, p, w):
    """Unweighted: the plain median. Weighted: sklearn's weighted median ('averaged inverted CDF')."""
    errors = np.abs(p - y)
    if (w == 1).all():
        return np.median(errors)
    order = np.argsort(errors, kind="stable")
    errors, cdf = errors[order], np.cumsum(w[order])
    half = cdf[-1] / 2
    i = min(int(np.searchsorted(cdf, half)), len(errors) - 1)
    # exactly on a step of the CDF: average with the next value, as the unweighted median does;
    # the absolute eps tolerance is sklearn's
    if cdf[i] - half > np.finfo(float).eps:
        return errors[i]
    return (errors[i] + errors[min(i + 1, len(errors) - 1)]) / 2


@_metric
def bias(y, p, w):
    """Mean of prediction - label: positive when the model over-predicts."""
    return np.average(p - y, weights=w)


@_metric
def max_error(y, p, w):
    return np.abs(p - y).max()


REGRESSION_LIBRARY: dict[str, Callable[..., MetricValue]] = {
    f.__name__: f for f in (mae, mse, rmse, mape, r2, median_absolute_error, bias, max_error)
}
