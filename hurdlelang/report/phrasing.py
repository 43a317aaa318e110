"""Stage 7: the words of a report: what a decision record means, for a product owner.

This module reads a record and says what it means in words: the decision, each condition as a
sentence with both sides and the hurdle, the numbers formatted for people. markdown.py and html.py
lay those words out, chart.py draws the HTML's charts and render.py picks the format. Only the standard
library and pydantic are imported here: a report needs the record, never the evaluation stack.

The record does not say outright which way a `beats` condition counts as better, nor whether its
margin is relative or in points: both are read from the condition's `formula` (which the decider
writes in one of a few fixed shapes) and its source text. Anything unexpected falls back to plain
numbers rather than to a guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from hurdlelang.core.names import CANDIDATE, WHOLE_DATA
from hurdlelang.core.operators import REVERSED, SIGNS, WORDS
from hurdlelang.record.model import ConditionEntry, DecisionRecord, IntervalEntry, MetricEntry, MetricInfo, TierEntry
from hurdlelang.report import numbers

STATE_WORDS = {"held": "held", "failed": "failed", "undefined": "undefined"}
STATE_MARKS = {"held": "✓", "failed": "✗", "undefined": "?"}


# ---- numbers and dates ----


def num(value: float | None, unit: str | None = None) -> str:
    """A number for people (hurdlelang/report/numbers.py): thousands separated, no exponent."""
    return numbers.number(value, unit)


def pct(level: float | None) -> str:
    """A confidence level: 0.95 -> 95%, 0.975 -> 97.5%."""
    return numbers.level(level)


def when(created_at: str) -> str:
    try:
        moment = datetime.fromisoformat(created_at.replace("Z", "+00:00"))
    except ValueError:
        return created_at
    zone = "UTC" if moment.utcoffset() is not None and not moment.utcoffset() else moment.strftime("%z")
    return f"{moment.day} {moment:%B %Y, %H:%M} {zone}".strip()


def interval_text(iv: IntervalEntry | None) -> str:
    if iv is None or iv.reason or (iv.low is None and iv.high is None):
        return ""
    return f"{num(iv.low) if iv.low is not None else '−∞'} – {num(iv.high) if iv.high is not None else '∞'}"


# ---- reading a condition ----

Form = Literal["level", "against", "beats"]
Direction = Literal["higher", "lower", "zero"]
_GAINS = {"candidate - baseline": "higher", "baseline - candidate": "lower", "|baseline| - |candidate|": "zero"}
_BETTER = {"higher": "higher", "lower": "lower", "zero": "closer to zero"}
_WORSE = {"higher": "lower", "lower": "higher", "zero": "further from zero"}
_AGAINST = re.compile(r"^candidate (?P<metric>\S+) - (?P<party>[^.\s]+)\.(?P<other>\S+) ")
_POINTS = re.compile(r"\bby\s+[0-9][0-9_.]*\s+points?\b")
_UNIT = re.compile(r"(?:\bby|[<>]=?)\s+-?[0-9][0-9_.]*\s*([A-Za-z][A-Za-z/]*)")
_NOT_UNITS = {"point", "points", "in", "at", "and", "or", "from", "confidence"}


def _unit(text: str) -> str:
    """The unit the spec wrote after the hurdle's number (`by 2 GBP`, `>= 5 GBP`), or ''."""
    match = _UNIT.search(text)
    return match[1] if match and match[1] not in _NOT_UNITS else ""


@dataclass(frozen=True)
class Style:
    """How a format shows names from the record (metrics, baselines, tiers) and free text from it.

    Both escape: every string in a record came from a spec or a command line, i.e. from users."""

    name: Callable[[str], str] = str
    text: Callable[[str], str] = str


PLAIN = Style()


