"""Stage 2: Lark parse tree -> AST. One method per grammar rule; no checking happens here."""

from __future__ import annotations

import json

from lark import Token, Transformer, v_args

from hurdlelang import ast_nodes as ast
from hurdlelang.source import Span


def _span(meta) -> Span:
    return Span(meta.line, meta.column, meta.end_line, meta.end_column)


def _tok_span(token: Token) -> Span:
    return Span(token.line, token.column, token.end_line, token.end_column)


def _unquote(token: Token) -> str:
    return json.loads(token.value)


def _title(children: list) -> str | None:
    strings = [c for c in children if isinstance(c, Token) and c.type == "STRING"]
    return _unquote(strings[0]) if strings else None


@v_args(meta=True)
class AstBuilder(Transformer):
    def start(self, meta, specs):
        return list(specs)

    def spec(self, meta, children):
        name = ast.Name(children[0].value, _tok_span(children[0]))
        items = [c for c in children[1:] if not isinstance(c, Token)]
        return ast.Spec(
            name=name,
            title=_title(children[1:2]),
            fields=tuple(i for i in items if isinstance(i, ast.Field)),
            data=tuple(i for i in items if isinstance(i, ast.DataBlock)),
            baselines=tuple(i for i in items if isinstance(i, ast.Baseline)),
            hurdles=tuple(i for i in items if isinstance(i, ast.Hurdles)),
            span=_span(meta),
        )

    def owner(self, meta, children):
        (value,) = children
        return ast.Field("owner", _unquote(value), _span(meta), _tok_span(value))

    def task(self, meta, children):
        (value,) = children
        return ast.Field("task", value.value, _span(meta), _tok_span(value))

    def data(self, meta, bindings):
        return ast.DataBlock(tuple(bindings), _span(meta))

    def label(self, meta, children):
        return ast.Binding("label", children[0], _span(meta))

    def score(self, meta, children):
        return ast.Binding("score", children[0], _span(meta))

    def predict(self, meta, children):
        column, op, threshold = children
        predict = ast.Predict(column, op.value if op else None, threshold, _span(meta))
        return ast.Binding("predict", predict, _span(meta))

    def bare_column(self, meta, children):
        return ast.Column(children[0].value, _span(meta))

    def quoted_column(self, meta, children):
        return ast.Column(_unquote(children[0]), _span(meta))

    def baseline(self, meta, children):
        name = ast.Name(children[0].value, _tok_span(children[0]))
        items = tuple(c.value for c in children[1:] if isinstance(c, ast.Binding))
        return ast.Baseline(name, _title(children[1:2]), items, _span(meta))

    def hurdles(self, meta, items):
        tiers = tuple(i for i in items if isinstance(i, ast.Tier))
        otherwise = tuple(i for i in items if isinstance(i, ast.Otherwise))
        return ast.Hurdles(tiers, otherwise, _span(meta))

    def tier(self, meta, children):
        name = ast.Name(children[0].value, _tok_span(children[0]))
        conditions = tuple(c for c in children[1:] if not isinstance(c, Token) and c is not None)
        return ast.Tier(name, _title(children[1:2]), conditions, _span(meta))

    def otherwise(self, meta, children):
        name = ast.Name(children[0].value, _tok_span(children[0]))
        return ast.Otherwise(name, _title(children[1:2]), _span(meta))

    def compare(self, meta, children):
        metric, op, threshold = children
        return ast.Compare(metric, op.value, threshold, _span(meta))

    def beats(self, meta, children):
        metric, baseline, margin = children
        name = ast.Name(baseline.value, _tok_span(baseline))
        return ast.Beats(metric, name, margin, _span(meta))

    def margin(self, meta, children):
        return children[0]

    def metric_ref(self, meta, children):
        token = children[0]
        return ast.MetricRef(ast.Name(token.value, _tok_span(token)), _span(meta))

    def quantity(self, meta, children):
        number, unit = children
        if unit is None:
            return number
        sep = "" if unit == "%" else " "
        return ast.Quantity(number.value, unit, _span(meta), f"{number.text}{sep}{unit}")

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
