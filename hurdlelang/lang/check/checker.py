"""Stage 3: AST -> checked spec (IR). Resolves names, normalises units, and reports every
problem of a file in one pass rather than stopping at the first. Static analysis of the tiers
(reachability, staggering) lives apart, in hurdlelang/lang/check/analysis.py."""

from __future__ import annotations

from hurdlelang.core import codes
from hurdlelang.core.diagnostics import Diagnostic
from hurdlelang.core.source import Source, Span
from hurdlelang.core.suggest import did_you_mean
from hurdlelang.lang import ast_nodes as ast
from hurdlelang.lang import ir
from hurdlelang.lang.catalogue import TASKS, UnitKind, lookup, names_for
from hurdlelang.lang.check import decisions as check_decisions
from hurdlelang.lang.check import figures as check_figures
from hurdlelang.lang.check import volume as check_volume
from hurdlelang.lang.check.analysis import analyse
from hurdlelang.lang.check.classes import cost_matrix, declared_line
from hurdlelang.lang.check.context import Context, Party
from hurdlelang.lang.check.hurdles import condition as check_condition
from hurdlelang.lang.check.hurdles import confidence, example, guard
from hurdlelang.lang.check.metrics import check_derived, level, resolve
from hurdlelang.lang.check.record_paths import record_path_problem

REQUIRED_FIELDS = {"owner": 'owner "team-name"', "task": "task binary"}
STRATEGIES = {
    "binary": ("most_frequent", "prior", "stratified", "uniform"),
    "multiclass": ("most_frequent", "prior", "stratified", "uniform"),
    "regression": ("mean", "median"),
    "ranking": (),
}
POLICIES = ("error", "drop")
_WHAT_IS_PREDICTED = {"multiclass": "classes", "regression": "values", "ranking": "scores"}


def unique(ctx: Context, names: list[ast.Name], what: str) -> None:
    first: dict[str, ast.Name] = {}
    for name in names:
        if name.value in first:
            earlier = first[name.value].span
            ctx.report(
                codes.DUPLICATE_NAME,
                f"{what} '{name.value}' is already defined at line {earlier.line}",
                name.span,
                f"give each {what} its own name",
            )
        else:
            first[name.value] = name


def _one(ctx: Context, items: tuple, what: str):
    for extra in items[1:]:
        ctx.report(codes.BLOCK_TWICE, f"{what} is given more than once", extra.span, f"merge the {what}s into one")
    return items[0] if items else None


def _by_kind(ctx: Context, bindings) -> dict[str, ast.Binding]:
    by_kind: dict[str, ast.Binding] = {}
    for binding in bindings:
        if binding.kind in by_kind and binding.kind != "figure":
            ctx.report(codes.GIVEN_TWICE, f"'{binding.kind}' is given more than once", binding.span, "keep one")
        by_kind.setdefault(binding.kind, binding)
    return by_kind


# The shape of a data block per task kind: (applies to the task?, binding, must it be there?, code,
# message, hint). Checked in this order, each rule reporting once.
BINDING_RULES = (
    (
        lambda task: True,
        "label",
        True,
        codes.MISSING_BINDING,
        "the data block binds no 'label'",
        "add: label COLUMN (the ground truth)",
    ),
    (
        lambda task: task == "ranking",
        "group",
        True,
        codes.MISSING_BINDING,
        "a ranking spec needs the query id",
        "add: group COLUMN (which rows belong to one query)",
    ),
    (
        lambda task: task == "ranking",
        "predict",
        False,
        codes.BINDING_DOES_NOT_FIT,
        "a ranking is judged from scores, not decisions",
        "bind the item score with: score COLUMN",
    ),
    (
        lambda task: task != "ranking",
        "group",
        False,
        codes.BINDING_DOES_NOT_FIT,
        "'group' is for ranking specs, not {task}",
        "remove it, or set: task ranking",
    ),
    (
        lambda task: task == "regression",
        "predict",
        True,
        codes.MISSING_BINDING,
        "the data block binds no 'predict'",
        "add: predict COLUMN (the forecast)",
    ),
)


def _shape_fits_task(ctx: Context, block, by_kind: dict) -> bool:
    ok = True
    for applies, kind, required, code, message, hint in BINDING_RULES:
        if applies(ctx.task) and (kind in by_kind) != required:
            span = block.span if required else by_kind[kind].span
            ctx.report(code, message.format(task=ctx.task), span, hint)
            ok = False
    return ok


