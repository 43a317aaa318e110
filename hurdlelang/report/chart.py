"""Inline SVG charts for the HTML report, drawn by hand: no library, no JavaScript, no URLs.

Every chart is one number line. Each row is a party or a slice: a dot for its value and, for the
statistic the decision rests on, a band from the one-sided confidence bound to the edge of the
plot ("with 95% confidence it is at least here"). A dashed line marks the hurdle and a green zone
the side of it that passes: a condition holds when its band lies wholly inside the zone.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from typing import Literal

from hurdlelang.core.operators import SIGNS
from hurdlelang.record.model import ConditionEntry, DecisionRecord
from hurdlelang.report.phrasing import Reading, metric_entry, num, pct, read, scope_key

COLOURS = {
    "held": "#1a7f37",
    "failed": "#c62828",
    "undefined": "#a15c00",
    "candidate": "#1d4ed8",
    "baseline": "#6b7280",
    "zone": "#dff3e3",
    "hurdle": "#1f2937",
    "grid": "#e5e7eb",
    "axis": "#6b7280",
    "text": "#111827",
}
WIDTH = 880
LEFT = 190  # the row labels
RIGHT = 28
ROW = 34
TOP = 26  # room for the hurdle's label
BOTTOM = 40  # ticks and the axis title


@dataclass(frozen=True)
class Row:
    label: str
    value: float | None
    role: Literal["candidate", "baseline", "statistic"] = "candidate"
    bound: float | None = None  # the one-sided bound: a band from here to the edge
    side: Literal["lower", "upper"] = "lower"
    state: str | None = None  # held / failed / undefined: the band's colour
    note: str = ""  # shown instead of a mark when there is no value
    value_text: str = ""  # the value's label; num(value) when empty


@dataclass(frozen=True)
class Chart:
    rows: list[Row]
    axis: str  # what the axis measures, e.g. "precision" or "improvement over rules"
    hurdle: float | None = None
    op: str | None = None  # >= > <= <: which side of the hurdle passes
    hurdle_text: str = ""
    ticks: Callable[[float], str] = num
    proportion: bool = False  # values within 0..1: keep the axis there when padding
    title: str = ""
    extra: list[float] = field(default_factory=list)  # values that must be inside the axis (0 for differences)


def _nice(step: float) -> float:
    power = 10 ** math.floor(math.log10(step))
    for m in (1, 2, 2.5, 5, 10):
        if step <= m * power:
            return m * power
    return 10 * power


def domain(chart: Chart) -> tuple[float, float, list[float]]:
    values = [v for r in chart.rows for v in (r.value, r.bound) if v is not None and math.isfinite(v)]
    values += [v for v in [chart.hurdle, *chart.extra] if v is not None and math.isfinite(v)]
    if not values:
        return 0.0, 1.0, [0.0, 0.5, 1.0]
    lo, hi = min(values), max(values)
    span = hi - lo or max(abs(hi), 1.0) * 0.2
    lo, hi = lo - span * 0.12, hi + span * 0.12
    if chart.proportion and min(values) >= 0 and max(values) <= 1:
        lo, hi = max(lo, 0.0), min(hi, 1.0)
    step = _nice((hi - lo) / 5)
    first = math.ceil(lo / step - 1e-9)
    ticks = [round(i * step, 12) for i in range(first, math.floor(hi / step + 1e-9) + 1)]
    return lo, hi, ticks


def _t(text: str) -> str:
    return escape(text, quote=True)


def _clip(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render_chart(chart: Chart, label: str) -> str:
    """One chart as an <svg> element; `label` is its accessible name (escaped here)."""
    lo, hi, ticks = domain(chart)
    x0, x1 = LEFT, WIDTH - RIGHT
    height = TOP + ROW * max(len(chart.rows), 1) + BOTTOM

    def x(v: float) -> float:
        return round(x0 + (v - lo) / (hi - lo) * (x1 - x0), 1)

    top, bottom = TOP - 6, TOP + ROW * len(chart.rows)
    out = [
        f'<svg class="chart" role="img" aria-label="{_t(label)}" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" font-size="13">'
    ]
    if chart.hurdle is not None and chart.op is not None:
        hx = min(max(x(chart.hurdle), x0), x1)
        zx, zw = (hx, x1 - hx) if chart.op in (">=", ">") else (x0, hx - x0)
        out.append(
            f'<rect x="{zx}" y="{top}" width="{round(zw, 1)}" height="{bottom - top}" fill="{COLOURS["zone"]}"/>'
        )
    for t in ticks:
        out.append(f'<line x1="{x(t)}" y1="{top}" x2="{x(t)}" y2="{bottom}" stroke="{COLOURS["grid"]}"/>')
        out.append(
            f'<text x="{x(t)}" y="{bottom + 15}" text-anchor="middle" fill="{COLOURS["axis"]}" '
            f'font-size="11">{_t(chart.ticks(t))}</text>'
        )
    out.append(f'<line x1="{x0}" y1="{bottom}" x2="{x1}" y2="{bottom}" stroke="{COLOURS["axis"]}"/>')
    out.append(
        f'<text x="{(x0 + x1) / 2}" y="{bottom + 32}" text-anchor="middle" fill="{COLOURS["axis"]}" '
        f'font-size="11">{_t(chart.axis)}</text>'
    )
    if chart.hurdle is not None:
        hx = x(chart.hurdle)
        out.append(
            f'<line x1="{hx}" y1="{top}" x2="{hx}" y2="{bottom}" stroke="{COLOURS["hurdle"]}" '
            'stroke-width="1.5" stroke-dasharray="5 3"/>'
        )
        anchor = "end" if hx > (x0 + x1) * 0.6 else "start" if hx < (x0 + x1) * 0.4 else "middle"
        out.append(
            f'<text x="{hx}" y="{TOP - 11}" text-anchor="{anchor}" font-weight="600" '
            f'fill="{COLOURS["hurdle"]}" stroke="#ffffff" stroke-width="3" paint-order="stroke">'
            f"{_t(chart.hurdle_text)}</text>"
        )
    for i, row in enumerate(chart.rows):
        out += _row(row, TOP + ROW * i + ROW / 2, x, x0, x1)
    out.append("</svg>")
    return "".join(out)


def _row(row: Row, y: float, x, x0: float, x1: float) -> list[str]:
    weight = ' font-weight="600"' if row.role != "baseline" else ""
    out = [
        f'<text x="{x0 - 10}" y="{y + 4}" text-anchor="end" fill="{COLOURS["text"]}"{weight}>'
        f"<title>{_t(row.label)}</title>{_t(_clip(row.label))}</text>"
    ]
    if row.value is None:
        out.append(
            f'<text x="{x0 + 8}" y="{y + 4}" font-style="italic" fill="{COLOURS["axis"]}" stroke="#ffffff" '
            f'stroke-width="4" paint-order="stroke">{_t(row.note)}</text>'
        )
        return out
    colour = COLOURS.get(row.state or "", COLOURS["candidate"]) if row.role != "baseline" else COLOURS["baseline"]
    if row.bound is not None:
        bx = min(max(x(row.bound), x0), x1)
        start, end = (bx, x1) if row.side == "lower" else (x0, bx)
        out.append(
            f'<rect x="{start}" y="{y - 6}" width="{round(max(end - start, 0), 1)}" height="12" rx="2" '
            f'fill="{colour}" fill-opacity="0.22"/>'
        )
        out.append(f'<rect x="{bx - 1.5}" y="{y - 9}" width="3" height="18" fill="{colour}"/>')
    vx = x(row.value)
    if row.role == "baseline":
        out.append(f'<circle cx="{vx}" cy="{y}" r="5" fill="#ffffff" stroke="{colour}" stroke-width="2"/>')
    else:
        out.append(f'<circle cx="{vx}" cy="{y}" r="5.5" fill="{colour}" stroke="#ffffff" stroke-width="1.5"/>')
    text = row.value_text or num(row.value)
    anchor = "end" if vx > x1 - 60 else "start"
    dx = -9 if anchor == "end" else 9
    out.append(
        f'<text x="{vx + dx}" y="{y - 8}" text-anchor="{anchor}" font-size="12" fill="{COLOURS["text"]}" '
        f'stroke="#ffffff" stroke-width="3" paint-order="stroke">{_t(text)}</text>'
    )
    return out


def legend() -> str:
    """A small key to every chart of the report."""
    c = COLOURS
    return (
        f'<svg class="legend" role="img" aria-label="How to read the charts" viewBox="0 0 {WIDTH} 30" '
        f'width="{WIDTH}" height="30" font-size="13">'
        f'<rect x="2" y="5" width="34" height="18" fill="{c["zone"]}"/>'
        f'<line x1="2" y1="3" x2="2" y2="25" stroke="{c["hurdle"]}" stroke-width="1.5" stroke-dasharray="5 3"/>'
        f'<text x="44" y="19" fill="{c["text"]}">hurdle, and the side that passes</text>'
        f'<rect x="292" y="8" width="46" height="12" rx="2" fill="{c["held"]}" fill-opacity="0.22"/>'
        f'<rect x="290.5" y="5" width="3" height="18" fill="{c["held"]}"/>'
        f'<circle cx="318" cy="14" r="5.5" fill="{c["held"]}" stroke="#ffffff" stroke-width="1.5"/>'
        f'<text x="348" y="19" fill="{c["text"]}">the model: its value, and the band from its confidence bound</text>'
        f'<circle cx="760" cy="14" r="5" fill="#ffffff" stroke="{c["baseline"]}" stroke-width="2"/>'
        f'<text x="772" y="19" fill="{c["text"]}">a baseline</text>'
        "</svg>"
    )


# ---- a chart for each condition ----


def _flip(side: str) -> Literal["lower", "upper"]:
    return "upper" if side == "lower" else "lower"


def _tick_format(r: Reading) -> Callable[[float], str]:
    if r.form == "level":
        return num
    return lambda v: r.stat(v)


def _metric_axis(r: Reading) -> str:
    unit = f" ({r.unit})" if r.unit else ""
    if r.form == "against" and r.baseline_metric != r.metric:
        return f"{r.metric} of the candidate, {r.baseline_metric} of {r.baseline}{unit}"
    return f"{r.metric}{unit}"


def _translate(r: Reading, baseline: float) -> Callable[[float | None], float | None]:
    """Carry the statistic (an improvement over the baseline) onto the metric's own scale."""

    def to_metric(g: float | None) -> float | None:
        if g is None:
            return None
        step = g * abs(baseline) if r.relative else g
        return baseline - step if r.form == "beats" and r.direction == "lower" else baseline + step

    return to_metric


