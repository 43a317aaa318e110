"""The one-screen summary of a run, for people."""

from __future__ import annotations

from hurdlelang.decide import ConditionResult, State
from hurdlelang.record import DecisionRecord

MARK = {State.HELD: "✓", State.FAILED: "✗", State.UNDEFINED: "?"}


def _num(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.4f}"


def _detail(result: ConditionResult) -> str:
    cond = result.condition
    if result.state is State.UNDEFINED:
        return f"undefined: {result.reason}"
    needs = f"(needs {result.op} {result.required:g})"
    if cond.kind == "compare":
        return f"{_num(result.candidate)} {needs}"
    return (
        f"candidate {_num(result.candidate)} vs {cond.baseline} {_num(result.baseline)}: "
        f"improvement {result.observed:+.4f} {needs}"
    )


def render_summary(record: DecisionRecord, tiers, record_path: str | None) -> str:
    lines = [
        f"{record.spec.name}: {record.spec.title or ''}".rstrip(": "),
        f"data: {record.data.path} ({record.data.rows:,} rows)",
    ]
    width = max((len(c.condition.text) for t in tiers for c in t.conditions), default=0)
    for tier in tiers:
        lines.append("")
        title = f' "{tier.tier.title}"' if tier.tier.title else ""
        lines.append(f"tier {tier.tier.name}{title}: {tier.state.value}")
        for c in tier.conditions:
            lines.append(f"  {MARK[c.state]} {c.condition.text.ljust(width)}  {_detail(c)}")
    outcome = record.outcome
    lines.append("")
    if outcome.status == "inconclusive":
        lines.append(f"decision: INCONCLUSIVE ({outcome.reason})")
    else:
        suffix = " [fall-back: blocking]" if outcome.blocking else ""
        action = f" — {outcome.action}" if outcome.action else ""
        lines.append(f"decision: {outcome.tier}{action}{suffix}")
    if record_path:
        lines.append(f"record: {record_path}")
    return "\n".join(lines)
