"""Stage 2: Lark parse tree -> AST. One method per grammar rule; no checking happens here."""

from __future__ import annotations

import re

from lark import Token, Transformer, v_args

from hurdlelang.core.source import Span
from hurdlelang.lang import ast_nodes as ast


def _span(meta) -> Span:
    return Span(meta.line, meta.column, meta.end_line, meta.end_column)


def _tok_span(token: Token) -> Span:
    return Span(token.line, token.column, token.end_line, token.end_column)


def _name(token: Token) -> ast.Name:
    return ast.Name(token.value, _tok_span(token))


_ESCAPE = re.compile(r'\\(["\\])')


def _unquote(token: Token | None) -> str | None:
    """A string's text. Only \\" and \\\\ are escapes; any other backslash is kept as written, so a
    Windows path reads as it looks."""
    return _ESCAPE.sub(r"\1", token.value[1:-1]) if token is not None else None


def _of(items, kind) -> tuple:
    return tuple(i for i in items if isinstance(i, kind))


def _binding(kind: str):
    def build(self, meta, children):
        return ast.Binding(kind, children[0], _span(meta))

    return build


def _field(key: str):
    def build(self, meta, children):
        value = " ".join(_unquote(c) for c in children)
        return ast.Field(key, value, _span(meta), _tok_span(children[-1]))

    return build


def _binary(op: str):
    def build(self, meta, children):
        left, right = children
        return ast.BinOp(op, left, right, _span(meta))

    return build


