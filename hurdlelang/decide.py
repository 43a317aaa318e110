"""Stage 5: conditions, tiers and the decision.

Logic is three-valued: a condition holds, fails, or is undefined (a metric it needs could not be
computed). Tiers are tried best first. A tier with a failed condition is not reached; a tier whose
conditions all hold is the decision; a tier that nothing rules out but something could not judge
stops the walk: the outcome is inconclusive, because a better tier may have been earned.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from hurdlelang import ir
from hurdlelang.evaluate import CANDIDATE, Evaluation


class State(StrEnum):
    HELD = "held"
    FAILED = "failed"
    UNDEFINED = "undefined"


_OPS = {
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
}


@dataclass(frozen=True)
class ConditionResult:
    condition: ir.Condition
    state: State
    candidate: float | None
    baseline: float | None
    observed: float | None  # the quantity compared: the metric, or the improvement over a baseline
    required: float  # what `observed` is compared with
    op: str
    formula: str
    reason: str | None = None


@dataclass(frozen=True)
class TierResult:
    tier: ir.Tier
    state: State
    conditions: list[ConditionResult]


@dataclass(frozen=True)
class Outcome:
    status: str  # "decided" or "inconclusive"
    tier: str | None
    action: str | None
    blocking: bool
    reason: str


def _compare(cond: ir.CompareCondition, ev: Evaluation) -> ConditionResult:
    value = ev.value(CANDIDATE, cond.metric.key)
    formula = f"{cond.metric.key} {cond.op} {cond.threshold:g}"
    if not value.defined:
        return ConditionResult(cond, State.UNDEFINED, None, None, None, cond.threshold, cond.op, formula, value.reason)
    held = _OPS[cond.op](value.value, cond.threshold)
    return ConditionResult(
        cond, State.HELD if held else State.FAILED, value.value, None, value.value, cond.threshold, cond.op, formula
    )


def _beats(cond: ir.BeatsCondition, ev: Evaluation) -> ConditionResult:
    cand = ev.value(CANDIDATE, cond.metric.key)
    base = ev.value(cond.baseline, cond.metric.key)
    sign = 1.0 if cond.direction == "higher" else -1.0
    gain = "candidate - baseline" if sign > 0 else "baseline - candidate"
    margin = cond.margin
    # `beats X` alone is a strict improvement; `beats X by m` needs an improvement of at least m;
    # `no worse than X by m` allows a loss of up to m
    if cond.non_inferior:
        op, required = ">=", -(margin.value if margin else 0.0)
    else:
        op, required = (">=", margin.value) if margin else (">", 0.0)
    formula = f"({gain}) / |baseline| {op} {required:g}" if margin and margin.relative else f"{gain} {op} {required:g}"
    undefined = next(((who, v) for who, v in ((CANDIDATE, cand), (cond.baseline, base)) if not v.defined), None)
    if undefined:
        who, v = undefined
        return ConditionResult(
            cond, State.UNDEFINED, cand.value, base.value, None, required, op, formula, f"{who}: {v.reason}"
        )
    improvement = sign * (cand.value - base.value)
    if margin and margin.relative:
        if base.value == 0:
            reason = f"{cond.baseline}'s {cond.metric.key} is 0, so a relative improvement is undefined"
            return ConditionResult(cond, State.UNDEFINED, cand.value, base.value, None, required, op, formula, reason)
        improvement /= abs(base.value)
    held = _OPS[op](improvement, required)
    state = State.HELD if held else State.FAILED
    return ConditionResult(cond, state, cand.value, base.value, improvement, required, op, formula)


def judge(cond: ir.Condition, ev: Evaluation) -> ConditionResult:
    return _compare(cond, ev) if isinstance(cond, ir.CompareCondition) else _beats(cond, ev)


def _all(states: list[State]) -> State:
    if State.FAILED in states:
        return State.FAILED
    if State.UNDEFINED in states:
        return State.UNDEFINED
    return State.HELD


def decide(spec: ir.Spec, ev: Evaluation) -> tuple[list[TierResult], Outcome]:
    results = []
    for tier in spec.tiers:
        conditions = [judge(c, ev) for c in tier.conditions]
        results.append(TierResult(tier, _all([c.state for c in conditions]), conditions))
    for result in results:
        if result.state is State.HELD:
            tier = result.tier
            return results, Outcome(
                "decided", tier.name, tier.title, False, f"every condition of tier '{tier.name}' held"
            )
        if result.state is State.UNDEFINED:
            unknown = [c for c in result.conditions if c.state is State.UNDEFINED]
            why = "; ".join(f"'{c.condition.text}': {c.reason}" for c in unknown)
            return results, Outcome(
                "inconclusive", None, None, False, f"tier '{result.tier.name}' could not be judged: {why}"
            )
    fallback = spec.otherwise
    return results, Outcome("decided", fallback.name, fallback.title, True, "no tier's conditions all held")
