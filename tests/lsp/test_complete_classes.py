"""Completion of a multiclass spec's classes: inside `recall[`, and in the rows and columns of a cost
matrix; `cost` and `total_cost` are offered only when the spec has a cost matrix."""

from __future__ import annotations

from tests.lsp.test_analysis import labels

SPEC = """spec routing "Route tickets" {
  owner "support-ops"
  task  multiclass

  data {
    label team
    score p_billing for billing, p_technical for technical, p_sales for "sales team"
  }

  baseline rules "Keyword rules" {
    predict rules_team
  }

  cost "What a routing costs" in EUR {
    decided      billing, technical, "sales team"
    billing      0,       20,        50
  }

  hurdles {
    tier auto "Route automatically" {
      recall[technical] >= 0.5
      cost beats rules
    }
    otherwise keep "Keep the rules"
  }
}
"""


def test_classes_are_offered_inside_the_brackets_of_a_per_class_metric():
    assert labels(SPEC, "recall[") == ["billing", "technical", '"sales team"']


def test_classes_are_offered_in_the_cost_matrix():
    assert set(labels(SPEC, "    billing      0,       20,        50\n", after=0)) >= {"billing", "technical"}
    assert "billing" in labels(SPEC, "decided      ")


def test_cost_metrics_are_offered_only_with_a_cost_matrix():
    at = "      cost beats rules"
    with_matrix = labels(SPEC, at, after=6)
    assert {"cost", "total_cost", "recall", "f1_macro"} <= set(with_matrix)
    start, end = SPEC.index("  cost "), SPEC.index("  hurdles")
    without = SPEC[:start] + SPEC[end:]
    assert not {"cost", "total_cost"} & set(labels(without, at, after=6))


def test_hover_on_the_cost_keyword_a_cost_cell_and_a_per_class_metric():
    from hurdlelang.lang.catalogue import lookup
    from hurdlelang.lsp.analysis import analyse
    from hurdlelang.lsp.hover import KEYWORDS, metric_markdown, number_markdown

    made = analyse("t.hurdle", SPEC, run_examples=False)
    line = SPEC.split("\n").index("    billing      0,       20,        50") + 1
    cell = made.index.number_at(line, SPEC.split("\n")[line - 1].index("20") + 1)
    assert cell is not None and "cost matrix" in number_markdown(cell)
    assert "total_cost" in KEYWORDS["cost"]
    recall = metric_markdown(lookup("recall", "multiclass"))
    assert "recall[CLASS]" in recall and "unit: a pure number" in recall
    assert "cost matrix" in metric_markdown(lookup("cost", "multiclass"))