def _builtin_name(ctx: Context, name: str) -> bool:
    """Is `name` a built-in metric of this spec, which a derived metric may not take? A metric of
    another task is not (nor `cost` without a cost matrix); with no known task, any built-in is."""
    info = lookup(name, ctx.task)
    if info is None or (ctx.task is not None and ctx.task not in info.tasks) or info.per_class:
        # a per-class metric is always written with its class (`share[sales]`), so a derived `share`
        # does not clash with it
        return info is not None and name in _OLD_BUILTINS
    return not (info.unit is UnitKind.COST and not ctx.cost_given)


# the built-in names from before per-class metrics and costs: a derived metric named like a built-in
# of another task was refused then, and stays refused; the newer names are free outside multiclass
_OLD_BUILTINS = frozenset(names_for(None)) - {"support", "share", "predicted_share", "cost", "total_cost"}


def _missing_policy(ctx: Context, binding) -> str | None:
    """`missing error` (the default) or `missing drop`; None after reporting anything else."""
    if binding is None:
        return "error"
    policy = binding.value.value
    if policy not in POLICIES:
        ctx.report(
            codes.UNKNOWN_MISSING_POLICY,
            f"unknown missing-value policy '{policy}'",
            binding.value.span,
            did_you_mean(policy, POLICIES) or "write: missing error, or: missing drop",
        )
        return None
    return policy


