"""Stage 6: the decision record, enough to re-derive a decision a year later without its author.

A pydantic model whose JSON Schema ships with the package (`hurdlec schema record`), written
atomically: a temp file in the target folder, then a rename, so a reader never sees half a record.
docs/decision-record.md explains every field.
"""

from __future__ import annotations

import hashlib
import math
import os
import tempfile
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

SCHEMA_VERSION = "1"
StateLiteral = Literal["held", "failed", "undefined"]


class RecordModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ToolInfo(RecordModel):
    name: Literal["hurdlec"] = "hurdlec"
    version: str


class SpecInfo(RecordModel):
    name: str
    title: str | None
    owner: str
    version: str | None
    path: str
    sha256: str


class DataFile(RecordModel):
    role: str  # "predictions", or "baseline NAME" for a baseline's own file
    path: str
    sha256: str
    rows: int


class DataInfo(RecordModel):
    files: list[DataFile]
    rows_read: int
    rows_used: int
    rows_dropped: int
    drop_reasons: dict[str, int]


class IntervalEntry(RecordModel):
    low: float | None  # None: unbounded on that side
    high: float | None
    confidence: float
    side: Literal["lower", "upper", "two-sided"]
    undefined_fraction: float
    reason: str | None = None


class ConfidenceInfo(RecordModel):
    level: float | None  # the spec-wide level; tiers and conditions may set their own
    resamples: int
    seed: int
    methods: dict[str, str]  # metric -> how its resamples were drawn
    max_undefined_fraction: float


class MetricEntry(RecordModel):
    value: float | None
    state: Literal["defined", "undefined"]
    n: int | None  # rows in this scope; a figure's own sample size (None if not given); None for a record
    reason: str | None = None
    note: str | None = None
    interval: IntervalEntry | None = None  # two-sided, at the spec's level, when it has one


class BaselineInfo(RecordModel):
    name: str
    kind: Literal["column", "figures", "record", "dummy"]
    title: str | None
    detail: str


class SliceJudgement(RecordModel):
    slice: str
    value: str
    state: StateLiteral
    candidate_value: float | None
    baseline_value: float | None
    observed: float | None
    bound: float | None
    reason: str | None


class ConditionEntry(RecordModel):
    text: str
    kind: Literal["compare", "beats", "all", "any", "not"]
    line: int
    state: StateLiteral
    reason: str | None = None
    metric: str | None = None
    baseline: str | None = None
    scope: str | None = None
    confidence: float | None = None
    formula: str | None = None
    op: str | None = None
    required: float | None = None
    candidate_value: float | None = None
    baseline_value: float | None = None
    observed: float | None = None  # the statistic: the metric, or the improvement over the baseline
    bound: float | None = None  # the one-sided interval bound compared with `required`
    interval: IntervalEntry | None = None
    slices: list[SliceJudgement] = []
    skipped_slices: dict[str, str] = {}
    parts: list[ConditionEntry] = []


class GuardEntry(RecordModel):
    text: str
    metric: str
    state: StateLiteral
    value: float | None
    slices: dict[str, dict[str, float | str | None]] = {}
    reason: str | None = None


class TierEntry(RecordModel):
    name: str
    action: str | None
    state: StateLiteral
    confidence: float | None
    conditions: list[ConditionEntry]


class Override(RecordModel):
    tier: str
    reason: str
    by: str


class OutcomeEntry(RecordModel):
    status: Literal["decided", "inconclusive"]
    tier: str | None
    action: str | None
    blocking: bool
    reason: str
    computed_tier: str | None = None  # what the hurdles gave, when a person overrode it
    override: Override | None = None


class Warning_(RecordModel):
    code: str
    message: str


class DecisionRecord(RecordModel):
    schema_version: Literal["1"] = SCHEMA_VERSION
    tool: ToolInfo
    created_at: str
    model_id: str | None
    spec: SpecInfo
    task: str
    data: DataInfo
    confidence: ConfidenceInfo | None
    baselines: list[BaselineInfo]
    metrics: dict[str, dict[str, dict[str, MetricEntry]]]  # party -> scope ("all", "region=EU") -> metric
    guards: list[GuardEntry]
    tiers: list[TierEntry]
    fallback: str
    outcome: OutcomeEntry
    warnings: list[Warning_] = []


def finite(value: float | None) -> float | None:
    """JSON has no NaN or infinity: an unbounded or missing number is null."""
    return float(value) if value is not None and math.isfinite(value) else None


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_atomically(path: str | Path, text: str) -> None:
    target = Path(path)
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
