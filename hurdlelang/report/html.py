"""The report as one self-contained HTML file: inline CSS, inline SVG charts, no JavaScript, no
fonts or images from anywhere, light colours, printable. Every string from the record is escaped."""

from __future__ import annotations

from html import escape

from hurdlelang.core.names import CANDIDATE, WHOLE_DATA
from hurdlelang.record.model import ConditionEntry, DecisionRecord, TierEntry
from hurdlelang.report.chart import condition_chart, legend, render_chart
from hurdlelang.report.phrasing import (
    STATE_MARKS,
    Reading,
    Style,
    business_summary,
    cell,
    decide_text,
    guard_slices,
    interval_text,
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
    tier_tag,
    when,
)


def t(text: str | None) -> str:
    """Text from the record, escaped."""
    return escape(text or "", quote=True)


def c(text: str | None) -> str:
    """A name from the record, escaped, in <code>."""
    return f"<code>{t(text)}</code>"


STYLE = Style(name=c, text=t)
RESULT = {"held": "held", "failed": "failed", "undefined": "undefined"}

CSS = """
:root { --ink: #111827; --muted: #4b5563; --line: #e5e7eb; --held: #1a7f37; --failed: #c62828;
  --undefined: #a15c00; --go-bg: #ecf8ef; --block-bg: #fdecec; --unsure-bg: #fff6e5; --override: #5b21b6; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f7f9; color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1000px; margin: 0 auto; padding: 28px 32px 48px; background: #ffffff; }
h1 { font-size: 26px; margin: 0 0 4px; line-height: 1.25; }
h2 { font-size: 20px; margin: 36px 0 12px; padding-bottom: 6px; border-bottom: 2px solid var(--line); }
h3 { font-size: 16px; margin: 22px 0 8px; }
code { font: 13px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace;
  background: #f3f4f6; padding: 1px 4px; border-radius: 3px; }
table.facts code, code.hash { overflow-wrap: anywhere; }
.subtitle { color: var(--muted); margin: 0 0 18px; }
.decision { border-radius: 10px; padding: 18px 22px; margin: 0 0 20px; border: 2px solid; }
.decision.go { background: var(--go-bg); border-color: var(--held); }
.decision.blocking { background: var(--block-bg); border-color: var(--failed); }
.decision.inconclusive { background: var(--unsure-bg); border-color: var(--undefined); }
.decision .headline { font-size: 24px; font-weight: 700; margin: 0 0 8px; line-height: 1.3; }
.decision p { margin: 4px 0; }
.decision .overridden { color: var(--override); font-weight: 600; }
.tag { display: inline-block; font-size: 12px; font-weight: 700; letter-spacing: .04em; text-transform: uppercase;
  padding: 2px 8px; border-radius: 999px; vertical-align: middle; margin-left: 8px; color: #ffffff; }
.tag.go, .tag.held { background: var(--held); }
.tag.blocking, .tag.failed { background: var(--failed); }
.tag.inconclusive, .tag.undefined { background: var(--undefined); }
.tag.override { background: var(--override); }
.tag.quiet { background: #e5e7eb; color: var(--ink); }
table { border-collapse: collapse; width: 100%; margin: 8px 0 14px; font-size: 14px; }
th, td { text-align: left; vertical-align: top; padding: 5px 10px; border-bottom: 1px solid var(--line); }
th { background: #f3f4f6; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
/* values stay on one line; long headers wrap, so a condition's table fits its card */
td.num { white-space: nowrap; }
table.metrics { width: auto; min-width: 60%; }
.scroll { overflow-x: auto; }
table.grid td small { color: var(--muted); white-space: nowrap; }
.decision .business { font-size: 16px; margin: 0 0 10px; }
table.facts th { width: 150px; background: transparent; color: var(--muted); font-weight: 500; }
tr.decided td { background: #f0f7ff; font-weight: 600; }
.state-held { color: var(--held); font-weight: 600; }
.state-failed { color: var(--failed); font-weight: 600; }
.state-undefined { color: var(--undefined); font-weight: 600; }
.tier { margin-top: 30px; }
.tier > h2 { display: flex; align-items: baseline; gap: 6px; flex-wrap: wrap; }
.tier .meta { color: var(--muted); margin: -6px 0 10px; }
.cond { border: 1px solid var(--line); border-left: 5px solid; border-radius: 6px; padding: 12px 16px;
  margin: 12px 0; break-inside: avoid; page-break-inside: avoid; }
.cond.held { border-left-color: var(--held); }
.cond.failed { border-left-color: var(--failed); }
.cond.undefined { border-left-color: var(--undefined); }
.cond .parts { margin-top: 8px; }
.cond h3 { margin: 0 0 6px; font-size: 15px; display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
.cond h3 .line { color: var(--muted); font-weight: 400; font-size: 13px; }
.cond p { margin: 3px 0; }
.cond .verdict { font-weight: 500; }
figure { margin: 10px 0 4px; }
figcaption { color: var(--muted); font-size: 13px; }
svg { max-width: 100%; height: auto; display: block; }
.key { background: #fafafa; border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; margin: 10px 0; }
.key p { margin: 2px 0 6px; color: var(--muted); font-size: 13px; }
.notes { color: var(--muted); font-size: 13px; }
.hash { font-size: 12px; }
footer { color: var(--muted); font-size: 12px; margin-top: 36px; border-top: 1px solid var(--line); padding-top: 8px; }
@media print {
  body { background: #ffffff; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .decision, .tag, th, .cond, tr.decided td { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  @page { margin: 16mm 14mm; }
}
"""


