"""Stage 3: AST -> checked spec (IR). Resolves names, normalises units, and reports every
problem of a file in one pass rather than stopping at the first."""

from __future__ import annotations

from hurdlelang import ast_nodes as ast
from hurdlelang import ir
from hurdlelang.diagnostics import Diagnostic
from hurdlelang.metric_catalogue import METRICS, TASKS, Direction, MetricInfo
from hurdlelang.source import Source, Span
from hurdlelang.suggest import did_you_mean

REQUIRED_FIELDS = ("owner", "task")


def _span_ir(span: Span) -> ir.SpanIR:
    return ir.SpanIR(**span.to_dict())


def _text(source: Source, span: Span) -> str:
    lines = source.text.splitlines()[span.line - 1 : span.end_line]
    if not lines:
        return ""
    if len(lines) == 1:
        return lines[0][span.column - 1 : span.end_column - 1]
    lines[0] = lines[0][span.column - 1 :]
    lines[-1] = lines[-1][: span.end_column - 1]
    return " ".join(line.strip() for line in lines)


class Checker:
    def __init__(self, source: Source):
        self.source = source
        self.diagnostics: list[Diagnostic] = []

    def report(self, code: str, message: str, span: Span, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, message, self.source.path, span, hint))

    # ---- file and spec ----

    def check_file(self, file: ast.File) -> list[ir.Spec]:
        if not file.specs:
            self.report(
                "E110",
                "this file holds no spec",
                Span(1, 1, 1, 2),
                'a spec starts with: spec NAME "title" { ... }',
            )
        self._unique([s.name for s in file.specs], "spec")
        specs = [self.check_spec(spec) for spec in file.specs]
        return [s for s in specs if s is not None]

    def _unique(self, names: list[ast.Name], what: str) -> None:
        first: dict[str, ast.Name] = {}
        for name in names:
            if name.value in first:
                earlier = first[name.value].span
                self.report(
                    "E103",
                    f"{what} '{name.value}' is already defined at line {earlier.line}",
                    name.span,
                    f"give each {what} its own name",
                )
            else:
                first[name.value] = name

    def _one(self, items: tuple, what: str, code: str = "E112"):
        for extra in items[1:]:
            self.report(code, f"{what} is given more than once", extra.span, f"merge the {what}s into one")
        return items[0] if items else None

    def check_spec(self, spec: ast.Spec) -> ir.Spec | None:
        errors_before = sum(d.is_error for d in self.diagnostics)
        fields = self._fields(spec)
        task = self._task(fields.get("task"))
        data = self._data(spec)
        baselines = self._baselines(spec)
        tiers, otherwise = self._hurdles(spec, task, data, {b.name for b in baselines})
        if sum(d.is_error for d in self.diagnostics) > errors_before:
            return None
        return ir.Spec(
            name=spec.name.value,
            title=spec.title,
            owner=fields["owner"].value,
            task=task,
            data=data,
            baselines=baselines,
            tiers=tiers,
            otherwise=otherwise,
            source=ir.SourceInfo(path=self.source.path, sha256=self.source.sha256),
        )

    def _fields(self, spec: ast.Spec) -> dict[str, ast.Field]:
        by_key: dict[str, ast.Field] = {}
        for f in spec.fields:
            if f.key in by_key:
                self.report("E108", f"'{f.key}' is given more than once", f.span, "keep one")
            by_key.setdefault(f.key, f)
        for key in REQUIRED_FIELDS:
            if key not in by_key:
                example = 'owner "team-name"' if key == "owner" else "task binary"
                self.report(
                    "E111",
                    f"spec '{spec.name.value}' has no '{key}'",
                    spec.name.span,
                    f"add a line such as: {example}",
                )
        return by_key

    def _task(self, field: ast.Field | None) -> str | None:
        if field is None:
            return None
        if field.value not in TASKS:
            hint = did_you_mean(field.value, TASKS) or f"task kinds: {', '.join(TASKS)}"
            self.report("E104", f"unknown task kind '{field.value}'", field.value_span, hint)
            return None
        return field.value

    # ---- data ----

    def _predict(self, predict: ast.Predict) -> ir.PredictRule:
        threshold = predict.threshold.value if predict.threshold else None
        if predict.threshold is not None and predict.threshold.unit is not None:
            self.report(
                "E203",
                f"a decision threshold is a plain number, not '{predict.threshold.text}'",
                predict.threshold.span,
                "write it as a number, e.g. 0.35",
            )
        return ir.PredictRule(column=predict.column.name, op=predict.op, threshold=threshold)

    def _data(self, spec: ast.Spec) -> ir.DataBindings | None:
        block = self._one(spec.data, "data block")
        if block is None:
            self.report(
                "E105",
                f"spec '{spec.name.value}' has no data block",
                spec.name.span,
                "add: data { label COLUMN  score COLUMN  predict COLUMN >= 0.5 }",
            )
            return None
        by_kind: dict[str, ast.Binding] = {}
        for binding in block.bindings:
            if binding.kind in by_kind:
                self.report("E108", f"'{binding.kind}' is bound more than once", binding.span, "keep one")
            by_kind.setdefault(binding.kind, binding)
        missing = [k for k in ("label", "predict") if k not in by_kind]
        for kind in missing:
            example = "label COLUMN" if kind == "label" else "predict SCORE_COLUMN >= 0.5"
            self.report("E105", f"the data block binds no '{kind}'", block.span, f"add: {example}")
        if missing:
            return None
        score = by_kind.get("score")
        return ir.DataBindings(
            label=by_kind["label"].value.name,
            score=score.value.name if score else None,
            predict=self._predict(by_kind["predict"].value),
        )

    # ---- baselines ----

    def _baselines(self, spec: ast.Spec) -> list[ir.Baseline]:
        self._unique([b.name for b in spec.baselines], "baseline")
        result = []
        for baseline in spec.baselines:
            if not baseline.items:
                self.report(
                    "E109",
                    f"baseline '{baseline.name.value}' says nothing about its decisions",
                    baseline.name.span,
                    "add: predict COLUMN (the as-is process's 0/1 decisions, row by row)",
                )
                continue
            for extra in baseline.items[1:]:
                self.report("E108", "'predict' is given more than once", extra.span, "keep one")
            result.append(
                ir.ColumnBaseline(
                    name=baseline.name.value,
                    title=baseline.title,
                    predict=self._predict(baseline.items[0]),
                )
            )
        return result

    # ---- hurdles ----

    def _hurdles(self, spec, task, data, baselines: set[str]):
        block = self._one(spec.hurdles, "hurdles block")
        if block is None:
            self.report(
                "E106",
                f"spec '{spec.name.value}' has no hurdles",
                spec.name.span,
                "add: hurdles { tier NAME { ... }  otherwise NAME }",
            )
            return [], None
        if not block.tiers:
            self.report("E106", "the hurdles block has no tiers", block.span, 'add: tier NAME "action" { CONDITION }')
        names = [t.name for t in block.tiers] + [o.name for o in block.otherwise]
        self._unique(names, "tier")
        for extra in block.otherwise[1:]:
            self.report("E112", "'otherwise' is given more than once", extra.span, "keep one fall-back")
        if not block.otherwise:
            self.report(
                "E107",
                "the hurdles block has no 'otherwise' tier",
                block.span,
                'add a fall-back last: otherwise keep_as_is "Keep the as-is process"',
            )
        for tier in block.tiers:
            if not tier.conditions:
                self.report(
                    "E106", f"tier '{tier.name.value}' has no conditions", tier.name.span, "add at least one condition"
                )
        tiers = [
            ir.Tier(
                name=t.name.value,
                title=t.title,
                conditions=[c for c in (self._condition(c, task, data, baselines) for c in t.conditions) if c],
                span=_span_ir(t.span),
            )
            for t in block.tiers
        ]
        otherwise = None
        if block.otherwise:
            o = block.otherwise[0]
            otherwise = ir.Fallback(name=o.name.value, title=o.title, span=_span_ir(o.span))
        return tiers, otherwise

    def _metric(self, ref: ast.MetricRef, task, data) -> MetricInfo | None:
        name = ref.name.value
        info = METRICS.get(name)
        if info is None:
            hint = did_you_mean(name, METRICS) or "see docs/language.md for the built-in metrics"
            self.report("E101", f"unknown metric '{name}'", ref.span, hint)
            return None
        if task is not None and task not in info.tasks:
            kinds = ", ".join(sorted(info.tasks))
            self.report("E201", f"'{name}' is not defined for task {task}", ref.span, f"'{name}' applies to: {kinds}")
            return None
        if info.needs_scores and data is not None and data.score is None:
            self.report(
                "E205",
                f"'{name}' ranks rows by score, but the data block binds no score",
                ref.span,
                "add: score COLUMN (the candidate's probability) to the data block",
            )
        return info

    def _condition(self, cond: ast.Condition, task, data, baselines: set[str]):
        info = self._metric(cond.metric, task, data)
        text = _text(self.source, cond.span)
        if isinstance(cond, ast.Compare):
            threshold = self._threshold(cond.threshold, info)
            if info is not None:
                self._direction(cond, info)
            if info is None or threshold is None:
                return None
            return ir.CompareCondition(
                metric=info.name, op=cond.op, threshold=threshold, text=text, span=_span_ir(cond.span)
            )
        known_baseline = cond.baseline.value in baselines
        if not known_baseline:
            hint = did_you_mean(cond.baseline.value, baselines) or (
                f"baselines defined: {', '.join(sorted(baselines))}"
                if baselines
                else "define it: baseline NAME { predict COLUMN }"
            )
            self.report("E102", f"unknown baseline '{cond.baseline.value}'", cond.baseline.span, hint)
        margin = self._margin(cond.margin, info) if cond.margin else None
        if info is None or not known_baseline or (cond.margin and margin is None):
            return None
        return ir.BeatsCondition(
            metric=info.name, baseline=cond.baseline.value, margin=margin, text=text, span=_span_ir(cond.span)
        )

    def _threshold(self, q: ast.Quantity, info: MetricInfo | None) -> float | None:
        if q.unit == "points":
            self.report(
                "E204",
                f"'{q.text}' is a difference, but a threshold is a level",
                q.span,
                "write a level such as 0.45 or 45%; use 'beats BASELINE by 5 points' for a difference",
            )
            return None
        if q.unit not in (None, "%"):
            self.report("E203", f"'{q.text}' has a unit, but this metric has none", q.span, "write a plain number")
            return None
        value = q.value / 100 if q.unit == "%" else q.value
        if info is None:
            return value
        if q.unit == "%" and not info.is_proportion:
            self.report(
                "E203", f"'{info.name}' is not a proportion, so '{q.text}' does not fit", q.span, "write a plain number"
            )
            return None
        if (info.low is not None and value < info.low) or (info.high is not None and value > info.high):
            self.report(
                "E202",
                f"'{q.text}' is outside the range of {info.name} ({info.low:g} to {info.high:g})",
                q.span,
                f"{info.name} is a proportion; write e.g. 0.45 or 45%" if info.is_proportion else None,
            )
            return None
        return value

    def _margin(self, q: ast.Quantity, info: MetricInfo | None) -> ir.Margin | None:
        if q.unit == "%":
            return ir.Margin(value=q.value / 100, relative=True, text=q.text)
        if q.unit == "points":
            if info is not None and not info.is_proportion:
                self.report(
                    "E203", f"points are for proportions; '{info.name}' is not one", q.span, "use a plain number or %"
                )
                return None
            return ir.Margin(value=q.value / 100, relative=False, text=q.text)
        if q.unit is not None:
            self.report(
                "E203", f"'{q.text}' has a unit, but this metric has none", q.span, "use points, % or a plain number"
            )
            return None
        return ir.Margin(value=q.value, relative=False, text=q.text)

    def _direction(self, cond: ast.Compare, info: MetricInfo) -> None:
        caps = cond.op in ("<=", "<") if info.direction is Direction.HIGHER else cond.op in (">=", ">")
        if caps:
            better = "higher" if info.direction is Direction.HIGHER else "lower"
            self.report(
                "W301",
                f"{info.name} is better when {better}, so '{cond.op}' sets a ceiling on good performance",
                cond.span,
                f"did you mean '{'>=' if better == 'higher' else '<='}'?",
            )


def check(file: ast.File, source: Source) -> tuple[list[ir.Spec], list[Diagnostic]]:
    checker = Checker(source)
    specs = checker.check_file(file)
    return specs, sorted(checker.diagnostics, key=Diagnostic.sort_key)
