"""Every name and number of a spec file, with its place: what hover, go to definition, find
references, rename-free navigation and the outline are computed from.

Built from the compiler's syntax tree (`CompileResult.ast`), never from a second parser. A name is
an occurrence of a kind (metric, baseline, tier, slice, spec, task), either its definition (`metric
net_value`, `baseline as_is`, `tier rollout`, `slice region`) or a use of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hurdlelang.core.source import Span
from hurdlelang.lang import ast_nodes as ast


@dataclass(frozen=True)
class Occurrence:
    kind: str  # metric, baseline, tier, slice, spec, task
    name: str
    span: Span
    definition: bool
    spec: str  # the name of the spec it is in


@dataclass(frozen=True)
class Number:
    """A number as written, and what it is there: threshold, margin, confidence, given, figure, rows,
    term (of a derived metric's arithmetic) or bound (of a guard)."""

    quantity: ast.Quantity
    role: str
    spec: str


@dataclass
class SymbolIndex:
    occurrences: list[Occurrence] = field(default_factory=list)
    numbers: list[Number] = field(default_factory=list)
    specs: dict[str, ast.Spec] = field(default_factory=dict)

    def at(self, line: int, column: int) -> Occurrence | None:
        """The name under a 1-based position (a cursor right after a name is still on it)."""
        return next((o for o in self.occurrences if _within(o.span, line, column)), None)

    def number_at(self, line: int, column: int) -> Number | None:
        return next((n for n in self.numbers if _within(n.quantity.span, line, column)), None)

    def definition(self, occurrence: Occurrence) -> Occurrence | None:
        return next(
            (
                o
                for o in self.occurrences
                if o.definition
                and o.kind == occurrence.kind
                and o.name == occurrence.name
                and o.spec == occurrence.spec
            ),
            None,
        )

    def references(self, occurrence: Occurrence, include_definition: bool = True) -> list[Occurrence]:
        return [
            o
            for o in self.occurrences
            if o.kind == occurrence.kind
            and o.name == occurrence.name
            and o.spec == occurrence.spec
            and (include_definition or not o.definition)
        ]

    def spec_at(self, line: int) -> ast.Spec | None:
        return next((s for s in self.specs.values() if s.span.line <= line <= s.span.end_line), None)


def _within(span: Span, line: int, column: int) -> bool:
    if not span.line <= line <= span.end_line:
        return False
    if line == span.line and column < span.column:
        return False
    return not (line == span.end_line and column > span.end_column)


def index(file: ast.File | None) -> SymbolIndex:
    found = SymbolIndex()
    for spec in file.specs if file else ():
        _Walker(found, spec.name.value).spec(spec)
        found.specs.setdefault(spec.name.value, spec)
    return found


class _Walker:
    def __init__(self, into: SymbolIndex, spec: str):
        self.into = into
        self.spec_name = spec

    def name(self, kind: str, name: ast.Name | None, definition: bool = False) -> None:
        if name is not None and name.value:
            self.into.occurrences.append(Occurrence(kind, name.value, name.span, definition, self.spec_name))

    def number(self, quantity: ast.Quantity | None, role: str) -> None:
        if quantity is not None:
            self.into.numbers.append(Number(quantity, role, self.spec_name))

    def spec(self, spec: ast.Spec) -> None:
        self.name("spec", spec.name, definition=True)
        for f in spec.fields:
            if f.key == "task":
                self.name("task", ast.Name(f.value, f.value_span))
        for block in spec.data:
            for binding in block.bindings:
                self.binding(binding)
        for baseline in spec.baselines:
            self.name("baseline", baseline.name, definition=True)
            for item in baseline.items:
                self.binding(item)
        for metric in spec.metrics:
            self.name("metric", metric.name, definition=True)
            self.expr(metric.expr)
        for matrix in spec.costs:
            for row in matrix.rows:
                for cost in row.costs:
                    self.number(cost, "cost")
        for hurdles in spec.hurdles:
            self.confidence(hurdles.confidence)
            for guard in hurdles.guards:
                self.metric(guard.metric)
                for bound in guard.bounds:
                    self.number(bound, "bound")
                self.scope(guard.scope)
            for tier in hurdles.tiers:
                self.name("tier", tier.name, definition=True)
                self.confidence(tier.confidence)
                for condition in tier.conditions:
                    self.condition(condition)
            for otherwise in hurdles.otherwise:
                self.name("tier", otherwise.name, definition=True)
        for example in spec.examples:
            for given in example.givens:
                self.name("baseline", given.party)
                for ref, value in given.values:
                    self.metric(ref)
                    self.number(value, "given")
            for expect in example.expects:
                self.name("tier", expect.tier)

    def binding(self, binding: ast.Binding) -> None:
        if binding.kind == "slice":
            for column in binding.value:
                self.name("slice", ast.Name(column.name, column.span), definition=True)
        elif binding.kind == "figure":
            figure: ast.Figure = binding.value
            self.metric(figure.metric)
            self.number(figure.value, "figure")
            self.number(figure.rows, "rows")
            self.number(figure.plus_minus, "figure interval")
            self.number(figure.low, "figure interval")
            self.number(figure.high, "figure interval")
            self.confidence(figure.confidence)
        elif isinstance(binding.value, ast.Rule):
            self.number(binding.value.threshold, "decision threshold")

    def metric(self, ref: ast.MetricRef) -> None:
        self.name("metric", ref.name)
        self.number(ref.param, "parameter")

    def expr(self, expr: ast.Expr) -> None:
        if isinstance(expr, ast.Quantity):
            self.number(expr, "term")
        elif isinstance(expr, ast.MetricRef):
            self.metric(expr)
        elif isinstance(expr, ast.BinOp):
            self.expr(expr.left)
            self.expr(expr.right)
        elif isinstance(expr, ast.Neg):
            self.expr(expr.operand)

    def confidence(self, confidence: ast.Confidence | None) -> None:
        if confidence is not None:
            self.number(confidence.level, "confidence")

    def scope(self, scope: ast.Scope | None) -> None:
        if scope is not None:
            self.name("slice", scope.slice)

    def condition(self, condition: ast.Condition) -> None:
        if isinstance(condition, ast.AllOf | ast.AnyOf):
            for part in condition.parts:
                self.condition(part)
        elif isinstance(condition, ast.Not):
            self.condition(condition.part)
        elif isinstance(condition, ast.Compare):
            self.metric(condition.metric)
            if isinstance(condition.operand, ast.BaselineMetric):
                self.name("baseline", condition.operand.baseline)
                self.metric(condition.operand.metric)
            else:
                self.number(condition.operand, "threshold")
            self.scope(condition.scope)
            self.confidence(condition.confidence)
        elif isinstance(condition, ast.Between):
            self.metric(condition.metric)
            self.number(condition.low, "bound")
            self.number(condition.high, "bound")
            self.scope(condition.scope)
            self.confidence(condition.confidence)
        elif isinstance(condition, ast.Beats):
            self.metric(condition.metric)
            self.name("baseline", condition.baseline)
            self.number(condition.margin, "margin")
            self.scope(condition.scope)
            self.confidence(condition.confidence)
