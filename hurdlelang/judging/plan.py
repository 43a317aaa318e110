"""`hurdlec plan`: how many rows each tier needs, if the effects seen in a pilot are the truth.

The pilot is judged as `hurdlec run` would judge it (the same evaluation, bootstrap and decision,
so each comparison has its estimate, its corrected level, and the bootstrap's standard error).
Each comparison becomes a gate whose power grows with the rows (hurdlelang/stats/power.py); the
gates are judged together, with the correlation their paired resamples show on the pilot, and
combine as the tier's logic does; the planned size is the smallest multiple of the pilot's
rows (same mix of slices) at which the tier is reached with the asked power and every row guard
holds. A figure or record baseline's own uncertainty does not shrink with more rows of ours, so
it can make a tier unreachable at any size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from hurdlelang.core.operators import SIGNS
from hurdlelang.judging.build_record import condition_entry, metric_info_of
from hurdlelang.judging.decide import ConditionResult, Decider
from hurdlelang.judging.evaluate import Evaluation, Scope, scope_key
from hurdlelang.judging.uncertainty import Uncertainty
from hurdlelang.lang import ir
from hurdlelang.record.outputs import PlanOutput
from hurdlelang.report import numbers, phrasing
from hurdlelang.stats import power as pw


@dataclass(frozen=True)
class Units:
    """How a gate's statistic (its estimate, hurdle and detectable value) reads: as the summary
    reads the same condition (hurdlelang/report/phrasing.py), so a plan and a run say `+5.7 pts`,
    `+51.5%` and `3,294 EUR per month` alike."""

    kind: str  # numbers.KINDS: level, difference, points, relative
    unit: str | None  # the metric's unit without the period (EUR, thousand riders); None: none
    scale: str | None  # "per month": a total at the spec's volume per period; None: on the rows judged

    def show(self, value: float | None) -> str:
        shown = " ".join(part for part in (self.unit, self.scale) if part) or None
        return numbers.statistic(value, self.kind, shown)

    @classmethod
    def of(cls, ev: Evaluation, r: ConditionResult) -> Units:
        metric = r.condition.metric
        reading = phrasing.read(condition_entry(r), info=metric_info_of(ev, metric))
        kind = (
            "level"
            if reading.form == "level"
            else "relative"
            if reading.relative
            else "points"
            if reading.points
            else "difference"
        )
        if metric.per is None:
            return cls(kind, reading.unit or None, None)
        return cls(kind, numbers.unit_in(metric_info_of(ev, metric.base)), f"per {metric.per}")


@dataclass(frozen=True)
class PlannedGate:
    gate: pw.Gate
    condition: str  # as written
    scope: str  # "all" or "region=EU"
    fixed_se: float  # the part of the standard error more rows do not shrink (a figure's own)
    units: Units = Units("level", None, None)
    data_samples: np.ndarray | None = field(
        default=None, compare=False, repr=False
    )  # the statistic's resamples, the part more rows shrink
    fixed_samples: np.ndarray | None = field(
        default=None, compare=False, repr=False
    )  # ... and the baseline's own part (a figure, a record)

    def power(self, scale: float) -> float:
        """The gate's power on its own (closed form)."""
        se = math.sqrt(self.gate.se**2 / scale + self.fixed_se**2)
        g = self.gate
        return pw.Gate(g.estimate, se, g.rows, g.op, g.required, g.level).power(1.0)


@dataclass
class Node:
    kind: str  # "all", "any" or "gate"
    parts: list[Node] = field(default_factory=list)
    gate: PlannedGate | None = None
    index: int = -1  # the gate's column in the tier's joint outcomes

    def holds(self, outcomes: np.ndarray) -> np.ndarray:
        """Whether the node holds in each row of the gates' joint outcomes."""
        if self.gate is not None:
            return outcomes[:, self.index]
        parts = np.column_stack([p.holds(outcomes) for p in self.parts])
        return parts.all(axis=1) if self.kind == "all" else parts.any(axis=1)

    def gates(self) -> list[PlannedGate]:
        return [self.gate] if self.gate else [g for p in self.parts for g in p.gates()]

    def number(self, start: int = 0) -> int:
        """Give each gate its column, in the order of gates(); returns the next free column."""
        if self.gate is not None:
            self.index = start
            return start + 1
        for p in self.parts:
            start = p.number(start)
        return start


