"""`hurdlec fmt` on multiclass specs: a `classes` line, per-class metrics (`recall[billing]`) and a
cost matrix, in random layouts with random comments; the output is canonical and means the same
(the property test of tests/lang/test_fmt.py, over the constructs it does not generate)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from hurdlelang.core.source import Source
from hurdlelang.lang.compiler import compile_source
from tests.lang.test_fmt import WORD, _count, _proportion, assert_faithful, formatted, layout

PER_CLASS = ("precision", "recall", "f1")


@st.composite
def _condition(draw, ctx: dict) -> list[str]:
    kind = draw(st.sampled_from(["per_class", "per_class_beats", "cost", "macro"]))
    cls = draw(st.sampled_from(ctx["classes"]))
    if kind == "per_class":
        pieces = [draw(st.sampled_from(PER_CLASS)), "[", cls, "]", ">=", _proportion(draw)]
    elif kind == "per_class_beats":
        pieces = [draw(st.sampled_from(PER_CLASS)), "[", cls, "]", "beats", "rules", "by", "2 points"]
    elif kind == "cost" and ctx["cost"]:
        pieces = [draw(st.sampled_from(["cost", "total_cost"])), "beats", "rules", "by", f"{draw(st.integers(1, 40))}%"]
    else:
        pieces = ["f1_macro", "no", "worse", "than", "rules"]
    if draw(st.booleans()):
        pieces += ["in", "every", "c_lang"]
    return pieces


@st.composite
def multiclass_spec(draw) -> list[tuple[int, list[str]]]:
    names = draw(st.lists(WORD, min_size=2, max_size=4, unique=True))
    classes = ["k_" + n for n in names] + draw(st.sampled_from([[], ['"Very frail"']]))
    scored = draw(st.booleans())
    ctx = {"classes": classes, "cost": draw(st.booleans())}
    out = [(0, ["spec", "s_" + draw(WORD), "{"]), (1, ["owner", '"team"']), (1, ["task", "multiclass"])]
    out += [(1, ["data", "{"]), (2, ["label", "c_label"])]
    if scored:
        score = [x for i, c in enumerate(classes) for x in ([","] if i else []) + [f"c_p{i}", "for", c]]
        out.append((2, ["score", *score]))
    else:
        out.append((2, ["predict", "c_decided"]))
    if not scored or draw(st.booleans()):
        out.append((2, ["classes", *[x for i, c in enumerate(classes) for x in ([","] if i else []) + [c]]]))
    out += [(2, ["slice", "c_lang"]), (1, ["}"])]
    out += [(1, ["baseline", "rules", "{"]), (2, ["predict", "c_rules"]), (1, ["}"])]
    if ctx["cost"]:
        title = draw(st.sampled_from([[], ['"What a routing costs"']]))
        out.append((1, ["cost", *title, "in", draw(st.sampled_from(["EUR", "hours"])), "{"]))
        out.append((2, ["decided", *[x for i, c in enumerate(classes) for x in ([","] if i else []) + [c]]]))
        for actual in classes:
            costs = [draw(st.sampled_from(["0", "5", "12.5", "1_000", "30"])) for _ in classes]
            out.append((2, [actual, *[x for i, c in enumerate(costs) for x in ([","] if i else []) + [c]]]))
        out.append((1, ["}"]))
    out.append((1, ["hurdles", "{"]))
    if draw(st.booleans()):
        out.append((2, ["require", "support", "[", classes[0], "]", ">=", _count(draw), "in", "every", "c_lang"]))
    out.append((2, ["tier", "ship", "{"]))
    out += [(3, draw(_condition(ctx))) for _ in range(draw(st.integers(1, 3)))]
    out += [(2, ["}"]), (2, ["otherwise", "keep"]), (1, ["}"])]
    if draw(st.booleans()):
        out += [(1, ["example", '"one"', "{"]), (2, ["given", "recall", "[", classes[-1], "]", "0.5"])]
        out += [(2, ["expect", "keep"]), (1, ["}"])]
    return [*out, (0, ["}"])]


@pytest.mark.slow
@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(statements=multiclass_spec(), data=st.data())
def test_random_multiclass_specs(statements, data, tmp_path: Path):
    text = data.draw(layout(statements))
    result = compile_source(Source("spec.hurdle", text))
    assert result.ok, [str(d) for d in result.diagnostics]
    assert_faithful(text, formatted(text, tmp_path), tmp_path)


def test_a_cost_matrix_is_printed_as_aligned_columns(tmp_path: Path):
    text = """spec s { owner "t" task multiclass
data { label y predict d classes a, "b c" }
baseline rules { predict r }
cost in EUR { decided a,"b c"
a 0,1_000
  "b c"   12.5 ,0 }
hurdles { tier t { recall [ a ] >= 0.5
 cost beats rules } otherwise o } }
"""
    out = formatted(text, tmp_path)
    assert '  cost in EUR {\n    decided a,    "b c"\n    a       0,    1_000\n    "b c"   12.5, 0\n  }\n' in out
    assert "recall[a] >= 0.5" in out
    assert_faithful(text, out, tmp_path)
