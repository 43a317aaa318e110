"""Stage 2: the AST. Typed, immutable nodes, each with the span of source it came from.

The AST says what was written, not whether it makes sense: names are unresolved and numbers
keep their units as written. The checker (hurdlelang/lang/check/checker.py) turns it into the IR.
"""

from __future__ import annotations

from dataclasses import dataclass

from hurdlelang.core.source import Span


@dataclass(frozen=True)
class Name:
    value: str
    span: Span


@dataclass(frozen=True)
class Quantity:
    """A number with an optional unit as written: `0.45`, `5 points`, `20%`, `38 GBP`."""

    value: float
    unit: str | None  # None, "%", "points", or a unit word such as "GBP"
    span: Span
    text: str


@dataclass(frozen=True)
class Column:
    name: str
    span: Span


@dataclass(frozen=True)
class Rule:
    """`COLUMN [CMP NUMBER]`: a decision rule over a score, or a column of decisions."""

    column: Column
    op: str | None
    threshold: Quantity | None
    span: Span
    top: Quantity | None = None  # `COLUMN top 10%` / `COLUMN top 500`: a decision at a volume
    volume_of: Name | None = None  # `COLUMN at the volume of BASELINE`


@dataclass(frozen=True)
class Band:
    """`COLUMN CMP NUMBER as NAME`: one decided band of an abstain rule."""

    column: Column
    op: str
    threshold: Quantity
    name: Name
    span: Span


@dataclass(frozen=True)
class Bands:
    """`predict p >= 0.8 as block, p < 0.2 as allow, otherwise review`."""

    bands: tuple[Band, ...]
    otherwise: Name
    span: Span


@dataclass(frozen=True)
class LabelIn:
    """`label COLUMN in "UNIT"`: the label and the unit it is measured in."""

    column: Column
    unit: str
    unit_span: Span
    quoted: bool  # written as a string ("thousand riders") rather than a name (riders)


@dataclass(frozen=True)
class ClassScore:
    """One score column, for one class when `for CLASS` is given (multiclass)."""

    column: Column
    class_name: str | None
    span: Span


@dataclass(frozen=True)
class Binding:
    """One line of a `data` block, or a baseline's `predict`/`score`: `label x`, `slice a, b` ..."""

    kind: str  # label, score, predict, weight, slice, group, id, missing
    value: Column | Rule | Name | tuple
    span: Span


@dataclass(frozen=True)
class DataBlock:
    bindings: tuple[Binding, ...]
    span: Span


@dataclass(frozen=True)
class ClassName:
    """A class of a multiclass spec as written: `billing`, `"Very frail"`, `3`."""

    value: str
    span: Span
    text: str  # as written, quotes included


@dataclass(frozen=True)
class MetricRef:
    name: Name
    param: Quantity | None
    span: Span
    of: ClassName | None = None  # a per-class metric: `recall[billing]`

    @property
    def text(self) -> str:
        at = f"@{self.param.text}" if self.param else ""
        return self.name.value + at + (f"[{self.of.text}]" if self.of else "")


@dataclass(frozen=True)
class Figure:
    """`precision = 0.41 [from 12_000 rows]`, `mae = 1.9 +- 0.2 [at 90% confidence]` or
    `mae = 1.9 between 1.7 and 2.1 [at 90% confidence]` in a figure baseline."""

    metric: MetricRef
    value: Quantity
    rows: Quantity | None
    span: Span
    plus_minus: Quantity | None = None
    low: Quantity | None = None  # `between low and high`
    high: Quantity | None = None
    confidence: Confidence | None = None  # the level of the reported interval (95% when absent)
    per: Name | None = None  # `margin = 52_000 EUR per month`: a total per period, at the spec's volume


@dataclass(frozen=True)
class Baseline:
    name: Name
    title: str | None
    items: tuple[Binding, ...]  # predict / score / record / strategy / figure
    span: Span


# ---- the cost matrix ----


@dataclass(frozen=True)
class CostRow:
    """One actual class and the cost of each decision for one of its rows, in the header's order."""

    actual: ClassName
    costs: tuple[Quantity, ...]
    span: Span


@dataclass(frozen=True)
class CostMatrix:
    """`cost ["title"] [in UNIT] { decided A, B ...  A 0, 5 ... }`: rows actual, columns decided."""

    title: str | None
    unit: Name | None
    decided: tuple[ClassName, ...]
    rows: tuple[CostRow, ...]
    span: Span
    header_span: Span