def _tag(kind: str, text: str) -> str:
    return f'<span class="tag {kind}">{t(text)}</span>'


def _table(head: list[str], rows: list[list[str]], numeric: set[int] = frozenset(), cls: str = "") -> str:
    """A table; cells are HTML already escaped. A "facts" table has its first column as headers."""

    def cells(tag: str, row: list[str]) -> str:
        out = []
        for i, v in enumerate(row):
            name = "th" if cls == "facts" and i == 0 else tag
            out.append(f'<{name} class="num">{v}</{name}>' if i in numeric else f"<{name}>{v}</{name}>")
        return "".join(out)

    klass = f' class="{cls}"' if cls else ""
    body = "".join(f"<tr>{cells('td', row)}</tr>" for row in rows)
    header = f"<thead><tr>{cells('th', head)}</tr></thead>" if head else ""
    return f"<table{klass}>{header}<tbody>{body}</tbody></table>"


# ---- the decision ----


def _decision(record: DecisionRecord) -> str:
    spec = record.spec
    d = decide_text(record, STYLE)
    tag = {"go": "go", "blocking": "blocking", "inconclusive": "inconclusive"}[d.kind]
    tag_text = {"go": "go ahead", "blocking": "blocking", "inconclusive": "inconclusive"}[d.kind]
    tags = _tag(tag, tag_text) + (_tag("override", "overridden") if d.overridden else "")
    lines = "".join(
        f'<p class="overridden">{line}</p>' if d.overridden and i < 2 else f"<p>{line}</p>"
        for i, line in enumerate(d.lines)
    )
    title = spec.title or spec.name
    out = [
        f"<h1>{t(title)}</h1>",
        f'<p class="subtitle">Decision record of spec {c(spec.name)}, owned by {t(spec.owner)}</p>',
        f'<section class="decision {tag}"><p class="headline">{t(d.headline)} {tags}</p>'
        f'<p class="business">{business_summary(record, STYLE)}</p>{lines}</section>',
    ]
    data = record.data
    dropped = f", {data.rows_dropped:,} dropped" if data.rows_dropped else ""
    version = f" (version {t(spec.version)})" if spec.version else ""
    facts = [
        ["Spec", f"{c(spec.name)} — {t(spec.title or '(no title)')}{version}"],
        ["Owner", t(spec.owner)],
        ["Model", c(record.model_id) if record.model_id else "not given (<code>--model-id</code>)"],
        ["Date", t(when(record.created_at))],
        ["Task", t(record.task)],
        ["Data", f"{data.rows_used:,} rows used ({data.rows_read:,} read{dropped})"],
        ["Confidence", _confidence(record)],
        ["Baselines", "<br>".join(f"{c(b.name)} — {t(b.title or b.detail)}" for b in record.baselines) or "none"],
    ]
    out.append(_table([], facts, cls="facts"))
    misses = shortfalls(record)
    if misses:
        items = "".join(
            f"<li>{c(tier.name)} ({t(tier.action or 'no action text')}): "
            + ", ".join(f"{c(x.text)} <span class='state-{x.state}'>{x.state}</span>" for x in conds)
            + "</li>"
            for tier, conds in misses
        )
        title = "Why not a better tier" if record.outcome.status == "decided" else "Tiers that did not hold"
        out.append(f"<h3>{title}</h3><ul>{items}</ul>")
    return "".join(out)


