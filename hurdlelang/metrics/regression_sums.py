"""Regression metrics from sums of per-row terms (hurdlelang/data/sum_table.py), as an engine
computed them, with the values and the reasons of hurdlelang/metrics/regression.py.

The terms of each metric are named here, in the order of its SumForm's columns
(hurdlelang/stats/bootstrap_means.py); hurdlelang/engine/terms.py writes each as an engine
expression. A value differs from the row library's only by the order of the additions (about 1e-15
relative): r2's total sum of squares is the centred one of the table, never sum(w y^2) - ...
"""

from __future__ import annotations

import numpy as np

from hurdlelang.data.sum_table import ScopeSums
from hurdlelang.metrics.regression import NO_ROWS, constant_label_reason, zero_label_reason
from hurdlelang.metrics.values import MetricValue, undefined

WEIGHT = "w"
SUM_METRICS = frozenset({"mae", "mse", "rmse", "bias", "r2", "mape", "n"})


def metric_terms(party: str, name: str) -> tuple[str, ...]:
    """The terms of a (party, metric), in the order of its SumForm's columns. A name is one term
    of the normal draws (hurdlelang/judging/uncertainty.py): terms that are equal by their formula
    share it (mse's w (e e) and r2's (w e) e, which differ by rounding only), terms that happen to be
    equal on some data (|e| and e when no error is negative) do not, so every engine draws the same
    terms whatever the data and however it evaluates a formula."""
    p = party
    return {
        "mae": (f"{p}:w*|e|", WEIGHT),
        "mse": (f"{p}:w*e^2", WEIGHT),
        "rmse": (f"{p}:w*e^2", WEIGHT),
        "bias": (f"{p}:w*e", WEIGHT),
        "r2": (f"{p}:w*e^2", "w*y", "w*y^2", WEIGHT),
        "mape": (f"{p}:w*(|e|/|y|)", WEIGHT, "[y=0,w>0]"),
        "n": (WEIGHT,),
    }[name]


def value_from_sums(name: str, party: str, s: ScopeSums, terms: tuple[str, ...]) -> MetricValue:
    """A sum metric's value on one scope; `rows` and `n` too."""
    if s.rows == 0:
        return undefined("no rows")
    if name == "rows":
        return MetricValue(float(s.rows))

    def total(term: str) -> float:
        return float(s.sums[terms.index(term)])

    if name == "n":
        return MetricValue(total(WEIGHT))
    if s.positive == 0:
        return undefined(NO_ROWS)
    first, d = total(metric_terms(party, name)[0]), total(WEIGHT)
    if name in ("mae", "mse", "bias"):
        return MetricValue(first / d)
    if name == "rmse":
        return MetricValue(float(np.sqrt(first / d)))
    if name == "mape":
        zeros = int(round(total("[y=0,w>0]")))
        return undefined(zero_label_reason(zeros)) if zeros else MetricValue(first / d)
    if name == "r2":
        if s.label_min == s.label_max:
            return undefined(constant_label_reason(s.positive))
        return MetricValue(1 - first / s.centred)
    raise ValueError(f"{name} is not a sum metric")
