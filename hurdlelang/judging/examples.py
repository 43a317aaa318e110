"""`hurdlec test`: run a spec's examples, the unit tests of the agreement itself.

An example gives metric values for the candidate and for baselines, and expects a tier. The tiers
are walked exactly as `hurdlec run` walks them, on those values as point estimates: an example
tests the logic of the hurdles, not the uncertainty of a sample, so confidence levels play no part.
A guard is judged when the example gives its metric, and skipped otherwise. A per-slice condition
(`in every region`) is judged once, on the value given for the whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hurdlelang.core.names import CANDIDATE
from hurdlelang.judging.build_record import condition_entry
from hurdlelang.judging.decide import ConditionResult, Decider, Outcome, State, TierResult
from hurdlelang.judging.evaluate import evaluate_expr
from hurdlelang.lang import ir
from hurdlelang.metrics.values import MetricValue
from hurdlelang.report.summary import MARK, describe_judgement

AS_GIVEN = "(as given)"


class GivenValues:
    """Stands in for the evaluation: metric values come from the example, not from data."""

    def __init__(self, spec: ir.Spec, example: ir.Example):
        self.spec = spec
        self.given = example.given

    def value(self, party: str, metric: ir.MetricKey, scope=None) -> MetricValue:
        values = self.given.get(party, {})
        if metric.key in values:
            return MetricValue(values[metric.key])
        if metric.per is not None and metric.base.key in values:  # a per-period condition reads it as given
            return MetricValue(values[metric.base.key])
        derived = self.spec.derived(metric)
        if derived is not None:
            computed = evaluate_expr(derived.expr, lambda m: self.value(party, m).value)
            if computed is not None:
                return MetricValue(float(computed))
        who = "the candidate" if party == CANDIDATE else party
        return MetricValue(None, f"the example gives no {metric.key} for {who}")

    def slice_values(self, column: str) -> list[str]:
        return [AS_GIVEN]


@dataclass(frozen=True)
class ExampleResult:
    spec: ir.Spec
    example: ir.Example
    outcome: Outcome
    tiers: list[TierResult]

    @property
    def got(self) -> str:
        return self.outcome.tier if self.outcome.status == "decided" else "inconclusive"

    @property
    def passed(self) -> bool:
        return self.got == self.example.expect

    def explanation(self) -> list[str]:
        """The conditions that went the other way, with their values."""
        if self.passed:
            return []
        order = [t.tier.name for t in self.tiers] + [self.spec.otherwise.name]
        expected_at = order.index(self.example.expect)
        lines = []
        for i, tier in enumerate(self.tiers):
            if i < expected_at and tier.state is not State.FAILED:
                lines.append(f"better tier '{tier.tier.name}' was not ruled out by any condition:")
                lines += [_line(c) for c in tier.conditions if c.state is not State.FAILED]
            elif i == expected_at and tier.state is not State.HELD:
                lines.append(f"expected tier '{tier.tier.name}' did not hold:")
                lines += [_line(c) for c in tier.conditions if c.state is not State.HELD]
        if self.outcome.status == "inconclusive":
            lines.append(f"outcome inconclusive: {self.outcome.reason}")
        return lines

    def to_dict(self) -> dict:
        return {
            "spec": self.spec.name,
            "path": self.spec.source.path,
            "example": self.example.name,
            "line": self.example.span.line,
            "expected": self.example.expect,
            "got": self.got,
            "passed": self.passed,
            "explanation": self.explanation(),
        }


def _line(c: ConditionResult) -> str:
    detail = describe_judgement(condition_entry(c)) if c.judged is not None else (c.reason or c.state.value)
    return f"  {MARK[c.state.value]} {c.condition.text}: {detail}"


def run_example(spec: ir.Spec, example: ir.Example) -> ExampleResult:
    given = example.given.get(CANDIDATE, {})
    judged_guards = [g for g in spec.guards if g.metric.key in given and g.scope is None]
    narrowed = spec.model_copy(update={"guards": judged_guards})
    guards, tiers, outcome = Decider(narrowed, GivenValues(spec, example), None).decide()
    return ExampleResult(spec, example, outcome, tiers)


def run_examples(specs: list[ir.Spec], pattern: str | None = None) -> list[ExampleResult]:
    wanted = re.compile(pattern) if pattern else None
    return [
        run_example(spec, example)
        for spec in specs
        for example in spec.examples
        if wanted is None or wanted.search(f"{spec.name}: {example.name}")
    ]
