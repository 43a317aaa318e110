"""Static analysis of checked hurdles: tiers that can never be reached, conditions that contradict,
tiers that are not staggered, figures judged at a confidence level without a sample size.

Each top-level condition of a tier becomes a bound on one quantity: the candidate's level of a
metric, its improvement over a baseline, or its difference from a baseline's value; a quantity is
identified by everything that changes its meaning (metric, baseline, scope, confidence). Compound
conditions (or / not) are compared only by their text.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from hurdlelang.core import codes
from hurdlelang.core.diagnostics import Diagnostic
from hurdlelang.lang import ir
from hurdlelang.lang.catalogue import lookup


@dataclass(frozen=True)
class Bound:
    """`quantity >= value` (lower) or `quantity <= value` (upper), inclusive or strict."""

    key: tuple
    lower: bool
    value: float
    inclusive: bool
    condition: ir.Condition

    def at_least_as_strict(self, other: Bound) -> bool:
        if self.value != other.value:
            return self.value > other.value if self.lower else self.value < other.value
        return other.inclusive or not self.inclusive

    def stricter(self, other: Bound) -> bool:
        return self.at_least_as_strict(other) and not other.at_least_as_strict(self)

    def describe(self) -> str:
        return self.condition.text

    @property
    def demanding(self) -> bool:
        """Does a stricter bound ask for a better model? (Not so for a cap on recall, or on bias.)"""
        if self.key[0] == "improvement":
            return True
        direction = self.condition.direction
        return (direction == "higher" and self.lower) or (direction == "lower" and not self.lower)


def _scope(scope: ir.Scope | None) -> tuple:
    return (scope.slice, scope.value) if scope else ()


def _bound(c: ir.Condition) -> Bound | None:
    if isinstance(c, ir.CompareCondition):
        lower = c.op in (">=", ">")
        if c.against is None:
            key = ("level", c.metric.key, _scope(c.scope), c.confidence)
            return Bound(key, lower, c.threshold, c.op in (">=", "<="), c)
        key = ("versus", c.metric.key, c.against, c.against_metric.key, _scope(c.scope), c.confidence)
        return Bound(key, lower, 0.0, c.op in (">=", "<="), c)
    if isinstance(c, ir.BeatsCondition):
        relative = bool(c.margin and c.margin.relative)
        key = ("improvement", c.metric.key, c.baseline, relative, _scope(c.scope), c.confidence)
        margin = c.margin.value if c.margin else 0.0
        if c.non_inferior:
            return Bound(key, True, -margin, True, c)
        return Bound(key, True, margin, c.margin is not None, c)
    return None


Bounds = dict[tuple, list[Bound]]  # (quantity key, is lower bound) -> the tier's bounds on it


def _implies(bounds: Bounds, opaque: set[str], target: ir.Condition) -> bool:
    wanted = _bound(target)
    if wanted is None:
        return target.text in opaque
    # strictness is a total order: the strictest bound of the group decides, found in O(1)
    strictest = bounds.get((wanted.key, wanted.lower), _NO_BOUNDS)[0]
    return strictest is not None and strictest.at_least_as_strict(wanted)


def _split(tier: ir.Tier) -> tuple[Bounds, set[str]]:
    bounds: Bounds = {}
    opaque = set()
    for c in tier.conditions:
        b = _bound(c)
        if b is None:
            opaque.add(c.text)
        else:
            bounds.setdefault((b.key, b.lower), []).append(b)
    return bounds, opaque


_NO_BOUNDS: list = [None]


def _strictest_first(bounds: Bounds) -> Bounds:
    """The same groups, each with its strictest bound moved to the front (the rest in order)."""
    ordered = {}
    for key, group in bounds.items():
        top = min(range(len(group)), key=lambda i: (_strictness(group[i]), i))
        ordered[key] = [group[top], *group[:top], *group[top + 1 :]]
    return ordered


def _strictness(b: Bound) -> tuple:
    """Smallest for the strictest bound: the highest lower bound or the lowest upper one, strict first."""
    return (-b.value if b.lower else b.value, b.inclusive)


def _all(bounds: Bounds) -> list[Bound]:
    return [b for group in bounds.values() for b in group]


MAX_CONTRADICTIONS = 20  # per tier: enough to see the pattern in a generated spec


def _contradicting(low: Bound, highs: list[Bound], values: list[float], order: list[int]) -> list[int]:
    """Positions (in source order) of the upper bounds that `low` contradicts, found by bisection:
    every upper bound below it, and those equal to it unless both are inclusive."""
    below = bisect.bisect_left(values, low.value)
    equal_end = bisect.bisect_right(values, low.value)
    hits = order[:below] + [i for i in order[below:equal_end] if not (low.inclusive and highs[i].inclusive)]
    return sorted(hits)


def _contradictions(tier: ir.Tier, bounds: list[Bound], path: str) -> list[Diagnostic]:
    """Pairs of a lower and an upper bound on one quantity that cannot both hold. Each lower bound
    is checked against the sorted upper bounds, so a tier of thousands of conditions stays fast."""
    highs_by_key: dict[tuple, list[Bound]] = {}
    for b in bounds:
        if not b.lower:
            highs_by_key.setdefault(b.key, []).append(b)
    sorted_by_key = {}
    for key, highs in highs_by_key.items():
        order = sorted(range(len(highs)), key=lambda i: highs[i].value)
        sorted_by_key[key] = (highs, [highs[i].value for i in order], order)
    found = []
    for low in (b for b in bounds if b.lower):
        if low.key not in sorted_by_key:
            continue
        highs, values, order = sorted_by_key[low.key]
        for i in _contradicting(low, highs, values, order):
            high = highs[i]
            later = max(low, high, key=lambda b: (b.condition.span.line, b.condition.span.column))
            found.append(
                Diagnostic(
                    codes.CONTRADICTORY_TIER,
                    f"tier '{tier.name}' can never be reached: "
                    f"'{low.describe()}' and '{high.describe()}' cannot both hold",
                    path,
                    later.condition.span,
                    "one of the two bounds is probably mistyped",
                )
            )
            if len(found) == MAX_CONTRADICTIONS:
                return found
    return found


def _figure_without_rows(spec: ir.Spec, path: str) -> list[Diagnostic]:
    figures = {b.name: {f.metric.key: f for f in b.figures} for b in spec.baselines if isinstance(b, ir.FigureBaseline)}
    found = []

    for c in spec.comparisons():
        baseline = getattr(c, "baseline", None) or getattr(c, "against", None)
        metric = c.against_metric if isinstance(c, ir.CompareCondition) and c.against else c.metric
        figure = figures.get(baseline, {}).get(metric.key) if baseline else None
        if figure is not None and figure.rows is None and figure.low is None and c.confidence is not None:
            found.append(
                Diagnostic(
                    codes.FIGURE_WITHOUT_SIZE,
                    f"{baseline}'s {metric.key} has no sample size or interval, "
                    f"so it is treated as exact at {c.confidence:.0%} confidence",
                    path,
                    c.span,
                    _uncertainty_hint(spec.task, metric, figure),
                )
            )
    return found


def _uncertainty_hint(task: str, metric: ir.MetricKey, figure: ir.Figure) -> str:
    """What to write so that the figure gets an uncertainty of its own (each form has an effect)."""
    info = lookup(metric.name, task)
    value = f"{figure.value:g}" + (f" {figure.unit}" if figure.unit else "")
    if metric.per is not None:  # written `margin = 52000 EUR per month +- ...`
        value += f" per {metric.per}"
    name = metric.base.key
    if info is not None and info.share_of is not None:
        return f"say how many {info.share_of} it was computed from: {name} = {value} from N rows"
    return (
        f"give the interval it was reported with: {name} = {value} +- HALF_WIDTH, "
        f"or {name} = {value} between LOW and HIGH"
    )


def _unreachable(spec: ir.Spec, split, path: str) -> list[Diagnostic]:
    found = []
    for j, lower_tier in enumerate(spec.tiers):
        bounds_j, opaque_j = split[j]
        bounds_j = _strictest_first(bounds_j)
        for better in spec.tiers[:j]:
            if better.conditions and all(_implies(bounds_j, opaque_j, c) for c in better.conditions):
                found.append(
                    Diagnostic(
                        codes.UNREACHABLE_TIER,
                        f"tier '{lower_tier.name}' can never be reached: whenever its conditions hold, "
                        f"so do those of the better tier '{better.name}'",
                        path,
                        lower_tier.span,
                        f"loosen '{lower_tier.name}' below '{better.name}', or reorder the tiers",
                    )
                )
                break
    return found


def _not_staggered(spec: ir.Spec, split, path: str) -> list[Diagnostic]:
    """A demanding bound of a tier stricter than the loosest bound on the same quantity in any
    better tier. Keeping only the loosest bound seen so far makes this linear in the tiers."""
    found = []
    loosest: dict[tuple, tuple[Bound, ir.Tier]] = {}
    for tier, (bounds, _) in zip(spec.tiers, split, strict=True):
        for b in (b for b in _all(bounds) if b.demanding):
            seen = loosest.get((b.key, b.lower))
            if seen and b.stricter(seen[0]):
                a, better = seen
                found.append(
                    Diagnostic(
                        codes.NOT_STAGGERED,
                        f"tier '{tier.name}' asks '{b.describe()}', more than the better tier "
                        f"'{better.name}' asks ('{a.describe()}')",
                        path,
                        b.condition.span,
                        "hurdles should get lower from the best tier down",
                    )
                )
        for b in _all(bounds):
            seen = loosest.get((b.key, b.lower))
            if seen is None or seen[0].stricter(b):
                loosest[(b.key, b.lower)] = (b, tier)
    return found


def analyse(spec: ir.Spec, path: str) -> list[Diagnostic]:
    split = [_split(t) for t in spec.tiers]
    found: list[Diagnostic] = []
    for tier, (bounds, _) in zip(spec.tiers, split, strict=True):
        found += _contradictions(tier, _all(bounds), path)
    found += _unreachable(spec, split, path)
    found += _not_staggered(spec, split, path)
    return found + _figure_without_rows(spec, path)