def _confidence(record: DecisionRecord) -> str:
    conf = record.confidence
    if conf is None:
        return "none: point estimates compared"
    own = [f"{c(x.name)} at {pct(x.confidence)}" for x in record.tiers if x.confidence not in (None, conf.level)]
    level = pct(conf.level) if conf.level is not None else "set per tier"
    extra = f" ({', '.join(own)})" if own else ""
    return f"{level}{extra} — {conf.resamples:,} bootstrap resamples, seed {conf.seed}"


# ---- tiers ----


def _ladder(record: DecisionRecord) -> str:
    rows, decided = [], []
    for i, tier in enumerate(record.tiers, 1):
        status = tier_status(record, tier)
        mark = f'<span class="state-{tier.state}">{STATE_MARKS[tier.state]} {t(status)}</span>'
        rows.append([str(i), c(tier.name), t(tier.action or ""), mark])
        decided.append(tier.name == record.outcome.tier)
    is_fallback = record.outcome.tier == record.fallback.name
    action = t(record.fallback.action or "")
    rows.append(
        ["—", f"{c(record.fallback.name)} (fall-back)", action, "the decision" if is_fallback else "not needed"]
    )
    decided.append(is_fallback)
    html = _table(["#", "Tier", "Action", "Result"], rows)
    for row_html, is_decided in zip(html.split("<tr>")[2:], decided, strict=True):
        if is_decided:
            html = html.replace("<tr>" + row_html, '<tr class="decided">' + row_html, 1)
    return "<h2>Tiers, best first</h2>" + html


def _numbers(r: Reading, cond: ConditionEntry) -> str:
    head = ["Candidate"] + ([c(r.baseline)] if r.baseline else [])
    row = [r.value(cond.candidate_value)] + ([r.value(cond.baseline_value)] if r.baseline else [])
    if r.form != "level":
        head.append(t(r.stat_label()))
        row.append(t(r.stat(cond.observed)))
    if cond.interval is not None and not cond.interval.reason:
        head.append(f"{pct(cond.interval.confidence)} interval (two-sided)")
        row.append(t(f"{r.stat(cond.interval.low)} … {r.stat(cond.interval.high)}"))
    if cond.bound is not None:
        head.append(f"{pct(cond.judged_at or cond.confidence)} {r.side} bound (as judged)")
        row.append(t(r.stat(cond.bound)))
    head += ["Hurdle", "Result"]
    row += [t(r.hurdle_short()), f'<span class="state-{cond.state}">{RESULT[cond.state]}</span>']
    return _table(head, [row], numeric=set(range(len(row) - 1)))


def _slice_table(r: Reading, cond: ConditionEntry) -> str:
    name = cond.scope.removeprefix("every ") if cond.scope else "slice"
    judged = cond.confidence is not None
    sides = [] if r.form == "level" else ["Candidate", c(r.baseline)]
    bound_head = [f"{pct(cond.judged_at or cond.confidence)} {r.side} bound"] if judged else []
    head = [c(name)] + sides + [t(r.stat_label())] + bound_head + ["Result"]
    rows = []
    for s in cond.slices:
        row = [c(s.value)]
        row += [] if r.form == "level" else [r.value(s.candidate_value), r.value(s.baseline_value)]
        row.append(t(r.stat(s.observed)))
        row += [t(r.stat(s.bound)) if s.bound is not None else ""] if judged else []
        result = f'<span class="state-{s.state}">{RESULT[s.state]}</span>' + (f": {t(s.reason)}" if s.reason else "")
        rows.append(row + [result])
    for value, why in cond.skipped_slices.items():
        rows.append([c(value)] + [""] * (len(head) - 2) + [f"not judged: {t(why)}"])
    return _table(head, rows, numeric=set(range(1, len(head) - 1)))


