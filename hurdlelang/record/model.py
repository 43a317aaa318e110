"""Stage 6: the decision record, enough to re-derive a decision a year later without its author.

A pydantic model whose JSON Schema ships with the package (`hurdlec schema record`), written
atomically by hurdlelang/core/atomic_write.py, so a reader never sees half a record.
docs/decision-record.md explains every field.
"""

from __future__ import annotations

import hashlib
import math
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, WithJsonSchema

SCHEMA_VERSION = "3"
# every version this hurdlec can read: docs/decision-record.md#schema-and-versions says what changed
READABLE_VERSIONS = ("1", "2", "3")
StateLiteral = Literal["held", "failed", "undefined"]
# held; ruled_out: the reverse holds at the same level (the data show it fails); not_shown: the data
# cannot tell yet; failed: failed on point estimates, no confidence level; undefined
EvidenceLiteral = Literal["held", "ruled_out", "not_shown", "failed", "undefined"]


class RecordModel(BaseModel):
    # every field is written, so the shipped schema requires every field, defaults included; frozen:
    # a record is built complete (outcome, blocking and exit code worked out first) and never patched
    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_serialization_defaults_required=True)


class ToolInfo(RecordModel):
    name: Literal["hurdlec"] = "hurdlec"
    version: str


class SpecInfo(RecordModel):
    name: str
    title: str | None
    owner: str
    description: str | None = None
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
    methods: dict[str, str]  # "party.metric" -> how its resamples were drawn
    max_undefined_fraction: float
    notes: list[str] = []  # e.g. the error bound of binned AUCs, measured on the data


class GitInfo(RecordModel):
    """The git checkout that holds the spec file, when the run was made."""

    commit: str  # the full SHA-1 (or SHA-256) of HEAD
    branch: str | None  # None: a detached HEAD outside CI
    dirty: bool  # tracked files had uncommitted changes: the commit alone does not give the spec


class CiInfo(RecordModel):
    """The CI run that made the record, from the variables the CI system sets."""

    system: Literal["github-actions", "gitlab-ci", "jenkins", "ci"]  # "ci": only CI=true was set
    run_id: str | None
    run_url: str | None
    job: str | None


class RunInfo(RecordModel):
    """How the run was made: what a re-run needs besides the spec and the data."""

    command: str  # "hurdlec run" or "hurdlelang.judge"
    seed: int
    resamples: int
    auc_method: str
    fail_on: list[str]
    exit_code: int  # what `hurdlec run` exited with (the API gives the same code)
    versions: dict[str, str]  # python, hurdlelang and the numerical libraries
    git: GitInfo | None = None  # the repository holding the spec, when it is in one (version 2)
    ci: CiInfo | None = None  # the CI run that made the record, when one did (version 2)


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
    interval: IntervalEntry | None = None  # two-sided, at the stated level: for reading
    judged_interval: IntervalEntry | None = None  # one-sided, at judged_at: what the decision compared
    reason: str | None


class ConditionEntry(RecordModel):
    text: str
    kind: Literal["compare", "beats", "all", "any", "not"]
    line: int
    state: StateLiteral
    reason: str | None = None
    metric: str | None = None
    direction: Literal["higher", "lower", "zero", "none"] | None = None  # which way the metric is better
    baseline: str | None = None
    baseline_metric: str | None = None  # the baseline's metric compared, for `metric op baseline.metric`
    margin: str | None = None  # as written: "5 points", "20%", "2 GBP"
    relative: bool | None = None  # True when the margin is a share of the baseline's value
    scope: str | None = None  # "region=EU" (one slice) or "every region"
    strict: bool = False  # `in every region strictly`: a slice value not judged fails the condition
    confidence: float | None = None
    formula: str | None = None
    op: str | None = None
    required: float | None = None
    candidate_value: float | None = None
    baseline_value: float | None = None
    observed: float | None = None  # the statistic: the metric, or the improvement over the baseline
    bound: float | None = None  # the one-sided interval bound compared with `required`
    interval: IntervalEntry | None = None  # two-sided, at the stated level (`confidence`): for reading
    judged_interval: IntervalEntry | None = None  # one-sided, at `judged_at`: what the decision compared
    slices: list[SliceJudgement] = []
    skipped_slices: dict[str, str] = {}
    parts: list[ConditionEntry] = []
    judged_at: float | None = None  # the level actually used: `confidence`, corrected inside an `or`
    level_reason: str | None = None  # why that level (as stated; split over an `or`; reversed by `not`)
    negated: bool = False  # judged as the reverse comparison (`op` is then the reversed one)
    evidence: EvidenceLiteral | None = None