@v_args(meta=True)
class AstBuilder(Transformer):
    def start(self, meta, specs):
        return list(specs)

    def spec(self, meta, children):
        name, title, *items = children
        return ast.Spec(
            name=_name(name),
            title=_unquote(title),
            fields=_of(items, ast.Field),
            data=_of(items, ast.DataBlock),
            baselines=_of(items, ast.Baseline),
            metrics=_of(items, ast.MetricDef),
            hurdles=_of(items, ast.Hurdles),
            examples=_of(items, ast.Example),
            span=_span(meta),
            costs=_of(items, ast.CostMatrix),
            volumes=_of(items, ast.Volume),
        )

    owner = _field("owner")
    description = _field("description")
    version = _field("version")

    def task(self, meta, children):
        (value,) = children
        return ast.Field("task", value.value, _span(meta), _tok_span(value))

    # ---- data ----

    def data(self, meta, bindings):
        return ast.DataBlock(tuple(bindings), _span(meta))

    label = _binding("label")
    predict = _binding("predict")
    weight = _binding("weight")
    group = _binding("group")
    id_binding = _binding("id")

    def label_in(self, meta, children):
        column, unit = children
        text = _unquote(unit) if unit.type == "STRING" else unit.value
        value = ast.LabelIn(column, text, _tok_span(unit), unit.type == "STRING")
        return ast.Binding("label", value, _span(meta))

    def score(self, meta, children):
        return ast.Binding("score", children[0], _span(meta))

    def slice(self, meta, columns):
        return ast.Binding("slice", tuple(columns), _span(meta))

    def missing_policy(self, meta, children):
        return ast.Binding("missing", _name(children[0]), _span(meta))

    def classes(self, meta, names):
        return ast.Binding("classes", tuple(names), _span(meta))

    def score_list(self, meta, scores):
        return tuple(scores)

    def class_score(self, meta, children):
        column, class_name = children
        label = class_name.value if class_name is not None else None
        return ast.ClassScore(column, label, _span(meta))

    def class_name(self, meta, children):
        token = children[0]
        value = _unquote(token) if token.type == "STRING" else token.value
        return ast.ClassName(value, _tok_span(token), token.value)

    def rule(self, meta, children):
        column, op, threshold = children
        return ast.Rule(column, op.value if op else None, threshold, _span(meta))

    def predict_bands(self, meta, children):
        return ast.Binding("predict", children[0], _span(meta))

    def bands(self, meta, children):
        *bands, otherwise = children
        return ast.Bands(tuple(bands), _name(otherwise), _span(meta))

    def band(self, meta, children):
        column, op, threshold, name = children
        return ast.Band(column, op.value, threshold, _name(name), _span(meta))

    def top_rule(self, meta, children):
        column, top = children
        return ast.Rule(column, None, None, _span(meta), top=top)

    def volume_rule(self, meta, children):
        column, baseline = children
        return ast.Rule(column, None, None, _span(meta), volume_of=_name(baseline))

    def bare_column(self, meta, children):
        return ast.Column(children[0].value, _span(meta))

    def quoted_column(self, meta, children):
        return ast.Column(_unquote(children[0]), _span(meta))

    # ---- baselines ----

    def baseline(self, meta, children):
        name, title, *items = children
        return ast.Baseline(_name(name), _unquote(title), tuple(items), _span(meta))

    def record(self, meta, children):
        return ast.Binding("record", ast.Name(_unquote(children[0]), _tok_span(children[0])), _span(meta))

    def strategy(self, meta, children):
        return ast.Binding("strategy", _name(children[0]), _span(meta))

    def figure(self, meta, children):
        metric, value, per, rows = children
        return ast.Binding("figure", ast.Figure(metric, value, rows, _span(meta), per=per), _span(meta))

    def figure_plus_minus(self, meta, children):
        metric, value, per, _, half, confidence = children
        figure = ast.Figure(metric, value, None, _span(meta), plus_minus=half, confidence=confidence, per=per)
        return ast.Binding("figure", figure, _span(meta))

    def figure_between(self, meta, children):
        metric, value, per, low, high, confidence = children
        figure = ast.Figure(metric, value, None, _span(meta), low=low, high=high, confidence=confidence, per=per)
        return ast.Binding("figure", figure, _span(meta))

    # ---- the cost matrix ----

    def cost_matrix(self, meta, children):
        title, unit, (decided, header_span), *rows = children
        unit_name = _name(unit) if unit is not None else None
        return ast.CostMatrix(_unquote(title), unit_name, decided, tuple(rows), _span(meta), header_span)

    def cost_header(self, meta, classes):
        return tuple(classes), _span(meta)

    def cost_row(self, meta, children):
        actual, *costs = children
        return ast.CostRow(actual, tuple(costs), _span(meta))

    # ---- derived metrics ----

    def metric_def(self, meta, children):
        name, title, direction, expr = children
        return ast.MetricDef(_name(name), _unquote(title), direction, expr, _span(meta))

    def higher_better(self, meta, children):
        return "higher"

    def lower_better(self, meta, children):
        return "lower"

    add = _binary("+")
    sub = _binary("-")
    mul = _binary("*")
    div = _binary("/")

    def neg(self, meta, children):
        return ast.Neg(children[0], _span(meta))

    # ---- hurdles ----

    def hurdles(self, meta, children):
        confidence, *items = children
        return ast.Hurdles(
            confidence, _of(items, ast.Guard), _of(items, ast.Tier), _of(items, ast.Otherwise), _span(meta)
        )

    def confidence(self, meta, children):
        return ast.Confidence(children[0], _span(meta))

    def require(self, meta, children):
        metric, (op, bounds), scope = children
        return ast.Guard(metric, op, bounds, scope, _span(meta))

    def guard_compare(self, meta, children):
        op, bound = children
        return op.value, (bound,)

    def guard_between(self, meta, children):
        return "between", tuple(children)

    def tier(self, meta, children):
        name, title, confidence, *conditions = children
        return ast.Tier(_name(name), _unquote(title), confidence, tuple(conditions), _span(meta))

    def otherwise(self, meta, children):
        name, title, only_if_ruled_out = children
        return ast.Otherwise(_name(name), _unquote(title), _span(meta), only_if_ruled_out is not None)

    def only_if_ruled_out(self, meta, children):
        return True

    def any_of(self, meta, children):
        parts = []
        for c in children:
            parts.extend(c.parts if isinstance(c, ast.AnyOf) else [c])
        return ast.AnyOf(tuple(parts), _span(meta))

    def all_of(self, meta, children):
        parts = []
        for c in children:
            parts.extend(c.parts if isinstance(c, ast.AllOf) else [c])
        return ast.AllOf(tuple(parts), _span(meta))

    def negate(self, meta, children):
        return ast.Not(children[0], _span(meta))

    def compare(self, meta, children):
        metric, op, operand, per, scope, confidence = children
        return ast.Compare(metric, op.value, operand, scope, confidence, _span(meta), per)

    def beats(self, meta, children):
        metric, baseline, margin, scope, confidence = children
        margin, per = margin or (None, None)
        return ast.Beats(metric, _name(baseline), margin, False, scope, confidence, _span(meta), per)

    def no_worse(self, meta, children):
        metric, baseline, margin, scope, confidence = children
        margin, per = margin or (None, None)
        return ast.Beats(metric, _name(baseline), margin, True, scope, confidence, _span(meta), per)

    def volume(self, meta, children):
        amount, period = children
        return ast.Volume(amount, period, _span(meta))

    def per(self, meta, children):
        return _name(children[0])

    def baseline_metric(self, meta, children):
        baseline, metric = children
        return ast.BaselineMetric(_name(baseline), metric, _span(meta))

    def margin(self, meta, children):
        return children[0], children[1]  # the quantity, and the period of `by 5_000 GBP per month`

    def every_slice(self, meta, children):
        return ast.Scope(_name(children[0]), None, _span(meta))

    def strict_every_slice(self, meta, children):
        return ast.Scope(_name(children[0]), None, _span(meta), strict=True)

    def between_condition(self, meta, children):
        metric, low, high, per, scope, confidence = children
        return ast.Between(metric, low, high, scope, confidence, _span(meta), per)

    def one_slice(self, meta, children):
        name, value = children
        return ast.Scope(_name(name), _unquote(value), _span(meta))

    def metric_ref(self, meta, children):
        name, param, of = children
        return ast.MetricRef(_name(name), param, _span(meta), of)

    def of_class(self, meta, children):
        return children[0]

    # ---- examples ----

    def example(self, meta, children):
        title, *items = children
        return ast.Example(_unquote(title), _of(items, ast.Given), _of(items, ast.Expect), _span(meta))

    def given(self, meta, children):
        party, *values = children
        return ast.Given(_name(party) if party is not None else None, tuple(values), _span(meta))

    def given_value(self, meta, children):
        metric, value = children
        return metric, value

    def expect(self, meta, children):
        return ast.Expect(_name(children[0]), _span(meta))

    # ---- numbers ----

    def quantity(self, meta, children):
        number, unit = children
        if unit is None:
            return number
        sep = "" if unit == "%" else " "
        return ast.Quantity(number.value, unit, _span(meta), f"{number.text}{sep}{unit}")

    def negative(self, meta, children):
        q = children[0]
        return ast.Quantity(-q.value, q.unit, _span(meta), f"-{q.text}")

    def points_unit(self, meta, children):
        return "points"

    def percent_unit(self, meta, children):
        return "%"

    def named_unit(self, meta, children):
        return children[0].value

    def number(self, meta, children):
        token = children[0]
        return ast.Quantity(float(token.value.replace("_", "")), None, _span(meta), token.value)


def build(tree, path: str) -> ast.File:
    return ast.File(path, tuple(AstBuilder().transform(tree)))
