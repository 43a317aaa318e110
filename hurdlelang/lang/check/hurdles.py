"""Checking the hurdles block (guards, tiers, conditions) and the examples."""

from __future__ import annotations

from hurdlelang.core import codes
from hurdlelang.core.names import CANDIDATE
from hurdlelang.core.suggest import did_you_mean, listing
from hurdlelang.lang import ast_nodes as ast
from hurdlelang.lang import ir
from hurdlelang.lang.catalogue import Direction, Needs
from hurdlelang.lang.check.context import Context, MetricType
from hurdlelang.lang.check.metrics import level, quantity_unit, resolve
from hurdlelang.lang.check.volume import per_period, row_power


def confidence(ctx: Context, node: ast.Confidence | None, inherited: float | None) -> float | None:
    if node is None:
        return inherited
    value = node.level.value
    if not 50 < value < 100:
        ctx.report(
            codes.BAD_CONFIDENCE,
            f"a confidence level of {node.level.text}% is outside (50%, 100%)",
            node.span,
            "95% is usual; 99% for costly mistakes",
        )
        return inherited
    return value / 100


def needs_met(ctx: Context, metric: MetricType, party: str, span) -> bool:
    """Does the candidate (or a column baseline) have the data this metric is computed from?"""
    data = ctx.data
    if data is None or ctx.task is None:
        return True
    if party == CANDIDATE:
        has_decisions = data.predict is not None or (ctx.task == "multiclass" and bool(data.scores))
        has_scores = bool(data.scores)
    else:
        p = ctx.parties[party]
        if p.kind != "column":
            return True
        has_decisions, has_scores = p.has_decisions, p.has_scores
        # a hard rule still ranks rows: its binary AUCs are computed from its 0/1 decisions
        if ctx.task == "binary" and metric.key.name in ("roc_auc", "pr_auc"):
            has_scores = has_scores or has_decisions
    who = "the data block" if party == CANDIDATE else f"baseline '{party}'"
    if Needs.SCORES in metric.needs and not has_scores:
        ctx.report(
            codes.DATA_NOT_BOUND,
            f"'{metric.key.key}' is computed from scores, but {who} binds none",
            span,
            "bind the probability (or ranking score) column with: score COLUMN",
        )
        return False
    if Needs.DECISIONS in metric.needs and not has_decisions:
        ctx.report(
            codes.DATA_NOT_BOUND,
            f"'{metric.key.key}' is computed from decisions, but {who} has no predict",
            span,
            "add: predict COLUMN >= THRESHOLD (or a column of decisions)",
        )
        return False
    return True


def scope(ctx: Context, node: ast.Scope | None) -> ir.Scope | None | bool:
    if node is None:
        return None
    name = node.slice.value
    if name not in ctx.slices:
        known = sorted(ctx.slices)
        hint = did_you_mean(name, known) or (
            f"slices bound: {listing(known)}" if known else f"bind it in the data block: slice {name}"
        )
        ctx.report(codes.UNKNOWN_SLICE, f"unknown slice '{name}'", node.slice.span, hint, subject=name)
        return False
    return ir.Scope(slice=name, value=node.value, strict=node.strict)


def baseline_party(ctx: Context, name: ast.Name) -> bool:
    if name.value in ctx.parties:
        return True
    known = sorted(ctx.parties)
    hint = did_you_mean(name.value, known) or (
        f"baselines defined: {listing(known)}" if known else "define it: baseline NAME { predict COLUMN }"
    )
    ctx.report(codes.UNKNOWN_BASELINE, f"unknown baseline '{name.value}'", name.span, hint, subject=name.value)
    return False


def provides(ctx: Context, baseline: str, metric: MetricType, span) -> bool:
    party = ctx.parties[baseline]
    if party.kind == "invalid":
        return False
    if not _same_period(ctx, baseline, party, metric, span):
        return False
    if party.kind == "figures" and metric.key.key not in party.figures:
        have = listing(party.figures) or "none"
        per = f" per {metric.key.per}" if metric.key.per else ""
        ctx.report(
            codes.FIGURE_LACKS_METRIC,
            f"baseline '{baseline}' reports no figure for {metric.key.key}",
            span,
            f"add it to the baseline: {metric.key.base.key} = {_value(metric)}{per} (figures given: {have})",
        )
        return False
    return needs_met(ctx, metric, baseline, span)


