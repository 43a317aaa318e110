"""Stage 5: guards, conditions, tiers and the decision.

Logic is three-valued: a condition holds, fails, or is undefined (a metric it needs could not be
computed, or too many resamples left it undefined). Tiers are tried best first. A tier with a failed
condition is not reached; a tier whose conditions all hold is the decision; a tier that nothing
rules out but something could not judge stops the walk: the outcome is inconclusive, because a
better tier may have been earned. A failed or undefined guard makes the outcome inconclusive too.

With a confidence level a condition holds only when its one-sided interval clears the hurdle (the
lower bound for >=, >, beats; the upper bound for <=, <); without one, point estimates are compared.

Error control is compiled from the shape of the condition (hurdlelang/stats/multiplicity.py): every
part of an `or` is judged at the level's error rate divided by the number of parts (Bonferroni);
`not X` is the confident reverse of X (`not precision >= 0.9` holds when the upper bound of precision
is below 0.9), pushed down to the comparisons by De Morgan's laws, so `not (A and B)` is an `or` of
the reversed parts and is corrected like one. On point estimates these are the plain logic.

A condition that does not hold is *ruled out* when its reverse holds at the same level (the interval
lies wholly on the failing side) and *not shown* otherwise (the data cannot tell yet).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum

import numpy as np

from hurdlelang.core.names import CANDIDATE
from hurdlelang.core.operators import COMPARE
from hurdlelang.judging.evaluate import Evaluation, Scope
from hurdlelang.judging.uncertainty import Uncertainty
from hurdlelang.lang import ir
from hurdlelang.stats.intervals import Interval, Judgement, holds_each, intervals, paired_difference
from hurdlelang.stats.multiplicity import bonferroni


class State(StrEnum):
    HELD = "held"
    FAILED = "failed"
    UNDEFINED = "undefined"


class Evidence(StrEnum):
    """What a condition or tier that was judged tells a reader, beyond held / failed."""

    HELD = "held"
    RULED_OUT = "ruled_out"  # the reverse holds at the same level: the data show it fails
    NOT_SHOWN = "not_shown"  # neither it nor its reverse holds: the data cannot tell yet
    FAILED = "failed"  # failed on point estimates (no confidence level): no claim either way
    UNDEFINED = "undefined"


REVERSE = {">=": "<", ">": "<=", "<=": ">", "<": ">="}


@dataclass(frozen=True)
class Judged:
    """One comparison on one scope: the values, the statistic, and (with a level) its interval."""

    scope: Scope
    state: State
    candidate: float | None
    baseline: float | None
    observed: float | None  # the statistic compared: the metric, or the improvement over a baseline
    bound: float | None = None  # the interval bound compared, with a confidence level
    interval: Interval | None = None  # two-sided at the stated level, for reading
    reason: str | None = None
    judged_interval: Interval | None = None  # the one-sided interval at the level judged at: `bound` is its end


@dataclass(frozen=True)
class _Observed:
    """A comparison's values on one scope, defined, before it is judged."""

    scope: Scope
    candidate: float
    baseline: float | None
    observed: float

    def compared(self, op: str, required: float) -> Judged:
        """Judged on point estimates (no confidence level)."""
        state = State.HELD if COMPARE[op](self.observed, required) else State.FAILED
        return Judged(self.scope, state, self.candidate, self.baseline, self.observed)

    def judged(self, judgement: Judgement, report: Interval) -> Judged:
        """Judged on its resamples: `judgement` at the level judged at, `report` the two-sided
        interval; undefined, with the reason, when the judged interval is."""
        state = {None: State.UNDEFINED, True: State.HELD, False: State.FAILED}[judgement.held]
        bound = None if judgement.held is None else judgement.bound
        return Judged(
            self.scope,
            state,
            self.candidate,
            self.baseline,
            self.observed,
            bound,
            report,
            judgement.reason,  # None when it is defined
            judgement.interval,
        )