# ---- expressions of derived metrics ----


@dataclass(frozen=True)
class BinOp:
    op: str  # + - * /
    left: Expr
    right: Expr
    span: Span


@dataclass(frozen=True)
class Neg:
    operand: Expr
    span: Span


Expr = Quantity | MetricRef | BinOp | Neg


@dataclass(frozen=True)
class MetricDef:
    name: Name
    title: str | None
    direction: str | None  # "higher", "lower" or None (higher by default)
    expr: Expr
    span: Span


# ---- hurdles ----


@dataclass(frozen=True)
class Confidence:
    level: Quantity
    span: Span


@dataclass(frozen=True)
class Scope:
    """`in every SLICE` (value None) or `in SLICE = "VALUE"`."""

    slice: Name
    value: str | None
    span: Span
    strict: bool = False  # `in every SLICE strictly`: a slice value left unjudged fails the condition


@dataclass(frozen=True)
class BaselineMetric:
    baseline: Name
    metric: MetricRef
    span: Span


@dataclass(frozen=True)
class Compare:
    metric: MetricRef
    op: str
    operand: Quantity | BaselineMetric
    scope: Scope | None
    confidence: Confidence | None
    span: Span
    per: Name | None = None  # `net_value >= 40_000 GBP per month`: the metric's total per period


@dataclass(frozen=True)
class Beats:
    """`metric beats B [by m]`, or with non_inferior `metric no worse than B [by m]`."""

    metric: MetricRef
    baseline: Name
    margin: Quantity | None
    non_inferior: bool
    scope: Scope | None
    confidence: Confidence | None
    span: Span
    per: Name | None = None  # `by 5_000 GBP per month`


@dataclass(frozen=True)
class Between:
    """`metric between LOW and HIGH`, both ends included."""

    metric: MetricRef
    low: Quantity
    high: Quantity
    scope: Scope | None
    confidence: Confidence | None
    span: Span
    per: Name | None = None


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Condition, ...]
    span: Span


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Condition, ...]
    span: Span


@dataclass(frozen=True)
class Not:
    part: Condition
    span: Span


Condition = Compare | Beats | Between | AllOf | AnyOf | Not


@dataclass(frozen=True)
class Guard:
    """`require METRIC CMP q` or `require METRIC between q1 and q2`, optionally per slice."""

    metric: MetricRef
    op: str  # a comparison, or "between"
    bounds: tuple[Quantity, ...]
    scope: Scope | None
    span: Span


@dataclass(frozen=True)
class Tier:
    name: Name
    title: str | None
    confidence: Confidence | None
    conditions: tuple[Condition, ...]
    span: Span


@dataclass(frozen=True)
class Otherwise:
    name: Name
    title: str | None
    span: Span
    only_if_ruled_out: bool = False  # `otherwise NAME "..." only if ruled out`


@dataclass(frozen=True)
class Hurdles:
    confidence: Confidence | None
    guards: tuple[Guard, ...]
    tiers: tuple[Tier, ...]
    otherwise: tuple[Otherwise, ...]
    span: Span


# ---- examples ----


@dataclass(frozen=True)
class Given:
    party: Name | None  # None: the candidate
    values: tuple[tuple[MetricRef, Quantity], ...]
    span: Span


@dataclass(frozen=True)
class Expect:
    tier: Name
    span: Span


@dataclass(frozen=True)
class Example:
    name: str
    givens: tuple[Given, ...]
    expects: tuple[Expect, ...]
    span: Span


# ---- the spec ----


@dataclass(frozen=True)
class Field:
    """A header line: `owner "..."`, `description "..."`, `version "..."`, `task binary`."""

    key: str
    value: str
    span: Span
    value_span: Span


@dataclass(frozen=True)
class Volume:
    """`volume 120_000 customers per month`."""

    amount: Quantity
    period: Name
    span: Span


@dataclass(frozen=True)
class Spec:
    name: Name
    title: str | None
    fields: tuple[Field, ...]
    data: tuple[DataBlock, ...]
    baselines: tuple[Baseline, ...]
    metrics: tuple[MetricDef, ...]
    hurdles: tuple[Hurdles, ...]
    examples: tuple[Example, ...]
    span: Span
    costs: tuple[CostMatrix, ...] = ()
    volumes: tuple[Volume, ...] = ()


@dataclass(frozen=True)
class File:
    path: str
    specs: tuple[Spec, ...]
