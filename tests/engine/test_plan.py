"""The statistics plan of every bundled example, printed and compared with its golden file
(tests/corpus/plan/NAME.plan). Set HURDLE_UPDATE_GOLDEN=1 to rewrite them after a deliberate change."""

from __future__ import annotations

import os

import pytest

from hurdlelang.engine.plan import compile_plan, reported_metrics
from hurdlelang.lang.compiler import compile_path
from tests.conftest import CORPUS, EXAMPLES

GOLDEN = CORPUS / "plan"
SPECS = sorted(EXAMPLES.glob("*.hurdle"))


@pytest.mark.parametrize("path", SPECS, ids=[p.stem for p in SPECS])
def test_plan_is_golden(path):
    (spec,) = compile_path(path).specs
    text = compile_plan(spec).render()
    golden = GOLDEN / f"{path.stem}.plan"
    if os.environ.get("HURDLE_UPDATE_GOLDEN"):
        golden.write_text(text)
    assert text == golden.read_text()


@pytest.mark.parametrize("path", SPECS, ids=[p.stem for p in SPECS])
def test_every_reported_metric_of_every_data_party_has_a_statistic(path):
    (spec,) = compile_path(path).specs
    plan = compile_plan(spec)
    for party in plan.parties:
        if party.kind in ("data", "dummy"):
            for metric in plan.leaves[party.name]:
                assert plan.statistic_of(party.name, metric) is not None, (party.name, metric)
    # a derived metric is planned through its parts (fraud_blocking's cost_of_errors reads fn, fp, n)
    keys = [m.key for m in reported_metrics(spec)]
    for derived in spec.metrics:
        assert derived.name in keys and derived.name not in plan.leaves["candidate"]


def test_binary_counts_share_one_joint_table():
    (spec,) = compile_path(EXAMPLES / "fraud_blocking.hurdle").specs
    joint = [s for s in compile_plan(spec).statistics if s.kind == "joint_cells"]
    assert len(joint) == 1
    assert joint[0].keys == ("slice", "label", "decision[candidate]", "decision[rules]")
    assert {"precision", "recall", "fn", "fp", "n"} <= set(joint[0].metrics)
