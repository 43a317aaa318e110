"""Stage 3 output: the checked spec (IR). Pydantic models, exportable as JSON and JSON Schema.

Everything here is resolved: names exist, units are normalised (45% -> 0.45, 5 points -> 0.05),
confidence levels are inherited down to each condition, and each condition keeps the source text
and span it came from, for reports.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from hurdlelang.core.source import Span

Op = Literal[">=", ">", "<=", "<"]
Task = Literal["binary", "multiclass", "regression", "ranking"]
DirectionIR = Literal["higher", "lower", "zero", "none"]


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", json_schema_serialization_defaults_required=True)


_PLAIN_CLASS = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9][0-9_]*(\.[0-9][0-9_]*)?")


def class_text(name: str) -> str:
    """A class as the language writes it: `billing`, `3`, or quoted when it is not a name or number."""
    if _PLAIN_CLASS.fullmatch(name):
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


class MetricKey(Model):
    """A metric as the evaluator knows it: a built-in (with its @k / @beta, or the class of a
    per-class metric) or a derived one."""

    name: str
    param: float | None = None
    of: str | None = None  # a per-class metric's class: recall[billing]
    per: str | None = None  # `per month`: the metric's total at the spec's volume per period

    @property
    def key(self) -> str:
        key = self.name if self.param is None else f"{self.name}@{self.param:g}"
        key = key if self.of is None else f"{key}[{class_text(self.of)}]"
        return key if self.per is None else f"{key} per {self.per}"

    @property
    def base(self) -> MetricKey:
        """The metric on the data, without `per PERIOD`."""
        return MetricKey(name=self.name, param=self.param, of=self.of)


# ---- data ----


class Band(Model):
    """One decided band of an abstain rule: `p >= 0.8 as block`."""

    op: Op
    threshold: float
    name: str


class PredictRule(Model):
    """How decisions are made: `column op threshold`, a column that already holds them, or a
    decision at a volume: the rows with the highest values of `column` (`top 10%`, `top 500`, `at
    the volume of BASELINE`), the cut chosen on the whole data and ties at the cut all in."""

    column: str
    op: Op | None = None
    threshold: float | None = None
    top_rows: int | None = None  # `top 500`
    top_share: float | None = None  # `top 10%`: 0.10
    volume_of: str | None = None  # `at the volume of as_is`: as many rows as that baseline flags
    bands: list[Band] = []  # abstain bands: the positive band (above), then the negative (below)
    abstain: str | None = None  # the `otherwise` band: its rows are not decided

    @property
    def reads_numbers(self) -> bool:
        """The column holds numbers the rule turns into decisions, not the decisions themselves."""
        return self.op is not None or self.at_volume or self.abstain is not None

    @property
    def at_volume(self) -> bool:
        return self.top_rows is not None or self.top_share is not None or self.volume_of is not None


class ClassScore(Model):
    column: str
    class_name: str | None = None  # multiclass: the class this column holds the probability of


class DataBindings(Model):
    label: str
    label_unit: str | None = None  # `label ridership in "thousand riders"`: the unit of regression errors
    scores: list[ClassScore] = []
    classes: list[str] = []  # multiclass: `classes a, b, c`, for a spec without per-class scores
    predict: PredictRule | None = None  # None: multiclass decides by the most probable class
    weight: str | None = None
    slices: list[str] = []
    group: str | None = None
    id: str | None = None
    missing: Literal["error", "drop"] = "error"

    @property
    def declared_classes(self) -> tuple[str, ...] | None:
        """A multiclass spec's classes: those of its per-class scores, or of its `classes` line."""
        scored = tuple(s.class_name for s in self.scores if s.class_name is not None)
        return scored or tuple(self.classes) or None

    def class_words(self) -> tuple[str, str]:
        """How a data error names the declared classes, and the hint to fix a value outside them."""
        if any(s.class_name is not None for s in self.scores):
            return "the scored classes", "add a score column for that class, or fix the label"
        return "the spec's classes", "add the class to the data block's `classes` line, or fix the label"


# ---- baselines ----


class ColumnBaseline(Model):
    """The as-is process, in the same data, paired row by row with the candidate."""

    kind: Literal["column"] = "column"
    name: str
    title: str | None = None
    predict: PredictRule | None = None
    scores: list[ClassScore] = []


class Figure(Model):
    metric: MetricKey
    value: float
    rows: int | None = None  # the sample size the figure came from (a share's denominator), for its own interval
    unit: str | None = None
    low: float | None = None  # the interval it was reported with (`+- h` or `between low and high`)
    high: float | None = None
    level: float | None = None  # that interval's confidence (0.95 unless the spec says otherwise)


class FigureBaseline(Model):
    """Numbers the business already reports."""

    kind: Literal["figures"] = "figures"
    name: str
    title: str | None = None
    figures: list[Figure]


class RecordBaseline(Model):
    """An earlier decision record: the model in production now."""

    kind: Literal["record"] = "record"
    name: str
    title: str | None = None
    path: str


class DummyBaseline(Model):
    """A trivial strategy, as scikit-learn's dummy estimators define them."""

    kind: Literal["dummy"] = "dummy"
    name: str
    title: str | None = None
    strategy: Literal["most_frequent", "prior", "stratified", "uniform", "mean", "median"]


Baseline = Annotated[ColumnBaseline | FigureBaseline | RecordBaseline | DummyBaseline, Field(discriminator="kind")]

# ---- the cost matrix ----


class CostCell(Model):
    actual: str
    decided: str
    cost: float