@dataclass(frozen=True)
class ConditionResult:
    condition: ir.Condition
    state: State
    op: str | None = None
    required: float | None = None
    formula: str | None = None
    judged: Judged | None = None  # the whole data, or one named slice
    slices: list[Judged] = field(default_factory=list)  # `in every SLICE`: each slice judged
    skipped: dict[str, str] = field(default_factory=dict)  # slice value -> why it was not judged
    parts: list[ConditionResult] = field(default_factory=list)  # and / or / not
    reason: str | None = None
    level: float | None = None  # the level the comparison was judged at, after any correction
    level_reason: str | None = None  # why that level
    negated: bool = False  # judged as the reverse comparison (it sits under a `not`)
    evidence: Evidence | None = None


@dataclass(frozen=True)
class GuardResult:
    guard: ir.Guard
    state: State
    value: float | None
    slices: dict[str, tuple[State, float | None]] = field(default_factory=dict)
    reason: str | None = None


@dataclass(frozen=True)
class TierResult:
    tier: ir.Tier
    state: State
    conditions: list[ConditionResult]
    evidence: Evidence | None = None


@dataclass(frozen=True)
class Outcome:
    status: str  # "decided" or "inconclusive"
    tier: str | None
    action: str | None
    blocking: bool
    reason: str


def _all(states: list[State]) -> State:
    if State.FAILED in states:
        return State.FAILED
    if State.UNDEFINED in states:
        return State.UNDEFINED
    return State.HELD


def _any(states: list[State]) -> State:
    if State.HELD in states:
        return State.HELD
    if State.UNDEFINED in states:
        return State.UNDEFINED
    return State.FAILED


def _formula(c: ir.Condition, op: str, required: float) -> str:
    if isinstance(c, ir.BeatsCondition):
        gain = {"higher": "candidate - baseline", "lower": "baseline - candidate", "zero": "|baseline| - |candidate|"}[
            c.direction
        ]
        if c.margin and c.margin.relative:
            gain = f"({gain}) / |baseline|"
        return f"{gain} {op} {required:g}"
    if c.against is not None:
        return f"candidate {c.metric.key} - {c.against}.{c.against_metric.key} {op} 0"
    return f"{c.metric.key} {op} {required:g}"


def _requirement(c: ir.Condition) -> tuple[str, float]:
    if isinstance(c, ir.CompareCondition):
        return c.op, (c.threshold if c.against is None else 0.0)
    margin = c.margin.value if c.margin else 0.0
    if c.non_inferior:  # no worse than X by m: a loss of up to m is allowed
        return ">=", -margin if margin else 0.0
    return (">=", margin) if c.margin else (">", 0.0)  # beats X alone: strictly better


