"""The checker on classes and cost matrices, beyond the golden files: each misuse gets its code, at
the place written, and a valid spec compiles to the classes and costs it wrote."""

from __future__ import annotations

import pytest

from hurdlelang.core.source import Source
from hurdlelang.lang.compiler import compile_source

BASE = """spec s {{ owner "o" task {task}
  data {{ label y {data} }}
  baseline rules {{ predict r }}
{extra}
  hurdles {{ tier t {{ {condition} }} otherwise keep }} }}
"""
TABLE = """  cost in EUR {
    decided a, b
    a       0, 5
    b       7, 0
  }"""


def problems(task="multiclass", data="predict d classes a, b", extra="", condition="accuracy beats rules"):
    result = compile_source(Source("s.hurdle", BASE.format(task=task, data=data, extra=extra, condition=condition)))
    return result, [(d.code, d.span.line if d.span else None) for d in result.diagnostics]


def test_a_valid_spec_compiles_to_its_classes_and_costs():
    result, found = problems(extra=TABLE, condition="cost beats rules\n recall[b] >= 0.5")
    assert found == []
    spec = result.specs[0]
    assert spec.data.classes == ["a", "b"] and spec.data.declared_classes == ("a", "b")
    assert spec.cost.unit == "EUR" and spec.cost.table() == {("a", "a"): 0, ("a", "b"): 5, ("b", "a"): 7, ("b", "b"): 0}
    keys = [c.metric.key for c in spec.tiers[0].conditions]
    assert keys == ["cost", "recall[b]"]


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"task": "binary", "data": "predict d classes a, b"}, "E120"),  # classes in a binary spec
        ({"data": "predict d classes a, a"}, "E103"),  # a class twice
        ({"data": "predict d classes a"}, "E120"),  # one class
        ({"task": "binary", "data": "predict d", "extra": TABLE}, "E132"),  # a cost matrix in a binary spec
        ({"extra": TABLE + "\n" + TABLE}, "E112"),  # two cost matrices
        ({"extra": TABLE.replace("7, 0", "7 GBP, 0")}, "E203"),  # a cell in another unit
        ({"extra": TABLE.replace("decided a, b", "decided a, b, a")}, "E132"),  # a column twice
        ({"task": "binary", "data": "predict d", "condition": "recall[1] >= 0.5"}, "E119"),  # binary recall
        ({"condition": "recall >= 0.5"}, "E201"),  # multiclass recall without its class
        ({"condition": "total_cost <= 3 EUR"}, "E134"),
        ({"extra": TABLE, "condition": "cost <= 3 GBP"}, "E203"),  # a threshold in another unit
    ],
)
def test_each_misuse_has_its_code(kwargs, code):
    _, found = problems(**kwargs)
    assert code in [c for c, _ in found], found


def test_a_derived_metric_takes_no_class():
    _, found = problems(extra="  metric m = accuracy * 2", condition="m[a] >= 0.5")
    assert ("E119", 5) in found


def test_classes_may_be_called_like_keywords():
    """In a cost matrix a row starts with a class: one called `in`, `and` or `cost`, after a row that
    ends in a number, is a class, not the keyword the lexer would read there elsewhere."""
    table = """  cost in EUR {
    decided cost, in, and
    cost    0,    1,  2
    in      1,    0,  2
    and     1,    2,  0
  }"""
    result, found = problems(
        data="predict d classes cost, in, and", extra=table, condition="recall[in] >= 0.5\n cost beats rules"
    )
    assert found == []
    assert [c.actual for c in result.specs[0].cost.cells[::3]] == ["cost", "in", "and"]
