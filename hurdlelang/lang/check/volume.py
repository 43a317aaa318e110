"""The business's volume (`volume 120_000 customers per month`) and conditions judged per period
(`net_value >= 40_000 GBP per month`).

A total over the rows judged (the margin of the customers mailed, the false alarms raised) scales
with the number of rows, so at the business's volume it is `value / n * volume`. A rate does not
scale (precision, or a margin per 1,000 customers: `... / n * 1000`): it is the same at any volume,
and `per month` on it would print a number that means nothing, so the checker refuses it (E216).
Whether a metric is a total is read from its definition: the counts (tp, fp, tn, fn, n, rows,
abstained, a class's support, a cost matrix's total_cost) are totals; a product adds the powers of
the row count, a quotient subtracts them, a sum needs terms of one power; a total is of power 1.
"""

from __future__ import annotations

from dataclasses import replace

from hurdlelang.core import codes
from hurdlelang.lang import ast_nodes as ast
from hurdlelang.lang import ir
from hurdlelang.lang.check.context import Context, MetricType

TOTALS = frozenset({"tp", "fp", "tn", "fn", "n", "rows", "abstained", "support", "total_cost"})


def volume(ctx: Context, nodes: tuple[ast.Volume, ...]) -> ir.Volume | None:
    for extra in nodes[1:]:
        ctx.report(codes.BLOCK_TWICE, "'volume' is given more than once", extra.span, "keep one volume")
    if not nodes:
        return None
    node = nodes[0]
    amount = node.amount
    if amount.unit in ("%", "points") or amount.value <= 0:
        ctx.report(
            codes.OUT_OF_RANGE,
            f"a volume is a positive number of rows per period, not '{amount.text}'",
            amount.span,
            "write how many rows (customers, transactions) a period brings: volume 120_000 customers per month",
        )
        return None
    return ir.Volume(amount=amount.value, unit=amount.unit, period=node.period.value)


def power(expr: ast.Expr, definitions: dict[str, ast.Expr], seen: frozenset[str] = frozenset()) -> int | None:
    """The power of the row count the expression scales with (1: a total, 0: a rate); None when its
    terms scale differently (`tp + 1`) or a definition refers to itself (reported elsewhere)."""
    if isinstance(expr, ast.Quantity):
        return 0
    if isinstance(expr, ast.MetricRef):
        name = expr.name.value
        if name in definitions:
            return None if name in seen else power(definitions[name], definitions, seen | {name})
        return 1 if name in TOTALS else 0
    if isinstance(expr, ast.Neg):
        return power(expr.operand, definitions, seen)
    left, right = power(expr.left, definitions, seen), power(expr.right, definitions, seen)
    if left is None or right is None:
        return None
    if expr.op == "*":
        return left + right
    if expr.op == "/":
        return left - right
    return left if left == right else None


def row_power(ctx: Context, ref: ast.MetricRef) -> int | None:
    """The power of the row count a metric scales with (1: a total such as tp or a margin, 0: a rate)."""
    name = ref.name.value
    if name in ctx.definitions:
        return power(ast.MetricRef(ref.name, None, ref.span), ctx.definitions)
    return 1 if name in TOTALS else 0


def per_period(ctx: Context, metric: MetricType | None, per: ast.Name | None, ref: ast.MetricRef):
    """The metric judged per period (its key carries the period), or None after reporting why it
    cannot be; the metric itself when there is no `per`."""
    if per is None or metric is None:
        return metric
    if ctx.volume is None:
        ctx.report(
            codes.PER_PERIOD_WITHOUT_VOLUME,
            f"'{metric.key.key} ... per {per.value}' needs the business's volume, and the spec states none",
            per.span,
            f"add a line to the spec: volume 120_000 customers per {per.value}",
        )
        return None
    if per.value != ctx.volume.period:
        ctx.report(
            codes.PER_PERIOD_WITHOUT_VOLUME,
            f"the spec's volume is per {ctx.volume.period}, not per {per.value}",
            per.span,
            f"judge it per {ctx.volume.period}, or state the volume per {per.value}",
        )
        return None
    scales = row_power(ctx, ref)
    if scales != 1:
        how = (
            "it is a rate, the same at any volume"
            if scales == 0
            else "its terms do not all scale with the rows"
            if scales is None
            else f"it scales with the rows to the power {scales}"
        )
        ctx.report(
            codes.NOT_A_TOTAL,
            f"'{metric.key.key}' cannot be judged per {per.value}: {how}",
            ref.span,
            "judge a total over the rows per period: counts (tp, fp, abstained) and sums of them with prices, "
            "without '/ n' (metric margin = tp * 38 GBP - fp * 4 GBP)",
        )
        return None
    return replace(metric, key=ir.MetricKey(name=metric.key.name, param=metric.key.param, per=per.value))


def checked_power(expr: ir.Expr, spec: ir.Spec, seen: frozenset[str] = frozenset()) -> int | None:
    """`power` on a checked spec's expression (for what the record reports per period)."""
    if isinstance(expr, ir.NumberExpr):
        return 0
    if isinstance(expr, ir.RefExpr):
        derived = spec.derived(expr.metric)
        if derived is not None:
            return None if derived.name in seen else checked_power(derived.expr, spec, seen | {derived.name})
        return 1 if expr.metric.name in TOTALS else 0
    if isinstance(expr, ir.NegExpr):
        return checked_power(expr.operand, spec, seen)
    left, right = checked_power(expr.left, spec, seen), checked_power(expr.right, spec, seen)
    if left is None or right is None:
        return None
    if expr.op == "*":
        return left + right
    if expr.op == "/":
        return left - right
    return left if left == right else None


def reported_per_period(spec: ir.Spec) -> list[ir.MetricKey]:
    """With a volume, every derived total in a unit (a value: `tp * 120 EUR - ...`) is reported per
    period too, whether or not a condition judges it so."""
    if spec.volume is None:
        return []
    return [
        ir.MetricKey(name=m.name, per=spec.volume.period)
        for m in spec.metrics
        if m.unit is not None and checked_power(m.expr, spec) == 1
    ]
