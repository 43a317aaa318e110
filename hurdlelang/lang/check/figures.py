"""Checking the uncertainty a reported figure comes with: `from N rows` for a share of counted units
(a binomial proportion), or the interval it was reported with (`+- h`, `between low and high`,
95% unless a level follows) for anything else."""

from __future__ import annotations

import math

from hurdlelang.core import codes
from hurdlelang.lang import ast_nodes as ast
from hurdlelang.lang.check.context import Context, MetricType
from hurdlelang.lang.check.hurdles import confidence
from hurdlelang.lang.check.metrics import level

DEFAULT_LEVEL = 0.95


def rows(ctx: Context, item: ast.Figure, metric: MetricType | None) -> tuple[int | None, bool]:
    """The figure's sample size, and whether it is usable."""
    if item.rows is None:
        return None, True
    value = item.rows.value
    if not math.isfinite(value) or value < 1 or value != int(value):
        ctx.report(
            codes.OUT_OF_RANGE,
            f"'{item.rows.text}' is not a number of rows",
            item.rows.span,
            "write a whole number, e.g. 12_000",
        )
        return None, False
    if metric is not None and metric.share_of is None:
        # `from N rows` gives a binomial uncertainty, which only a share of counted units has
        ctx.report(
            codes.ROWS_OF_NOT_A_SHARE,
            f"{metric.key.key} is not a share of counted rows, so 'from {item.rows.text} rows' cannot give it "
            "an uncertainty",
            item.rows.span,
            f"give the uncertainty it was reported with: {metric.key.key} = {item.value.text} +- HALF_WIDTH, "
            f"or {metric.key.key} = {item.value.text} between LOW and HIGH",
        )
        return None, False
    return int(value), True


def interval(
    ctx: Context, item: ast.Figure, metric: MetricType | None, value: float | None
) -> tuple[float | None, float | None, float | None, bool]:
    """(low, high, level, usable) of the interval a figure was reported with; Nones without one."""
    if item.plus_minus is None and item.low is None:
        return None, None, None, True
    level_ = confidence(ctx, item.confidence, DEFAULT_LEVEL)
    if item.plus_minus is not None:
        half = _amount(ctx, item.plus_minus, metric)
        if half is None or value is None:
            return None, None, None, False
        if half <= 0:
            ctx.report(
                codes.BAD_FIGURE_INTERVAL,
                f"'+- {item.plus_minus.text}' is no uncertainty",
                item.plus_minus.span,
                "write the half-width of the reported interval, a positive amount",
            )
            return None, None, None, False
        return value - half, value + half, level_, True
    low, high = level(ctx, item.low, metric, "figure"), level(ctx, item.high, metric, "figure")
    if low is None or high is None or value is None:
        return None, None, None, False
    if not low <= value <= high or low == high:
        ctx.report(
            codes.BAD_FIGURE_INTERVAL,
            f"{item.value.text} does not lie inside 'between {item.low.text} and {item.high.text}'"
            if low != high
            else f"'between {item.low.text} and {item.high.text}' is no interval",
            item.span,
            "the figure is the reported value and the interval lies around it, smaller bound first",
        )
        return None, None, None, False
    return low, high, level_, True


def _amount(ctx: Context, q: ast.Quantity, metric: MetricType | None) -> float | None:
    """A half-width: in the metric's unit, or in points (or %) for a proportion."""
    if q.unit == "points" and metric is not None and metric.is_proportion:
        return q.value / 100
    return level(ctx, q, metric, "figure") if q.unit != "points" else level(ctx, q, None, "figure")
