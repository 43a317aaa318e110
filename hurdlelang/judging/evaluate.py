"""Stage 4b: metric values (point estimates) for the candidate and every baseline, on the whole
data or on one slice, computed on demand and cached.

A party is the candidate, a column baseline or a dummy (computed from their predictions), a figure
baseline (the numbers it reports) or a record baseline (the candidate metrics of an earlier
decision record). Binary count metrics come from one table of joint confusion cells per slice
column, shared by every party (hurdlelang/stats/bootstrap_counts.JointCells): the sufficient statistics
that the bootstrap resamples too. Derived metrics are interpreted over a party's own values;
nothing from a spec is ever executed as Python.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from hurdlelang.core.names import CANDIDATE
from hurdlelang.data.bands import abstain_party
from hurdlelang.data.prepared import Prepared
from hurdlelang.engine.plan import reported_metrics
from hurdlelang.lang import ir
from hurdlelang.metrics.auc_by_scope import Ranks, auc_by_scope, dense_ranks
from hurdlelang.metrics.registry import (
    COUNT_METRIC_NAMES,
    MetricInputs,
    compute,
    metric_def,
    metric_from_counts,
    vectorised_count_metric,
)
from hurdlelang.metrics.sums import sum_metrics, value_from_sums
from hurdlelang.metrics.values import Counts, MetricValue
from hurdlelang.stats.bootstrap_counts import ALL, JointCells, Slices

Scope = tuple[str, str] | None  # (slice column, value), or None for the whole data


def scope_key(scope: Scope) -> str:
    return "all" if scope is None else f"{scope[0]}={scope[1]}"


def evaluate_expr(expr: ir.Expr, lookup: Callable[[ir.MetricKey], object]):
    """Interpret a derived metric's expression; `lookup` gives a metric's value (a float, or an
    array of resampled values). Returns None when a metric it needs is undefined."""
    if isinstance(expr, ir.NumberExpr):
        return expr.value
    if isinstance(expr, ir.RefExpr):
        return lookup(expr.metric)
    if isinstance(expr, ir.NegExpr):
        inner = evaluate_expr(expr.operand, lookup)
        return None if inner is None else -inner
    left, right = evaluate_expr(expr.left, lookup), evaluate_expr(expr.right, lookup)
    if left is None or right is None:
        return None
    if expr.op == "+":
        return left + right
    if expr.op == "-":
        return left - right
    if expr.op == "*":
        return left * right
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.divide(left, right)


def deciding_parties(data: Prepared) -> dict[str, np.ndarray]:
    """Every party's 0/1 decisions, and for a party with abstain bands a pseudo-party whose
    'decisions' are its abstentions, counted in the same joint cells (hurdlelang/data/bands.py)."""
    found = {p: d.decided for p, d in data.parties.items() if d.decided is not None}
    found.update({abstain_party(p): d.abstained for p, d in data.parties.items() if d.abstained is not None})
    return found


COUNT_FIELDS = ("tp", "fp", "tn", "fn", "ab")  # DecidedCounts' fields, in a count formula's order


@dataclass(frozen=True)
class DecidedCounts:
    """A party's counts on the rows it decided, with `ab` the rows it left undecided (arrays)."""

    tp: np.ndarray
    fp: np.ndarray
    tn: np.ndarray
    fn: np.ndarray
    ab: np.ndarray


def decided_counts(counts: dict, party: str, where: str) -> DecidedCounts:
    """Its abstained rows were counted as decided 0 (tn or fn); the pseudo-party's tp and fp are the
    abstained positives and negatives, so subtracting them leaves the decided rows, on the same draws."""
    c = counts[(party, where)]
    a = counts.get((abstain_party(party), where))
    if a is None:
        return DecidedCounts(c.tp, c.fp, c.tn, c.fn, np.zeros_like(c.tp))
    return DecidedCounts(c.tp, c.fp, c.tn - a.fp, c.fn - a.tp, a.tp + a.fp)