class CostMatrix(Model):
    """What each decision costs for one row of each actual class, in `unit`; every cell given."""

    title: str | None = None
    unit: str
    classes: list[str]  # the header's order
    cells: list[CostCell]  # actual x decided, row by row

    def table(self) -> dict[tuple[str, str], float]:
        return {(c.actual, c.decided): c.cost for c in self.cells}


# ---- derived metrics ----


class NumberExpr(Model):
    kind: Literal["number"] = "number"
    value: float
    unit: str | None = None


class RefExpr(Model):
    kind: Literal["ref"] = "ref"
    metric: MetricKey


class BinaryExpr(Model):
    kind: Literal["binary"] = "binary"
    op: Literal["+", "-", "*", "/"]
    left: Expr
    right: Expr


class NegExpr(Model):
    kind: Literal["neg"] = "neg"
    operand: Expr


Expr = Annotated[NumberExpr | RefExpr | BinaryExpr | NegExpr, Field(discriminator="kind")]


class DerivedMetric(Model):
    name: str
    title: str | None = None
    direction: DirectionIR = "higher"
    unit: str | None = None
    expr: Expr
    text: str


# ---- hurdles ----


class Scope(Model):
    """`in every SLICE` (value None) or `in SLICE = "VALUE"`."""

    slice: str
    value: str | None = None
    strict: bool = False  # `in every SLICE strictly`: a slice value left unjudged fails it


class Margin(Model):
    """`by 5 points` (absolute 0.05), `by 20%` (relative 0.20), `by 2 GBP` (absolute)."""

    value: float
    relative: bool
    text: str


class CompareCondition(Model):
    """`metric op threshold`, or `metric op baseline.metric` when `against` is set."""

    kind: Literal["compare"] = "compare"
    metric: MetricKey
    direction: DirectionIR
    op: Op
    threshold: float | None = None
    against: str | None = None  # a baseline's name: compare with its value of the same metric
    against_metric: MetricKey | None = None
    scope: Scope | None = None
    confidence: float | None = None
    text: str
    span: Span


class BeatsCondition(Model):
    """`metric beats B [by m]`; with non_inferior, `metric no worse than B [by m]`."""

    kind: Literal["beats"] = "beats"
    metric: MetricKey
    baseline: str
    margin: Margin | None = None
    non_inferior: bool = False
    direction: DirectionIR
    scope: Scope | None = None
    confidence: float | None = None
    text: str
    span: Span


class AllOf(Model):
    kind: Literal["all"] = "all"
    parts: list[Condition]
    text: str
    span: Span


class AnyOf(Model):
    kind: Literal["any"] = "any"
    parts: list[Condition]
    text: str
    span: Span


class Not(Model):
    kind: Literal["not"] = "not"
    part: Condition
    text: str
    span: Span


Condition = Annotated[CompareCondition | BeatsCondition | AllOf | AnyOf | Not, Field(discriminator="kind")]


class Guard(Model):
    """`require METRIC op bound` or `require METRIC between low and high`: judged on point values."""

    metric: MetricKey
    low: float | None = None
    high: float | None = None
    low_inclusive: bool = True
    high_inclusive: bool = True
    scope: Scope | None = None
    text: str
    span: Span


class Tier(Model):
    name: str
    title: str | None = None
    confidence: float | None = None
    conditions: list[Condition]
    span: Span


class Fallback(Model):
    name: str
    title: str | None = None
    only_if_ruled_out: bool = False  # `... only if ruled out`: a tier not shown makes it inconclusive
    span: Span


class Example(Model):
    name: str
    given: dict[str, dict[str, float]]  # party ("candidate" or a baseline) -> metric key -> value
    expect: str
    span: Span


class SpecWarning(Model):
    """A compiler warning about the spec (W3xx), kept with it for the records made from it."""

    code: str
    message: str
    line: int


class Volume(Model):
    """`volume 120_000 customers per month`: totals judged `per month` are scaled from the rows
    judged to this many rows (value / n * amount)."""

    amount: float
    unit: str | None = None  # what a row is: "customers"
    period: str


class SourceInfo(Model):
    path: str
    sha256: str


class Spec(Model):
    name: str
    title: str | None = None
    owner: str
    description: str | None = None
    version: str | None = None
    task: Task
    volume: Volume | None = None
    data: DataBindings
    baselines: list[Baseline] = []
    metrics: list[DerivedMetric] = []
    cost: CostMatrix | None = None
    confidence: float | None = None
    guards: list[Guard] = []
    tiers: list[Tier]
    otherwise: Fallback
    examples: list[Example] = []
    warnings: list[SpecWarning] = []
    source: SourceInfo

    def baseline(self, name: str):
        return next(b for b in self.baselines if b.name == name)

    def derived(self, metric: str | MetricKey) -> DerivedMetric | None:
        """The derived metric of that name; None for a built-in, and for a per-class metric
        (`share[sales]` is the built-in even where the spec derives a `share` of its own)."""
        if isinstance(metric, MetricKey):
            if metric.of is not None:
                return None
            metric = metric.name
        return next((m for m in self.metrics if m.name == metric), None)

    def tier_titles(self) -> dict[str, str | None]:
        return {t.name: t.title for t in self.tiers}

    def comparisons(self) -> Iterator[CompareCondition | BeatsCondition]:
        """Every comparison of every tier, including those inside and / or / not."""
        stack: list[Condition] = [c for tier in reversed(self.tiers) for c in reversed(tier.conditions)]
        while stack:
            c = stack.pop()
            if isinstance(c, AllOf | AnyOf):
                stack.extend(reversed(c.parts))
            elif isinstance(c, Not):
                stack.append(c.part)
            else:
                yield c


for _model in (BinaryExpr, NegExpr, AllOf, AnyOf, Not):
    _model.model_rebuild()