class Checker:
    def __init__(self, source: Source):
        self.source = source
        self.diagnostics: list[Diagnostic] = []

    def check_file(self, file: ast.File) -> list[ir.Spec]:
        ctx = Context(self.source, self.diagnostics)
        if not file.specs:
            ctx.report(
                codes.NO_SPEC,
                "this file holds no spec",
                Span(1, 1, 1, 2),
                'a spec starts with: spec NAME "title" { ... }',
            )
        unique(ctx, [s.name for s in file.specs], "spec")
        specs = [self.check_spec(spec) for spec in file.specs]
        return [s for s in specs if s is not None]

    def check_spec(self, spec: ast.Spec) -> ir.Spec | None:
        ctx = Context(self.source, self.diagnostics)
        errors_before = sum(d.is_error for d in self.diagnostics)
        diagnostics_before = len(self.diagnostics)
        fields = self._fields(ctx, spec)
        ctx.task = self._task(ctx, fields.get("task"))
        ctx.data = self._data(ctx, spec)
        ctx.cost = cost_matrix(ctx, spec.costs)
        unique(ctx, [m.name for m in spec.metrics], "metric")
        for m in spec.metrics:
            if _builtin_name(ctx, m.name.value):
                ctx.report(
                    codes.DUPLICATE_NAME,
                    f"metric '{m.name.value}' is a built-in metric",
                    m.name.span,
                    "name the derived metric differently",
                )
        derived = check_derived(ctx, spec.metrics)
        ctx.definitions = {m.name.value: m.expr for m in spec.metrics}
        ctx.volume = check_volume.volume(ctx, spec.volumes)
        baselines = self._baselines(ctx, spec)  # after the derived metrics: a figure may report one
        check_decisions.check_volume_sources(ctx, spec, baselines)
        hurdles = self._hurdles(ctx, spec)
        failed = sum(d.is_error for d in self.diagnostics) > errors_before
        if failed or hurdles is None or ctx.data is None or ctx.task is None:
            return None
        level_, guards, tiers, otherwise, examples = hurdles
        checked = ir.Spec(
            name=spec.name.value,
            title=spec.title,
            owner=fields["owner"].value,
            description=fields["description"].value if "description" in fields else None,
            version=fields["version"].value if "version" in fields else None,
            task=ctx.task,
            volume=ctx.volume,
            data=ctx.data,
            baselines=baselines,
            metrics=derived,
            cost=ctx.cost,
            confidence=level_,
            guards=guards,
            tiers=tiers,
            otherwise=otherwise,
            examples=examples,
            source=ir.SourceInfo(path=self.source.path, sha256=self.source.sha256),
        )
        self.diagnostics.extend(analyse(checked, self.source.path))
        # the spec keeps its own warnings, so that every record made from it (command line or API) does
        inside = [
            d
            for d in self.diagnostics[diagnostics_before:]
            if not d.is_error and d.span and spec.span.line <= d.span.line <= spec.span.end_line
        ]
        warnings = [ir.SpecWarning(code=d.code, message=d.message, line=d.span.line) for d in inside]
        return checked.model_copy(update={"warnings": sorted(warnings, key=lambda w: (w.line, w.code))})

    # ---- header ----

    def _fields(self, ctx: Context, spec: ast.Spec) -> dict[str, ast.Field]:
        by_key: dict[str, ast.Field] = {}
        for f in spec.fields:
            if f.key in by_key:
                ctx.report(codes.GIVEN_TWICE, f"'{f.key}' is given more than once", f.span, "keep one")
            by_key.setdefault(f.key, f)
        for key, example_line in REQUIRED_FIELDS.items():
            if key not in by_key:
                ctx.report(
                    codes.MISSING_HEADER_FIELD,
                    f"spec '{spec.name.value}' has no '{key}'",
                    spec.name.span,
                    f"add a line such as: {example_line}",
                )
        return by_key

    def _task(self, ctx: Context, field: ast.Field | None) -> str | None:
        if field is None:
            return None
        if field.value not in TASKS:
            hint = did_you_mean(field.value, TASKS) or f"task kinds: {', '.join(TASKS)}"
            ctx.report(codes.UNKNOWN_TASK, f"unknown task kind '{field.value}'", field.value_span, hint)
            return None
        return field.value

    # ---- data ----

    def _rule(self, ctx: Context, binding: ast.Binding) -> ir.PredictRule | None:
        rule: ast.Rule = binding.value
        if isinstance(rule, ast.Bands):
            return check_decisions.bands(ctx, rule)
        if rule.top is not None or rule.volume_of is not None:
            return check_decisions.volume_rule(ctx, rule)
        if rule.threshold is not None:
            if ctx.task in ("multiclass", "regression", "ranking"):
                ctx.report(
                    codes.BINDING_DOES_NOT_FIT,
                    f"a {ctx.task} prediction is a column of {_WHAT_IS_PREDICTED[ctx.task]}, not a rule",
                    rule.span,
                    f"write: predict {rule.column.name}",
                )
                return None
            if rule.threshold.unit not in (None, "%"):
                ctx.report(
                    codes.UNIT_MISMATCH,
                    f"a decision threshold is a number or a percentage, not '{rule.threshold.text}'",
                    rule.threshold.span,
                    "write it as a number or a percentage, e.g. 0.35 or 35%",
                )
                return None
        threshold = None
        if rule.threshold is not None:
            threshold = rule.threshold.value / (100 if rule.threshold.unit == "%" else 1)
        return ir.PredictRule(column=rule.column.name, op=rule.op, threshold=threshold)

    def _label_unit(self, ctx: Context, label: ast.LabelIn) -> str | bool:
        """The label's unit, which names the unit of regression errors (mae, rmse, bias ...)."""
        if ctx.task != "regression":
            ctx.report(
                codes.BINDING_DOES_NOT_FIT,
                f"a {ctx.task} label has no unit: only a regression label is a measured quantity",
                label.unit_span,
                f"write: label {label.column.name}",
            )
            return False
        unit = " ".join(label.unit.split())
        if not unit or unit in ("%", "points", "point"):
            ctx.report(
                codes.UNIT_MISMATCH,
                f"'{label.unit}' is not a unit of measure",
                label.unit_span,
                'name what the label counts or measures, e.g. label ridership in "thousand riders"',
            )
            return False
        ctx.label_unit = unit
        return unit

    def _scores(self, ctx: Context, binding: ast.Binding) -> list[ir.ClassScore] | None:
        scores: tuple[ast.ClassScore, ...] = binding.value
        per_class = [s for s in scores if s.class_name is not None]
        if ctx.task == "multiclass":
            if len(per_class) != len(scores) or len(scores) < 2:
                ctx.report(
                    codes.BINDING_DOES_NOT_FIT,
                    "multiclass scores are one probability column per class",
                    binding.span,
                    'write: score p_billing for "billing", p_tech for "tech", ...',
                )
                return None
        elif per_class or len(scores) > 1:
            ctx.report(
                codes.BINDING_DOES_NOT_FIT,
                f"a {ctx.task} spec binds one score column",
                binding.span,
                "write: score COLUMN",
            )
            return None
        if ctx.task == "regression":
            ctx.report(
                codes.BINDING_DOES_NOT_FIT,
                "regression predictions are values, bound with predict",
                binding.span,
                f"write: predict {scores[0].column.name}",
            )
            return None
        return [ir.ClassScore(column=s.column.name, class_name=s.class_name) for s in scores]

    def _data(self, ctx: Context, spec: ast.Spec) -> ir.DataBindings | None:
        block = _one(ctx, spec.data, "data block")
        if block is None:
            ctx.report(
                codes.MISSING_BINDING,
                f"spec '{spec.name.value}' has no data block",
                spec.name.span,
                "add: data { label COLUMN  predict COLUMN ... }",
            )
            return None
        by_kind = _by_kind(ctx, block.bindings)
        ok = _shape_fits_task(ctx, block, by_kind)
        predict = self._rule(ctx, by_kind["predict"]) if "predict" in by_kind else None
        scores = self._scores(ctx, by_kind["score"]) if "score" in by_kind and ctx.task else []
        policy = _missing_policy(ctx, by_kind.get("missing"))
        ok = ok and policy is not None
        slices = [c.name for c in by_kind["slice"].value] if "slice" in by_kind else []
        ctx.slices = set(slices)
        scored = tuple(s.class_name for s in scores or () if s.class_name is not None)
        classes = declared_line(ctx, by_kind["classes"], scored) if "classes" in by_kind else []
        ctx.classes = scored or tuple(classes or ()) or None
        if not ok or scores is None or classes is None or ("predict" in by_kind and predict is None):
            return None
        column = lambda kind: by_kind[kind].value.name if kind in by_kind else None  # noqa: E731
        label = by_kind["label"].value
        label_unit = self._label_unit(ctx, label) if isinstance(label, ast.LabelIn) else None
        if label_unit is False:
            return None
        return ir.DataBindings(
            label=label.column.name if isinstance(label, ast.LabelIn) else label.name,
            label_unit=label_unit or None,
            scores=scores,
            classes=[] if scored else classes,
            predict=predict,
            weight=column("weight"),
            slices=slices,
            group=column("group"),
            id=column("id"),
            missing=policy,
        )

    # ---- baselines ----

    def _baselines(self, ctx: Context, spec: ast.Spec) -> list:
        unique(ctx, [b.name for b in spec.baselines], "baseline")
        result = []
        for baseline in spec.baselines:
            checked = self._baseline(ctx, baseline)
            if checked is not None:
                result.append(checked)
        return result

    def _baseline(self, ctx: Context, node: ast.Baseline):
        name = node.name.value
        kinds = {"predict": "column", "score": "column", "figure": "figures", "record": "record", "strategy": "dummy"}
        found = {kinds[i.kind] for i in node.items}
        if len(found) != 1:
            problem = "says nothing about itself" if not found else "mixes " + " and ".join(sorted(found))
            ctx.report(
                codes.BAD_BASELINE,
                f"baseline '{name}' {problem}",
                node.name.span,
                'a baseline is one of: predict/score COLUMN, figures (precision = 0.41), record "FILE", strategy NAME',
            )
            ctx.parties[name] = Party(name, "invalid")
            return None
        kind = found.pop()
        common = {"name": name, "title": node.title}
        by_kind = _by_kind(ctx, node.items)
        if kind == "column":
            predict = self._rule(ctx, by_kind["predict"]) if "predict" in by_kind else None
            scores = self._scores(ctx, by_kind["score"]) if "score" in by_kind and ctx.task else []
            ctx.parties[name] = Party(name, kind, has_decisions=predict is not None, has_scores=bool(scores))
            if scores is None or ("predict" in by_kind and predict is None):
                return None
            return ir.ColumnBaseline(predict=predict, scores=scores, **common)
        ctx.parties[name] = Party(name, kind)
        if kind == "record":
            path = by_kind["record"].value
            problem = record_path_problem(path.value, self.source.path, self.source.root)
            if problem:
                ctx.report(codes.RECORD_PATH_OUTSIDE, f"baseline '{name}': {problem[0]}", path.span, problem[1])
                return None
            return ir.RecordBaseline(path=path.value, **common)
        if kind == "dummy":
            strategy = by_kind["strategy"].value
            allowed = STRATEGIES.get(ctx.task or "", ())
            if strategy.value not in allowed:
                hint = did_you_mean(strategy.value, allowed) or (
                    f"strategies for {ctx.task}: {', '.join(allowed)}" if allowed else "ranking has no dummy strategies"
                )
                ctx.report(
                    codes.UNKNOWN_STRATEGY,
                    f"unknown strategy '{strategy.value}' for task {ctx.task}",
                    strategy.span,
                    hint,
                    subject=strategy.value,
                )
                return None
            ctx.parties[name].strategy = strategy.value
            return ir.DummyBaseline(strategy=strategy.value, **common)
        figures, ok = self._figures(ctx, name, [i.value for i in node.items])
        ctx.parties[name].figures = {f.metric.key: f for f in figures}
        if not ok:
            ctx.parties[name].kind = "invalid"  # its errors are reported; conditions on it say no more
            return None
        return ir.FigureBaseline(figures=figures, **common)

    def _figures(self, ctx: Context, baseline: str, items: list[ast.Figure]) -> tuple[list[ir.Figure], bool]:
        figures, ok, seen = [], True, set()
        for item in items:
            metric = resolve(ctx, item.metric)
            if item.per is not None:  # a total per period needs the spec's volume, and a total (E215, E216)
                metric = check_volume.per_period(ctx, metric, item.per, item.metric)
                if metric is None:
                    ok = False
                    continue
            value = level(ctx, item.value, metric, "figure")
            rows, rows_ok = check_figures.rows(ctx, item, metric)
            low, high, level_, interval_ok = check_figures.interval(ctx, item, metric, value)
            ok = ok and rows_ok and interval_ok
            if metric is None or value is None:
                ok = False
                continue
            if metric.key.key in seen:
                ctx.report(
                    codes.GIVEN_TWICE,
                    f"baseline '{baseline}' gives {metric.key.key} twice",
                    item.span,
                    "keep one figure per metric",
                )
                ok = False
                continue
            seen.add(metric.key.key)
            unit = None if item.value.unit in (None, "%") else item.value.unit
            figures.append(
                ir.Figure(metric=metric.key, value=value, rows=rows, unit=unit, low=low, high=high, level=level_)
            )
        return figures, ok

    # ---- hurdles and examples ----

    def _hurdles(self, ctx: Context, spec: ast.Spec):
        block = _one(ctx, spec.hurdles, "hurdles block")
        if block is None:
            ctx.report(
                codes.NO_TIERS,
                f"spec '{spec.name.value}' has no hurdles",
                spec.name.span,
                "add: hurdles { tier NAME { ... }  otherwise NAME }",
            )
            return None
        level_ = confidence(ctx, block.confidence, None)
        _tier_list_shape(ctx, block)
        guards = [guard(ctx, g) for g in block.guards]
        tiers = [_tier(ctx, tier, level_) for tier in block.tiers]
        names = [t.name.value for t in block.tiers] + [o.name.value for o in block.otherwise]
        unique(ctx, [ast.Name(e.name, e.span) for e in spec.examples], "example")
        examples = [example(ctx, e, names) for e in spec.examples]
        if not block.otherwise:
            return None
        o = block.otherwise[0]
        otherwise = ir.Fallback(name=o.name.value, title=o.title, only_if_ruled_out=o.only_if_ruled_out, span=o.span)
        return level_, [g for g in guards if g], tiers, otherwise, [e for e in examples if e]