def _condition(record: DecisionRecord, cond: ConditionEntry, label: str, level: float | None) -> str:
    head = (
        f'<h3><span class="tag {cond.state}">{RESULT[cond.state]}</span> <span>{label}.</span> '
        f'{c(cond.text)} <span class="line">line {cond.line}</span></h3>'
    )
    r = read(cond, record)
    if r is None:
        parts = "".join(_condition(record, p, f"{label}{chr(ord('a') + i)}", level) for i, p in enumerate(cond.parts))
        words = t(logic_words(cond))
        words = words[0].upper() + words[1:]
        return f'<article class="cond {cond.state}">{head}<p>{words}:</p><div class="parts">{parts}</div></article>'
    sentence = r.requirement(STYLE, level)
    body = [f"<p>{sentence[0].upper() + sentence[1:]}.</p>"]
    if cond.slices or cond.skipped_slices:
        body.append(_slice_table(r, cond))
    else:
        verdict = r.verdict(
            cond.state, cond.candidate_value, cond.baseline_value, cond.observed, cond.bound, cond.reason, STYLE
        )
        body.append(f'<p class="verdict">{verdict}</p>')
        note = level_note(cond)
        if note:
            body.append(f'<p class="level">{t(note[0].upper() + note[1:])}.</p>')
        if cond.observed is not None or cond.candidate_value is not None:
            body.append(_numbers(r, cond))
    chart, note = condition_chart(record, cond)
    caption = f"<figcaption>{t(note)}</figcaption>" if note else ""
    body.append(f'<figure class="chart" data-line="{cond.line}">{render_chart(chart, cond.text)}{caption}</figure>')
    return f'<article class="cond {cond.state}">{head}{"".join(body)}</article>'


def _count(n: int) -> str:
    return "1 condition, which must hold" if n == 1 else f"{n} conditions, all must hold"


def _tier(record: DecisionRecord, index: int, tier: TierEntry) -> str:
    kind, status = tier_tag(record, tier)
    level = f" · judged at {pct(tier.confidence)} confidence" if tier.confidence is not None else ""
    conds = "".join(_condition(record, x, str(i), tier.confidence) for i, x in enumerate(tier.conditions, 1))
    return (
        f'<section class="tier"><h2>{index}. {c(tier.name)} — {t(tier.action or "(no action text)")}'
        f"{_tag(kind, status)}</h2>"
        f'<p class="meta">{_count(len(tier.conditions))}{level}</p>{conds}</section>'
    )


def _key() -> str:
    return (
        '<div class="key">'
        "<p>How to read the charts. Each condition has a number line. The dashed line is the hurdle and the "
        "green zone the side of it that passes. A filled dot is the model's value; hollow dots are baselines. "
        "The shaded band starts at the confidence bound: the data say, with the stated confidence, that the "
        "value lies in the band. A condition holds when its band lies wholly inside the green zone.</p>"
        f"{legend()}</div>"
    )


# ---- guards, metrics, provenance ----


def _guards(record: DecisionRecord) -> str:
    out = ["<h2>Guards</h2>"]
    if not record.guards:
        return out[0] + "<p>The spec has no guards (<code>require</code>).</p>"
    out.append("<p>What must hold for any decision at all. A failed guard makes the outcome inconclusive.</p>")
    rows = []
    for g in record.guards:
        if g.slices:
            value = "<br>".join(
                f"{t(v)}: {num(x)} <span class='state-{s}'>{STATE_MARKS.get(s, '?')}</span>"
                + ("" if s == "held" else " (not judged)")
                for v, s, x in guard_slices(g)
            )
        else:
            value = num(g.value) if g.value is not None else f"undefined: {t(g.reason)}"
        reason = f": {t(g.reason)}" if g.reason and g.value is not None else ""
        rows.append([c(g.text), value, f'<span class="state-{g.state}">{RESULT[g.state]}</span>{reason}'])
    out.append(_table(["Guard", "Value", "Result"], rows))
    return "".join(out)


