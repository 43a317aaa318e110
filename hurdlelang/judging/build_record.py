"""Stage 6: the results of a run, turned into a DecisionRecord."""

from __future__ import annotations

from datetime import UTC, datetime

from hurdlelang.core.version import __version__
from hurdlelang.judging.decide import ConditionResult, GuardResult, Judged, TierResult
from hurdlelang.judging.evaluate import Evaluation, Scope, scope_key
from hurdlelang.judging.uncertainty import Uncertainty
from hurdlelang.lang import ir
from hurdlelang.lang.catalogue import UnitKind, lookup
from hurdlelang.lang.units import Unit
from hurdlelang.record.model import (
    BaselineInfo,
    ConditionEntry,
    ConfidenceInfo,
    DataFile,
    DataInfo,
    DecisionRecord,
    Fallback,
    GuardEntry,
    GuardSlice,
    IntervalEntry,
    MetricEntry,
    MetricInfo,
    OutcomeEntry,
    RunInfo,
    SliceJudgement,
    SpecInfo,
    TierEntry,
    ToolInfo,
    Warning_,
    file_sha256,
    finite,
)
from hurdlelang.stats.intervals import MAX_UNDEFINED, Interval, intervals


def _interval(iv: Interval | None) -> IntervalEntry | None:
    if iv is None:
        return None
    return IntervalEntry(
        low=finite(iv.low),
        high=finite(iv.high),
        confidence=iv.confidence,
        side=iv.side,
        undefined_fraction=iv.undefined_fraction,
        reason=iv.reason,
    )


def _baseline_detail(b) -> str:
    if isinstance(b, ir.ColumnBaseline):
        rule = b.predict
        parts = []
        if rule:
            parts.append(f"predict {rule.column}" + (f" {rule.op} {rule.threshold:g}" if rule.op else ""))
        parts += [f"score {s.column}" for s in b.scores]
        return ", ".join(parts)
    if isinstance(b, ir.FigureBaseline):
        return ", ".join(
            f"{f.metric.key} = {f.value:g}"
            + (f" {f.unit}" if f.unit else "")
            + (f" from {f.rows} rows" if f.rows else "")
            + (f" between {f.low:g} and {f.high:g} at {f.level:.0%} confidence" if f.low is not None else "")
            for f in b.figures
        )
    if isinstance(b, ir.RecordBaseline):
        return f"record {b.path}"  # the file's digest is added by the caller, who knows where it is
    return f"strategy {b.strategy}"


def _record_digest(ev: Evaluation, b) -> str:
    if not isinstance(b, ir.RecordBaseline):
        return ""
    return f" (sha256 {file_sha256(ev.records[b.name].path)})"


def _judged_values(j: Judged | None) -> dict:
    if j is None:
        return {}
    return {
        "candidate_value": finite(j.candidate),
        "baseline_value": finite(j.baseline),
        "observed": finite(j.observed),
        "bound": finite(j.bound),
        "interval": _interval(j.interval),
        "judged_interval": _interval(j.judged_interval),
    }


def _scope_text(c: ir.Condition) -> str | None:
    scope = getattr(c, "scope", None)
    if scope is None:
        return None
    return f"every {scope.slice}" if scope.value is None else scope_key((scope.slice, scope.value))


def condition_entry(r: ConditionResult) -> ConditionEntry:
    c = r.condition
    entry = {
        "text": c.text,
        "kind": c.kind,
        "line": c.span.line,
        "state": r.state.value,
        "reason": r.reason,
    }
    if isinstance(c, ir.CompareCondition | ir.BeatsCondition):
        margin = c.margin if isinstance(c, ir.BeatsCondition) else None
        entry |= {
            "metric": c.metric.key,
            "direction": c.direction,
            "baseline": c.baseline if isinstance(c, ir.BeatsCondition) else c.against,
            "baseline_metric": c.against_metric.key if isinstance(c, ir.CompareCondition) and c.against else None,
            "margin": margin.text if margin else None,
            "relative": margin.relative if margin else None,
            "scope": _scope_text(c),
            "strict": bool(c.scope and c.scope.strict),
            "confidence": c.confidence,
            "formula": r.formula,
            "op": r.op,
            "required": r.required,
            **_judged_values(r.judged),
            "slices": [
                SliceJudgement(
                    slice=s.scope[0],
                    value=s.scope[1],
                    state=s.state.value,
                    candidate_value=finite(s.candidate),
                    baseline_value=finite(s.baseline),
                    observed=finite(s.observed),
                    bound=finite(s.bound),
                    interval=_interval(s.interval),
                    judged_interval=_interval(s.judged_interval),
                    reason=s.reason,
                )
                for s in r.slices
            ],
            "skipped_slices": r.skipped,
        }
    entry["parts"] = [condition_entry(p) for p in r.parts]
    entry |= {
        "judged_at": r.level,
        "level_reason": r.level_reason,
        "negated": r.negated,
        "evidence": r.evidence.value if r.evidence else None,
    }
    return ConditionEntry(**entry)


