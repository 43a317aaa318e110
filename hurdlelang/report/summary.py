"""The one-screen summary of a run, for people: guards, each tier's conditions with both sides,
and the decision with its action text."""

from __future__ import annotations

from hurdlelang.record.model import ConditionEntry, DecisionRecord, GuardEntry

MARK = {"held": "✓", "failed": "✗", "undefined": "?"}
EVERY = "every "


def _num(value: float | None) -> str:
    if value is None:
        return "undefined"
    if float(value).is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:.4g}"


def _signed(value: float | None) -> str:
    return "undefined" if value is None else f"{value:+.4g}"


def judged_whole(c: ConditionEntry) -> bool:
    """A comparison judged once (on the whole data or one named slice), not per slice value."""
    return c.kind in ("compare", "beats") and not (c.scope or "").startswith(EVERY)


def describe_judgement(c: ConditionEntry) -> str:
    if c.state == "undefined" and c.observed is None:
        return f"undefined: {c.reason}"
    needs = f"needs {c.op} {c.required:g}"
    if c.kind == "beats" or c.baseline:
        text = f"candidate {_num(c.candidate_value)} vs {c.baseline} {_num(c.baseline_value)}: {_signed(c.observed)}"
    else:
        text = _num(c.candidate_value)
    if c.confidence is not None and c.interval is not None:
        side = "lower" if c.op in (">=", ">") else "upper"
        text += f", {c.confidence:.0%} {side} bound {_signed(c.bound)}"
        if c.state == "undefined":
            return f"{text} ({c.reason})"
    return f"{text} ({needs})"


def _slices(c: ConditionEntry) -> str:
    shown = [f"{s.value} {MARK[s.state]} {_num(s.observed)}" for s in c.slices]
    shown += [f"{v} not judged" for v in c.skipped_slices]
    column = (c.scope or "").removeprefix(EVERY)
    return f"per {column}: " + ", ".join(shown) + f" (needs {c.op} {c.required:g})"


def _condition(c: ConditionEntry, width: int, indent: str = "  ") -> list[str]:
    head = f"{indent}{MARK[c.state]} {c.text.ljust(width)}  "
    if c.parts:
        return [head.rstrip()] + [line for p in c.parts for line in _condition(p, width - 2, indent + "  ")]
    if judged_whole(c):
        return [head + describe_judgement(c)]
    if c.slices or c.skipped_slices:
        return [head + _slices(c)]
    return [head + f"undefined: {c.reason}"]


def _guard(g: GuardEntry) -> str:
    if g.slices:
        failing = [v for v, s in g.slices.items() if s.state != "held"]
        detail = f"not judged: {', '.join(failing)}" if failing else "every slice"
    else:
        detail = _num(g.value) if g.value is not None else f"undefined: {g.reason}"
    return f"  {MARK[g.state]} {g.text}  {detail}"


def render_summary(record: DecisionRecord, record_path, tier_titles: dict[str, str | None]) -> str:
    """Reads only the record, like the Markdown and HTML reports; tier titles come from the spec."""
    data = record.data
    dropped = f"; {data.rows_dropped:,} dropped" if data.rows_dropped else ""
    lines = [
        f"{record.spec.name}: {record.spec.title or ''}".rstrip(": "),
        f"data: {data.files[0].path} ({data.rows_used:,} rows{dropped})",
    ]
    if record.confidence:
        c = record.confidence
        level = f"{c.level:.0%} confidence, " if c.level else ""
        lines.append(f"intervals: {level}{c.resamples:,} paired bootstrap resamples, seed {c.seed}")
    for w in record.warnings:
        lines.append(f"warning {w.code}: {w.message}")
    if record.guards:
        lines += ["", "guards:"] + [_guard(g) for g in record.guards]
    width = max((len(c.text) for t in record.tiers for c in t.conditions), default=0)
    for tier in record.tiers:
        title = f' "{tier_titles[tier.name]}"' if tier_titles.get(tier.name) else ""
        lines += ["", f"tier {tier.name}{title}: {tier.state}"]
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
