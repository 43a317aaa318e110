"""Stage 2: the AST. Typed, immutable nodes, each with the span of source it came from."""

from __future__ import annotations

from dataclasses import dataclass, field

from hurdlelang.source import Span


@dataclass(frozen=True)
class Name:
    value: str
    span: Span


@dataclass(frozen=True)
class Quantity:
    """A number with an optional unit: `0.45`, `5 points`, `20%`, `38 GBP`."""

    value: float
    unit: str | None
    span: Span
    text: str


@dataclass(frozen=True)
class Column:
    name: str
    span: Span


@dataclass(frozen=True)
class Predict:
    """`predict COLUMN [CMP NUMBER]`: a decision rule, or a column of 0/1 decisions."""

    column: Column
    op: str | None
    threshold: Quantity | None
    span: Span


@dataclass(frozen=True)
class Binding:
    """One line of a `data` block: `label x`, `score y`, `predict ...`."""

    kind: str
    value: Column | Predict
    span: Span


@dataclass(frozen=True)
class DataBlock:
    bindings: tuple[Binding, ...]
    span: Span


@dataclass(frozen=True)
class Baseline:
    name: Name
    title: str | None
    items: tuple[Predict, ...]
    span: Span


@dataclass(frozen=True)
class MetricRef:
    name: Name
    span: Span


@dataclass(frozen=True)
class Compare:
    """`metric CMP quantity`."""

    metric: MetricRef
    op: str
    threshold: Quantity
    span: Span


@dataclass(frozen=True)
class Beats:
    """`metric beats BASELINE [by quantity]`."""

    metric: MetricRef
    baseline: Name
    margin: Quantity | None
    span: Span


Condition = Compare | Beats


@dataclass(frozen=True)
class Tier:
    name: Name
    title: str | None
    conditions: tuple[Condition, ...]
    span: Span


@dataclass(frozen=True)
class Otherwise:
    name: Name
    title: str | None
    span: Span


@dataclass(frozen=True)
class Hurdles:
    tiers: tuple[Tier, ...]
    otherwise: tuple[Otherwise, ...]
    span: Span


@dataclass(frozen=True)
class Field:
    """A header line: `owner "..."`, `task binary`."""

    key: str
    value: str
    span: Span
    value_span: Span


@dataclass(frozen=True)
class Spec:
    name: Name
    title: str | None
    fields: tuple[Field, ...]
    data: tuple[DataBlock, ...]
    baselines: tuple[Baseline, ...]
    hurdles: tuple[Hurdles, ...]
    span: Span
    items: tuple = field(default=(), repr=False)


@dataclass(frozen=True)
class File:
    path: str
    specs: tuple[Spec, ...]