@dataclass(frozen=True)
class Reading:
    """What one comparison means: its form, which way is better, how its margin is counted."""

    cond: ConditionEntry
    form: Form
    direction: Direction = "higher"
    relative: bool = False
    points: bool = False
    other_metric: str | None = None  # `against`: the baseline's metric (hit_rate@5 >= bestseller.hit_rate@1)
    unit: str = ""  # a unit written after the number in the spec ("by 2 GBP"), shown after values

    @property
    def metric(self) -> str:
        return self.cond.metric or "?"

    @property
    def baseline(self) -> str | None:
        return self.cond.baseline

    @property
    def side(self) -> Literal["lower", "upper"]:
        return "upper" if self.cond.op in ("<=", "<") else "lower"

    @property
    def baseline_metric(self) -> str:
        return self.other_metric or self.metric

    def value(self, value: float | None) -> str:
        """A party's value of the metric, with its unit: `2,907 GBP`."""
        return num(value, self.unit or None)

    # -- the statistic, in words and in short --

    def stat(self, value: float | None, signed: bool = True) -> str:
        """The statistic compared with the hurdle, short: 0.851, +36%, +20.5 pts."""
        if value is None:
            return "—"
        if self.form == "level":
            return num(value) + (f" {self.unit}" if self.unit else "")
        if self.relative:
            text, unit = numbers.short(value * 100), "%"
        elif self.points:
            text, unit = numbers.short(value * 100), (" pts" if signed else " points")
        else:
            text, unit = num(abs(value)), (f" {self.unit}" if self.unit else "")
        if not signed or text == "0":
            return text + unit
        return ("+" if value > 0 else "-") + text + unit

    def gain_words(self, value: float) -> str:
        """An improvement in words: '20.5 points higher', '36.0% lower', '3 points lower'."""
        words = _BETTER[self.direction] if value >= 0 else _WORSE[self.direction]
        return f"{self.stat(value, signed=False)} {words}"

    def stat_label(self) -> str:
        if self.form == "level":
            return self.metric
        if self.form == "against":
            return f"candidate − {self.baseline}"
        return f"improvement over {self.baseline}"

    def hurdle_short(self) -> str:
        return f"{SIGNS.get(self.cond.op or '', '?')} {self.stat(self.cond.required)}"

    # -- sentences (every name and text from the record goes through the style, which escapes it) --

    def requirement(self, st: Style = PLAIN, level: float | None = None) -> str:
        """The condition as a sentence: 'precision must be at least 0.9'. `level`: the tier's
        confidence level, not repeated."""
        c, m = self.cond, st.name(self.metric)
        if self.form == "level":
            text = f"{m} must be {WORDS.get(c.op or '', c.op)} {self.stat(c.required)}"
        elif self.form == "against":
            other = st.name(f"{self.baseline}.{self.baseline_metric}")
            text = f"{m} must be {WORDS.get(c.op or '', c.op)} {other}"
        else:
            text = self._beats_requirement(st)
        if c.scope and c.scope.startswith("every "):
            text += f", in every {st.name(c.scope.removeprefix('every '))}"
        elif c.scope:
            text += f", on the rows where {st.text(c.scope)}"
        if c.confidence is not None and c.confidence != level:
            text += f", judged at {pct(c.confidence)} confidence"
        return text

    def _beats_requirement(self, st: Style) -> str:
        c, m, b = self.cond, st.name(self.metric), st.name(self.baseline or "?")
        required = c.required or 0.0
        if required > 0:
            return f"{m} must be at least {self.gain_words(required)} than {b}"
        if required < 0:
            return f"{m} must be no more than {self.stat(required, signed=False)} {_WORSE[self.direction]} than {b}"
        if c.op == ">":
            return f"{m} must be {_BETTER[self.direction]} than {b}"
        return f"{m} must be no {_WORSE[self.direction]} than {b}"

    def measured(self, candidate: float | None, baseline: float | None, observed: float | None, st: Style) -> str:
        """What the data say, without the verdict: 'candidate 0.5425 vs rules 0.3375: 20.5 points higher'."""
        if self.form == "level":
            return f"measured {self.value(observed)}"
        if self.form == "against":
            names = st.name(self.metric), st.name(f"{self.baseline}.{self.baseline_metric}")
            sides = f"candidate {names[0]} {self.value(candidate)} vs {names[1]} {self.value(baseline)}"
        else:
            sides = f"candidate {self.value(candidate)} vs {st.name(self.baseline or '?')} {self.value(baseline)}"
        if observed is None:
            return sides
        if self.form == "against":
            return f"{sides}: a difference of {self.stat(observed)}"
        return f"{sides}: {self.gain_words(observed)}"

    def bound_words(self, bound: float) -> str:
        if self.form != "beats":
            return f"{'at least' if self.side == 'lower' else 'at most'} {self.stat(bound)}"
        if self.side == "upper":
            return f"at most {self.stat(bound)}"
        return f"{'at least' if bound >= 0 else 'at worst'} {self.gain_words(bound)}"

    def verdict(self, state: str, candidate, baseline, observed, bound, reason: str | None, st: Style = PLAIN) -> str:
        """The outcome of one judgement, as a sentence."""
        c = self.cond
        why = st.text(reason) if reason else None
        if state == "undefined" and observed is None:
            return f"Could not be judged: {why or 'a value it needs is undefined'}."
        text = self.measured(candidate, baseline, observed, st)
        text = text[0].upper() + text[1:]
        hurdle = self.hurdle_short()
        if c.confidence is not None and bound is not None:
            sure = f"with {pct(c.judged_at or c.confidence)} confidence {self.bound_words(bound)}"
            clears = "clears" if state == "held" else "does not clear"
            return f"{text}; {sure}, which {clears} the hurdle ({hurdle})."
        if c.confidence is not None:
            return f"{text}; the hurdle is {hurdle}. Not judged: {why or 'its interval is undefined'}."
        clears = "clears" if state == "held" else "does not clear"
        return f"{text}, which {clears} the hurdle ({hurdle}): point estimates compared, no confidence level."

    # -- the hurdle in the metric's own terms, for charts --

    def hurdle_on_metric(self, baseline: float | None) -> float | None:
        """The value the candidate's metric had to reach, or None when it cannot be said in one number."""
        c = self.cond
        if c.required is None:
            return None
        if self.form == "level":
            return c.required
        if baseline is None:
            return None
        if self.form == "against":
            return baseline + c.required
        if self.direction == "zero":
            return None
        step = c.required * abs(baseline) if self.relative else c.required
        return baseline + step if self.direction == "higher" else baseline - step

    def metric_op(self) -> str | None:
        """The comparison on the metric's own scale (a lower-is-better `beats` flips it)."""
        if self.form == "beats" and self.direction == "lower":
            return REVERSED.get(self.cond.op or "")
        return self.cond.op


