"""Metric values. Count-based metrics come from confusion counts (sufficient statistics), so the
same plan can later run per slice or on streamed data; rank metrics from the scores.

Each function returns a MetricValue: a number, or an explained undefined state (never a 0 that
was not measured)."""

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


@dataclass(frozen=True)
class Counts:
    tp: int
    fp: int
    tn: int
    fn: int

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.tn + self.fn

    @classmethod
    def of(cls, label: np.ndarray, decided: np.ndarray) -> Counts:
        cells = np.bincount(label.astype(np.int64) * 2 + decided.astype(np.int64), minlength=4)
        tn, fp, fn, tp = (int(c) for c in cells)
        return cls(tp=tp, fp=fp, tn=tn, fn=fn)


def _ratio(num: float, den: float, reason: str) -> MetricValue:
    return MetricValue(num / den) if den > 0 else MetricValue(None, reason)


def accuracy(c: Counts) -> MetricValue:
    return _ratio(c.tp + c.tn, c.n, "no rows")


def precision(c: Counts) -> MetricValue:
    return _ratio(c.tp, c.tp + c.fp, "no predicted positives (tp + fp = 0)")


def recall(c: Counts) -> MetricValue:
    return _ratio(c.tp, c.tp + c.fn, "no actual positives (tp + fn = 0)")


def f1(c: Counts) -> MetricValue:
    return _ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn, "no positives predicted or actual (tp + fp + fn = 0)")


def roc_auc(label: np.ndarray, score: np.ndarray) -> MetricValue:
    """Mann-Whitney form: the chance a random positive outscores a random negative, ties 1/2."""
    positives = int(label.sum())
    negatives = len(label) - positives
    if positives == 0 or negatives == 0:
        only = "positives" if negatives == 0 else "negatives"
        return MetricValue(None, f"only {only} in the data: AUC needs both classes")
    order = np.argsort(score, kind="mergesort")
    sorted_scores = score[order]
    ranks = np.empty(len(score), dtype=float)
    # average ranks over ties: each run of equal scores shares the mean of its positions
    starts = np.flatnonzero(np.r_[True, sorted_scores[1:] != sorted_scores[:-1]])
    ends = np.r_[starts[1:], len(score)]
    mean_rank = (starts + ends + 1) / 2.0
    ranks[order] = np.repeat(mean_rank, ends - starts)
    rank_sum = ranks[label == 1].sum()
    return MetricValue((rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives))


COUNT_METRICS = {"accuracy": accuracy, "precision": precision, "recall": recall, "f1": f1}
SCORE_METRICS = {"roc_auc": roc_auc}
