"""One place mapping (task, metric name) to how the metric is computed and what it needs.

The evaluator calls `compute(task, name, param, inputs)`; the bootstrap calls
`vectorised_count_metric` (binary) or `vectorised_confusion_metric` (multiclass) once per metric
on all resamples at once. `param` is the number after '@' in the language (fbeta@2, hit_rate@5).

Misuse (an unknown metric, a missing or surplus parameter, an input the metric needs but was not
given) raises ValueError: the checker should have refused the spec. Data on which a metric is not
defined gives an undefined MetricValue with its reason.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from hurdlelang.lang.catalogue import TASKS
from hurdlelang.metrics import binary, multiclass, ranking, regression
from hurdlelang.metrics.values import Counts, MetricValue


@dataclass(frozen=True)
class MetricInputs:
    """label: 0/1 (binary), class values (multiclass), numbers (regression), relevance (ranking).
    decided: 0/1 or class decisions. score: the probability (binary), the (n, k) class
    probabilities in the order of `classes` (multiclass), the prediction (regression), the item
    score (ranking). group: the query id of each row (ranking). weight: row weights."""

    label: np.ndarray
    decided: np.ndarray | None = None
    score: np.ndarray | None = None
    classes: tuple | None = None
    group: np.ndarray | None = None
    weight: np.ndarray | None = None
    # multiclass: the classes a party's confusion matrix is over, the same on every scope (macro
    # averages count each of them); the class of a per-class metric; the spec's cost matrix
    matrix_classes: tuple | None = None
    of: str | None = None
    costs: Mapping[tuple[str, str], float] | None = None


Runner = Callable[[MetricInputs, float | None], MetricValue]


@dataclass(frozen=True)
class MetricDef:
    task: str
    name: str
    needs: frozenset[str]  # among "decided", "score", "classes", "group"
    param: str | None  # what '@x' means ("beta", "k"), None when the metric takes none
    run: Runner


def _binary_counts(i: MetricInputs) -> Counts:
    # positive_rate and n are properties of the labels: any decisions give the same tp + fn and n
    decided = i.decided if i.decided is not None else np.zeros(len(i.label), dtype=np.int64)
    return Counts.of(i.label, decided, i.weight)


def _binary_defs() -> list[MetricDef]:
    label_only = {"positive_rate", "n"}
    defs = [
        MetricDef(
            "binary",
            name,
            frozenset() if name in label_only else frozenset({"decided"}),
            metric.param,
            lambda i, p, name=name: binary.count_metric(name, _binary_counts(i), p),
        )
        for name, metric in binary.COUNT_LIBRARY.items()
    ]
    defs += [
        MetricDef(
            "binary",
            name,
            frozenset({"decided"}),
            None,
            lambda i, p, name=name: binary.count_metric(name, _binary_counts(i), p),
        )
        for name in binary.COVERAGE_LIBRARY
        if name not in binary.COUNT_LIBRARY
    ]
    defs += [
        MetricDef("binary", name, frozenset({"score"}), None, lambda i, p, fn=fn: fn(i.label, i.score, i.weight))
        for name, fn in binary.SCORE_LIBRARY.items()
    ]
    return defs


def _multiclass_defs() -> list[MetricDef]:
    def from_matrix(name: str) -> Runner:
        def run(i: MetricInputs, _p: float | None) -> MetricValue:
            decided = i.decided if i.decided is not None else i.label  # support and share read the labels only
            matrix, classes = multiclass.confusion_matrix(i.label, decided, i.weight, i.matrix_classes)
            cells = multiclass.Cells(classes, i.of, i.costs)
            return multiclass.confusion_metric(name, matrix, classes, cells)

        return run

    decided, scored = frozenset({"decided"}), frozenset({"score", "classes"})
    defs = [
        MetricDef("multiclass", n, decided, None, from_matrix(n))
        for n in (*multiclass.CONFUSION_LIBRARY, *multiclass.COST_METRICS)
    ]
    defs += [
        MetricDef("multiclass", n, frozenset() if n in LABEL_ONLY else decided, None, from_matrix(n))
        for n in multiclass.PER_CLASS
    ]
    return defs + [
        MetricDef(
            "multiclass",
            "top_k_accuracy",
            scored,
            "k",
            lambda i, k: multiclass.top_k_accuracy(i.label, i.score, i.classes, int(k), i.weight),
        ),
        MetricDef(
            "multiclass",
            "log_loss",
            scored,
            None,
            lambda i, _p: multiclass.log_loss(i.label, i.score, i.classes, i.weight),
        ),
    ]


def _regression_defs() -> list[MetricDef]:
    return [
        MetricDef("regression", name, frozenset({"score"}), None, lambda i, _p, fn=fn: fn(i.label, i.score, i.weight))
        for name, fn in regression.REGRESSION_LIBRARY.items()
    ]


def _ranking_defs() -> list[MetricDef]:
    def run_with(fn: Callable[[ranking.Ranked, int], MetricValue]) -> Runner:
        def run(i: MetricInputs, k: float | None) -> MetricValue:
            ranked = ranking.rank(i.group, i.label, i.score, i.weight)
            return ranked if isinstance(ranked, MetricValue) else fn(ranked, int(k) if k is not None else None)

        return run

    needs = frozenset({"score", "group"})
    return [
        MetricDef("ranking", name, needs, None if name == "mrr" else "k", run_with(fn))
        for name, fn in ranking.RANKING_LIBRARY.items()
    ]


LABEL_ONLY = ("support", "share")  # per-class metrics of the labels alone


REGISTRY: dict[tuple[str, str], MetricDef] = {
    (d.task, d.name): d for d in _binary_defs() + _multiclass_defs() + _regression_defs() + _ranking_defs()
}


def metric_names(task: str) -> tuple[str, ...]:
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; tasks are {', '.join(TASKS)}")
    return tuple(name for t, name in REGISTRY if t == task)


def metric_def(task: str, name: str) -> MetricDef:
    try:
        return REGISTRY[(task, name)]
    except KeyError:
        raise ValueError(f"no metric {name!r} for task {task!r}") from None


def _check_param(d: MetricDef, param: float | None) -> float | None:
    if d.param is None:
        if param is not None:
            raise ValueError(f"{d.name} takes no '@' parameter, got {param}")
        return None
    if param is None:
        raise ValueError(f"{d.name} needs '@{d.param}', e.g. {d.name}@{2 if d.param == 'k' else 0.5}")
    if d.param == "k" and (param != int(param) or param < 1):
        raise ValueError(f"{d.name}@k needs a whole k >= 1, got {param}")
    if d.param == "beta" and not (math.isfinite(param) and param > 0):
        raise ValueError(f"{d.name}@beta needs a finite beta > 0, got {param}")
    return param


def compute(task: str, name: str, param: float | None, inputs: MetricInputs) -> MetricValue:
    d = metric_def(task, name)
    param = _check_param(d, param)
    missing = sorted(need for need in d.needs if getattr(inputs, need) is None)
    if missing:
        raise ValueError(f"{task} metric {name} needs {' and '.join(missing)}")
    return d.run(inputs, param)


def metric_from_counts(name: str, param: float | None, counts: Counts) -> MetricValue:
    """A binary count metric from confusion counts already summed (the sufficient statistics)."""
    d = metric_def("binary", name)
    if name not in COUNT_METRIC_NAMES:
        raise ValueError(f"{name} is not computed from confusion counts")
    return binary.count_metric(name, counts, _check_param(d, param))


def vectorised_count_metric(name: str, param: float | None, tp, fp, tn, fn, ab=0.0) -> np.ndarray:
    """A binary count metric on arrays of counts (shape (B,) for B resamples); NaN where undefined.
    `ab`: rows a party with abstain bands left undecided."""
    d = metric_def("binary", name)
    if name not in COUNT_METRIC_NAMES:
        raise ValueError(f"{name} is not computed from confusion counts")
    return binary.count_metric_vectorised(name, _check_param(d, param), tp, fp, tn, fn, ab)


def vectorised_confusion_metric(
    name: str, param: float | None, matrices: np.ndarray, cells: multiclass.Cells | None = None
) -> np.ndarray:
    """A multiclass confusion metric on a (k, k) matrix or a (B, k, k) stack; NaN where undefined.
    `cells` gives the matrix's classes, a per-class metric's class and the spec's costs."""
    d = metric_def("multiclass", name)
    if name not in CONFUSION_METRIC_NAMES:
        raise ValueError(f"{name} is not computed from a confusion matrix")
    _check_param(d, param)
    return multiclass.confusion_metric_vectorised(name, matrices, cells)


COUNT_METRIC_NAMES = tuple(binary.COUNT_LIBRARY) + tuple(
    n for n in binary.COVERAGE_LIBRARY if n not in binary.COUNT_LIBRARY
)
CONFUSION_METRIC_NAMES = (*multiclass.CONFUSION_LIBRARY, *multiclass.PER_CLASS, *multiclass.COST_METRICS)
