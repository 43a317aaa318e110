"""What hovering a name, a number or a keyword says, as Markdown. The facts come from the metric
catalogue (hurdlelang/lang/catalogue.py) and from the spec's own syntax tree; nothing is restated
by hand except the one-line meaning of each keyword, which follows docs/language.md."""

from __future__ import annotations

from hurdlelang.core.source import Source
from hurdlelang.lang import ast_nodes as ast
from hurdlelang.lang.catalogue import TASKS, Direction, MetricInfo, UnitKind, lookup
from hurdlelang.lsp.symbols import Number, Occurrence, SymbolIndex

_DIRECTION = {
    Direction.HIGHER: "higher is better",
    Direction.LOWER: "lower is better",
    Direction.ZERO: "closer to 0 is better",
    Direction.NONE: "no better direction: a property of the data, for guards and derived metrics (cannot be beaten)",
}
_UNIT = {
    UnitKind.NONE: "a pure number",
    UnitKind.LABEL: "the label's unit (any unit fits)",
    UnitKind.LABEL_SQUARED: "the label's unit squared (any unit fits)",
    UnitKind.COST: "the unit of the spec's cost matrix",
}

KEYWORDS = {
    "spec": '`spec NAME "title" { ... }`: one agreement on what a model must clear.',
    "task": "`task KIND`: " + ", ".join(TASKS) + "; decides which metrics exist.",
    "data": "`data { ... }`: which columns of the predictions file hold the label, scores, decisions, slices.",
    "baseline": '`baseline NAME "title" { ... }`: what the candidate is judged against: a column of the same '
    "data (`predict`/`score`), figures (`metric = value`), an earlier decision `record`, or a dummy `strategy`.",
    "metric": '`metric NAME "title" [lower is better] = expression`: a derived metric, arithmetic over '
    "metrics, confusion counts and numbers with units.",
    "hurdles": "`hurdles [at N% confidence] { ... }`: the guards, the tiers best first, and the `otherwise` fall-back.",
    "require": "`require METRIC >= q` or `require METRIC between a and b`: a guard; when it fails the outcome is "
    "inconclusive (the data cannot judge the model), not a rejection.",
    "tier": '`tier NAME "action" { conditions }`: the first tier, best first, whose conditions all hold is the '
    "decision; its title is the action.",
    "otherwise": '`otherwise NAME "action"`: the fall-back decision when no tier holds.',
    "beats": "`METRIC beats BASELINE [by MARGIN]`: strictly better than the baseline, in the metric's own "
    "direction; `by 5 points` is absolute (0.05), `by 20%` relative to the baseline's value.",
    "no": "`METRIC no worse than BASELINE [by MARGIN]`: non-inferiority: worse by at most the margin "
    "(at least as good without one).",
    "worse": "`METRIC no worse than BASELINE [by MARGIN]`: non-inferiority: worse by at most the margin.",
    "than": "`METRIC no worse than BASELINE [by MARGIN]`: non-inferiority: worse by at most the margin.",
    "by": "`by MARGIN`: `5 points` is 0.05 absolute (proportions only), `20%` is relative to the baseline's "
    "value, `2 GBP` is absolute in the metric's unit.",
    "between": "`METRIC between a and b` (a guard or a condition): holds when a <= value <= b, both ends included.",
    "strictly": "`in every SLICE strictly`: every value of the slice must be judged and hold; one a guard leaves "
    "out fails it.",
    "every": "`in every SLICE`: each value of the slice column with enough rows must pass on its own rows.",
    "in": '`in every SLICE` or `in SLICE = "value"`: judge the condition per slice, or on one slice\'s rows.',
    "at": "`at N% confidence`: a condition holds only when its whole one-sided interval clears the hurdle.",
    "confidence": "`at N% confidence`: levels lie strictly between 50% and 100%.",
    "example": '`example "name" { given ... expect TIER }`: a unit test of the agreement (`hurdlec test`).',
    "given": "`given [BASELINE:] METRIC value, ...`: values for the candidate, or for a baseline.",
    "expect": "`expect TIER`: the tier (or the otherwise fall-back) the example's values must reach.",
    "points": "`N points`: an absolute difference of N/100 between proportions, for margins only.",
    "point": "`1 point`: an absolute difference of 0.01 between proportions, for margins only.",
    "and": "`A and B`: both hold; binds tighter than `or`.",
    "or": "`A or B`: either holds; at a confidence level each of k alternatives is judged at the error "
    "rate / k (Bonferroni), so the `or` keeps the stated level.",
    "not": "`not A`: the reverse of A holds; at a confidence level, confidently (`not precision >= 0.9`: "
    "the upper bound of precision is below 0.9). An undefined A stays undefined.",
    "only": '`otherwise NAME "action" only if ruled out`: fall back only when every tier is ruled out; a '
    "tier the data cannot tell about (not shown) makes the outcome inconclusive instead.",
    "ruled": '`otherwise NAME "action" only if ruled out`: fall back only when every tier is ruled out '
    "(the data show it fails), else wait: inconclusive.",
    "from": "`METRIC = value from N rows`: the sample size a reported figure came from, for its own interval.",
    "slice": "`slice COLUMN, ...`: columns whose values the hurdles can be judged on one by one (`in every`).",
    "predict": "`predict COLUMN [>= threshold]`: the 0/1 decisions, a class or a value, or a rule over a score.",
    "score": "`score COLUMN [for CLASS], ...`: probabilities, or a ranking score per item.",
    "label": "`label COLUMN`: the ground truth.",
    "weight": "`weight COLUMN`: a non-negative weight per row.",
    "group": "`group COLUMN`: the query each row belongs to (ranking).",
    "missing": "`missing error` (the default) or `missing drop`: what a missing value in a bound column does.",
    "strategy": "`strategy NAME`: a dummy baseline as scikit-learn defines it (most_frequent, prior, "
    "stratified, uniform; mean, median for regression).",
    "record": '`record "path"`: an earlier decision record, the model in production now.',
    "classes": "`classes A, B, ...`: the classes of a multiclass spec that has no per-class scores.",
    "cost": '`cost "title" in UNIT { decided A, B ...  A 0, 5 ... }`: what each decision costs for one row '
    "of each actual class; gives the metrics `cost` (per row) and `total_cost`, lower is better.",
    "decided": "`decided A, B, ...`: the first line of a cost matrix, the decided classes (its columns).",
}


