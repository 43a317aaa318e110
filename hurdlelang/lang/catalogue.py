"""The built-in metrics: what each means, for which tasks, its range, and which way is better.

Pure data, no numpy: `hurdlec check` reads it to type-check specs without heavy imports. The
values are computed by hurdlelang/metrics/registry.py, whose names match these one for one (a test
keeps the two in step).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

INF = float("inf")


class Direction(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"
    ZERO = "zero"  # best at 0 either side, like a forecast's bias: |value| lower is better
    NONE = "none"  # a property of the data (rows, positive_rate): no better or worse


class Needs(StrEnum):
    DECISIONS = "decisions"  # 0/1 decisions, predicted classes, or predicted values
    SCORES = "scores"  # probabilities, or a ranking score per item
    LABELS = "labels"  # the data alone


class UnitKind(StrEnum):
    NONE = "none"  # a pure number
    LABEL = "label"  # in the label's unit (regression errors): any unit fits
    LABEL_SQUARED = "label squared"  # the mean squared error: any unit fits too
    COST = "cost"  # in the unit of the spec's cost matrix


@dataclass(frozen=True)
class MetricInfo:
    name: str
    title: str
    tasks: frozenset[str]
    low: float
    high: float
    direction: Direction
    needs: Needs = Needs.DECISIONS
    param: str | None = None  # "k" or "beta": written as name@value
    unit: UnitKind = UnitKind.NONE
    share_of: str | None = None  # a share of counted units (a binomial proportion): of what
    per_class: bool = False  # of one class of a multiclass spec, written name[CLASS]

    @property
    def is_share(self) -> bool:
        """A share of counted units, so a figure of it `from N rows` has a binomial uncertainty."""
        return self.share_of is not None

    @property
    def is_proportion(self) -> bool:
        """A metric on [0, 1]: margins in points and thresholds in % make sense for it."""
        return self.low == 0.0 and self.high == 1.0


TASKS = ("binary", "multiclass", "regression", "ranking")
AUC_METRICS = ("roc_auc", "pr_auc")  # computed from score histograms, not from decisions
B = frozenset({"binary"})
M = frozenset({"multiclass"})
BM = frozenset({"binary", "multiclass"})
R = frozenset({"regression"})
K = frozenset({"ranking"})
ALL = frozenset(TASKS)

H, L, Z, N = Direction.HIGHER, Direction.LOWER, Direction.ZERO, Direction.NONE


def _m(name, title, tasks, low, high, direction, **extra) -> MetricInfo:
    return MetricInfo(name, title, tasks, low, high, direction, **extra)


_AVERAGED = [
    _m(f"{base}_{avg}", f"{base} averaged {how}", M, 0.0, 1.0, H)
    for base in ("precision", "recall", "f1")
    for avg, how in (
        ("macro", "over classes, each class counting equally"),
        ("micro", "over all rows"),
        ("weighted", "over classes, weighted by each class's support"),
    )
]

_ALL = [
    # binary and multiclass, from decisions
    _m("accuracy", "share of rows decided correctly", BM, 0.0, 1.0, H, share_of="rows"),
    _m("balanced_accuracy", "mean recall over the classes", BM, 0.0, 1.0, H),
    _m("mcc", "Matthews correlation between decisions and labels", BM, -1.0, 1.0, H),
    # binary, from decisions (confusion counts)
    _m("precision", "share of predicted positives that are positive", B, 0.0, 1.0, H, share_of="predicted positives"),
    _m("recall", "share of positives predicted positive", B, 0.0, 1.0, H, share_of="positives"),
    _m("specificity", "share of negatives predicted negative", B, 0.0, 1.0, H, share_of="negatives"),
    _m("f1", "harmonic mean of precision and recall", B, 0.0, 1.0, H),
    _m("fbeta", "F-beta: recall weighted beta times as much as precision", B, 0.0, 1.0, H, param="beta"),
    _m("lift", "precision over the positive rate: how many times the base rate the flagged rows hold", B, 0.0, INF, H),
    _m("coverage", "share of rows decided (abstain bands send the rest to review)", B, 0.0, 1.0, H, share_of="rows"),
    _m("abstain_rate", "share of rows sent to the otherwise band of abstain bands", B, 0.0, 1.0, L, share_of="rows"),
    _m("abstained", "rows sent to the otherwise band of abstain bands", B, 0.0, INF, N),
    _m("predicted_positive_rate", "share of rows predicted positive", B, 0.0, 1.0, N, share_of="rows"),
    _m("positive_rate", "share of rows whose label is positive", B, 0.0, 1.0, N, needs=Needs.LABELS, share_of="rows"),
    _m("tp", "true positives", B, 0.0, INF, N),
    _m("fp", "false positives", B, 0.0, INF, N),
    _m("tn", "true negatives", B, 0.0, INF, N),
    _m("fn", "false negatives", B, 0.0, INF, N),
    # binary, from probabilities
    _m("roc_auc", "chance a random positive scores above a random negative", B, 0.0, 1.0, H, needs=Needs.SCORES),
    _m("pr_auc", "average precision over the precision-recall curve", B, 0.0, 1.0, H, needs=Needs.SCORES),
    _m("brier", "mean squared error of the probabilities", B, 0.0, 1.0, L, needs=Needs.SCORES),
    _m("log_loss", "mean negative log-likelihood of the labels", BM, 0.0, INF, L, needs=Needs.SCORES),
    # multiclass
    *_AVERAGED,
    _m(
        "top_k_accuracy",
        "share of rows whose label is among the k most probable classes",
        M,
        0.0,
        1.0,
        H,
        needs=Needs.SCORES,
        param="k",
        share_of="rows",
    ),
    # multiclass, of one class: recall[billing]
    _m(
        "precision",
        "share of the rows decided as the class that are of it",
        M,
        0.0,
        1.0,
        H,
        share_of="rows decided as the class",
        per_class=True,
    ),
    _m(
        "recall",
        "share of the class's rows decided as it",
        M,
        0.0,
        1.0,
        H,
        share_of="rows of the class",
        per_class=True,
    ),
    _m("f1", "harmonic mean of the class's precision and recall", M, 0.0, 1.0, H, per_class=True),
    _m("support", "rows of the class (weighted)", M, 0.0, INF, N, needs=Needs.LABELS, per_class=True),
    _m("share", "share of rows of the class", M, 0.0, 1.0, N, needs=Needs.LABELS, share_of="rows", per_class=True),
    _m("predicted_share", "share of rows decided as the class", M, 0.0, 1.0, N, share_of="rows", per_class=True),
    # multiclass, from the spec's cost matrix
    _m("cost", "mean cost of the decisions per row", M, 0.0, INF, L, unit=UnitKind.COST),
    _m("total_cost", "total cost of the decisions over the rows", M, 0.0, INF, L, unit=UnitKind.COST),
    # regression, in the label's unit
    _m("mae", "mean absolute error", R, 0.0, INF, L, unit=UnitKind.LABEL),
    _m("mse", "mean squared error", R, 0.0, INF, L, unit=UnitKind.LABEL_SQUARED),
    _m("rmse", "root mean squared error", R, 0.0, INF, L, unit=UnitKind.LABEL),
    _m("median_absolute_error", "median absolute error", R, 0.0, INF, L, unit=UnitKind.LABEL),
    _m("max_error", "largest absolute error", R, 0.0, INF, L, unit=UnitKind.LABEL),
    _m("bias", "mean of prediction minus label", R, -INF, INF, Z, unit=UnitKind.LABEL),
    _m("mape", "mean absolute percentage error, as a fraction", R, 0.0, INF, L),
    _m("r2", "share of the label's variance explained", R, -INF, 1.0, H),
    # ranking, per query
    _m(
        "hit_rate",
        "share of queries with a relevant item in the top k",
        K,
        0.0,
        1.0,
        H,
        needs=Needs.SCORES,
        param="k",
        share_of="queries",
    ),
    _m("precision", "share of the top k that is relevant, per query", K, 0.0, 1.0, H, needs=Needs.SCORES, param="k"),
    _m(
        "recall",
        "share of a query's relevant items found in the top k",
        K,
        0.0,
        1.0,
        H,
        needs=Needs.SCORES,
        param="k",
    ),
    _m("ndcg", "normalised discounted cumulative gain of the top k", K, 0.0, 1.0, H, needs=Needs.SCORES, param="k"),
    _m("mrr", "mean reciprocal rank of the first relevant item", K, 0.0, 1.0, H, needs=Needs.SCORES),
    _m("queries", "number of queries", K, 0.0, INF, N, needs=Needs.LABELS),
    # every task
    _m("rows", "number of rows evaluated", ALL, 0.0, INF, N, needs=Needs.LABELS),
    _m("n", "number of rows evaluated", ALL, 0.0, INF, N, needs=Needs.LABELS),
]

BY_TASK: dict[tuple[str, str], MetricInfo] = {(task, m.name): m for m in _ALL for task in m.tasks}
# One entry per name, for messages that have no task to go by (the first task listed wins)
METRICS: dict[str, MetricInfo] = {}
for _metric in _ALL:
    METRICS.setdefault(_metric.name, _metric)

# Quantities of the data that every task has; the evaluator computes them, not the metric library.
DATA_QUANTITIES = ("rows", "n", "queries")


def lookup(name: str, task: str | None) -> MetricInfo | None:
    """The metric called `name` in a spec of this task; for an unknown task, any metric so called."""
    if task is not None and (task, name) in BY_TASK:
        return BY_TASK[(task, name)]
    return METRICS.get(name)


def names_for(task: str | None) -> list[str]:
    return sorted({m.name for m in _ALL if task is None or task in m.tasks})
