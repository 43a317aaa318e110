"""The one-screen summary of a run, for people: guards, each tier's conditions with both sides,
and the decision with its action text."""

from __future__ import annotations

from hurdlelang.decide import ConditionResult, GuardResult, Judged, State, TierResult
from hurdlelang.record import DecisionRecord

MARK = {State.HELD: "✓", State.FAILED: "✗", State.UNDEFINED: "?"}


def _num(value: float | None) -> str:
    if value is None:
        return "undefined"
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:.4g}"


def describe_judgement(c: ConditionResult, j: Judged) -> str:
    if j.state is State.UNDEFINED and j.observed is None:
        return f"undefined: {j.reason}"
    needs = f"needs {c.op} {c.required:g}"
    cond = c.condition
    if cond.kind == "beats" or getattr(cond, "against", None):
        other = cond.baseline if cond.kind == "beats" else cond.against
        text = f"candidate {_num(j.candidate)} vs {other} {_num(j.baseline)}: {j.observed:+.4g}"
    else:
        text = _num(j.candidate)
    if cond.confidence is not None and j.interval is not None:
        side = "lower" if c.op in (">=", ">") else "upper"
        bound = "undefined" if j.bound is None else f"{j.bound:+.4g}"
        text += f", {cond.confidence:.0%} {side} bound {bound}"
        if j.state is State.UNDEFINED:
            return f"{text} ({j.reason})"
    return f"{text} ({needs})"


def _slices(c: ConditionResult) -> str:
    shown = [f"{j.scope[1]} {MARK[j.state]} {_num(j.observed)}" for j in c.slices]
    shown += [f"{v} not judged" for v in c.skipped]
    return f"per {c.condition.scope.slice}: " + ", ".join(shown) + f" (needs {c.op} {c.required:g})"


def _condition(c: ConditionResult, width: int, indent: str = "  ") -> list[str]:
    head = f"{indent}{MARK[c.state]} {c.condition.text.ljust(width)}  "
    if c.parts:
        return [head.rstrip()] + [line for p in c.parts for line in _condition(p, width - 2, indent + "  ")]
    if c.judged is not None:
        return [head + describe_judgement(c, c.judged)]
    if c.slices or c.skipped:
        return [head + _slices(c)]
    return [head + f"undefined: {c.reason}"]


def _guard(g: GuardResult) -> str:
    if g.slices:
        failing = [v for v, (s, _) in g.slices.items() if s is not State.HELD]
        detail = f"not judged: {', '.join(failing)}" if failing else "every slice"
    else:
        detail = _num(g.value) if g.value is not None else f"undefined: {g.reason}"
    return f"  {MARK[g.state]} {g.guard.text}  {detail}"


def render_summary(
    record: DecisionRecord,
    guards: list[GuardResult],
    tiers: list[TierResult],
    record_path,
    rows_used: int,
) -> str:
    data = record.data
    dropped = f"; {data.rows_dropped:,} dropped" if data.rows_dropped else ""
    lines = [
        f"{record.spec.name}: {record.spec.title or ''}".rstrip(": "),
        f"data: {data.files[0].path} ({rows_used:,} rows{dropped})",
    ]
    if record.confidence:
        c = record.confidence
        level = f"{c.level:.0%} confidence, " if c.level else ""
        lines.append(f"intervals: {level}{c.resamples:,} paired bootstrap resamples, seed {c.seed}")
    for w in record.warnings:
        lines.append(f"warning {w.code}: {w.message}")
    if guards:
        lines += ["", "guards:"] + [_guard(g) for g in guards]
    width = max((len(c.condition.text) for t in tiers for c in t.conditions), default=0)
    for tier in tiers:
        title = f' "{tier.tier.title}"' if tier.tier.title else ""
        lines += ["", f"tier {tier.tier.name}{title}: {tier.state.value}"]
        for c in tier.conditions:
            lines += _condition(c, width)
    outcome = record.outcome
    lines.append("")
    if outcome.override:
        lines.append(
            f"computed: {outcome.computed_tier}; OVERRIDDEN by {outcome.override.by}: {outcome.override.reason}"
        )
    if outcome.status == "inconclusive":
        lines.append(f"decision: INCONCLUSIVE ({outcome.reason})")
    else:
        suffix = " [fall-back: blocking]" if outcome.blocking else ""
        action = f" — {outcome.action}" if outcome.action else ""
        lines.append(f"decision: {outcome.tier}{action}{suffix}")
    if record_path:
        lines.append(f"record: {record_path}")
    return "\n".join(lines)