def _fmt(value: float) -> str:
    if value == float("inf"):
        return "∞"
    if value == float("-inf"):
        return "−∞"
    return f"{value:g}"


def metric_markdown(info: MetricInfo) -> str:
    lines = [
        f"**{info.name}**{f'@{info.param}' if info.param else ''} (built-in metric): {info.title}",
        "",
        f"- tasks: {', '.join(t for t in TASKS if t in info.tasks)}",
        f"- range: {_fmt(info.low)} to {_fmt(info.high)}",
        f"- {_DIRECTION[info.direction]}",
        f"- unit: {_UNIT[info.unit]}",
        f"- computed from: {info.needs.value}",
    ]
    if info.param:
        lines.append(f"- parameter: write `{info.name}@{'5' if info.param == 'k' else '2'}` ({info.param})")
    if info.per_class:
        lines.append(f"- of one class: write `{info.name}[CLASS]` with one of the spec's classes")
    return "\n".join(lines)


def task_of(spec: ast.Spec | None) -> str | None:
    if spec is None:
        return None
    return next((f.value for f in spec.fields if f.key == "task"), None)


def _derived(spec: ast.Spec, name: str) -> ast.MetricDef | None:
    return next((m for m in spec.metrics if m.name.value == name), None)


def _baseline(spec: ast.Spec, name: str) -> ast.Baseline | None:
    return next((b for b in spec.baselines if b.name.value == name), None)