def _tier_list_shape(ctx: Context, block) -> None:
    """At least one tier, tier names unique, exactly one fall-back."""
    if not block.tiers:
        ctx.report(
            codes.NO_TIERS, "the hurdles block has no tiers", block.span, 'add: tier NAME "action" { CONDITION }'
        )
    unique(ctx, [t.name for t in block.tiers] + [o.name for o in block.otherwise], "tier")
    for extra in block.otherwise[1:]:
        ctx.report(codes.BLOCK_TWICE, "'otherwise' is given more than once", extra.span, "keep one fall-back")
    if not block.otherwise:
        ctx.report(
            codes.NO_OTHERWISE,
            "the hurdles block has no 'otherwise' tier",
            block.span,
            'add a fall-back last: otherwise keep_as_is "Keep the as-is process"',
        )


def _tier(ctx: Context, tier, spec_level: float | None) -> ir.Tier:
    if not tier.conditions:
        ctx.report(
            codes.NO_TIERS, f"tier '{tier.name.value}' has no conditions", tier.name.span, "add at least one condition"
        )
    level = confidence(ctx, tier.confidence, spec_level)
    conditions = [check_condition(ctx, c, level) for c in tier.conditions]
    return ir.Tier(
        name=tier.name.value,
        title=tier.title,
        confidence=level,
        conditions=[c for c in conditions if c is not None],
        span=tier.span,
    )


def check(file: ast.File, source: Source) -> tuple[list[ir.Spec], list[Diagnostic]]:
    checker = Checker(source)
    specs = checker.check_file(file)
    return specs, sorted(checker.diagnostics, key=Diagnostic.sort_key)