class TierPower:
    """The chance a tier's logic holds, its gates judged together on the same rows (stats/power.py)."""

    def __init__(self, whole: Node, resamples: int):
        whole.number()
        gates = whole.gates()
        self.whole = whole
        self.joint = pw.JointGates(
            [g.gate for g in gates],
            [g.fixed_se for g in gates],
            pw.correlation([g.data_samples for g in gates], resamples),
            pw.correlation([g.fixed_samples for g in gates], resamples),
        )

    def __call__(self, scale: float) -> float:
        outcomes, weights = self.joint.outcomes(scale)
        return float(np.dot(self.whole.holds(outcomes), weights))


@dataclass(frozen=True)
class TierPlan:
    name: str
    reachable: bool
    rows: int | None  # rows needed for the asked power; None when unreachable
    slice_rows: dict[str, dict[str, int]]  # slice column -> value -> rows, for `in every` conditions
    power_now: float | None  # at the pilot's rows (or --rows with assumed values); None: no size given
    hardest: str | None  # the condition that needs the most rows on its own
    conditions: list[dict]
    why_unreachable: str | None = None
    planned: bool = True  # False: the tier reads what assumed values do not fix (why_unreachable says)


@dataclass(frozen=True)
class Plan:
    spec: str
    pilot_rows: int | None  # None when planned from assumed values
    power: float
    tiers: list[TierPlan]
    assumed: list[str] | None = None  # the assumed values, as written (`hurdlec plan --assume`)
    pairing: str | None = None  # how the assumed parties' predictions relate
    slices: dict[str, dict[str, float]] | None = None  # the assumed slices' shares
    rows: int | None = None  # --rows: the size the power and detectable values are given at

    def to_dict(self) -> dict:
        """What `hurdlec plan --format json` prints, through its versioned model (record/outputs.py)."""
        out = PlanOutput(
            spec=self.spec,
            pilot_rows=self.pilot_rows,
            power=self.power,
            assumed=self.assumed,
            pairing=self.pairing,
            slices=self.slices,
            rows=self.rows,
            tiers=[t.__dict__ for t in self.tiers],
        )
        return out.model_dump(mode="json")


def _se(samples: np.ndarray) -> float:
    values = samples[np.isfinite(samples)]
    if values.size < 2:
        return float("nan")
    return float(np.std(values, ddof=1))