@dataclass(frozen=True)
class RecordValues:
    """The candidate's metrics in an earlier decision record: scope key -> metric key -> value."""

    path: str
    spec_sha256: str
    values: dict[str, dict[str, MetricValue]]


AUC_COLUMNS = {"roc_auc": 0, "pr_auc": 1}  # the columns of metrics/auc_by_scope.py's table


class Evaluation:
    def __init__(self, spec: ir.Spec, data: Prepared, records: dict[str, RecordValues] | None = None):
        self.spec = spec
        self.data = data
        self.records = records or {}
        self.baselines = {b.name: b for b in spec.baselines}
        self._subsets: dict[Scope, Prepared] = {None: data}
        self._cache: dict[tuple, MetricValue] = {}
        self._joint: dict[str | None, JointCells] = {}
        self._observed: dict[str | None, dict] = {}
        self._factorised: dict[str, Slices] = {}
        self._grouped: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._classes: dict[str, tuple] = {}
        self._auc_columns: dict[tuple[str, str | None], np.ndarray | None] = {}
        self._ranks: dict[str, Ranks | None] = {}
        self._indices: dict[str, dict[str, int]] = {}
        self._count_columns: dict[tuple[str, str, str], np.ndarray] = {}
        self._decided_columns: dict[tuple[str, str], list[np.ndarray]] = {}
        self._rows_per_value: dict[str, np.ndarray] = {}

    @property
    def parties(self) -> list[str]:
        return [CANDIDATE, *self.baselines]

    @property
    def rows(self) -> int:
        return self.data.rows

    def subset(self, scope: Scope) -> Prepared:
        if scope not in self._subsets:
            column, value = scope
            self._subsets[scope] = self.data.subset(self._rows_of(column, value))
        return self._subsets[scope]

    def _rows_of(self, column: str, value: str) -> np.ndarray:
        """The entries of one slice value, in data order: the column is sorted by its codes once,
        so 500 slice values cost one sort, not 500 comparisons of every text value."""
        if column not in self._grouped:
            factorised = self.factorised(column)
            order = np.argsort(factorised.codes, kind="stable")
            starts = np.searchsorted(factorised.codes[order], np.arange(len(factorised.names) + 1))
            self._grouped[column] = (order, starts)
        order, starts = self._grouped[column]
        k = self.slice_index(column).get(str(value))
        if k is None:
            return np.flatnonzero(self.data.slices[column] == value)
        return order[starts[k] : starts[k + 1]]

    def factorised(self, column: str | None) -> Slices | None:
        """A slice column as codes and names, computed once (None: the whole data)."""
        if column is None:
            return None
        if column not in self._factorised:
            if self.data.sums is not None:  # every value is in the sums; the rows are the small scopes'
                names = self.data.sums.values(column)
                codes = np.searchsorted(np.asarray(names), self.data.slices[column].astype(str))
                self._factorised[column] = Slices(codes.astype(np.int64), names)
            else:
                self._factorised[column] = self.data.factorised(column)  # the engine's codes, if it gave them
        return self._factorised[column]

    def scope_rows(self, scope: Scope) -> int:
        """Rows in a scope (the sums know every scope's; the arrays may hold only small scopes)."""
        if self.data.sums is not None:
            return self.data.sums.scope_rows(scope)
        if scope is None:
            return self.data.rows
        column, value = scope
        if column not in self._rows_per_value:
            codes, m = self.factorised(column).codes, self.data.multiplicity
            self._rows_per_value[column] = np.bincount(codes, weights=m, minlength=len(self.factorised(column).names))
        k = self.slice_index(column).get(str(value))
        return 0 if k is None else int(self._rows_per_value[column][k])

    def slice_values(self, column: str) -> list[str]:
        return list(self.factorised(column).names)

    def value(self, party: str, metric: ir.MetricKey, scope: Scope = None) -> MetricValue:
        key = (party, metric.key, scope)
        if key not in self._cache:
            self._cache[key] = self._compute(party, metric, scope)
        return self._cache[key]

    def note(self, party: str, metric: ir.MetricKey) -> str | None:
        data_party = self.data.parties.get(party)
        if data_party is None:
            return None
        if metric.name in ("roc_auc", "pr_auc") and data_party.score is None and data_party.decided is not None:
            return "computed from 0/1 decisions (no score bound)"
        return data_party.note

    def per_period_factor(self) -> float | None:
        """`per month`: a total over the rows judged, scaled to the spec's volume (value / n * volume);
        one factor for every scope, so a slice's monthly total is its share of the volume."""
        n = self.value(CANDIDATE, ir.MetricKey(name="n"), None).value
        return None if self.spec.volume is None or not n else self.spec.volume.amount / n

    def _compute(self, party: str, metric: ir.MetricKey, scope: Scope) -> MetricValue:
        if metric.per is not None:
            if isinstance(self.baselines.get(party), ir.FigureBaseline):  # stated per period (E217)
                return self._figure(self.baselines[party], metric, scope)
            if isinstance(self.baselines.get(party), ir.RecordBaseline):
                return MetricValue(None, f"a per-{metric.per} total is scaled from the rows judged; {party} has none")
            base = self.value(party, metric.base, scope)
            factor = self.per_period_factor()
            if base.value is None or factor is None:
                return MetricValue(None, base.reason or "no rows")
            return MetricValue(base.value * factor)
        derived = self.spec.derived(metric)
        baseline = self.baselines.get(party)
        if isinstance(baseline, ir.FigureBaseline):
            return self._figure(baseline, metric, scope)
        if isinstance(baseline, ir.RecordBaseline):
            return self._record(party, metric, scope)
        if derived is not None:
            value = evaluate_expr(derived.expr, lambda m: self._number(party, m, scope))
            if value is None:
                return MetricValue(None, f"{derived.name} needs a metric that is undefined here")
            if not np.isfinite(value):
                return MetricValue(None, f"{derived.name} divides by zero here")
            return MetricValue(float(value))
        if self.data.sums is not None and metric.name in sum_metrics(self.spec.task) | {"rows"}:
            sums = self.data.sums
            return value_from_sums(self.spec.task, metric.name, party, sums.scope(scope, "w"), sums.terms)
        if metric.name == "rows":
            rows = self.scope_rows(scope)
            return MetricValue(float(rows)) if rows else MetricValue(None, "no rows")
        data = self.data.parties.get(party)
        if self.spec.task == "binary" and metric.name in COUNT_METRIC_NAMES and data and data.decided is not None:
            if scope is not None and (found := self._count_in_slice(party, metric, scope)) is not None:
                return found
            return metric_from_counts(metric.name, metric.param, self.counts(party, scope))
        if metric.name in AUC_COLUMNS and (found := self._auc_in_scope(party, metric, scope)):
            return found
        return self._builtin(party, metric, self.subset(scope))

    def _auc_in_scope(self, party: str, metric: ir.MetricKey, scope: Scope) -> MetricValue | None:
        """A scope's roc_auc or pr_auc from one pass over its column (metrics/auc_by_scope.py; the
        whole data is a column of one value), over the party's score ranks found once; None when
        that pass has no value for it, and `_builtin` gives the value or its reason."""
        column = scope[0] if scope else None
        key = (party, column)
        if key not in self._auc_columns:
            self._auc_columns[key] = self._auc_of_column(party, column)
        table = self._auc_columns[key]
        if table is None:
            return None
        if scope is None:
            value = table[0, AUC_COLUMNS[metric.name]]
            return MetricValue(float(value)) if np.isfinite(value) else None
        return self._entry(column, scope[1], table[:, AUC_COLUMNS[metric.name]])

    def _count_in_slice(self, party: str, metric: ir.MetricKey, scope: tuple[str, str]) -> MetricValue | None:
        """A slice value's count metric from one formula over every value of its column (the same
        formula as one at a time); None where it is undefined, and metric_from_counts gives the reason."""
        column, value = scope
        key = (party, metric.key, column)
        if key not in self._count_columns:
            arrays = self._decided_by_value(party, column)
            self._count_columns[key] = vectorised_count_metric(metric.name, metric.param, *arrays)
        return self._entry(column, value, self._count_columns[key])

    def _decided_by_value(self, party: str, column: str) -> list[np.ndarray]:
        """A party's decided counts on every value of a slice column, an array a field of
        COUNT_FIELDS: gathered once for all its count metrics, not once a metric."""
        key = (party, column)
        if key not in self._decided_columns:
            joint = self._joint_cells(column)
            parts = [decided_counts(joint, party, name) for name in self.factorised(column).names]
            self._decided_columns[key] = [np.concatenate([getattr(p, f) for p in parts]) for f in COUNT_FIELDS]
        return self._decided_columns[key]

    def _entry(self, column: str, value: str, per_value: np.ndarray) -> MetricValue | None:
        """A slice value's entry of a table over every value of its column; None if undefined."""
        k = self.slice_index(column).get(str(value))
        return None if k is None or not np.isfinite(per_value[k]) else MetricValue(float(per_value[k]))

    def _auc_of_column(self, party: str, column: str | None) -> np.ndarray | None:
        p = self.data.parties.get(party)
        if self.spec.task != "binary" or p is None or self.data.sums is not None or self.data.rows == 0:
            return None  # (sums: the arrays may hold only the small scopes' rows)
        score = p.rank_score
        if score is None:
            return None
        slices = self.factorised(column)
        if slices is None:  # the whole data: one scope over the entries (rows, or cells)
            codes, n = np.zeros(len(self.data.label), np.int64), 1
        else:
            codes, n = slices.codes, len(slices.names)
        return auc_by_scope(self.data.label, score, codes, n, self.data.frequency, self.score_ranks(party))

    def score_ranks(self, party: str) -> Ranks | None:
        """Each entry's rank among a binary party's distinct scores (metrics/auc_by_scope.dense_ranks),
        found once for every scope's point and interval of roc_auc and pr_auc; None without a score."""
        if party not in self._ranks:
            p = self.data.parties.get(party)
            score = None if p is None else p.rank_score
            finite = score is not None and bool(np.isfinite(score).all())
            self._ranks[party] = dense_ranks(np.asarray(score, dtype=float)) if finite else None
        return self._ranks[party]

    def slice_index(self, column: str) -> dict[str, int]:
        """Each value of a slice column -> its code in ``factorised(column)``."""
        if column not in self._indices:
            self._indices[column] = {name: k for k, name in enumerate(self.factorised(column).names)}
        return self._indices[column]

    def _number(self, party: str, metric: ir.MetricKey, scope: Scope) -> float | None:
        return self.value(party, metric, scope).value

    def _builtin(self, party: str, metric: ir.MetricKey, data: Prepared) -> MetricValue:
        if data.rows == 0:
            return MetricValue(None, "no rows")
        if metric.name == "rows":
            return MetricValue(float(data.rows))
        if metric.name == "queries":
            return MetricValue(float(len(np.unique(data.group))))
        if metric.name == "n" and self.spec.task != "binary":
            return MetricValue(float(data.frequency.sum() if data.frequency is not None else data.rows))
        p = data.parties[party]
        needs = metric_def(self.spec.task, metric.name).needs
        score = p.decided if self.spec.task == "regression" else p.score  # a forecast is its own score
        if "score" in needs and self.spec.task == "binary":
            score = p.rank_score  # a hard rule's AUC: its 0/1 decisions rank the rows
        who = "the candidate" if party == CANDIDATE else f"baseline {party}"
        if "decided" in needs and p.decided is None:
            return MetricValue(None, f"{who} has no decisions")
        if "score" in needs and score is None:
            return MetricValue(None, f"{who} has no scores")
        multiclass = self.spec.task == "multiclass"
        inputs = MetricInputs(
            label=data.label,
            decided=p.decided,
            score=score,
            classes=data.classes,
            group=data.group,
            weight=data.frequency,  # a cell counts as many rows as it stands for
            matrix_classes=self.matrix_classes(party) if multiclass else None,
            of=metric.of,
            costs=self.spec.cost.table() if multiclass and self.spec.cost is not None else None,
        )
        return compute(self.spec.task, metric.name, metric.param, inputs)

    def matrix_classes(self, party: str) -> tuple:
        """The classes of a party's confusion matrix on every scope (multiclass): the spec's declared
        classes and every class of the whole data's labels and the party's decisions. A macro
        average in a slice counts each of them, whether or not it occurs there."""
        if party not in self._classes:
            decided = self.data.parties[party].decided
            seen = [self.data.label] + ([decided] if decided is not None else [])
            declared = np.asarray(self.data.classes or (), dtype=self.data.label.dtype)
            self._classes[party] = tuple(np.unique(np.concatenate([*seen, declared])))
        return self._classes[party]

    def counts(self, party: str, scope: Scope) -> Counts:
        """Confusion counts of a party on the whole data or a slice, from one table of joint cells
        per slice column shared by every party: the sufficient statistics of all count metrics."""
        c = decided_counts(self._joint_cells(scope[0] if scope else None), party, scope[1] if scope else ALL)
        return Counts(tp=float(c.tp[0]), fp=float(c.fp[0]), tn=float(c.tn[0]), fn=float(c.fn[0]), ab=float(c.ab[0]))

    def _joint_cells(self, column: str | None) -> dict:
        """Every party's counts on every scope of ``column`` (JointCells.observed), once."""
        if column not in self._observed:
            self._observed[column] = self.joint_cells(column).observed()
        return self._observed[column]

    def joint_cells(self, column: str | None) -> JointCells:
        """The joint cells (slice x label x every deciding party's bit) of ``column``'s values, or of
        the whole data: built once, for the points here and the intervals (judging/uncertainty.py)."""
        if column not in self._joint:
            self._joint[column] = JointCells.build(
                self.data.label,
                deciding_parties(self.data),
                self.factorised(column),
                self.data.weight,
                multiplicity=self.data.multiplicity,
            )
        return self._joint[column]

    def _figure(self, baseline: ir.FigureBaseline, metric: ir.MetricKey, scope: Scope) -> MetricValue:
        # a reported figure is one benchmark for the whole business: every slice is held to it
        figure = next((f for f in baseline.figures if f.metric.key == metric.key), None)
        if figure is None:
            return MetricValue(None, f"{baseline.name} reports no figure for {metric.key}")
        return MetricValue(figure.value)

    def _record(self, party: str, metric: ir.MetricKey, scope: Scope) -> MetricValue:
        record = self.records[party]
        value = record.values.get(scope_key(scope), {}).get(metric.key)
        if value is None:
            return MetricValue(None, f"the record {record.path} holds no {metric.key} for {scope_key(scope)}")
        return value

    def reported_for(self, party: str) -> list[ir.MetricKey]:
        """What the record lists for one party: figures and records only have what they hold."""
        baseline = self.baselines.get(party)
        if isinstance(baseline, ir.FigureBaseline):
            return [f.metric for f in baseline.figures]
        if isinstance(baseline, ir.RecordBaseline):
            held = self.records[party].values.get("all", {})
            return [m for m in self.reported_metrics() if m.key in held]
        return self.reported_metrics()

    def reported_metrics(self) -> list[ir.MetricKey]:
        """What the record lists for every party: the task's usual metrics and all the spec uses
        (one definition, shared with the statistics plan)."""
        return reported_metrics(self.spec)
