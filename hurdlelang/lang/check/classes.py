"""Checking a multiclass spec's classes: the `classes` line, the class of a per-class metric
(`recall[billing]`) and the cost matrix, each class name against the spec's declared classes."""

from __future__ import annotations

import math

from hurdlelang.core import codes
from hurdlelang.core.suggest import did_you_mean, listing
from hurdlelang.lang import ast_nodes as ast
from hurdlelang.lang import ir
from hurdlelang.lang.check.context import Context


def declared_line(ctx: Context, binding: ast.Binding, scored: tuple[str, ...]) -> list[str] | None:
    """The `classes a, b, c` line of a data block: a multiclass spec's classes, when it has no
    per-class scores (with them, the line must name the same classes). None after reporting."""
    names: tuple[ast.ClassName, ...] = binding.value
    if ctx.task != "multiclass":
        ctx.report(
            codes.BINDING_DOES_NOT_FIT,
            f"'classes' is for multiclass specs, not {ctx.task}",
            binding.span,
            "remove it, or set: task multiclass",
        )
        return None
    seen: dict[str, ast.ClassName] = {}
    for name in names:
        if name.value in seen:
            ctx.report(
                codes.DUPLICATE_NAME,
                f"class {name.text} is listed twice",
                name.span,
                "list each class once",
            )
            return None
        seen[name.value] = name
    if len(seen) < 2:
        ctx.report(
            codes.BINDING_DOES_NOT_FIT,
            "a multiclass spec has at least two classes",
            binding.span,
            "list every class the label can take: classes billing, technical, ...",
        )
        return None
    if scored and set(scored) != set(seen):
        ctx.report(
            codes.BINDING_DOES_NOT_FIT,
            "the 'classes' line does not name the scored classes",
            binding.span,
            f"the classes are those of the score columns ({listing(map(ir.class_text, scored))}): "
            "remove the line, or make it name the same classes",
        )
        return None
    return list(seen)


def known_class(ctx: Context, name: ast.ClassName, what: str) -> bool:
    """Is `name` one of the spec's classes? Reports E131 when the spec declares none, E130 else."""
    if ctx.classes is None:
        ctx.report(
            codes.NO_CLASSES,
            f"{what} names class {name.text}, but the spec declares no classes",
            name.span,
            "declare them in the data block: score COLUMN for CLASS, ... (one per class), or classes A, B, ...",
        )
        return False
    if name.value not in ctx.classes:
        shown = [ir.class_text(c) for c in ctx.classes]
        hint = did_you_mean(name.value, ctx.classes)
        hint = hint or f"the spec's classes: {listing(shown)}"
        ctx.report(codes.UNKNOWN_CLASS, f"unknown class {name.text}", name.span, hint, subject=name.value)
        return False
    return True


def cost_matrix(ctx: Context, nodes: tuple[ast.CostMatrix, ...]) -> ir.CostMatrix | None:
    """The checked cost matrix: every (actual, decided) pair of the spec's classes given once, as a
    finite cost of at least 0 in the matrix's unit."""
    for extra in nodes[1:]:
        ctx.report(codes.BLOCK_TWICE, "the cost matrix is given more than once", extra.span, "keep one")
    if not nodes:
        return None
    node = nodes[0]
    ctx.cost_given = True
    if ctx.task != "multiclass":
        ctx.report(
            codes.BAD_COST_MATRIX,
            f"a cost matrix is for multiclass specs, not {ctx.task}",
            node.span,
            "in a binary spec, price the errors with a derived metric: metric cost = (fp * 5 EUR + fn * 80 EUR) / n",
        )
        return None
    ok = node.unit is not None
    if node.unit is None:
        ctx.report(
            codes.BAD_COST_MATRIX,
            "the cost matrix has no unit",
            node.header_span,
            "say what the costs are in after the keyword: cost in EUR { ... }",
        )
    columns = _classes_once(ctx, node.decided, "decided class", "column")
    rows = _classes_once(ctx, tuple(r.actual for r in node.rows), "actual class", "row")
    if columns is None or rows is None or ctx.classes is None:
        return None
    ok = _all_classes(ctx, node, columns, rows) and ok
    cells: list[ir.CostCell] = []
    unit = node.unit.value if node.unit is not None else None
    for row in node.rows:
        if len(row.costs) != len(node.decided):
            ctx.report(
                codes.BAD_COST_MATRIX,
                f"the row of {row.actual.text} gives {len(row.costs)} costs for {len(node.decided)} decided classes",
                row.span,
                f"give one cost per decided class, in the order of the first line: {_header(node)}",
            )
            ok = False
            continue
        for decided, quantity in zip(node.decided, row.costs, strict=True):
            cost = _cost(ctx, quantity, unit)
            ok = ok and cost is not None
            if cost is not None:
                cells.append(ir.CostCell(actual=row.actual.value, decided=decided.value, cost=cost))
    if not ok or unit is None:
        return None
    return ir.CostMatrix(title=node.title, unit=unit, classes=[c.value for c in node.decided], cells=cells)


def _header(node: ast.CostMatrix) -> str:
    return "decided " + ", ".join(c.text for c in node.decided)


def _classes_once(ctx: Context, names: tuple[ast.ClassName, ...], what: str, place: str) -> list[str] | None:
    seen: dict[str, ast.ClassName] = {}
    ok = True
    for name in names:
        if not known_class(ctx, name, f"the cost matrix's {place}"):
            ok = False
            continue
        if name.value in seen:
            ctx.report(
                codes.BAD_COST_MATRIX,
                f"{what} {name.text} has two {place}s in the cost matrix (line {seen[name.value].span.line})",
                name.span,
                f"give each class one {place}",
            )
            ok = False
        seen.setdefault(name.value, name)
    return list(seen) if ok else None


def _all_classes(ctx: Context, node: ast.CostMatrix, columns: list[str], rows: list[str]) -> bool:
    """Every one of the spec's classes has a column and a row: a decision nobody priced would be
    priced 0 without anybody saying so."""
    ok = True
    for place, have, span in (("column", columns, node.header_span), ("row", rows, node.span)):
        missing = [c for c in ctx.classes or () if c not in have]
        if missing:
            names = listing(ir.class_text(c) for c in missing)
            ctx.report(
                codes.BAD_COST_MATRIX,
                f"the cost matrix has no {place} for {names}",
                span,
                "price every pair of classes: the first line lists every decided class, and each class has a row "
                "(0 where a decision costs nothing)",
            )
            ok = False
    return ok


def _cost(ctx: Context, q: ast.Quantity, unit: str | None) -> float | None:
    if q.unit is not None and q.unit != unit:
        ctx.report(
            codes.UNIT_MISMATCH,
            f"'{q.text}' is not in the cost matrix's unit ({unit or 'none given'})",
            q.span,
            "write the costs as plain numbers: the unit is the matrix's (cost in EUR { ... })",
        )
        return None
    if not math.isfinite(q.value) or q.value < 0:
        what = "not a finite number" if not math.isfinite(q.value) else "negative"
        ctx.report(
            codes.BAD_COST,
            f"the cost '{q.text}' is {what}",
            q.span,
            "a cost is an amount of at least 0; a decision that earns money is priced 0 here, and its gain "
            "belongs in a derived metric",
        )
        return None
    return q.value