class Decider:
    def __init__(self, spec: ir.Spec, ev: Evaluation, uncertainty: Uncertainty | None):
        self.spec, self.ev, self.unc = spec, ev, uncertainty
        self.excluded: dict[str, dict[str, str]] = {}  # slice column -> value -> why not judged

    # ---- one comparison ----

    def _sides(self, c: ir.Condition, scope: Scope):
        cand = self.ev.value(CANDIDATE, c.metric, scope)
        if isinstance(c, ir.BeatsCondition):
            return cand, self.ev.value(c.baseline, c.metric, scope)
        if c.against is not None:
            return cand, self.ev.value(c.against, c.against_metric, scope)
        return cand, None

    def _statistic(self, c: ir.Condition, cand, base):
        if isinstance(c, ir.BeatsCondition):
            return paired_difference(cand, base, c.direction, bool(c.margin and c.margin.relative))
        if c.against is not None:
            return np.asarray(cand, dtype=float) - np.asarray(base, dtype=float)
        return np.asarray(cand, dtype=float)

    def _samples(self, c: ir.Condition, scope: Scope) -> np.ndarray:
        cand = self.unc.samples(CANDIDATE, c.metric, scope)
        base = None
        if isinstance(c, ir.BeatsCondition):
            base = self.unc.samples(c.baseline, c.metric, scope)
        elif c.against is not None:
            base = self.unc.samples(c.against, c.against_metric, scope)
        return self._statistic(c, cand, base)

    def samples(self, c: ir.Condition, scope: Scope) -> np.ndarray:
        """The resamples of the statistic a comparison compares with its hurdle (paired)."""
        return self._samples(c, scope)

    def statistic_parts(self, c: ir.Condition, scope: Scope) -> tuple[np.ndarray, np.ndarray | None]:
        """The statistic's resamples split by where their noise comes from, for planning: the part
        that more rows of the data shrink (the baseline held at its value when it is a figure or a
        record), and the baseline's own part that they do not (None for a baseline judged on the
        same rows). Their variances add up to the statistic's (the two are drawn independently)."""
        against = c.baseline if isinstance(c, ir.BeatsCondition) else c.against
        if not isinstance(self.ev.baselines.get(against), ir.FigureBaseline | ir.RecordBaseline):
            return self._samples(c, scope), None
        metric = c.metric if isinstance(c, ir.BeatsCondition) else c.against_metric
        cand, base = self._sides(c, scope)
        data = self._statistic(c, self.unc.samples(CANDIDATE, c.metric, scope), base.value)
        own = self._statistic(c, cand.value, self.unc.samples(against, metric, scope))
        return np.asarray(data, dtype=float), np.asarray(own, dtype=float)

    def _judge(
        self, c: ir.Condition, scopes: list[Scope], op: str, required: float, level: float | None
    ) -> list[Judged]:
        """The comparison on each scope; with a level, the intervals of every scope's statistic are
        read at once (`in every region`: one partition of a matrix, not 500 one at a time)."""
        seen = [self._observe(c, scope) for scope in scopes]
        if level is None or self.unc is None:
            return [s if isinstance(s, Judged) else s.compared(op, required) for s in seen]
        measured = [s for s in seen if isinstance(s, _Observed)]
        read = iter(self._read_samples(c, measured, op, required, level))
        return [s if isinstance(s, Judged) else next(read) for s in seen]

    def _observe(self, c: ir.Condition, scope: Scope) -> _Observed | Judged:
        """The comparison's values on one scope, or its judgement when they leave it undefined."""
        cand, base = self._sides(c, scope)
        for who, v in (("candidate", cand), ("baseline", base)):
            if v is not None and not v.defined:
                return Judged(
                    scope, State.UNDEFINED, cand.value, base.value if base else None, None, reason=f"{who}: {v.reason}"
                )
        b = base.value if base else None
        observed = float(self._statistic(c, cand.value, b))
        if np.isnan(observed):
            return Judged(scope, State.UNDEFINED, cand.value, b, None, reason="relative to a baseline of 0, undefined")
        return _Observed(scope, cand.value, b, observed)

    def _read_samples(
        self, c: ir.Condition, measured: list[_Observed], op: str, required: float, level: float
    ) -> list[Judged]:
        if not measured:
            return []
        samples = [self._samples(c, m.scope) for m in measured]
        whats = [f"'{c.text}'"] * len(measured)
        judgements = holds_each(samples, op, required, level, whats)
        reports = intervals(samples, c.confidence, "two-sided", whats)
        return [m.judged(j, r) for m, j, r in zip(measured, judgements, reports, strict=True)]

    # ---- conditions ----

    def condition(self, c: ir.Condition) -> ConditionResult:
        """Judge a condition, with the evidence it gives when it does not hold."""
        result = self._condition(c, False, 1, ())
        return self._with_evidence(result)

    def _with_evidence(self, r: ConditionResult) -> ConditionResult:
        parts = [self._with_evidence(p) for p in r.parts]
        return replace(r, parts=parts, evidence=self._evidence(r))

    def _evidence(self, r: ConditionResult) -> Evidence:
        if r.state is State.HELD:
            return Evidence.HELD
        if r.state is State.UNDEFINED:
            return Evidence.UNDEFINED
        if not _has_level(r.condition) or self.unc is None:
            return Evidence.FAILED
        # ruled out: the reverse statement holds, judged as a test of its own at the stated level
        reverse = self._condition(r.condition, not r.negated, 1, ())
        return Evidence.RULED_OUT if reverse.state is State.HELD else Evidence.NOT_SHOWN

    def _condition(self, c: ir.Condition, negated: bool, divisor: int, why: tuple[str, ...]) -> ConditionResult:
        """`negated`: judge the reverse of `c` (it sits under an odd number of `not`s). `divisor`:
        the product of the part counts of the alternatives (`or`, or a reversed `and`) above it."""
        if isinstance(c, ir.AllOf | ir.AnyOf):
            conjunction = isinstance(c, ir.AllOf) != negated  # De Morgan: not (A and B) = not A or not B
            if conjunction:
                parts = [self._condition(p, negated, divisor, why) for p in c.parts]
                return ConditionResult(c, _all([p.state for p in parts]), parts=parts, negated=negated)
            k = len(c.parts)
            shape = "the reverse of an 'and'" if negated else "an 'or'"
            note = f"one of the {k} alternatives of {shape}: the error rate split {k} ways (Bonferroni)"
            parts = [self._condition(p, negated, divisor * k, (*why, note)) for p in c.parts]
            return ConditionResult(c, _any([p.state for p in parts]), parts=parts, negated=negated)
        if isinstance(c, ir.Not):
            part = self._condition(c.part, not negated, divisor, why)
            return ConditionResult(c, part.state, parts=[part], negated=negated)
        op, required = _requirement(c)
        if negated:
            op = REVERSE[op]
            why = (*why, "under 'not': the confident reverse comparison")
        formula = _formula(c, op, required)
        level, level_reason = _level(c, divisor, why, self.unc is not None)
        common = {"level": level, "level_reason": level_reason, "negated": negated}
        if c.scope is None or c.scope.value is not None:
            scope = None if c.scope is None else (c.scope.slice, c.scope.value)
            (judged,) = self._judge(c, [scope], op, required, level)
            return ConditionResult(c, judged.state, op, required, formula, judged, reason=judged.reason, **common)
        column = c.scope.slice
        skipped = {v: why for v, why in self.excluded.get(column, {}).items()}
        values = [v for v in self.ev.slice_values(column) if v not in skipped]
        if negated and len(values) > 1 and level is not None:
            # not (X in every region) = the reverse of X in some region: an `or` over the slices
            level, level_reason = _level(
                c,
                divisor * len(values),
                (*why, f"the reverse of 'in every {column}' holds in some {column}: split {len(values)} ways"),
                self.unc is not None,
            )
            common |= {"level": level, "level_reason": level_reason}
        slices = self._judge(c, [(column, v) for v in values], op, required, level)
        if c.scope.strict and skipped:
            # `strictly`: every value must be judged; one left out fails the condition, it is not
            # passed (and so the reverse, under `not`, holds)
            state = State.HELD if negated else State.FAILED
            reason = f"strictly: {len(skipped)} of {len(skipped) + len(slices)} {column} values not judged"
            return ConditionResult(c, state, op, required, formula, None, slices, skipped, reason=reason, **common)
        if not slices:
            return ConditionResult(
                c,
                State.UNDEFINED,
                op,
                required,
                formula,
                None,
                [],
                skipped,
                reason=f"no {column} slice could be judged",
                **common,
            )
        state = (_any if negated else _all)([s.state for s in slices])
        reason = next((f"{column}={s.scope[1]}: {s.reason}" for s in slices if s.state is State.UNDEFINED), None)
        return ConditionResult(c, state, op, required, formula, None, slices, skipped, reason=reason, **common)

    # ---- guards ----

    def guard(self, g: ir.Guard) -> GuardResult:
        def check(scope: Scope) -> tuple[State, float | None, str | None]:
            v = self.ev.value(CANDIDATE, g.metric, scope)
            if not v.defined:
                return State.UNDEFINED, None, v.reason
            low_ok = g.low is None or (v.value >= g.low if g.low_inclusive else v.value > g.low)
            high_ok = g.high is None or (v.value <= g.high if g.high_inclusive else v.value < g.high)
            return (State.HELD if low_ok and high_ok else State.FAILED), v.value, None

        if g.scope is None or g.scope.value is not None:
            scope = None if g.scope is None else (g.scope.slice, g.scope.value)
            state, value, reason = check(scope)
            return GuardResult(g, state, value, reason=reason)
        # a per-slice guard decides which slices are judged; failing slices are reported, not passed
        column = g.scope.slice
        results = {v: check((column, v)) for v in self.ev.slice_values(column)}
        for v, (state, value, _) in results.items():
            if state is not State.HELD:
                shown = "undefined" if value is None else f"{value:g}"
                self.excluded.setdefault(column, {})[v] = f"'{g.text}' does not hold here ({g.metric.key} = {shown})"
        judged = [s for s, _, _ in results.values()]
        if g.scope.strict:  # every slice value must pass, not just one
            state = State.HELD if all(s is State.HELD for s in judged) else State.FAILED
            failing = [v for v, (s, _, _) in results.items() if s is not State.HELD]
            reason = None if state is State.HELD else f"strictly: '{g.text}' does not hold for {', '.join(failing)}"
        else:
            state = State.HELD if State.HELD in judged else State.FAILED
            reason = None if state is State.HELD else f"no {column} slice passes '{g.text}'"
        return GuardResult(g, state, None, {v: (s, val) for v, (s, val, _) in results.items()}, reason)

    # ---- the decision ----

    def decide(self) -> tuple[list[GuardResult], list[TierResult], Outcome]:
        guards = [self.guard(g) for g in self.spec.guards]
        tiers = []
        for tier in self.spec.tiers:
            conditions = [self.condition(c) for c in tier.conditions]
            tiers.append(TierResult(tier, _all([c.state for c in conditions]), conditions, _tier_evidence(conditions)))
        broken = [g for g in guards if g.state is not State.HELD]
        if broken:
            why = "; ".join(
                f"'{g.guard.text}' {'is undefined' if g.state is State.UNDEFINED else 'failed'}"
                + (f" ({g.value:g})" if g.value is not None else "")
                for g in broken
            )
            return guards, tiers, Outcome("inconclusive", None, None, False, f"a guard did not hold: {why}")
        for result in tiers:
            if result.state is State.HELD:
                t = result.tier
                return (
                    guards,
                    tiers,
                    Outcome("decided", t.name, t.title, False, f"every condition of tier '{t.name}' held"),
                )
            if result.state is State.UNDEFINED:
                unknown = [c for c in result.conditions if c.state is State.UNDEFINED]
                why = "; ".join(f"'{c.condition.text}': {c.reason or 'undefined'}" for c in unknown)
                reason = f"tier '{result.tier.name}' could not be judged: {why}"
                return guards, tiers, Outcome("inconclusive", None, None, False, reason)
        fallback = self.spec.otherwise
        words = {Evidence.RULED_OUT: "ruled out", Evidence.NOT_SHOWN: "not shown", Evidence.FAILED: "failed"}
        each = "; ".join(f"'{t.tier.name}' {words.get(t.evidence, t.state.value)}" for t in tiers)
        unsettled = [t.tier.name for t in tiers if t.evidence is Evidence.NOT_SHOWN]
        if fallback.only_if_ruled_out and unsettled:
            reason = (
                f"no tier held, and the data cannot tell yet for {', '.join(repr(n) for n in unsettled)} "
                f"({each}); the spec falls back only when every tier is ruled out"
            )
            return guards, tiers, Outcome("inconclusive", None, None, False, reason)
        reason = f"no tier's conditions all held ({each})"
        return guards, tiers, Outcome("decided", fallback.name, fallback.title, True, reason)


