"""The terminal summary's line for a hurdle `in every SLICE`: every value when there are few; with
hundreds, what did not hold first, twelve values in all, and how many more."""

from __future__ import annotations

from hurdlelang.record.model import DecisionRecord
from hurdlelang.report.summary import SHOWN_SLICES, render_summary
from tests.conftest import CORPUS


def _record_with_channels(states: list[str]) -> tuple[DecisionRecord, str]:
    """fraud_blocking's record with its `precision >= 0.85 in every channel` over many channels."""
    record = DecisionRecord.model_validate_json((CORPUS / "report" / "fraud_blocking.record.json").read_text())
    tier = next(t for t in record.tiers if any(c.slices for c in t.conditions))
    condition = next(c for c in tier.conditions if c.slices)
    one = condition.slices[0]
    slices = [
        one.model_copy(update={"value": f"c{i:03d}", "state": state, "observed": 0.9 if state == "held" else 0.8})
        for i, state in enumerate(states)
    ]
    changed = condition.model_copy(update={"slices": slices})
    conditions = [changed if c is condition else c for c in tier.conditions]
    tiers = [t.model_copy(update={"conditions": conditions}) if t is tier else t for t in record.tiers]
    record = record.model_copy(update={"tiers": tiers})
    lines = render_summary(record, "r.json", {}).splitlines()
    line = next(x for x in lines if "precision >= 0.85 in every channel" in x)
    return record, line


def test_few_slice_values_are_all_listed_in_order():
    _, line = _record_with_channels(["held", "failed", "held"])
    assert "per channel (all 3 judged): c000 ✓" in line
    assert line.index("c000") < line.index("c001") < line.index("c002")
    assert "more" not in line


def test_many_slice_values_list_what_failed_first_and_count_the_rest():
    states = ["held"] * 40
    states[25], states[33] = "failed", "undefined"
    _, line = _record_with_channels(states)
    assert "per channel (all 40 judged): c025 ✗" in line
    assert line.index("c025") < line.index("c033") < line.index("c000")
    listed = [f"c{i:03d}" for i in range(40) if f"c{i:03d} " in line]
    assert len(listed) == SHOWN_SLICES
    assert f"and {40 - SHOWN_SLICES} more ✓ (every value is in the record)" in line


def test_many_failures_beyond_the_line_are_counted_without_a_mark():
    _, line = _record_with_channels(["failed"] * 20)
    assert f"and {20 - SHOWN_SLICES} more (every value is in the record)" in line
