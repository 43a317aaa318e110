"""Stage 4b: metric values for the candidate and every baseline on the prepared data."""

from __future__ import annotations

from dataclasses import dataclass

from hurdlelang import ir
from hurdlelang.data import Decisions, Prepared
from hurdlelang.metric_values import COUNT_METRICS, SCORE_METRICS, Counts, MetricValue

CANDIDATE = "candidate"


@dataclass(frozen=True)
class PartyMetrics:
    """All metric values of one party (the candidate or a baseline) on the same rows."""

    name: str
    counts: Counts
    values: dict[str, MetricValue]
    notes: dict[str, str]


@dataclass(frozen=True)
class Evaluation:
    rows: int
    parties: dict[str, PartyMetrics]

    def value(self, party: str, metric: str) -> MetricValue:
        return self.parties[party].values[metric]


def _party(name: str, label, decisions: Decisions) -> PartyMetrics:
    counts = Counts.of(label, decisions.decided)
    values = {metric: fn(counts) for metric, fn in COUNT_METRICS.items()}
    notes = {}
    ranking = decisions.score if decisions.score is not None else decisions.decided.astype(float)
    if decisions.score is None:
        notes["roc_auc"] = "computed from 0/1 decisions (no score bound)"
    for metric, fn in SCORE_METRICS.items():
        values[metric] = fn(label, ranking)
    return PartyMetrics(name, counts, values, notes)


def evaluate(spec: ir.Spec, data: Prepared) -> Evaluation:
    parties = {CANDIDATE: _party(CANDIDATE, data.label, data.candidate)}
    for name, decisions in data.baselines.items():
        parties[name] = _party(name, data.label, decisions)
    return Evaluation(data.rows, parties)