def _has_level(c: ir.Condition) -> bool:
    if isinstance(c, ir.AllOf | ir.AnyOf):
        return any(_has_level(p) for p in c.parts)
    if isinstance(c, ir.Not):
        return _has_level(c.part)
    return c.confidence is not None


def _level(c, divisor: int, why: tuple[str, ...], intervals: bool) -> tuple[float | None, str | None]:
    """The level a comparison is judged at, and why; None for point estimates."""
    if c.confidence is None or not intervals:
        return None, "no confidence level: point estimates compared"
    level = bonferroni(c.confidence, divisor)
    if divisor == 1 and not why:
        return level, f"{c.confidence:.0%} as stated"
    return level, f"{level * 100:.4g}% ({c.confidence:.0%} stated; " + "; ".join(why) + ")"


def _tier_evidence(conditions: list[ConditionResult]) -> Evidence:
    found = {c.evidence for c in conditions}
    for evidence in (Evidence.RULED_OUT, Evidence.FAILED, Evidence.NOT_SHOWN, Evidence.UNDEFINED):
        if evidence in found:
            return evidence
    return Evidence.HELD


def decide(spec: ir.Spec, ev: Evaluation, uncertainty: Uncertainty | None = None):
    return Decider(spec, ev, uncertainty).decide()