def _value(metric: MetricType) -> str:
    """A placeholder figure in the metric's unit, for a hint: VALUE, or VALUE EUR."""
    unit = metric.unit.to_ir() if metric.unit is not None and not metric.unit.any else None
    return f"VALUE {unit}" if unit else "VALUE"


def _same_period(ctx: Context, baseline: str, party, metric: MetricType, span) -> bool:
    """E217: a total per period is the total over a party's rows judged, scaled to the spec's
    volume; a baseline without rows of ours has nothing to scale. A figure must then state the
    total per period itself (the business's own monthly number), and a figure stated per period
    is only compared per period; an earlier record's totals count the rows it judged, which this
    spec cannot scale (its volume and its rows are another run's)."""
    key = metric.key
    if party.kind == "record" and key.per is not None:
        ctx.report(
            codes.PERIOD_WITHOUT_ROWS,
            f"baseline '{baseline}' is an earlier record: its {key.name} counts the rows that run judged, which "
            f"cannot be scaled to this spec's volume per {key.per}",
            span,
            f"compare a rate with the record ({key.name} / n * 1000), or state the recorded model's "
            f"{key.name} per {key.per} in a figure baseline: {key.name} = {_value(metric)} per {key.per}",
        )
        return False
    if party.kind != "figures":
        return True
    if key.key in party.figures:
        if key.per is None and row_power(ctx, ast.MetricRef(ast.Name(key.name, span), None, span)) == 1:
            ctx.report(
                codes.FIGURE_OF_A_TOTAL,
                f"baseline '{baseline}' reports {key.key}, a total that grows with the rows: it is compared with "
                f"the candidate's {key.key} over the rows judged, as if the figure counted as many rows",
                span,
                f"compare a rate with the figure ({key.name} / n * 1000, the same at any number of rows), or "
                f"state the business's volume and the figure per period: {key.name} = {_value(metric)} per month",
            )
        return True
    if key.per is not None and key.base.key in party.figures:
        ctx.report(
            codes.PERIOD_WITHOUT_ROWS,
            f"baseline '{baseline}' reports {key.base.key} as a plain figure, not per {key.per}: a figure has no "
            f"rows to scale to the spec's volume",
            span,
            f"state the figure per {key.per}, as the business reports it: {key.base.key} = {_value(metric)} "
            f"per {key.per}",
        )
        return False
    stated = [f for f in party.figures.values() if f.metric.per is not None and f.metric.base.key == key.key]
    if key.per is None and stated:
        per = stated[0].metric.per
        ctx.report(
            codes.PERIOD_WITHOUT_ROWS,
            f"baseline '{baseline}' reports {key.key} per {per}, and this compares {key.key} on the rows judged",
            span,
            f"judge it per {per} too: {key.key} >= {baseline}.{key.key} per {per}, or a margin written '... per {per}'",
        )
        return False
    return True


def _direction_warning(ctx: Context, metric: MetricType, op: str, span, negated: bool) -> None:
    against = (metric.direction is Direction.HIGHER and op in ("<=", "<")) or (
        metric.direction is Direction.LOWER and op in (">=", ">")
    )
    if against == negated:  # under `not`, `recall < 0.2` asks for recall >= 0.2: no warning
        return
    name, better = metric.key.key, metric.direction.value
    effect = "sets a ceiling on good performance" if better == "higher" else "demands a worse model"
    if negated:
        message = f"{name} is better when {better}, so 'not ... {op} ...' {effect}"
        hint = "did you mean the comparison without 'not'?"
    else:
        message = f"{name} is better when {better}, so '{op}' {effect}"
        hint = f"did you mean '{'>=' if better == 'higher' else '<='}'?"
    ctx.report(codes.AGAINST_DIRECTION, message, span, hint)


def _margin(ctx: Context, q: ast.Quantity, metric: MetricType) -> ir.Margin | None:
    if q.unit == "%":
        return ir.Margin(value=q.value / 100, relative=True, text=q.text)
    if q.unit == "points":
        if not metric.is_proportion:
            ctx.report(
                codes.UNIT_MISMATCH,
                f"points are for proportions; '{metric.key.key}' is not one",
                q.span,
                "use a relative margin such as 'by 10%', or a number in the metric's unit",
            )
            return None
        return ir.Margin(value=q.value / 100, relative=False, text=q.text)
    if not quantity_unit(q).fits(metric.unit):
        ctx.report(
            codes.UNIT_MISMATCH,
            f"'{q.text}' is in {quantity_unit(q)}, but {metric.key.key} is in {metric.unit}",
            q.span,
            f"write the margin in {metric.unit}, or as a share: 'by 10%'",
        )
        return None
    return ir.Margin(value=q.value, relative=False, text=q.text)