class GuardSlice(RecordModel):
    state: StateLiteral
    value: float | None


class GuardEntry(RecordModel):
    text: str
    line: int
    metric: str
    low: float | None  # the bounds the metric must lie within; None: unbounded on that side
    high: float | None
    low_inclusive: bool
    high_inclusive: bool
    scope: str | None  # "every region" for a per-slice guard, "region=EU" for one slice
    strict: bool = False  # `in every region strictly`: every slice value must pass
    state: StateLiteral
    value: float | None
    slices: dict[str, GuardSlice] = {}  # per-slice guards: each slice value, judged
    reason: str | None = None


class TierEntry(RecordModel):
    name: str
    action: str | None
    state: StateLiteral
    confidence: float | None
    conditions: list[ConditionEntry]
    evidence: EvidenceLiteral | None = None  # for a tier not reached: ruled out, or not shown


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
    computed_status: Literal["decided", "inconclusive"] | None = None  # what the hurdles gave, when overridden
    computed_tier: str | None = None  # the tier the hurdles gave (None when that was inconclusive)
    override: Override | None = None


class Warning_(RecordModel):
    code: str
    message: str
    line: int | None = None  # in the spec, for the compiler's warnings


class Fallback(RecordModel):
    name: str
    action: str | None
    only_if_ruled_out: bool = False  # the spec falls back only when every tier is ruled out


class MetricInfo(RecordModel):
    title: str | None
    direction: Literal["higher", "lower", "zero", "none"]
    unit: str | None  # None: a pure number; "GBP"; "the label's unit" for regression errors
    low: float | None  # the metric's range; None: unbounded
    high: float | None


class AliasInfo(RecordModel):
    """A registered model's alias that the run was asked to set (--mlflow-alias)."""

    model: str  # the registered model's name
    version: str  # the version the alias points at when set: --model-id models:/NAME/VERSION, or the run's
    name: str  # the alias
    set: bool  # True only when a tier that does not block was reached
    reason: str


class MlflowInfo(RecordModel):
    """The MLflow run the record was logged to (--mlflow-run, --mlflow-experiment, log_to_mlflow)."""

    tracking_uri: str
    experiment_id: str
    run_id: str
    alias: AliasInfo | None = None


class DecisionRecord(RecordModel):
    # reads every version (fields a version lacks stay at their defaults); the schema says what is written
    schema_version: Annotated[Literal["1", "2", "3"], WithJsonSchema({"const": SCHEMA_VERSION, "type": "string"})] = (
        SCHEMA_VERSION
    )
    tool: ToolInfo
    run: RunInfo
    created_at: str
    model_id: str | None
    spec: SpecInfo
    task: str
    data: DataInfo
    confidence: ConfidenceInfo | None
    baselines: list[BaselineInfo]
    metric_info: dict[str, MetricInfo]  # every metric the record lists: what it is, which way is better
    metrics: dict[str, dict[str, dict[str, MetricEntry]]]  # party -> scope ("all", "region=EU") -> metric
    guards: list[GuardEntry]
    tiers: list[TierEntry]
    fallback: Fallback
    outcome: OutcomeEntry
    warnings: list[Warning_] = []
    mlflow: MlflowInfo | None = None  # version 2


def finite(value: float | None) -> float | None:
    """JSON has no NaN or infinity: an unbounded or missing number is null."""
    return float(value) if value is not None and math.isfinite(value) else None


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