def _guard(g: GuardResult) -> GuardEntry:
    guard = g.guard
    scope = None
    if guard.scope is not None:
        scope = (
            f"every {guard.scope.slice}"
            if guard.scope.value is None
            else scope_key((guard.scope.slice, guard.scope.value))
        )
    return GuardEntry(
        text=guard.text,
        line=guard.span.line,
        metric=guard.metric.key,
        low=guard.low,
        high=guard.high,
        low_inclusive=guard.low_inclusive,
        high_inclusive=guard.high_inclusive,
        scope=scope,
        strict=bool(guard.scope and guard.scope.strict),
        state=g.state.value,
        value=finite(g.value),
        slices={v: GuardSlice(state=s.value, value=finite(val)) for v, (s, val) in g.slices.items()},
        reason=g.reason,
    )


def _scopes(ev: Evaluation) -> list[Scope]:
    return [None] + [(column, v) for column in ev.spec.data.slices for v in ev.slice_values(column)]


def _sizes(ev: Evaluation, party: str, metrics: list[ir.MetricKey], scope: Scope) -> list[int | None]:
    """Each metric's n on a scope: a figure's own sample size (None if not given), none for a
    record, and the scope's rows for a party measured on the data."""
    baseline = ev.baselines.get(party)
    if isinstance(baseline, ir.FigureBaseline):
        return [next((f.rows for f in baseline.figures if f.metric.key == m.key), None) for m in metrics]
    if isinstance(baseline, ir.RecordBaseline):
        return [None] * len(metrics)
    return [ev.scope_rows(scope)] * len(metrics)


def _metric_info(ev: Evaluation) -> dict[str, MetricInfo]:
    return _metric_info_for(ev, {m.key: m for party in ev.parties for m in ev.reported_for(party)})


def _metric_info_for(ev: Evaluation, keys: dict[str, ir.MetricKey]) -> dict[str, MetricInfo]:
    info = {}
    for key, metric in keys.items():
        derived = ev.spec.derived(metric)
        if metric.per is not None:
            info[key] = _per_period_info(ev, metric)
            continue
        if derived is not None:
            info[key] = MetricInfo(
                title=derived.title, direction=derived.direction, unit=derived.unit, low=None, high=None
            )
            continue
        m = lookup(metric.name, ev.spec.task)
        label = ev.spec.data.label_unit
        unit = {
            UnitKind.NONE: None,
            UnitKind.LABEL: str(Unit.of_label(label)),
            UnitKind.LABEL_SQUARED: str(Unit.of_label(label, 2)),
            UnitKind.COST: ev.spec.cost.unit if ev.spec.cost is not None else None,
        }[m.unit]
        info[key] = MetricInfo(
            title=m.title, direction=m.direction.value, unit=unit, low=finite(m.low), high=finite(m.high)
        )
    return info


def _per_period_info(ev: Evaluation, metric: ir.MetricKey) -> MetricInfo:
    """A total at the spec's volume: the metric's unit per period (`EUR per month`)."""
    base = metric_info_of(ev, metric.base)
    volume = ev.spec.volume
    rows = f"{volume.amount:,.0f} {volume.unit or 'rows'}"
    unit = f"{base.unit} per {metric.per}" if base.unit else f"per {metric.per}"
    title = f"{base.title or metric.name}, per {metric.per} at {rows} per {volume.period}"
    return MetricInfo(title=title, direction=base.direction, unit=unit, low=None, high=None)


def metric_info_of(ev: Evaluation, metric: ir.MetricKey) -> MetricInfo:
    """What the record says about one metric (its title, direction, unit, range)."""
    return _metric_info_for(ev, {metric.key: metric})[metric.key]


def _metrics(ev: Evaluation, unc: Uncertainty | None, level: float | None) -> dict:
    return {party: _party_metrics(ev, unc, level, party) for party in ev.parties}