def condition(ctx: Context, cond: ast.Condition, inherited: float | None, negated: bool = False) -> ir.Condition | None:
    text, span = ctx.text(cond.span), cond.span
    if isinstance(cond, ast.AllOf | ast.AnyOf):
        parts = [condition(ctx, p, inherited, negated) for p in cond.parts]
        if any(p is None for p in parts):
            return None
        model = ir.AllOf if isinstance(cond, ast.AllOf) else ir.AnyOf
        return model(parts=parts, text=text, span=span)
    if isinstance(cond, ast.Not):
        part = condition(ctx, cond.part, inherited, not negated)
        return ir.Not(part=part, text=text, span=span) if part else None
    if isinstance(cond, ast.Between):
        return _between(ctx, cond, inherited, negated)
    metric = resolve(ctx, cond.metric)
    if cond.per is not None:
        metric = per_period(ctx, metric, cond.per, cond.metric)
        if metric is None:
            return None
    where = scope(ctx, cond.scope)
    level_ = confidence(ctx, cond.confidence, inherited)
    if isinstance(cond, ast.Compare):
        return _compare(ctx, cond, metric, where, level_, text, span, negated)
    known = baseline_party(ctx, cond.baseline)
    if metric is None or where is False or not known:
        return None
    _undefined_by_construction(ctx, cond.baseline, metric, cond.span)
    if metric.direction is Direction.NONE:
        ctx.report(
            codes.NO_DIRECTION,
            f"'{metric.key.key}' describes the data; no value of it is better than another",
            cond.metric.span,
            "compare it with a level instead, e.g. in a guard: require ... between 2% and 30%",
        )
        return None
    margin = _margin(ctx, cond.margin, metric) if cond.margin else None
    usable = needs_met(ctx, metric, CANDIDATE, cond.metric.span) & provides(
        ctx, cond.baseline.value, metric, cond.baseline.span
    )
    if (cond.margin and margin is None) or not usable:
        return None
    return ir.BeatsCondition(
        metric=metric.key,
        baseline=cond.baseline.value,
        margin=margin,
        non_inferior=cond.non_inferior,
        direction=metric.direction.value,
        scope=where,
        confidence=level_,
        text=text,
        span=span,
    )


def _between(ctx: Context, cond: ast.Between, inherited: float | None, negated: bool) -> ir.Condition | None:
    """`m between A and B` is `m >= A and m <= B` on the same scope and level: each end is judged
    by its own one-sided bound (at 95%, both ends of a 90% two-sided interval must lie inside)."""
    text = ctx.text(cond.span)
    low, high = (q.value / 100 if q.unit == "%" else q.value for q in (cond.low, cond.high))
    if "points" not in (cond.low.unit, cond.high.unit) and low > high:
        ctx.report(
            codes.EMPTY_BETWEEN,
            f"'between {cond.low.text} and {cond.high.text}' holds no value",
            cond.span,
            "write the smaller bound first",
        )
        return None
    tail = "".join(f" {ctx.text(n.span)}" for n in (cond.scope, cond.confidence) if n is not None)
    if cond.per is not None:
        tail = f" per {cond.per.value}{tail}"
    parts = []
    for op, end in ((">=", cond.low), ("<=", cond.high)):
        node = ast.Compare(cond.metric, op, end, cond.scope, cond.confidence, cond.span, cond.per)
        part = _part(ctx, node, inherited, negated, f"{cond.metric.text} {op} {end.text}{tail}")
        if part is None:
            return None
        parts.append(part)
    return ir.AllOf(parts=parts, text=text, span=cond.span)


def _part(ctx: Context, cond: ast.Compare, inherited, negated: bool, text: str) -> ir.Condition | None:
    metric = per_period(ctx, resolve(ctx, cond.metric), cond.per, cond.metric)
    where = scope(ctx, cond.scope)
    level_ = confidence(ctx, cond.confidence, inherited)
    # a band sets a floor and a ceiling on purpose: no W301 for the end against the direction
    return _compare(ctx, cond, metric, where, level_, text, cond.span, negated, warn=False)


