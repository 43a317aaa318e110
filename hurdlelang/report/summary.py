"""The one-screen summary of a run, for people: guards, each tier's conditions with both sides,
and the decision with its action text."""

from __future__ import annotations

from hurdlelang.record.model import ConditionEntry, DecisionRecord, GuardEntry
from hurdlelang.report import numbers
from hurdlelang.report.phrasing import Reading, coverage, read

MARK = {"held": "✓", "failed": "✗", "undefined": "?"}
EVERY = "every "


def _num(value: float | None, unit: str | None = None) -> str:
    return numbers.number(value, unit, missing="undefined")


def judged_whole(c: ConditionEntry) -> bool:
    """A comparison judged once (on the whole data or one named slice), not per slice value."""
    return c.kind in ("compare", "beats") and not (c.scope or "").startswith(EVERY)


def _stat(r: Reading, value: float | None) -> str:
    return "undefined" if value is None else r.stat(value)


def describe_judgement(c: ConditionEntry, record: DecisionRecord | None = None) -> str:
    """One judged comparison: both sides with their units, the statistic as the hurdle counts it
    (a relative margin in percent, a margin in points in points), the bound and what it needed."""
    r = read(c, record)
    if r is None or (c.state == "undefined" and c.observed is None):
        return f"undefined: {c.reason}"
    needs = f"needs {r.hurdle_short()}"
    if r.form != "level":
        text = f"candidate {r.value(c.candidate_value)} vs {c.baseline} {r.value(c.baseline_value)}: "
        text += _stat(r, c.observed)
    else:
        text = r.value(c.candidate_value) if c.candidate_value is not None else _stat(r, c.observed)
    if c.confidence is not None and c.interval is not None:
        text += f", {numbers.level(c.judged_at or c.confidence)} {r.side} bound {_stat(r, c.bound)}"
        if c.state == "undefined":
            return f"{text} ({c.reason})"
    return f"{text} ({needs})"


EVIDENCE = {"ruled_out": "ruled out", "not_shown": "not shown: these rows cannot tell yet"}


def _slice(r: Reading, c: ConditionEntry, s) -> str:
    text = f"{s.value} {MARK[s.state]} {_stat(r, s.observed)}"
    if s.state == "failed" and s.bound is not None and c.confidence is not None:  # the bound that failed it
        text += f" ({numbers.level(c.judged_at or c.confidence)} {r.side} bound {_stat(r, s.bound)})"
    elif s.state == "undefined" and s.reason:
        text += f" ({s.reason})"
    return text


SHOWN_SLICES = 12  # slice values a summary line lists; the record (and `hurdlec report`) has them all


def _slices(c: ConditionEntry, record: DecisionRecord | None) -> str:
    r = read(c, record)
    skipped = [f"{v} not judged ({why})" for v, why in c.skipped_slices.items()]
    judged = [(s.state == "held", _slice(r, c, s)) for s in c.slices]
    shown = [text for _, text in judged] + skipped
    if len(shown) > SHOWN_SLICES:
        # a column of hundreds of values stays one readable line: what did not hold first, then
        # the held values in the record's order, and how many more there are
        held = [text for ok, text in judged if ok]
        shown = [text for ok, text in judged if not ok] + skipped + held
        cut = shown[SHOWN_SLICES:]
        more = f"{len(cut)} more {MARK['held']}" if len(cut) <= len(held) else f"{len(cut)} more"
        shown = shown[:SHOWN_SLICES] + [f"and {more} (every value is in the record)"]
    column = (c.scope or "").removeprefix(EVERY)
    total = len(c.slices) + len(c.skipped_slices)
    counted = f"{len(c.slices)} of {total} judged" if c.skipped_slices else f"all {total} judged"
    return f"per {column} ({counted}): " + ", ".join(shown) + f" (needs {r.hurdle_short()})"


def _condition(c: ConditionEntry, width: int, record: DecisionRecord | None, indent: str = "  ") -> list[str]:
    # a comparison under `not` is judged as its reverse: show what was judged
    label = c.formula if c.negated and not c.parts and c.formula else c.text
    head = f"{indent}{MARK[c.state]} {label.ljust(width)}  "
    if c.parts:
        return [head.rstrip()] + [line for p in c.parts for line in _condition(p, width - 2, record, indent + "  ")]
    if judged_whole(c):
        return [head + describe_judgement(c, record)]
    if c.slices or c.skipped_slices:
        return [head + _slices(c, record)]
    return [head + f"undefined: {c.reason}"]


def _guard(g: GuardEntry) -> str:
    if g.slices:
        failing = [f"{v} ({_num(s.value)})" for v, s in g.slices.items() if s.state != "held"]
        if not failing:
            detail = f"all {len(g.slices)} {(g.scope or '').removeprefix(EVERY)} values"
        elif g.strict:
            detail = f"fails for {', '.join(failing)}"
        else:
            detail = f"not judged: {', '.join(failing)}"
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
        state = tier.state
        if tier.state != "held" and tier.evidence in EVIDENCE:
            state = f"{tier.state}, {EVIDENCE[tier.evidence]}"
        lines += ["", f"tier {tier.name}{title}: {state}"]
        for c in tier.conditions:
            lines += _condition(c, width, record)
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
    for cov in coverage(record):
        lines.append(f"note: per-slice conditions {cov.sentence()}")
    if record_path:
        lines.append(f"record: {record_path}")
    return "\n".join(lines)
