"""The report as GitHub-flavoured Markdown: deterministic (the same record gives the same bytes), no
charts (the numbers are in tables), every string from the record escaped."""

from __future__ import annotations

import re

from hurdlelang.core.names import CANDIDATE, WHOLE_DATA
from hurdlelang.record.model import ConditionEntry, DecisionRecord, TierEntry
from hurdlelang.report.phrasing import (
    STATE_MARKS,
    Reading,
    Style,
    business_summary,
    cell,
    decide_text,
    guard_slices,
    level_note,
    logic_words,
    metric_list,
    metric_notes,
    num,
    pct,
    read,
    scope_rows,
    scope_title,
    scopes,
    shortfalls,
    tier_status,
    when,
)

_SPECIAL = re.compile(r"[\\`*\[\]<>|&#!~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")


def md(text: str) -> str:
    """Free text, escaped so that Markdown and HTML in it show as typed (also inside table cells).
    An underscore inside a word (keep_rules) cannot start emphasis in GFM and stays as it is."""
    out = _SPECIAL.sub(lambda m: "\\" + m[0], text)
    return " ".join(out.split())  # a newline would end a table row or a paragraph


def code(text: str) -> str:
    """A name or a condition in a code span. A `|` would end a table cell even there: it becomes ¦."""
    text = " ".join(text.replace("|", "¦").split())
    longest = 0
    run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


STYLE = Style(name=code, text=md)
RESULT = {"held": "✓ held", "failed": "✗ failed", "undefined": "? undefined"}


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines + [""]


# ---- the decision ----


def _header(record: DecisionRecord) -> list[str]:
    spec = record.spec
    decision = decide_text(record, STYLE)
    title = spec.title or spec.name
    lines = [f"# {md(title)}", "", f"**{md(decision.headline)}**", "", business_summary(record, STYLE), ""]
    lines += [line + "  " for line in decision.lines[:-1]] + decision.lines[-1:] + [""]
    version = f" (version {md(spec.version)})" if spec.version else ""
    data = record.data
    dropped = f", {data.rows_dropped:,} dropped" if data.rows_dropped else ""
    facts = [
        ["Spec", f"{code(spec.name)} — {md(spec.title or '(no title)')}{version}"],
        ["Owner", md(spec.owner)],
        ["Model", code(record.model_id) if record.model_id else "not given (`--model-id`)"],
        ["Date", md(when(record.created_at))],
        ["Task", md(record.task)],
        ["Data", f"{data.rows_used:,} rows used ({data.rows_read:,} read{dropped})"],
        ["Confidence", _confidence(record)],
        ["Baselines", "; ".join(f"{code(b.name)} — {md(b.title or b.detail)}" for b in record.baselines) or "none"],
    ]
    lines += _table(["", ""], facts)
    misses = shortfalls(record)
    if misses:
        title = "Why not a better tier" if record.outcome.status == "decided" else "Tiers that did not hold"
        lines += [f"{title}:", ""]
        for tier, conditions in misses:
            failing = ", ".join(f"{code(c.text)} {c.state}" for c in conditions)
            lines.append(f"- {code(tier.name)} ({md(tier.action or 'no action text')}): {failing}")
        lines.append("")
    return lines


def _confidence(record: DecisionRecord) -> str:
    c = record.confidence
    if c is None:
        return "none: point estimates compared"
    levels = [f"{code(t.name)} at {pct(t.confidence)}" for t in record.tiers if t.confidence not in (None, c.level)]
    own = f"; {', '.join(levels)}" if levels else ""
    level = pct(c.level) if c.level is not None else "set per tier"
    return f"{level}{own} — {c.resamples:,} bootstrap resamples, seed {c.seed}"


# ---- tiers and conditions ----


def _ladder(record: DecisionRecord) -> list[str]:
    rows = [
        [f"{i}", code(t.name), md(t.action or ""), f"{STATE_MARKS[t.state]} {md(tier_status(record, t))}"]
        for i, t in enumerate(record.tiers, 1)
    ]
    fallback_action = record.fallback.action
    fallback_status = "the decision" if record.outcome.tier == record.fallback.name else "not needed"
    rows.append(
        [
            "—",
            f"{code(record.fallback.name)} (fall-back)",
            md(fallback_action) if fallback_action else "*(its action text is not in the record)*",
            fallback_status,
        ]
    )
    return ["## Tiers, best first", ""] + _table(["#", "Tier", "Action", "Result"], rows)


