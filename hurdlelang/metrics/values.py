"""Metric values: the result every metric returns, the confusion counts binary metrics are computed
from, and the small numeric helpers the metric modules share.

Count-based metrics come from confusion counts (sufficient statistics), so the same plan can later
run per slice, on streamed data or on bootstrap resamples; rank metrics come from the scores.

Each metric returns a MetricValue: a number, or an explained undefined state (never a 0 that was
not measured, never NaN). The formulas themselves live in binary.py, multiclass.py,
metrics_regression and metrics_ranking; metric_registry maps the language's names onto them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class MetricValue:
    value: float | None
    reason: str | None = None

    @property
    def defined(self) -> bool:
        return self.value is not None


def undefined(reason: str) -> MetricValue:
    return MetricValue(None, reason)


@dataclass(frozen=True)
class Counts:
    """Confusion counts of 0/1 decisions; floats when rows carry sample weights."""

    tp: float
    fp: float
    tn: float
    fn: float
    ab: float = 0.0  # rows a party with abstain bands left undecided (not in tp, fp, tn or fn)

    @property
    def n(self) -> float:
        return self.tp + self.fp + self.tn + self.fn

    @classmethod
    def of(cls, label: np.ndarray, decided: np.ndarray, weight: np.ndarray | None = None) -> Counts:
        cell = binary_array(label, "label").astype(np.int64) * 2 + binary_array(decided, "decision")
        if weight is None:
            tn, fp, fn, tp = (int(c) for c in np.bincount(cell, minlength=4))
        else:
            w = row_weights(weight, len(cell))
            tn, fp, fn, tp = (float(c) for c in np.bincount(cell, weights=w, minlength=4))
        return cls(tp=tp, fp=fp, tn=tn, fn=fn)


def binary_array(values: np.ndarray, what: str) -> np.ndarray:
    """0/1 (or boolean) values as int64; anything else is a data error the caller must fix first."""
    arr = np.asarray(values)
    if arr.dtype == bool:
        return arr.astype(np.int64)
    if arr.size and not np.isin(arr, (0, 1)).all():
        raise ValueError(f"binary {what} must be 0/1, found values {np.unique(arr)[:5].tolist()}")
    return arr.astype(np.int64)


def row_weights(weight: np.ndarray | None, n: int) -> np.ndarray:
    """Sample weights as floats (ones when absent), with sklearn's sample_weight meaning."""
    if weight is None:
        return np.ones(n)
    w = np.asarray(weight, dtype=float)
    if w.shape != (n,):
        raise ValueError(f"weight has shape {w.shape}, expected ({n},)")
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError("weights must be finite and non-negative")
    return w


def safe_divide(num, den) -> np.ndarray:
    """num / den elementwise, NaN where den == 0, without numpy's divide warnings."""
    num, den = np.broadcast_arrays(np.asarray(num, dtype=float), np.asarray(den, dtype=float))
    out = np.full(num.shape, np.nan)
    np.divide(num, den, out=out, where=den != 0)
    return out


def shown(value) -> str:
    """A data value as a reason names it: 'cat', not np.str_('cat')."""
    return repr(value.item() if isinstance(value, np.generic) else value)


def nonfinite_reason(values: np.ndarray, what: str) -> str | None:
    bad = int(np.count_nonzero(~np.isfinite(np.asarray(values, dtype=float))))
    return f"{what} is missing or infinite in {bad} row(s)" if bad else None