def baseline_kind(baseline: ast.Baseline) -> str:
    kinds = {i.kind for i in baseline.items}
    if kinds & {"predict", "score"}:
        return "a column of the same data, paired row by row with the candidate"
    if "record" in kinds:
        return "an earlier decision record"
    if "strategy" in kinds:
        strategy = next(i.value.value for i in baseline.items if i.kind == "strategy")
        return f"a trivial strategy (`{strategy}`), as scikit-learn's dummy estimators define it"
    if "figure" in kinds:
        return "figures the business already reports"
    return "empty"


def occurrence_markdown(occ: Occurrence, index: SymbolIndex, source: Source, units: dict[str, str]) -> str | None:
    spec = index.specs.get(occ.spec)
    if occ.kind == "metric":
        derived = _derived(spec, occ.name) if spec else None
        if derived is not None:
            direction = "lower is better" if derived.direction == "lower" else "higher is better"
            lines = [f"**{occ.name}** (derived metric){f': {derived.title}' if derived.title else ''}", ""]
            lines.append(f"- `= {source.span_text(derived.expr.span)}`")
            lines.append(f"- {direction}")
            if occ.name in units:
                lines.append(f"- unit: {units[occ.name] or 'a pure number'}")
            return "\n".join(lines)
        info = lookup(occ.name, task_of(spec))
        return metric_markdown(info) if info else None
    if occ.kind == "baseline":
        baseline = _baseline(spec, occ.name) if spec else None
        if baseline is None:
            return None
        title = f': "{baseline.title}"' if baseline.title else ""
        return f"**{occ.name}** (baseline){title}\n\n- kind: {baseline_kind(baseline)}"
    if occ.kind == "tier":
        return _tier_markdown(spec, occ.name, source) if spec else None
    if occ.kind == "slice":
        return (
            f"**{occ.name}** (slice column): each of its values can be judged on its own rows (`in every {occ.name}`)"
        )
    if occ.kind == "task":
        return KEYWORDS["task"]
    if occ.kind == "spec":
        return f"**{occ.name}** (spec){f': {spec.title}' if spec and spec.title else ''}"
    return None


def _tier_markdown(spec: ast.Spec, name: str, source: Source) -> str | None:
    for hurdles in spec.hurdles:
        for position, tier in enumerate(hurdles.tiers, 1):
            if tier.name.value == name:
                lines = [f"**{name}** (tier {position} of {len(hurdles.tiers)}, best first)", ""]
                lines.append(f"- action: {tier.title or '(no title)'}")
                lines += [f"- `{source.span_text(c.span)}`" for c in tier.conditions]
                return "\n".join(lines)
        for otherwise in hurdles.otherwise:
            if otherwise.name.value == name:
                return f"**{name}** (otherwise: the fall-back when no tier holds)\n\n- action: {otherwise.title}"
    return None


_ROLES = {
    "threshold": "a level the metric is compared with",
    "margin": "a margin over the baseline",
    "confidence": "a confidence level",
    "given": "a value an example gives",
    "figure": "a figure a baseline reports",
    "rows": "the sample size of a figure",
    "figure interval": "the interval a figure was reported with",
    "term": "a term of the derived metric's arithmetic",
    "bound": "a bound of a guard",
    "decision threshold": "the score above which a row is decided positive",
    "parameter": "a metric's parameter (@k or @beta)",
    "cost": "a cell of the cost matrix: what that decision costs for one row of that class",
}


def number_markdown(number: Number) -> str:
    q = number.quantity
    role = _ROLES.get(number.role, number.role)
    if q.unit == "points":
        meaning = f"{_fmt(q.value)} points: an absolute difference of {_fmt(q.value / 100)} between proportions"
    elif q.unit == "%":
        if number.role == "margin":
            meaning = f"{_fmt(q.value)}%: relative, {_fmt(q.value / 100)} of the baseline's value"
        else:
            meaning = f"{_fmt(q.value)}% = {_fmt(q.value / 100)}"
    elif q.unit:
        meaning = f"{_fmt(q.value)} in {q.unit}"
    else:
        meaning = f"{_fmt(q.value)}, a pure number (no unit)"
    return f"`{q.text}`: {meaning}\n\n{role}"