def _metrics(record: DecisionRecord) -> str:
    """One compact grid: a row per metric, a column per slice (the whole data first); each cell the
    candidate's value, each baseline's under it, the interval in the cell's tooltip."""
    level = pct(record.confidence.level) if record.confidence and record.confidence.level else None
    intro = "Each cell: the candidate's value, then each baseline's."
    intro += f" Hover a value for its two-sided {level} interval." if level else " No confidence level: no intervals."
    out = ["<h2>Metrics per slice</h2>", f"<p>{intro} — : the baseline reports no such figure.</p>"]
    all_scopes = scopes(record)
    names: list[str] = []
    for per_scope in record.metrics.values():
        for entries in per_scope.values():
            names += [m for m in entries if m not in names]
    head = ["Metric"]
    for scope in all_scopes:
        n = scope_rows(record, scope)
        rows_n = f"<br><small>{n:,} rows</small>" if n is not None else ""
        head.append((t(scope_title(scope)) if scope == WHOLE_DATA else c(scope_title(scope))) + rows_n)
    parties = list(record.metrics)
    rows = []
    for m in names:
        row = [c(m)]
        for scope in all_scopes:
            parts = []
            for p in parties:
                entry = record.metrics[p].get(scope, {}).get(m)
                if entry is None:
                    continue
                value = t(cell(record, p, entry, m).split(" (")[0])
                tip = t(interval_text(entry.interval)) if entry.interval else ""
                shown = f'<span title="{tip}">{value}</span>' if tip else value
                parts.append(shown if p == CANDIDATE else f"<small>{t(p)} {shown}</small>")
            row.append("<br>".join(parts))
        rows.append(row)
    grid = _table(head, rows, numeric=set(range(1, len(head))), cls="metrics grid")
    out.append(f'<div class="scroll">{grid}</div>')
    notes = metric_notes(record)
    if notes:
        items = "".join(
            f"<li>{c(p)} · {metric_list(m, c)}{f' in {c(w)}' if w else ''}: {t(note)}</li>" for p, m, w, note in notes
        )
        out.append(f'<ul class="notes">{items}</ul>')
    return "".join(out)


def _provenance(record: DecisionRecord) -> str:
    spec, data, conf = record.spec, record.data, record.confidence
    facts = [
        ["Spec file", c(spec.path)],
        ["Spec SHA-256", f'<code class="hash">{t(spec.sha256)}</code>'],
        ["Rows", f"{data.rows_read:,} read, {data.rows_used:,} used, {data.rows_dropped:,} dropped"],
        ["Tool", f"hurdlec {t(record.tool.version)}, record schema {t(record.schema_version)}"],
        ["Written", c(record.created_at)],
    ]
    if conf is not None:
        facts += [
            ["Confidence", pct(conf.level) if conf.level is not None else "set per tier"],
            ["Resamples", f"{conf.resamples:,} (paired bootstrap)"],
            ["Seed", str(conf.seed)],
            ["Undefined resamples allowed", pct(conf.max_undefined_fraction)],
        ]
    else:
        facts.append(["Confidence", "none: point estimates compared"])
    out = ["<h2>Provenance</h2>", _table([], facts, cls="facts")]
    files = [[t(f.role), c(f.path), f"{f.rows:,}", f'<code class="hash">{t(f.sha256)}</code>'] for f in data.files]
    out.append("<h3>Data files</h3>" + _table(["Role", "Path", "Rows", "SHA-256"], files, numeric={2}))
    if data.drop_reasons:
        rows = [[t(why), f"{n:,}"] for why, n in data.drop_reasons.items()]
        out.append("<h3>Rows dropped</h3>" + _table(["Why", "Rows"], rows, numeric={1}))
    baselines = [[c(b.name), t(b.kind), t(b.title), c(b.detail)] for b in record.baselines]
    out.append("<h3>Baselines</h3>" + _table(["Name", "Kind", "Title", "Definition"], baselines))
    if conf is not None and conf.methods:
        methods = [[c(m), t(how)] for m, how in conf.methods.items()]
        out.append("<h3>How intervals were drawn</h3>" + _table(["Metric", "Method"], methods))
    warnings = "".join(f"<li>{c(w.code)} {t(w.message)}</li>" for w in record.warnings)
    out.append("<h3>Warnings</h3>" + (f"<ul>{warnings}</ul>" if warnings else "<p>None.</p>"))
    return "".join(out)


def render_html(record: DecisionRecord) -> str:
    title = f"{record.spec.title or record.spec.name} — decision record"
    tiers = "".join(_tier(record, i, tier) for i, tier in enumerate(record.tiers, 1))
    body = (
        _decision(record)
        + _ladder(record)
        + _key()
        + tiers
        + _guards(record)
        + _metrics(record)
        + _provenance(record)
        + f"<footer>Written by hurdlec report from the decision record of {t(when(record.created_at))}.</footer>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{t(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
