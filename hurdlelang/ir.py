"""Stage 3 output: the checked spec (IR). Pydantic models, exportable as JSON and JSON Schema.

Everything here is resolved: names exist, units are normalised (45% -> 0.45, 5 points -> 0.05),
and each condition keeps the source text and span it came from, for reports.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

Op = Literal[">=", ">", "<=", "<"]


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SpanIR(Model):
    line: int
    column: int
    end_line: int
    end_column: int


class PredictRule(Model):
    """How decisions are made: `column op threshold`, or a column that already holds 0/1."""

    column: str
    op: Op | None = None
    threshold: float | None = None


class DataBindings(Model):
    label: str
    score: str | None = None
    predict: PredictRule


class ColumnBaseline(Model):
    kind: Literal["column"] = "column"
    name: str
    title: str | None = None
    predict: PredictRule


Baseline = ColumnBaseline


class Margin(Model):
    """`by 5 points` (absolute 0.05), `by 20%` (relative 0.20), `by 0.1` (absolute)."""

    value: float
    relative: bool
    text: str


class CompareCondition(Model):
    kind: Literal["compare"] = "compare"
    metric: str
    op: Op
    threshold: float
    text: str
    span: SpanIR


class BeatsCondition(Model):
    kind: Literal["beats"] = "beats"
    metric: str
    baseline: str
    margin: Margin | None = None
    text: str
    span: SpanIR


Condition = Annotated[CompareCondition | BeatsCondition, Field(discriminator="kind")]


class Tier(Model):
    name: str
    title: str | None = None
    conditions: list[Condition]
    span: SpanIR


class Fallback(Model):
    name: str
    title: str | None = None
    span: SpanIR


class SourceInfo(Model):
    path: str
    sha256: str


class Spec(Model):
    name: str
    title: str | None = None
    owner: str
    task: Literal["binary"]
    data: DataBindings
    baselines: list[Baseline]
    tiers: list[Tier]
    otherwise: Fallback
    source: SourceInfo

    def baseline(self, name: str) -> Baseline:
        return next(b for b in self.baselines if b.name == name)

    def metrics_used(self) -> list[str]:
        seen: dict[str, None] = {}
        for tier in self.tiers:
            for condition in tier.conditions:
                seen[condition.metric] = None
        return list(seen)