# A dummy that predicts one class for every row: binary metrics that need both predicted classes
# (or a predicted positive, when the one class predicted is the usual, negative, majority)
_CONSTANT = {"most_frequent", "prior"}
_NEEDS_PREDICTED_POSITIVES = {
    "precision": "its precision is undefined (tp + fp = 0)",
    "mcc": "its MCC is undefined (MCC needs both predicted classes)",
}


# ... and multiclass metrics that need every class, or two classes, decided
_NEEDS_DECIDED_CLASSES = {
    "precision_macro": "its precision_macro is undefined (the other classes are never decided)",
    "precision_weighted": "its precision_weighted is undefined (the other classes are never decided)",
    "mcc": "its MCC is undefined (MCC needs two decided classes)",
}


def _undefined_by_construction(ctx: Context, baseline: ast.Name, metric: MetricType, span) -> None:
    """W307: comparing with a baseline whose metric cannot be computed, whatever the data."""
    party = ctx.parties.get(baseline.value)
    if party is None or party.strategy not in _CONSTANT:
        return
    if ctx.task == "multiclass":
        _constant_multiclass(ctx, baseline, party.strategy, metric, span)
        return
    why = _NEEDS_PREDICTED_POSITIVES.get(metric.key.name)
    if ctx.task != "binary" or why is None:
        return
    predicts = "the majority class" if metric.key.name == "precision" else "one class"
    ctx.report(
        codes.UNDEFINED_BY_CONSTRUCTION,
        f"'{baseline.value}' (strategy {party.strategy}) predicts {predicts} for every row: when positives are "
        f"the minority it predicts no positives, so {why} and this condition is undefined",
        span,
        f"compare {metric.key.key} with a baseline that predicts positives (strategy stratified or uniform, "
        "or the as-is rule), or gate it with a level",
    )


def _constant_multiclass(ctx: Context, baseline: ast.Name, strategy: str, metric: MetricType, span) -> None:
    why = _NEEDS_DECIDED_CLASSES.get(metric.key.name)
    if metric.key.name == "precision" and metric.key.of is not None:
        why = f"its {metric.key.key} is undefined unless that is the most frequent class"
    if why is None:
        return
    ctx.report(
        codes.UNDEFINED_BY_CONSTRUCTION,
        f"'{baseline.value}' (strategy {strategy}) decides the most frequent class for every row, so {why} "
        "and this condition is undefined",
        span,
        f"compare {metric.key.key} with a baseline that decides every class (strategy stratified or uniform, "
        "or the as-is process), or compare accuracy or recall with this one",
    )


def _compare(ctx, cond: ast.Compare, metric, where, level_, text, span, negated, warn=True) -> ir.Condition | None:
    if metric is not None and warn:
        _direction_warning(ctx, metric, cond.op, cond.span, negated)
    if isinstance(cond.operand, ast.Quantity):
        threshold = level(ctx, cond.operand, metric)
        if (
            metric is None
            or threshold is None
            or where is False
            or not needs_met(ctx, metric, CANDIDATE, cond.metric.span)
        ):
            return None
        return ir.CompareCondition(
            metric=metric.key,
            direction=metric.direction.value,
            op=cond.op,
            threshold=threshold,
            scope=where,
            confidence=level_,
            text=text,
            span=span,
        )
    other = cond.operand
    known = baseline_party(ctx, other.baseline)
    right = resolve(ctx, other.metric)
    if cond.per is not None and right is not None:
        # `margin >= as_is.margin per month`: the period is of both sides, never a monthly total
        # against the baseline's total over the rows judged
        right = per_period(ctx, right, cond.per, other.metric)
    if metric is None or right is None or not known or where is False:
        return None
    _undefined_by_construction(ctx, other.baseline, right, other.span)
    if not metric.unit.fits(right.unit):
        ctx.report(
            codes.DIFFERENT_UNITS,
            f"cannot compare {metric.unit} with {right.unit}",
            cond.span,
            "compare quantities of one unit",
        )
        return None
    usable = needs_met(ctx, metric, CANDIDATE, cond.metric.span) & provides(
        ctx, other.baseline.value, right, other.span
    )
    if not usable:
        return None
    return ir.CompareCondition(
        metric=metric.key,
        direction=metric.direction.value,
        op=cond.op,
        against=other.baseline.value,
        against_metric=right.key,
        scope=where,
        confidence=level_,
        text=text,
        span=span,
    )