def read(cond: ConditionEntry, record: DecisionRecord | None = None, info: MetricInfo | None = None) -> Reading | None:
    """How to read a comparison (compare or beats); None for and / or / not. With the record (or
    the metric's `info` itself, as `hurdlec plan` has it), the metric's unit comes from its
    metric_info (a derived metric's unit, the label's named unit); without, from the unit written
    after the hurdle's number."""
    if info is None and record is not None:
        info = record.metric_info.get(cond.metric or "")
    unit = numbers.unit_in(info) or _unit(cond.text)
    # a difference of two proportions reads in points (+20.5 pts), never like a proportion itself
    proportion = info is not None and info.low == 0.0 and info.high == 1.0
    if cond.kind == "beats":
        formula = cond.formula or ""
        relative = formula.startswith("(")
        gain = formula[1:].split(")", 1)[0] if relative else formula.rsplit(" ", 2)[0]
        direction = _GAINS.get(gain.strip(), "higher")
        points = not relative and (proportion or bool(_POINTS.search(cond.text)))
        return Reading(cond, "beats", direction, relative, points, unit=unit)
    if cond.kind == "compare" and cond.baseline:
        match = _AGAINST.match(cond.formula or "")
        other = match["other"] if match else None
        return Reading(
            cond, "against", other_metric=other, points=proportion and other in (None, cond.metric), unit=unit
        )
    if cond.kind == "compare":
        return Reading(cond, "level", unit=unit)
    return None


def leaves(conditions: list[ConditionEntry]) -> list[ConditionEntry]:
    """Every comparison, with and / or / not opened up, in the order written."""
    out: list[ConditionEntry] = []
    for c in conditions:
        out.extend(leaves(c.parts) if c.parts else [c])
    return out


def logic_words(cond: ConditionEntry) -> str:
    words = {
        "all": "all of these must hold",
        "any": "at least one of these must hold",
        "not": "this must NOT hold",
    }
    return words.get(cond.kind, cond.kind)


# ---- the decision ----


@dataclass(frozen=True)
class Decision:
    headline: str  # "Decision: pilot — One-region pilot for a month"
    kind: Literal["go", "blocking", "inconclusive"]
    lines: list[str]  # what it means, in sentences
    overridden: bool


