"""Metrics from sums of per-row terms an engine computed (hurdlelang/data/sum_table.py), per task:
which metrics, which named terms each reads, and their values with the row library's reasons.

Regression's live in hurdlelang/metrics/regression_sums.py; binary's two are here:

- ``log_loss`` = sum w loss / sum w, loss = -log(clip(p, eps, 1 - eps)) on a positive label and
  -log(clip(1 - p, eps, 1 - eps)) on a negative one (eps of float64, as hurdlelang/metrics/binary.py
  and scikit-learn >= 1.5 clip);
- ``brier``    = sum w (p - y)^2 / sum w;

p the party's score, or its 0/1 decisions for a party without one (as the evaluator takes them).
The terms are named in the order of the SumForm's columns (hurdlelang/stats/bootstrap_means.py);
hurdlelang/engine/terms.py writes each as an engine expression.
"""

from __future__ import annotations

from hurdlelang.data.sum_table import ScopeSums
from hurdlelang.metrics import regression_sums
from hurdlelang.metrics.binary import NO_ROWS
from hurdlelang.metrics.regression_sums import WEIGHT
from hurdlelang.metrics.values import MetricValue, undefined

BINARY_SUM_METRICS = frozenset({"log_loss", "brier"})


def sum_metrics(task: str) -> frozenset[str]:
    """The metrics of a task that a table of sums gives (none for the other tasks yet)."""
    if task == "regression":
        return regression_sums.SUM_METRICS
    if task == "binary":
        return BINARY_SUM_METRICS
    return frozenset()


def metric_terms(task: str, party: str, name: str) -> tuple[str, ...]:
    """The named terms of a (party, metric), in the order of its SumForm's columns (see
    regression_sums.metric_terms for why terms are named, not compared by value)."""
    if task == "regression":
        return regression_sums.metric_terms(party, name)
    return {"log_loss": (f"{party}:w*loss", WEIGHT), "brier": (f"{party}:w*(p-y)^2", WEIGHT)}[name]


def value_from_sums(task: str, name: str, party: str, s: ScopeSums, terms: tuple[str, ...]) -> MetricValue:
    """A sum metric's value on one scope (and `rows`), as the row library computes it."""
    if task == "regression":
        return regression_sums.value_from_sums(name, party, s, terms)
    if s.rows == 0:
        return undefined("no rows")
    if name == "rows":
        return MetricValue(float(s.rows))
    first, d = (float(s.sums[terms.index(t)]) for t in metric_terms(task, party, name))
    if d == 0:  # metrics/binary.py: every weight 0 (the scores are checked in [0, 1] by then)
        return undefined(NO_ROWS)
    return MetricValue(first / d)