class Planner:
    """`reference`: the multiple of the pilot's rows at which the power and the detectable values
    are given (1: the pilot itself; None: none, for a plan from assumed values without --rows);
    `truth`: what the plan takes as the truth, in its messages."""

    def __init__(
        self,
        spec: ir.Spec,
        ev: Evaluation,
        unc: Uncertainty | None,
        power: float,
        reference: float | None = 1.0,
        truth: str = "the pilot",
    ):
        self.spec, self.ev, self.unc, self.target = spec, ev, unc, power
        self.reference, self.truth = reference, truth
        self.decider = Decider(spec, ev, unc)
        for g in spec.guards:  # per-slice guards decide which slices are judged
            self.decider.guard(g)

    def _gate(self, r: ConditionResult, scope: Scope, observed: float | None) -> PlannedGate | None:
        c = r.condition
        if observed is None or r.op is None:
            return None
        rows = self.ev.subset(scope).rows
        se, fixed, data, own = 0.0, 0.0, None, None
        if r.level is not None and self.unc is not None:
            data, own = self.decider.statistic_parts(c, scope)
            se = _se(data)
            fixed = 0.0 if own is None else _se(own)
        gate = pw.Gate(observed, se, rows, r.op, r.required, r.level)
        return PlannedGate(gate, c.text, scope_key(scope), fixed, Units.of(self.ev, r), data, own)

    def _node(self, r: ConditionResult) -> Node | None:
        if r.parts:
            parts = [self._node(p) for p in r.parts]
            if any(p is None for p in parts):
                return None
            if r.condition.kind == "not":  # its part was judged as the reverse
                return parts[0]
            conjunction = (r.condition.kind == "all") != r.negated  # De Morgan, as the decision judged it
            return Node("all" if conjunction else "any", parts)
        if r.judged is not None:
            gate = self._gate(r, r.judged.scope, r.judged.observed)
            return None if gate is None else Node("gate", gate=gate)
        gates = [self._gate(r, s.scope, s.observed) for s in r.slices]
        if not gates or any(g is None for g in gates):
            return None
        return Node("any" if r.negated else "all", [Node("gate", gate=g) for g in gates])

    def _guard_scale(self) -> float:
        """The smallest multiple of the pilot's rows at which every `require rows >= N` holds."""
        scale = 0.0
        for g in self.spec.guards:
            if g.metric.name != "rows" or g.low is None:
                continue
            if g.scope is None:
                scale = max(scale, g.low / self.ev.data.rows)
            else:
                values = [g.scope.value] if g.scope.value else self.ev.slice_values(g.scope.slice)
                for v in values:
                    rows = self.ev.subset((g.scope.slice, v)).rows
                    scale = max(scale, g.low / rows if rows else math.inf)
        return scale

    def tier(self, tier: ir.Tier) -> TierPlan:
        pilot = self.ev.data.rows
        nodes, unjudged = [], []
        for c in tier.conditions:
            node = self._node(self.decider.condition(c))
            (nodes.append(node) if node is not None else unjudged.append(c.text))
        if unjudged:
            why = f"cannot be judged on the pilot: {', '.join(repr(t) for t in unjudged)}"
            return TierPlan(tier.name, False, None, {}, None, unjudged[0], [], why)
        whole = Node("all", nodes)
        power = TierPower(whole, self.unc.resamples if self.unc else 0)
        floor = self._guard_scale()
        scale = pw.smallest_scale(power, self.target)
        gates = whole.gates()
        singles = {(g.condition, g.scope): pw.smallest_scale(g.power, self.target) for g in gates}
        conditions = [
            {
                "condition": g.condition,
                "scope": g.scope,
                "estimate": g.gate.estimate,
                "op": g.gate.op,
                "required": g.gate.required,
                "level": g.gate.level,
                "power_now": None if self.reference is None else round(g.power(self.reference), 4),
                "rows_alone": None
                if singles[g.condition, g.scope] is None
                else math.ceil(singles[g.condition, g.scope] * pilot),
                "detectable_now": _detectable(g, self.target, self.reference),
                "kind": g.units.kind,
                "unit": g.units.unit,
                "scale": g.units.scale,
            }
            for g in gates
        ]
        blocked = [key for key, s in singles.items() if s is None]
        worst = blocked[0] if blocked else max(singles, key=lambda k: singles[k]) if singles else None
        hardest = None if worst is None else worst[0] + ("" if worst[1] == "all" else f" [{worst[1]}]")
        if scale is None:
            why = _why(next(g for g in gates if (g.condition, g.scope) == worst), self.target, self.truth)
            return TierPlan(tier.name, False, None, {}, self._power_now(power), hardest, conditions, why)
        scale = max(scale, floor)
        return TierPlan(
            tier.name,
            True,
            math.ceil(scale * pilot),
            self._slice_rows(tier, scale),
            self._power_now(power),
            hardest,
            conditions,
        )

    def _power_now(self, power: TierPower) -> float | None:
        return None if self.reference is None else round(power(self.reference), 4)

    def _slice_rows(self, tier: ir.Tier, scale: float) -> dict[str, dict[str, int]]:
        columns = {c.scope.slice for c in _comparisons(tier) if c.scope is not None and c.scope.value is None}
        return {
            col: {v: math.ceil(scale * self.ev.subset((col, v)).rows) for v in self.ev.slice_values(col)}
            for col in sorted(columns)
        }

    def plan(self) -> Plan:
        return Plan(self.spec.name, self.ev.data.rows, self.target, [self.tier(t) for t in self.spec.tiers])


def _comparisons(tier: ir.Tier):
    stack = list(tier.conditions)
    while stack:
        c = stack.pop()
        if isinstance(c, ir.AllOf | ir.AnyOf):
            stack.extend(c.parts)
        elif isinstance(c, ir.Not):
            stack.append(c.part)
        else:
            yield c


def _detectable(g: PlannedGate, power: float, reference: float | None) -> float | None:
    """The value the statistic must truly have to be shown with `power` at `reference` times the
    pilot's size (None: no size to say it at)."""
    if reference is None:
        return None
    se = math.sqrt(g.gate.se**2 / reference + g.fixed_se**2)
    margin = pw.Gate(g.gate.estimate, se, g.gate.rows, g.gate.op, g.gate.required, g.gate.level).detectable_margin(
        power
    )
    if margin is None:
        return None
    return g.gate.required + margin if g.gate.op in (">=", ">") else g.gate.required - margin


