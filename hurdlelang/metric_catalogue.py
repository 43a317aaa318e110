"""The built-in metrics: what each means, where it is defined, and which way is better.

Pure data, no numpy: `hurdlec check` reads it to type-check specs without heavy imports; the
evaluator (hurdlelang/metric_values.py) computes the values.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Direction(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


@dataclass(frozen=True)
class MetricInfo:
    name: str
    title: str
    tasks: frozenset[str]
    low: float | None
    high: float | None
    direction: Direction
    needs_scores: bool = False

    @property
    def is_proportion(self) -> bool:
        """A metric on [0, 1]: margins in points and thresholds in % make sense for it."""
        return self.low == 0.0 and self.high == 1.0


BINARY = frozenset({"binary"})

METRICS: dict[str, MetricInfo] = {
    m.name: m
    for m in [
        MetricInfo("accuracy", "share of rows decided correctly", BINARY, 0.0, 1.0, Direction.HIGHER),
        MetricInfo("precision", "share of predicted positives that are positive", BINARY, 0.0, 1.0, Direction.HIGHER),
        MetricInfo("recall", "share of positives predicted positive", BINARY, 0.0, 1.0, Direction.HIGHER),
        MetricInfo("f1", "harmonic mean of precision and recall", BINARY, 0.0, 1.0, Direction.HIGHER),
        MetricInfo(
            "roc_auc",
            "chance a random positive scores above a random negative",
            BINARY,
            0.0,
            1.0,
            Direction.HIGHER,
            needs_scores=True,
        ),
    ]
}

TASKS = ("binary",)