def _numbered(conditions: list[ConditionEntry], prefix: str = "") -> list[tuple[str, ConditionEntry]]:
    out = []
    for i, c in enumerate(conditions, 1):
        label = f"{prefix}{i}" if not prefix else f"{prefix}{chr(ord('a') + i - 1)}"
        out.append((label, c))
        if c.parts:
            out.extend(_numbered(c.parts, label))
    return out


def _numbers_row(record: DecisionRecord, label: str, c: ConditionEntry) -> list[str] | None:
    r = read(c, record)
    if r is None:
        return [label, code(c.text), "", "", "", "", "", "", RESULT[c.state]]
    if c.slices or c.skipped_slices:
        return [label, code(c.text), "per slice", "", "", "", "", md(r.hurdle_short()), RESULT[c.state]]
    baseline = f"{code(r.baseline)} {r.value(c.baseline_value)}" if r.baseline else ""
    interval = ""
    if c.interval and not c.interval.reason:
        interval = f"{r.stat(c.interval.low)} … {r.stat(c.interval.high)}"
    bound = f"{'≥' if r.side == 'lower' else '≤'} {r.stat(c.bound)}" if c.bound is not None else ""
    if bound and c.judged_at is not None and c.judged_at != c.confidence:  # corrected inside an `or`
        bound += f" (judged at {pct(c.judged_at)})"
    return [
        label,
        code(c.text),
        r.value(c.candidate_value),
        baseline,
        md(r.stat(c.observed)),
        md(interval),
        md(bound),
        md(r.hurdle_short()),
        RESULT[c.state],
    ]


def _condition_text(record: DecisionRecord, label: str, c: ConditionEntry, level: float | None) -> list[str]:
    head = f"**{label}. {RESULT[c.state]}** — {code(c.text)} (line {c.line})"
    r = read(c, record)
    if r is None:
        return [f"{head}: {logic_words(c)}.", ""]
    sentence = r.requirement(STYLE, level)
    lines = [head + "  ", sentence[0].upper() + sentence[1:] + ".  "]
    if c.slices or c.skipped_slices:
        lines[-1] = lines[-1].rstrip()
        lines.append("")
        lines += _slice_table(r, c)
        return lines
    verdict = r.verdict(c.state, c.candidate_value, c.baseline_value, c.observed, c.bound, c.reason, STYLE)
    note = level_note(c)
    return lines + ([verdict + "  ", md(note[0].upper() + note[1:]) + "."] if note else [verdict]) + [""]


def _slice_table(r: Reading, c: ConditionEntry) -> list[str]:
    name = c.scope.removeprefix("every ") if c.scope else "slice"
    judged = c.confidence is not None
    sides = [] if r.form == "level" else ["Candidate", code(r.baseline or "?")]
    bound_head = [f"{pct(c.judged_at or c.confidence)} {r.side} bound"] if judged else []
    head = [code(name)] + sides + [md(r.stat_label())] + bound_head + ["Result"]
    rows = []
    for s in c.slices:
        row = [code(s.value)]
        row += [] if r.form == "level" else [r.value(s.candidate_value), r.value(s.baseline_value)]
        row.append(md(r.stat(s.observed)))
        row += [md(r.stat(s.bound)) if s.bound is not None else ""] if judged else []
        result = RESULT[s.state] + (f": {md(s.reason)}" if s.reason else "")
        rows.append(row + [result])
    for value, why in c.skipped_slices.items():
        rows.append([code(value)] + [""] * (len(head) - 2) + [f"not judged: {md(why)}"])
    return _table(head, rows) + [f"Hurdle in each {code(name)}: {md(r.hurdle_short())}.", ""]


def _tier(record: DecisionRecord, index: int, tier: TierEntry) -> list[str]:
    status = tier_status(record, tier)
    level = f" · judged at {pct(tier.confidence)} confidence" if tier.confidence is not None else ""
    lines = [
        f"### {index}. {code(tier.name)} — {md(tier.action or '(no action text)')}",
        "",
        f"{STATE_MARKS[tier.state]} **{md(status)}**{level}",
        "",
    ]
    numbered = _numbered(tier.conditions)
    head = ["#", "Condition", "Candidate", "Baseline", "Statistic", "Two-sided interval", "Bound", "Hurdle"]
    lines += _table(head + ["Result"], [_numbers_row(record, label, c) for label, c in numbered])
    for label, c in numbered:
        lines += _condition_text(record, label, c, tier.confidence)
    return lines


# ---- guards, metrics, provenance ----


