"""What the checker knows about one spec while it checks it: names in scope and the reporter."""

from __future__ import annotations

from dataclasses import dataclass, field

from hurdlelang.core.diagnostics import Diagnostic
from hurdlelang.core.source import Source, Span
from hurdlelang.lang import ir
from hurdlelang.lang.catalogue import Direction, Needs
from hurdlelang.lang.units import Unit


@dataclass(frozen=True)
class MetricType:
    """What a checker needs to know of a metric, built-in or derived."""

    key: ir.MetricKey
    direction: Direction
    unit: Unit
    low: float
    high: float
    needs: frozenset[Needs]
    derived: bool = False
    share_of: str | None = None  # a share of counted units (a binomial proportion): of what

    @property
    def is_proportion(self) -> bool:
        return self.low == 0.0 and self.high == 1.0


@dataclass
class Party:
    """A baseline as the checker sees it: what it can be compared on."""

    name: str
    kind: str
    has_decisions: bool = False
    has_scores: bool = False
    figures: dict[str, ir.Figure] = field(default_factory=dict)
    strategy: str | None = None  # a dummy baseline's strategy


@dataclass
class Context:
    source: Source
    diagnostics: list[Diagnostic]
    task: str | None = None
    data: ir.DataBindings | None = None
    parties: dict[str, Party] = field(default_factory=dict)
    slices: set[str] = field(default_factory=set)
    derived: dict[str, MetricType | None] = field(default_factory=dict)
    label_unit: str | None = None  # `label x in "UNIT"`: the unit of regression errors
    classes: tuple[str, ...] | None = None  # a multiclass spec's declared classes
    cost: ir.CostMatrix | None = None  # the checked cost matrix
    cost_given: bool = False  # a cost matrix is written (checked or not): no second error for `cost`
    volume: ir.Volume | None = None  # `volume 120_000 customers per month`
    definitions: dict = field(default_factory=dict)  # derived metric name -> its expression (AST)

    def report(self, code: str, message: str, span: Span, hint: str | None = None, subject: str | None = None) -> None:
        self.diagnostics.append(Diagnostic(code, message, self.source.path, span, hint, subject=subject))

    def text(self, span: Span) -> str:
        return self.source.span_text(span)