def _party_metrics(
    ev: Evaluation, unc: Uncertainty | None, level: float | None, party: str
) -> dict[str, dict[str, MetricEntry]]:
    """One party's metrics on every scope, a figure's or a record's on the whole data only; the
    metric's note, its key and the scope's rows are looked up once, not once an entry (a record
    holds 8,000 entries with 500 slice values)."""
    whole_only = isinstance(ev.baselines.get(party), ir.FigureBaseline | ir.RecordBaseline)
    scopes = [None] if whole_only else _scopes(ev)
    metrics = ev.reported_for(party)
    keys = [m.key for m in metrics]
    notes = [ev.note(party, m) for m in metrics]
    interval_of = _intervals_of(unc, level, party, scopes, metrics)
    per_scope = {}
    for scope in scopes:
        entries = {}
        for metric, key, note, n in zip(metrics, keys, notes, _sizes(ev, party, metrics, scope), strict=True):
            v = ev.value(party, metric, scope)
            entries[key] = MetricEntry(
                value=finite(v.value),
                state="defined" if v.defined else "undefined",
                n=n,
                reason=v.reason,
                note=note,
                interval=interval_of.get((scope, key)),
            )
        per_scope[scope_key(scope)] = entries
    return per_scope


def _intervals_of(
    unc: Uncertainty | None, level: float | None, party: str, scopes: list[Scope], metrics: list[ir.MetricKey]
) -> dict[tuple[Scope, str], IntervalEntry | None]:
    """The two-sided interval at the spec's level of each (scope, metric key) that was resampled,
    read from one matrix of all their resamples."""
    if unc is None or level is None:
        return {}
    drawn = [(scope, metric) for scope in scopes for metric in metrics if unc.has(party, metric, scope)]
    if not drawn:
        return {}
    keys = [metric.key for _, metric in drawn]
    found = intervals([unc.samples(party, metric, scope) for scope, metric in drawn], level, "two-sided", keys)
    return {(scope, key): _interval(iv) for (scope, _), key, iv in zip(drawn, keys, found, strict=True)}


def build_record(
    spec: ir.Spec,
    ev: Evaluation,
    unc: Uncertainty | None,
    guards: list[GuardResult],
    tiers: list[TierResult],
    final: OutcomeEntry,
    files: list[DataFile],
    model_id: str | None,
    warnings: list[Warning_],
    run: RunInfo,
) -> DecisionRecord:
    level = spec.confidence or next((t.confidence for t in spec.tiers if t.confidence), None)
    return DecisionRecord(
        tool=ToolInfo(version=__version__),
        run=run,
        created_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        model_id=model_id,
        spec=_spec_info(spec),
        task=spec.task,
        data=_data_info(ev, files),
        confidence=_confidence_info(spec, unc),
        baselines=[
            BaselineInfo(name=b.name, kind=b.kind, title=b.title, detail=_baseline_detail(b) + _record_digest(ev, b))
            for b in spec.baselines
        ],
        metric_info=_metric_info(ev),
        metrics=_metrics(ev, unc, level),
        guards=[_guard(g) for g in guards],
        tiers=[_tier(t) for t in tiers],
        fallback=Fallback(
            name=spec.otherwise.name, action=spec.otherwise.title, only_if_ruled_out=spec.otherwise.only_if_ruled_out
        ),
        outcome=final,
        warnings=warnings,
    )


def _spec_info(spec: ir.Spec) -> SpecInfo:
    return SpecInfo(
        name=spec.name,
        title=spec.title,
        owner=spec.owner,
        description=spec.description,
        version=spec.version,
        path=spec.source.path,
        sha256=spec.source.sha256,
    )


def _data_info(ev: Evaluation, files: list[DataFile]) -> DataInfo:
    data = ev.data
    return DataInfo(
        files=files,
        rows_read=data.rows_read,
        rows_used=data.rows,
        rows_dropped=data.rows_read - data.rows,
        drop_reasons=data.dropped,
    )


def _confidence_info(spec: ir.Spec, unc: Uncertainty | None) -> ConfidenceInfo | None:
    if unc is None:
        return None
    return ConfidenceInfo(
        level=spec.confidence,
        resamples=unc.resamples,
        seed=unc.seed,
        methods=dict(sorted(unc.methods.items())),
        max_undefined_fraction=MAX_UNDEFINED,
        notes=unc.notes,
    )


def _tier(t: TierResult) -> TierEntry:
    return TierEntry(
        name=t.tier.name,
        action=t.tier.title,
        state=t.state.value,
        confidence=t.tier.confidence,
        conditions=[condition_entry(c) for c in t.conditions],
        evidence=t.evidence.value if t.evidence else None,
    )
