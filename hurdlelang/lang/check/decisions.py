"""Checks of decision rules at a volume: `predict p top 10%`, `predict p top 500` and `predict p at
the volume of BASELINE` (binary only). The cut is chosen on the data (hurdlelang/data/volume.py), so
all the checker can say is whether the volume makes sense and whom it is borrowed from."""

from __future__ import annotations

from hurdlelang.core import codes
from hurdlelang.core.suggest import did_you_mean
from hurdlelang.lang import ast_nodes as ast
from hurdlelang.lang import ir
from hurdlelang.lang.check.context import Context


def volume_rule(ctx: Context, rule: ast.Rule) -> ir.PredictRule | None:
    """The IR of `COLUMN top Q` or `COLUMN at the volume of B`; None after reporting a problem."""
    if ctx.task != "binary":
        ctx.report(
            codes.BINDING_DOES_NOT_FIT,
            f"a decision at a volume flags rows as positive, which a {ctx.task} spec does not decide",
            rule.span,
            f"write: predict {rule.column.name}",
        )
        return None
    if rule.volume_of is not None:
        return ir.PredictRule(column=rule.column.name, volume_of=rule.volume_of.value)
    top = rule.top
    if top.unit == "%":
        if not 0 < top.value <= 100:
            ctx.report(
                codes.OUT_OF_RANGE,
                f"top {top.text} is not a share of the rows: it must be above 0% and at most 100%",
                top.span,
                "write the share to flag, e.g. top 10%",
            )
            return None
        return ir.PredictRule(column=rule.column.name, top_share=top.value / 100)
    if top.unit is not None:
        ctx.report(
            codes.UNIT_MISMATCH,
            f"a volume is a number of rows or a share of them, not '{top.text}'",
            top.span,
            "write: top 500 (rows) or top 10% (of the rows)",
        )
        return None
    if top.value < 1 or top.value != int(top.value):
        ctx.report(
            codes.OUT_OF_RANGE,
            f"top {top.text} is not a number of rows: it must be a whole number of at least 1",
            top.span,
            "write the rows to flag, e.g. top 500, or a share: top 10%",
        )
        return None
    return ir.PredictRule(column=rule.column.name, top_rows=int(top.value))


def _rules(spec: ast.Spec) -> list[tuple[str | None, ast.Rule]]:
    """Every `predict` rule of the spec with its owner (None: the candidate)."""
    found = []
    for block in spec.data[:1]:
        found += [(None, b.value) for b in block.bindings if b.kind == "predict"]
    for baseline in spec.baselines:
        found += [(baseline.name.value, i.value) for i in baseline.items if i.kind == "predict"]
    return [(owner, rule) for owner, rule in found if isinstance(rule, ast.Rule)]


def check_volume_sources(ctx: Context, spec: ast.Spec, baselines: list) -> None:
    """`at the volume of B`: B is a column baseline of this spec whose decisions are fixed (a
    column or a threshold), so the volume it sets is known in each resample before the cut."""
    known = {b.name: b for b in baselines}
    for owner, rule in _rules(spec):
        if rule.volume_of is None:
            continue
        name = rule.volume_of
        if name.value == owner:
            ctx.report(
                codes.SELF_REFERENCE,
                f"baseline '{owner}' cannot decide at its own volume",
                name.span,
                "name another baseline, or give a volume: top 10%",
            )
            continue
        target = known.get(name.value)
        if target is None:
            if name.value in ctx.parties:  # a baseline with its own errors, already reported
                continue
            names = [b for b in ctx.parties]
            ctx.report(
                codes.UNKNOWN_BASELINE,
                f"unknown baseline '{name.value}'",
                name.span,
                did_you_mean(name.value, names) or f"baselines: {', '.join(names) or 'none'}",
            )
            continue
        fixed = isinstance(target, ir.ColumnBaseline) and target.predict is not None
        if not fixed or target.predict.at_volume or target.predict.abstain:
            what = (
                "decides at a volume itself"
                if fixed and target.predict.at_volume
                else "decides by abstain bands, leaving some rows to a person"
                if fixed
                else ("has no decisions" if isinstance(target, ir.ColumnBaseline) else f"is a {target.kind} baseline")
            )
            ctx.report(
                codes.VOLUME_WITHOUT_DECISIONS,
                f"'at the volume of {name.value}': baseline '{name.value}' {what}",
                name.span,
                "borrow the volume of a baseline that flags rows by a column or a threshold "
                "(predict rule, or predict score >= 0.5)",
            )


def _band(ctx: Context, band: ast.Band) -> ir.Band | None:
    t = band.threshold
    if t.unit not in (None, "%"):
        ctx.report(
            codes.UNIT_MISMATCH,
            f"a band's threshold is a number or a percentage, not '{t.text}'",
            t.span,
            "write it as a number or a percentage, e.g. 0.8 or 80%",
        )
        return None
    return ir.Band(op=band.op, threshold=t.value / (100 if t.unit == "%" else 1), name=band.name.value)


def bands(ctx: Context, node: ast.Bands) -> ir.PredictRule | None:
    """`predict p >= 0.8 as block, p < 0.2 as allow, otherwise review`: one band above, one below,
    on one column, apart, with something left between them for the `otherwise` band."""
    if ctx.task != "binary":
        ctx.report(
            codes.BINDING_DOES_NOT_FIT,
            f"abstain bands decide rows positive or negative, which a {ctx.task} spec does not decide",
            node.span,
            f"write: predict {node.bands[0].column.name}",
        )
        return None
    above = [b for b in node.bands if b.op in (">=", ">")]
    below = [b for b in node.bands if b.op in ("<=", "<")]
    example = "predict p >= 0.8 as block, p < 0.2 as allow, otherwise review"
    if len(above) != 1 or len(below) != 1:
        ctx.report(
            codes.BAD_BANDS,
            f"abstain bands need one band above (>= or >) and one below (<= or <); these have "
            f"{len(above)} above and {len(below)} below",
            node.span,
            f"write: {example}",
        )
        return None
    up, down = above[0], below[0]
    if up.column.name != down.column.name:
        ctx.report(
            codes.BAD_BANDS,
            f"the bands read two columns, '{up.column.name}' and '{down.column.name}'",
            down.column.span,
            f"both bands cut the same score: {up.column.name} {down.op} ...",
        )
        return None
    names = [up.name, down.name, node.otherwise]
    for i, name in enumerate(names):
        if name.value in [n.value for n in names[:i]]:
            ctx.report(
                codes.BAD_BANDS, f"two bands are called '{name.value}'", name.span, "give each band its own name"
            )
            return None
    high, low = _band(ctx, up), _band(ctx, down)
    if high is None or low is None:
        return None
    both = f"{up.column.name} {up.op} {up.threshold.text} and {down.column.name} {down.op} {down.threshold.text}"
    if high.threshold < low.threshold or (high.threshold == low.threshold and up.op == ">=" and down.op == "<="):
        ctx.report(
            codes.BAD_BANDS,
            f"the bands overlap: a row with {both} would be both {up.name.value} and {down.name.value}",
            node.span,
            f"the band above starts where the band below ends, or higher: {example}",
        )
        return None
    if high.threshold == low.threshold and (up.op == ">=") != (down.op == "<="):
        ctx.report(
            codes.BAD_BANDS,
            f"the bands leave nothing for '{node.otherwise.value}': every row is {up.name.value} or {down.name.value}",
            node.span,
            f"leave a gap between the bands, or decide every row: predict {up.column.name} {up.op} {up.threshold.text}",
        )
        return None
    return ir.PredictRule(column=up.column.name, bands=[high, low], abstain=node.otherwise.value)