def slice_chart(r: Reading, c: ConditionEntry) -> Chart:
    name = c.scope.removeprefix("every ") if c.scope else "slice"
    rows = [
        Row(s.value, s.observed, "statistic", s.bound, r.side, s.state, value_text=r.stat(s.observed)) for s in c.slices
    ]
    rows += [Row(value, None, note=f"not judged: {why}") for value, why in c.skipped_slices.items()]
    return Chart(
        rows,
        f"{r.stat_label()}, in each {name}",
        c.required,
        c.op,
        f"hurdle {r.hurdle_short()}",
        _tick_format(r),
        proportion=r.form == "level",
        extra=[] if r.form == "level" else [0.0],
    )


def condition_chart(record: DecisionRecord, c: ConditionEntry) -> tuple[Chart, str]:
    """The chart of one comparison, and a line saying how to read its band."""
    r = read(c, record)
    assert r is not None, "and / or / not have no chart of their own"
    level = pct(c.confidence) if c.confidence is not None else None
    band = f"Band: where the {level} one-sided interval puts it." if level else "No confidence level: values only."
    if c.slices or c.skipped_slices:
        return slice_chart(r, c), band.replace("it.", "each slice's statistic.")
    if c.observed is None and c.candidate_value is None:
        why = c.reason or "a value it needs is undefined"
        row = Row("candidate", None, note=f"could not be judged: {why}")
        if r.form == "level":
            return Chart([row], _metric_axis(r), c.required, c.op, f"hurdle {r.hurdle_short()}", num), ""
        return Chart([row], r.stat_label(), c.required, c.op, f"hurdle {r.hurdle_short()}", _tick_format(r)), ""
    scope = scope_key(c)
    if r.form == "level":
        rows = [Row("candidate", c.observed, "candidate", c.bound, r.side, c.state, value_text=r.stat(c.observed))]
        for b in record.baselines:
            e = metric_entry(record, b.name, scope, r.metric)
            if e is not None and e.state == "defined":
                rows.append(Row(f"{b.name} (baseline)", e.value, "baseline"))
        hurdle_text = f"hurdle {r.hurdle_short()}"
        return Chart(rows, _metric_axis(r), c.required, c.op, hurdle_text, num, proportion=True), band
    b = c.baseline_value
    if b is None or (r.form == "beats" and r.direction == "zero"):
        row = Row(r.stat_label(), c.observed, "statistic", c.bound, r.side, c.state, value_text=r.stat(c.observed))
        axis = r.stat_label()
        chart = Chart([row], axis, c.required, c.op, f"hurdle {r.hurdle_short()}", _tick_format(r), extra=[0.0])
        return chart, band
    to_metric = _translate(r, b)
    side = _flip(r.side) if r.form == "beats" and r.direction == "lower" else r.side
    other = f"{r.baseline}.{r.baseline_metric}" if r.form == "against" else f"{r.baseline} (baseline)"
    rows = [
        Row("candidate", c.candidate_value, "candidate", to_metric(c.bound), side, c.state),
        Row(other, b, "baseline"),
    ]
    hurdle = r.hurdle_on_metric(b)
    op = r.metric_op()
    margin = "" if not c.required else f" ({r.baseline} {r.stat(c.required if side == 'lower' else -c.required)})"
    text = f"needed {SIGNS.get(op or '', '?')} {num(hurdle)}{margin}"
    chart = Chart(rows, _metric_axis(r), hurdle, op, text, num, proportion=True)
    note = (
        f"Band: the {level} one-sided interval of the difference from {r.baseline}, on the same rows, "
        f"drawn from the value of {r.baseline}."
    )
    return chart, note if level else band