def computed_tier(record: DecisionRecord) -> str | None:
    """The tier the hurdles gave (before any override); None when inconclusive."""
    o = record.outcome
    if o.override is not None:
        names = {t.name for t in record.tiers} | {record.fallback.name}
        return o.computed_tier if o.computed_tier in names else None
    return o.tier if o.status == "decided" else None


def tier_rank(record: DecisionRecord, name: str | None) -> str:
    names = [t.name for t in record.tiers]
    if name in names:
        i = names.index(name)
        place = "the best" if i == 0 else f"number {i + 1}"
        return f"{place} of {len(names)} tier{'s' if len(names) > 1 else ''}"
    return "the fall-back"


def missed(tier: TierEntry) -> list[ConditionEntry]:
    return [c for c in tier.conditions if c.state != "held"]


def decide_text(record: DecisionRecord, st: Style = PLAIN) -> Decision:
    """The headline and what it means. The headline is plain text: each format escapes it itself."""
    o = record.outcome
    model = f"The model {st.name(record.model_id)}" if record.model_id else "The model"
    partial = ["Per-slice conditions " + cov.sentence(st) + "." for cov in coverage(record)]
    if o.status == "inconclusive":
        return Decision(
            "Decision: inconclusive — no tier can be chosen",
            "inconclusive",
            [
                f"The data cannot judge the model: {st.text(o.reason)}.",
                "Inconclusive is not a rejection: fix what could not be judged (more rows, a metric that is "
                "undefined on this data) and run again.",
                *partial,
            ],
            False,
        )
    action = f" — {o.action}" if o.action else ""
    lines: list[str] = []
    overridden = o.override is not None
    tier = st.name(o.tier or "?")
    if o.override is not None:
        gave = computed_tier(record)
        gave_text = st.name(gave) if gave else f"no tier ({st.text(o.computed_status or 'unknown')})"
        lines.append(f"Overridden by {st.text(o.override.by)}: the hurdles gave {gave_text}; the decision is {tier}.")
        lines.append(f"Why: {st.text(o.override.reason)}")
    if o.tier == record.fallback.name:
        lines.append(
            "This is the fall-back: keep the process that runs today."
            if overridden
            else "No tier's hurdles were all cleared, so the fall-back applies: keep the process that runs today."
        )
    elif not overridden:
        lines.append(f"{model} cleared every hurdle of tier {tier}, {tier_rank(record, o.tier)}.")
    if o.blocking:
        lines.append("This outcome is blocking: a release gate on this record fails (hurdlec run exits 1).")
    lines += partial
    return Decision(f"Decision: {o.tier}{action}", "blocking" if o.blocking else "go", lines, overridden)


def shortfalls(record: DecisionRecord) -> list[tuple[TierEntry, list[ConditionEntry]]]:
    """The better tiers that were not reached, each with the conditions that did not hold."""
    target = computed_tier(record)
    out = []
    for tier in record.tiers:
        if tier.name == target:
            break
        if tier.state != "held":
            out.append((tier, missed(tier)))
    return out


def tier_status(record: DecisionRecord, tier: TierEntry) -> str:
    """A tier's place in the decision, in a few words."""
    o = record.outcome
    computed = computed_tier(record)
    if tier.name == o.tier and o.override is not None:
        return "chosen by override"
    if tier.name == computed and o.override is not None:
        return "reached, overridden"
    if tier.name == o.tier:
        return "reached: the decision"
    names = [t.name for t in record.tiers]
    decided_at = names.index(computed) if computed in names else len(names)
    if o.status == "inconclusive" and tier.state == "undefined":
        return "could not be judged: stops the decision"
    if names.index(tier.name) > decided_at:
        return f"{tier.state}; not needed (a better tier was reached)"
    if o.status == "inconclusive" and tier.state == "held":
        return "held; not used (a better tier could not be judged)"
    if tier.state == "failed" and tier.evidence in EVIDENCE_WORDS:
        return EVIDENCE_WORDS[tier.evidence]
    return {"failed": "not reached", "undefined": "could not be judged", "held": "held"}[tier.state]


# A tier not reached is either ruled out (the data show it fails) or not shown (the data cannot tell
# yet): two different messages for a product owner. Records before that distinction say neither.
EVIDENCE_WORDS = {
    "ruled_out": "not reached: ruled out",
    "not_shown": "not reached: not shown (these rows cannot tell yet)",
}