def _guards(record: DecisionRecord) -> list[str]:
    lines = ["## Guards", ""]
    if not record.guards:
        return lines + ["The spec has no guards (`require`).", ""]
    lines += ["A failed guard makes the outcome inconclusive: the data cannot judge the model.", ""]
    rows = []
    for g in record.guards:
        if g.slices:
            value = ", ".join(
                f"{md(v)} {num(x)} {STATE_MARKS.get(s, s)}" + ("" if s == "held" else " (not judged)")
                for v, s, x in guard_slices(g)
            )
        else:
            value = num(g.value) if g.value is not None else f"undefined: {md(g.reason or '')}"
        reason = f": {md(g.reason)}" if g.reason and g.value is not None else ""
        rows.append([code(g.text), value, RESULT[g.state] + reason])
    return lines + _table(["Guard", "Value", "Result"], rows)


def _metrics(record: DecisionRecord) -> list[str]:
    level = pct(record.confidence.level) if record.confidence and record.confidence.level else None
    intro = f"Two-sided {level} intervals in brackets." if level else "No intervals: no confidence level."
    lines = ["## Metrics per slice", "", intro + " — : the baseline reports no such figure.", ""]
    for scope in scopes(record):
        parties = [p for p in record.metrics if scope in record.metrics[p]]
        names: list[str] = []
        for p in parties:
            names += [m for m in record.metrics[p][scope] if m not in names]
        rows_n = scope_rows(record, scope)
        count = f" ({rows_n:,} rows)" if rows_n is not None else ""
        title = md(scope_title(scope)) if scope == WHOLE_DATA else code(scope_title(scope))
        lines += [f"### {title}{count}", ""]
        rows = [[code(m)] + [cell(record, p, record.metrics[p][scope].get(m), m) for p in parties] for m in names]
        head = ["Metric"] + [code(p) if p != CANDIDATE else "candidate" for p in parties]
        lines += _table(head, rows)
    notes = metric_notes(record)
    if notes:
        lines += ["Notes:", ""]
        for party, metric, where, note in notes:
            place = f" in {code(where)}" if where else ""
            lines.append(f"- {code(party)} · {metric_list(metric, code)}{place}: {md(note)}")
        lines.append("")
    return lines


def _provenance(record: DecisionRecord) -> list[str]:
    spec, data = record.spec, record.data
    lines = ["## Provenance", ""]
    facts = [
        ["Spec file", code(spec.path)],
        ["Spec SHA-256", code(spec.sha256)],
        ["Rows", f"{data.rows_read:,} read, {data.rows_used:,} used, {data.rows_dropped:,} dropped"],
        ["Tool", f"hurdlec {md(record.tool.version)}, record schema {md(record.schema_version)}"],
        ["Written", code(record.created_at)],
    ]
    c = record.confidence
    if c is not None:
        facts += [
            ["Confidence", pct(c.level) if c.level is not None else "set per tier"],
            ["Resamples", f"{c.resamples:,} (paired bootstrap)"],
            ["Seed", str(c.seed)],
            ["Undefined resamples allowed", pct(c.max_undefined_fraction)],
        ]
    else:
        facts.append(["Confidence", "none: point estimates compared"])
    lines += _table(["", ""], facts)
    lines += ["### Data files", ""]
    lines += _table(
        ["Role", "Path", "Rows", "SHA-256"],
        [[md(f.role), code(f.path), f"{f.rows:,}", code(f.sha256)] for f in data.files],
    )
    if data.drop_reasons:
        lines += ["### Rows dropped", ""]
        lines += _table(["Why", "Rows"], [[md(why), f"{n:,}"] for why, n in data.drop_reasons.items()])
    lines += ["### Baselines", ""]
    lines += _table(
        ["Name", "Kind", "Title", "Definition"],
        [[code(b.name), md(b.kind), md(b.title or ""), code(b.detail)] for b in record.baselines],
    )
    if c is not None and c.methods:
        lines += ["### How intervals were drawn", ""]
        lines += _table(["Metric", "Method"], [[code(m), md(how)] for m, how in c.methods.items()])
    lines += ["### Warnings", ""]
    if record.warnings:
        lines += [f"- {code(w.code)} {md(w.message)}" for w in record.warnings] + [""]
    else:
        lines += ["None.", ""]
    return lines


def render_markdown(record: DecisionRecord) -> str:
    lines = _header(record) + _ladder(record)
    for i, tier in enumerate(record.tiers, 1):
        lines += _tier(record, i, tier)
    lines += _guards(record) + _metrics(record) + _provenance(record)
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"