_BOUND = {">=": ("low", True), ">": ("low", False), "<=": ("high", True), "<": ("high", False)}


def guard(ctx: Context, node: ast.Guard) -> ir.Guard | None:
    metric = resolve(ctx, node.metric)
    where = scope(ctx, node.scope)
    bounds = [level(ctx, q, metric, "bound") for q in node.bounds]
    if metric is None or where is False or any(b is None for b in bounds):
        return None
    if not needs_met(ctx, metric, CANDIDATE, node.metric.span):
        return None
    fields: dict = {}
    if node.op == "between":
        low, high = bounds
        if low > high:
            ctx.report(
                codes.EMPTY_BETWEEN,
                f"'between {node.bounds[0].text} and {node.bounds[1].text}' holds no value",
                node.span,
                "write the smaller bound first",
            )
            return None
        fields = {"low": low, "high": high}
    else:
        side, inclusive = _BOUND[node.op]
        fields = {side: bounds[0], f"{side}_inclusive": inclusive}
    _trivial_guard(ctx, node, metric, fields)
    return ir.Guard(metric=metric.key, scope=where, text=ctx.text(node.span), span=node.span, **fields)


def _trivial_guard(ctx: Context, node: ast.Guard, metric: MetricType, fields: dict) -> None:
    """W306: a guard at the edge of its metric's range either always holds or never does."""
    low, high = fields.get("low"), fields.get("high")
    low_in, high_in = fields.get("low_inclusive", True), fields.get("high_inclusive", True)
    text, name = ctx.text(node.span), metric.key.key
    never = (low is not None and (low > metric.high or (low == metric.high and not low_in))) or (
        high is not None and (high < metric.low or (high == metric.low and not high_in))
    )
    if never:
        edge = (
            f"never above {metric.high:g}" if low is not None and low >= metric.high else f"never below {metric.low:g}"
        )
        ctx.report(
            codes.TRIVIAL_GUARD,
            f"'{text}' can never hold: {name} is {edge}",
            node.span,
            "loosen the bound, or drop the guard",
        )
        return
    low_free = low is None or (low < metric.low or (low == metric.low and low_in))
    high_free = high is None or (high > metric.high or (high == metric.high and high_in))
    if low_free and high_free:
        ctx.report(
            codes.TRIVIAL_GUARD,
            f"'{text}' always holds: {name} is never outside {metric.low:g} to {metric.high:g}".replace("inf", "∞"),
            node.span,
            "tighten the bound, or drop the guard",
        )


def example(ctx: Context, node: ast.Example, tiers: list[str]) -> ir.Example | None:
    ok = True
    given: dict[str, dict[str, float]] = {}
    for line in node.givens:
        party = CANDIDATE
        if line.party is not None:
            if not baseline_party(ctx, line.party):
                ok = False
                continue
            party = line.party.value
        values = given.setdefault(party, {})
        for ref, q in line.values:
            metric = resolve(ctx, ref)
            value = level(ctx, q, metric, "value")
            if metric is None or value is None:
                ok = False
                continue
            if metric.key.key in values:
                ctx.report(
                    codes.GIVEN_TWICE, f"{metric.key.key} of {party} is given twice", ref.span, "give each value once"
                )
                ok = False
            values[metric.key.key] = value
    if len(node.expects) != 1:
        span = node.expects[1].span if node.expects else node.span
        what = "more than one 'expect'" if node.expects else "no 'expect'"
        ctx.report(
            codes.NO_SINGLE_EXPECTED_TIER,
            f'example "{node.name}" has {what}',
            span,
            "an example ends with exactly one: expect TIER",
        )
        return None
    expected = node.expects[0].tier
    if expected.value not in tiers:
        hint = did_you_mean(expected.value, tiers) or f"tiers: {listing(tiers)}"
        ctx.report(
            codes.UNKNOWN_EXPECTED_TIER,
            f"example \"{node.name}\" expects tier '{expected.value}', which does not exist",
            expected.span,
            hint,
        )
        return None
    if not ok:
        return None
    return ir.Example(name=node.name, given=given, expect=expected.value, span=node.span)