def level_note(cond: ConditionEntry) -> str | None:
    """Why a comparison was judged at another level than stated, or reversed; None when it was not."""
    if cond.level_reason is None or cond.judged_at is None:
        return None
    if cond.judged_at == cond.confidence and not cond.negated:
        return None
    return f"judged at {cond.level_reason}"


def tier_tag(record: DecisionRecord, tier: TierEntry) -> tuple[str, str]:
    """A tier's badge: (kind, a few words). Kinds: held, failed, undefined, quiet, override."""
    status = tier_status(record, tier)
    short = {
        "reached: the decision": ("held", "the decision"),
        "chosen by override": ("override", "chosen by override"),
        "reached, overridden": ("quiet", "reached, overridden"),
        "not reached": ("failed", "not reached"),
        EVIDENCE_WORDS["ruled_out"]: ("failed", "ruled out"),
        EVIDENCE_WORDS["not_shown"]: ("undefined", "not shown"),
        "could not be judged": ("undefined", "could not be judged"),
        "could not be judged: stops the decision": ("undefined", "could not be judged"),
    }
    if status in short:
        return short[status]
    return "quiet", f"{tier.state}, not used"


# ---- metrics ----


def scopes(record: DecisionRecord) -> list[str]:
    """Every scope with metrics, the whole data first, then the slices in the record's order."""
    seen: list[str] = []
    for per_scope in record.metrics.values():
        for scope in per_scope:
            if scope not in seen:
                seen.append(scope)
    return sorted(seen, key=lambda s: (s != WHOLE_DATA, seen.index(s)))


def scope_title(scope: str) -> str:
    return "All rows" if scope == WHOLE_DATA else scope.replace("=", " = ", 1)


def metric_entry(record: DecisionRecord, party: str, scope: str, metric: str | None) -> MetricEntry | None:
    if metric is None:
        return None
    return record.metrics.get(party, {}).get(scope, {}).get(metric)


def scope_key(cond: ConditionEntry) -> str:
    """The metrics key of a condition's scope: None -> 'all', 'region = east' -> 'region=east'."""
    if not cond.scope or cond.scope.startswith("every "):
        return WHOLE_DATA
    name, _, value = cond.scope.partition(" = ")
    return f"{name}={value}"


def scope_rows(record: DecisionRecord, scope: str) -> int | None:
    entries = record.metrics.get(CANDIDATE, {}).get(scope, {})
    return next((e.n for e in entries.values()), None)


def baseline_kind(record: DecisionRecord, party: str) -> str | None:
    return next((b.kind for b in record.baselines if b.name == party), None)


def cell(record: DecisionRecord, party: str, entry: MetricEntry | None, metric: str | None = None) -> str:
    """One metric value with its unit and interval: '0.3667 (0.3373 – 0.399)', '2,907 GBP (2,611 – 3,204)'.
    A count (rows, tp, queries) has no interval: it is a property of the data, not an estimate."""
    if entry is None:
        return ""
    if entry.state == "undefined":
        return "—" if baseline_kind(record, party) == "figures" else "undefined"
    unit = numbers.unit_of(record, metric)
    value = num(entry.value, unit)
    iv = entry.interval
    if iv is None or (iv.low == iv.high == entry.value) or numbers.is_count(record.metric_info.get(metric or "")):
        return value
    interval = interval_text(iv)
    return f"{value} ({interval})" if interval else value


def metric_notes(record: DecisionRecord) -> list[tuple[str, list[str] | None, str, str]]:
    """(party, metrics, scope title or '', note) for notes and undefined values, once per text:
    the metrics a note is about, in the record's order, or None when it is about every metric of
    the party (a party deciding at a volume notes its cut on each of them)."""
    notes: dict[tuple[str, str, str], list[str]] = {}
    for party, per_scope in record.metrics.items():
        figures = baseline_kind(record, party) == "figures"
        for scope, entries in per_scope.items():
            for metric, e in entries.items():
                found = []
                if e.note:
                    found.append(("", e.note))
                if e.state == "undefined" and not figures:
                    where = "" if scope == WHOLE_DATA else scope_title(scope)
                    found.append((where, f"undefined: {e.reason or 'no reason given'}"))
                for where, note in found:
                    metrics = notes.setdefault((party, where, note), [])
                    if metric not in metrics:
                        metrics.append(metric)
    out = []
    for (party, where, note), metrics in notes.items():
        every = list(record.metrics[party].get(WHOLE_DATA, {}))
        out.append((party, None if len(metrics) > 1 and metrics == every else metrics, where, note))
    return out


