"""Checking metric references, quantities and derived-metric expressions (units, ranges, cycles)."""

from __future__ import annotations

import math

from hurdlelang.core import codes
from hurdlelang.core.suggest import did_you_mean
from hurdlelang.lang import ast_nodes as ast
from hurdlelang.lang import ir
from hurdlelang.lang.catalogue import BY_TASK, INF, TASKS, Direction, Needs, UnitKind, lookup, names_for
from hurdlelang.lang.check.classes import known_class
from hurdlelang.lang.check.context import Context, MetricType
from hurdlelang.lang.units import NONE, Unit

_PARAM_WORDS = {"k": "a whole number of items, e.g. @5", "beta": "a positive weight, e.g. @2 or @0.5"}


def _param(ctx: Context, ref: ast.MetricRef, wanted: str | None) -> float | None | bool:
    """The checked @parameter, None when there is none, False when it is wrong (reported)."""
    name = ref.name.value
    if wanted is None:
        if ref.param is not None:
            ctx.report(codes.BAD_PARAMETER, f"'{name}' takes no @ parameter", ref.span, f"write just '{name}'")
            return False
        return None
    if ref.param is None:
        ctx.report(
            codes.BAD_PARAMETER, f"'{name}' needs @{wanted}", ref.span, f"write {name}@{wanted}: {_PARAM_WORDS[wanted]}"
        )
        return False
    value = ref.param.value
    bad_k = wanted == "k" and (
        not math.isfinite(value) or value < 1 or value != int(value) or ref.param.unit is not None
    )
    bad_beta = wanted == "beta" and (value <= 0 or ref.param.unit is not None)
    if bad_k or bad_beta:
        ctx.report(
            codes.BAD_PARAMETER,
            f"'{ref.text}' has an invalid {wanted}",
            ref.param.span,
            f"{wanted} is {_PARAM_WORDS[wanted]}",
        )
        return False
    return value


def resolve(ctx: Context, ref: ast.MetricRef) -> MetricType | None:
    """Resolve a metric name for the spec's task; report unknown names and misuse."""
    name = ref.name.value
    per_class = lookup(name, ctx.task)
    if name in ctx.derived and not (ref.of is not None and per_class is not None and per_class.per_class):
        if ref.param is not None or ref.of is not None:
            what = "@ parameter" if ref.param is not None else "class"
            ctx.report(
                codes.BAD_PARAMETER, f"derived metric '{name}' takes no {what}", ref.span, f"write just '{name}'"
            )
            return None
        return ctx.derived[name]
    info = lookup(name, ctx.task)
    if info is None:
        hint = (
            did_you_mean(name, [*names_for(ctx.task), *ctx.derived]) or "see docs/language.md for the built-in metrics"
        )
        ctx.report(codes.UNKNOWN_METRIC, f"unknown metric '{name}'", ref.name.span, hint, subject=name)
        return None
    if ctx.task is not None and ctx.task not in info.tasks:
        kinds = ", ".join(sorted(info.tasks))
        ctx.report(
            codes.METRIC_WRONG_TASK,
            f"'{name}' is not defined for task {ctx.task}",
            ref.span,
            f"'{name}' applies to: {kinds}",
        )
        return None
    param = _param(ctx, ref, info.param)
    if param is False or not _of_class(ctx, ref, info.per_class):
        return None
    if info.unit is UnitKind.COST and ctx.cost is None:
        if not ctx.cost_given:  # a cost matrix with errors has reported them already
            ctx.report(
                codes.NO_COST_MATRIX,
                f"'{name}' is the cost of the decisions, but the spec has no cost matrix",
                ref.span,
                "price each (actual, decided) pair of classes: cost in EUR { decided A, B ...  A 0, 5 ... }",
            )
        return None
    return MetricType(
        key=ir.MetricKey(name=info.name, param=param, of=ref.of.value if ref.of else None),
        direction=info.direction,
        unit=_unit(ctx, info.unit),
        low=info.low,
        high=info.high,
        needs=frozenset({info.needs}),
        share_of=info.share_of,
    )


def _of_class(ctx: Context, ref: ast.MetricRef, per_class: bool) -> bool:
    """`recall[billing]`: a per-class metric needs one of the spec's classes, any other none."""
    name = ref.name.value
    if ref.of is None and per_class:
        averaged = f" or {name}_macro" if f"{name}_macro" in names_for(ctx.task) else ""
        example = ir.class_text(ctx.classes[0]) if ctx.classes else "CLASS"
        # the code and message of before per-class metrics, when `precision` was binary only
        other = sorted(t for t in TASKS if (t, name) in BY_TASK and t != ctx.task)
        ctx.report(
            codes.METRIC_WRONG_TASK,
            f"'{name}' is not defined for task {ctx.task}",
            ref.span,
            f"'{name}' applies to: {', '.join(other)}; in a {ctx.task} spec it is of one class: "
            f"{name}[{example}]{averaged}",
        )
        return False
    if ref.of is not None and not per_class:
        why = " (a binary metric is of the positive class)" if ctx.task == "binary" else ""
        ctx.report(
            codes.BAD_PARAMETER,
            f"'{name}' is not a per-class metric{why}",
            ref.of.span,
            f"write just '{ref.text.split('[')[0]}'; per-class metrics are precision, recall, f1, support, share "
            "and predicted_share of a multiclass spec",
        )
        return False
    return ref.of is None or known_class(ctx, ref.of, f"'{ref.text}'")


def _unit(ctx: Context, kind: UnitKind) -> Unit:
    if kind is UnitKind.COST:
        return Unit.named(ctx.cost.unit) if ctx.cost is not None else NONE
    if kind is UnitKind.NONE:
        return NONE
    return Unit.of_label(ctx.label_unit, 2 if kind is UnitKind.LABEL_SQUARED else 1)