def _why(g: PlannedGate, power: float, truth: str) -> str:
    if g.gate.margin <= 0:
        shown = g.units.show(g.gate.estimate)
        estimate = f"the pilot's estimate {shown}"
        if truth != "the pilot":
            estimate = f"the estimate from {truth}, {shown},"
        verb = "is" if truth == "the pilot" else "are"
        return (
            f"'{g.condition}' ({g.scope}): {estimate} does not clear the hurdle "
            f"({SIGNS[g.gate.op]} {g.units.show(g.gate.required)}), so no number of rows reaches it "
            f"if {truth} {verb} the truth"
        )
    return (
        f"'{g.condition}' ({g.scope}): the baseline's own uncertainty (a figure or an earlier record) does not "
        f"shrink with more rows, and alone keeps the power below {power:.0%}"
    )


def plan_pilot(spec: ir.Spec, ev: Evaluation, unc: Uncertainty | None, power: float = 0.8) -> Plan:
    return Planner(spec, ev, unc, power).plan()


def plan_data(spec: ir.Spec, data_path: str, power: float, seed: int, resamples: int, root: str | None = None) -> Plan:
    """Read and judge the pilot as a run would (drawing only what the conditions need), then plan."""
    from hurdlelang.data.prepare import prepare
    from hurdlelang.data.read import read_table

    prepared, records = _prepared(spec, lambda: prepare(spec, read_table(data_path), {}), seed, root)
    return Planner(spec, *_judged(spec, prepared, records, seed, resamples), power).plan()


def plan_assumed(
    spec: ir.Spec,
    assumed,
    power: float,
    seed: int,
    resamples: int,
    rows: int | None = None,
    root: str | None = None,
) -> Plan:
    """Plan from assumed values (judging/assumptions.py) instead of a pilot: a synthetic pilot whose
    estimates are those values, planned as a real one; `rows`: the size to give the power at."""
    from hurdlelang.judging.assumed_pilot import synthetic_pilot
    from hurdlelang.judging.assumptions import unplannable

    # a tier that reads what the assumptions do not fix is not judged at all: no number to give
    why = {t.name: unplannable(spec, t) for t in spec.tiers}
    plannable = spec.model_copy(update={"tiers": [t for t in spec.tiers if why[t.name] is None]})
    prepared, records = _prepared(plannable, lambda: synthetic_pilot(spec, assumed, seed), seed, root)
    ev, unc = _judged(plannable, prepared, records, seed, resamples)
    reference = None if rows is None else rows / prepared.rows
    planned = iter(Planner(plannable, ev, unc, power, reference, "the assumed values").plan().tiers)
    tiers = [
        next(planned) if why[t.name] is None else TierPlan(t.name, False, None, {}, None, None, [], why[t.name], False)
        for t in spec.tiers
    ]
    assumed_texts = [a.text for a in assumed.values]
    pairing = PAIRING[spec.task]
    return Plan(spec.name, None, power, tiers, assumed_texts, pairing, assumed.slices, rows)


PAIRING = {
    "binary": "the candidate's and each baseline's decisions independent given the label",
    "regression": "the candidate's and each baseline's errors independent",
}


def _prepared(spec: ir.Spec, make, seed: int, root: str | None):
    from hurdlelang.core.diagnostics import DiagnosticError
    from hurdlelang.judging.failures import DataFailure
    from hurdlelang.judging.record_baselines import load_records

    try:
        records, _ = load_records(spec, root)
        prepared = make()
    except DiagnosticError as error:
        raise DataFailure(error.diagnostics) from None
    if any(isinstance(b, ir.DummyBaseline) for b in spec.baselines):
        from hurdlelang.judging.dummies import with_dummies

        prepared = with_dummies(spec, prepared, seed)
    return prepared, records


def _judged(spec: ir.Spec, prepared, records, seed: int, resamples: int):
    from hurdlelang.judging.uncertainty import requested

    ev = Evaluation(spec, prepared, records)
    unc = None
    if any(c.confidence is not None for c in spec.comparisons()):
        unc = Uncertainty(ev, resamples, seed)
        unc.prepare(requested(ev))
    return ev, unc