def metric_list(metrics: list[str] | None, name: Callable[[str], str]) -> str:
    """The metrics a note is about, each shown by `name`: `precision`, `rows, tp`, every metric."""
    return "every metric" if metrics is None else ", ".join(name(m) for m in metrics)


def guard_slices(guard) -> list[tuple[str, str, float | None]]:
    out = []
    for value, info in guard.slices.items():
        out.append((value, info.state, info.value))
    return out


# ---- per-slice conditions: which slice values were judged ----


@dataclass(frozen=True)
class Coverage:
    """`in every` conditions that judged only some values of one slice column (the same ones)."""

    conds: list[ConditionEntry]
    column: str
    judged: int
    skipped: dict[str, str]  # value -> why it was not judged

    def sentence(self, st: Style = PLAIN) -> str:
        total = self.judged + len(self.skipped)
        why: dict[str, list[str]] = {}
        for value, reason in self.skipped.items():
            why.setdefault(reason, []).append(value)
        reasons = "; ".join(f"{', '.join(st.text(v) for v in values)}: {st.text(r)}" for r, values in why.items())
        names = ", ".join(st.name(c.text) + (" (strictly: so it fails)" if c.strict else "") for c in self.conds)
        return f"judged on {self.judged} of {total} {st.name(self.column)} values: {names}; not judged: {reasons}"


def coverage(record: DecisionRecord) -> list[Coverage]:
    """The `in every` conditions of the tiers the decision rests on (the better tiers and the one
    chosen) that skipped some slice values, grouped by column and skipped values, so a headline
    never hides them."""
    groups: dict[tuple, list[ConditionEntry]] = {}
    target = computed_tier(record)
    for tier in record.tiers:
        for c in leaves(tier.conditions):
            if c.skipped_slices:
                column = (c.scope or "").removeprefix("every ")
                key = (column, len(c.slices), tuple(c.skipped_slices.items()))
                if all(c.text != seen.text for seen in groups.get(key, [])):
                    groups.setdefault(key, []).append(c)
        if tier.name == target:
            break
    return [Coverage(conds, column, judged, dict(skipped)) for (column, judged, skipped), conds in groups.items()]


# ---- the business summary: one paragraph, before anything else ----


def business_summary(record: DecisionRecord, st: Style = PLAIN) -> str:
    """What the decision means in the business's terms: the tier reached and the numbers it rests
    on, value metrics (those with a unit) first, each with what the data say with confidence:
    "net_value: candidate 2,907 GBP vs as_is 1,584 GBP: 83.5% higher; with 95% confidence at least
    61.9% higher"."""
    o = record.outcome
    target = computed_tier(record)
    tier = next((x for x in record.tiers if x.name == target), None)
    if o.status == "inconclusive":
        opening = "The data cannot decide yet"
    elif tier is None:
        opening = f"The model clears no tier, so the process running today stays ({st.text(o.action or o.tier or '')})"
    else:
        opening = f"The model earns tier {st.name(tier.name)}: {st.text(tier.action or '')}"
    about = tier or (record.tiers[0] if record.tiers else None)
    found = [c for c in leaves(about.conditions) if read(c, record) is not None] if about else []
    found.sort(key=lambda c: (numbers.unit_of(record, c.metric) is None, c.kind != "beats"))
    said = []
    for c in found[:2]:
        r = read(c, record)
        if c.observed is None and c.candidate_value is None:
            continue
        text = f"{st.name(r.metric)}: " + r.measured(c.candidate_value, c.baseline_value, c.observed, st)
        if c.confidence is not None and c.bound is not None:
            text += f"; with {pct(c.confidence)} confidence {r.bound_words(c.bound)}"
        said.append(text)
    if about is not None and about is not tier and said:
        said[0] = f"the best tier, {st.name(about.name)}, asked for more: " + said[0]
    rows = f"On {record.data.rows_used:,} rows, " if said else ""
    return f"{opening}. {rows}{'; '.join(said)}{'.' if said else ''}".strip()