def quantity_unit(q: ast.Quantity) -> Unit:
    return Unit.named(q.unit) if q.unit not in (None, "%", "points") else NONE


def level(ctx: Context, q: ast.Quantity, metric: MetricType | None, what: str = "threshold") -> float | None:
    """A level compared with a metric (a threshold, a guard bound, a figure, an example value),
    normalised: 45% -> 0.45. Checks its unit and the metric's range."""
    if q.unit == "points":
        ctx.report(
            codes.POINTS_AS_THRESHOLD,
            f"'{q.text}' is a difference, but a {what} is a level",
            q.span,
            "write a level such as 0.45 or 45%; use 'beats BASELINE by 5 points' for a difference",
        )
        return None
    value = q.value / 100 if q.unit == "%" else q.value
    if metric is None:
        return value
    name = metric.key.key
    if q.unit == "%" and not metric.unit.is_none:
        ctx.report(
            codes.UNIT_MISMATCH,
            f"'{name}' is in {metric.unit}, so '{q.text}' does not fit",
            q.span,
            "write the value with its unit",
        )
        return None
    if not quantity_unit(q).fits(metric.unit):
        hint = f"write it in {metric.unit}" if not metric.unit.is_none else "write a plain number"
        ctx.report(
            codes.UNIT_MISMATCH, f"'{q.text}' is in {quantity_unit(q)}, but {name} is in {metric.unit}", q.span, hint
        )
        return None
    if value < metric.low or value > metric.high:
        span = f"{metric.low:g} to {metric.high:g}".replace("inf", "∞")
        hint = f"{name} is a proportion; write e.g. 0.45 or 45%" if metric.is_proportion else None
        ctx.report(codes.OUT_OF_RANGE, f"'{q.text}' is outside the range of {name} ({span})", q.span, hint)
        return None
    return value


# ---- derived metrics ----


def check_derived(ctx: Context, metrics: tuple[ast.MetricDef, ...]) -> list[ir.DerivedMetric]:
    """Type every derived metric, in dependency order, reporting cycles and unit clashes."""
    by_name = {m.name.value: m for m in metrics}
    done: dict[str, ir.DerivedMetric] = {}
    for name in by_name:
        ctx.derived.setdefault(name, None)

    failed: set[str] = set()

    def visit(name: str, stack: tuple[str, ...]) -> None:
        if name in done or name in failed or ctx.derived.get(name) is not None:
            return
        definition = by_name[name]
        for dep in _refs(definition.expr):
            if dep in stack or dep == name:
                members = [*stack[stack.index(dep) :], name] if dep in stack else [name]
                failed.update(members)
                first = by_name[members[0]]
                cycle = " -> ".join([*members, members[0]])
                ctx.report(
                    codes.SELF_REFERENCE,
                    f"metric '{members[0]}' is defined in terms of itself ({cycle})",
                    first.name.span,
                    "define it from built-in metrics, counts and numbers, or from metrics that do not use it",
                )
                return
            if dep in by_name:
                visit(dep, (*stack, name))
                if dep in failed:
                    failed.add(name)
                    return
        typed = _expr(ctx, definition.expr)
        if typed is None:
            return
        expr, unit, needs = typed
        direction = Direction(definition.direction or "higher")
        ctx.derived[name] = MetricType(ir.MetricKey(name=name), direction, unit, -INF, INF, needs, derived=True)
        done[name] = ir.DerivedMetric(
            name=name,
            title=definition.title,
            direction=direction.value,
            unit=unit.to_ir(),
            expr=expr,
            text=ctx.text(definition.expr.span),
        )

    for name in by_name:
        visit(name, ())
    return [done[n] for n in by_name if n in done]


def _refs(expr: ast.Expr) -> list[str]:
    if isinstance(expr, ast.MetricRef):
        return [expr.name.value]
    if isinstance(expr, ast.BinOp):
        return _refs(expr.left) + _refs(expr.right)
    if isinstance(expr, ast.Neg):
        return _refs(expr.operand)
    return []


def _expr(ctx: Context, expr: ast.Expr) -> tuple[ir.Expr, Unit, frozenset[Needs]] | None:
    if isinstance(expr, ast.Quantity):
        if expr.unit == "points":
            ctx.report(
                codes.POINTS_AS_THRESHOLD,
                "points are for margins, not for arithmetic",
                expr.span,
                "write a number, e.g. 0.05",
            )
            return None
        value = expr.value / 100 if expr.unit == "%" else expr.value
        unit = quantity_unit(expr)
        return ir.NumberExpr(value=value, unit=unit.to_ir()), unit, frozenset()
    if isinstance(expr, ast.MetricRef):
        metric = resolve(ctx, expr)
        if metric is None:
            return None
        return ir.RefExpr(metric=metric.key), metric.unit, metric.needs
    if isinstance(expr, ast.Neg):
        inner = _expr(ctx, expr.operand)
        return (ir.NegExpr(operand=inner[0]), inner[1], inner[2]) if inner else None
    left, right = _expr(ctx, expr.left), _expr(ctx, expr.right)
    if left is None or right is None:
        return None
    (le, lu, ln), (re_, ru, rn) = left, right
    if expr.op in "+-":
        if not lu.fits(ru):
            ctx.report(
                codes.DIFFERENT_UNITS,
                f"cannot {'add' if expr.op == '+' else 'subtract'} {ru} {'to' if expr.op == '+' else 'from'} {lu}",
                expr.span,
                "both sides of + and - must have the same unit",
            )
            return None
        unit = lu if not lu.any else ru
    else:
        unit = lu * ru if expr.op == "*" else lu / ru
    return ir.BinaryExpr(op=expr.op, left=le, right=re_), unit, ln | rn
