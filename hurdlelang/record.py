"""Stage 6: the decision record, enough to re-derive a decision a year later without its author.

A pydantic model (its JSON Schema ships with the package) written atomically: a temp file in the
target folder, then a rename, so a reader never sees half a record."""

from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from hurdlelang import __version__, ir
from hurdlelang.decide import ConditionResult, Outcome, TierResult
from hurdlelang.evaluate import Evaluation

SCHEMA_VERSION = "1"


class RecordModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ToolInfo(RecordModel):
    name: Literal["hurdlec"] = "hurdlec"
    version: str


class SpecInfo(RecordModel):
    name: str
    title: str | None
    owner: str
    path: str
    sha256: str


class DataInfo(RecordModel):
    path: str
    sha256: str
    rows: int
    rows_used: int
    rows_dropped: int
    drop_reasons: dict[str, int]


class MetricEntry(RecordModel):
    value: float | None
    state: Literal["defined", "undefined"]
    n: int
    reason: str | None = None
    note: str | None = None


class PartyEntry(RecordModel):
    confusion: dict[str, int]
    metrics: dict[str, MetricEntry]


class ConditionEntry(RecordModel):
    text: str
    kind: Literal["compare", "beats"]
    metric: str
    baseline: str | None
    candidate_value: float | None
    baseline_value: float | None
    margin: str | None
    formula: str
    observed: float | None
    op: str
    required: float
    state: Literal["held", "failed", "undefined"]
    reason: str | None
    line: int


class TierEntry(RecordModel):
    name: str
    action: str | None
    state: Literal["held", "failed", "undefined"]
    conditions: list[ConditionEntry]


class OutcomeEntry(RecordModel):
    status: Literal["decided", "inconclusive"]
    tier: str | None
    action: str | None
    blocking: bool
    reason: str


class DecisionRecord(RecordModel):
    schema_version: Literal["1"] = SCHEMA_VERSION
    tool: ToolInfo
    created_at: str
    model_id: str | None
    spec: SpecInfo
    task: str
    data: DataInfo
    metrics: dict[str, PartyEntry]
    tiers: list[TierEntry]
    fallback: str
    outcome: OutcomeEntry


def file_sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _condition_entry(result: ConditionResult) -> ConditionEntry:
    c = result.condition
    return ConditionEntry(
        text=c.text,
        kind=c.kind,
        metric=c.metric.key,
        baseline=getattr(c, "baseline", None),
        candidate_value=result.candidate,
        baseline_value=result.baseline,
        margin=c.margin.text if getattr(c, "margin", None) else None,
        formula=result.formula,
        observed=result.observed,
        op=result.op,
        required=result.required,
        state=result.state.value,
        reason=result.reason,
        line=c.span.line,
    )


def build_record(
    spec: ir.Spec,
    data_path: str,
    evaluation: Evaluation,
    tiers: list[TierResult],
    outcome: Outcome,
    model_id: str | None,
) -> DecisionRecord:
    metrics = {}
    for name, party in evaluation.parties.items():
        c = party.counts
        metrics[name] = PartyEntry(
            confusion={"tp": c.tp, "fp": c.fp, "tn": c.tn, "fn": c.fn, "n": c.n},
            metrics={
                m: MetricEntry(
                    value=v.value,
                    state="defined" if v.defined else "undefined",
                    n=c.n,
                    reason=v.reason,
                    note=party.notes.get(m),
                )
                for m, v in party.values.items()
            },
        )
    return DecisionRecord(
        tool=ToolInfo(version=__version__),
        created_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        model_id=model_id,
        spec=SpecInfo(
            name=spec.name, title=spec.title, owner=spec.owner, path=spec.source.path, sha256=spec.source.sha256
        ),
        task=spec.task,
        data=DataInfo(
            path=data_path,
            sha256=file_sha256(data_path),
            rows=evaluation.rows,
            rows_used=evaluation.rows,
            rows_dropped=0,
            drop_reasons={},
        ),
        metrics=metrics,
        tiers=[
            TierEntry(
                name=t.tier.name,
                action=t.tier.title,
                state=t.state.value,
                conditions=[_condition_entry(c) for c in t.conditions],
            )
            for t in tiers
        ],
        fallback=spec.otherwise.name,
        outcome=OutcomeEntry(
            status=outcome.status,
            tier=outcome.tier,
            action=outcome.action,
            blocking=outcome.blocking,
            reason=outcome.reason,
        ),
    )


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
