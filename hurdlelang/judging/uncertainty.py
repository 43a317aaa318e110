"""Stage 4c: bootstrap samples of every metric a confidence-level condition needs, paired across
parties: one resample draws the same rows for the candidate and every baseline.

Which method serves a metric (each exactly a row bootstrap; see the modules named):
- binary count metrics (precision, recall, f1, tp ...): a multinomial over the joint confusion cells
  of all parties (hurdlelang/stats/bootstrap_counts.py), cost independent of the number of rows;
- binary roc_auc and pr_auc: the binned (default) or exact paired AUC bootstrap
  (hurdlelang/stats/bootstrap_auc.py);
- multiclass confusion metrics (accuracy, f1_macro, balanced_accuracy ...): a multinomial over the
  joint (slice, actual class, each party's class) cells (hurdlelang/stats/bootstrap_confusion.py);
- everything else (regression, ranking, log_loss, brier, top_k_accuracy): resampling rows, or whole
  queries for ranking, and computing the metric on each resample;
- a figure baseline with a sample size: a parametric binomial bootstrap, independent of the data;
  without one, or a record baseline: its value, treated as exact (the record says so).
Derived metrics are computed on each resample from their parts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from hurdlelang.core.names import CANDIDATE
from hurdlelang.judging.evaluate import Evaluation, Scope, evaluate_expr, scope_key
from hurdlelang.lang import ir
from hurdlelang.lang.catalogue import AUC_METRICS
from hurdlelang.metrics.multiclass import Cells
from hurdlelang.metrics.registry import (
    CONFUSION_METRIC_NAMES,
    COUNT_METRIC_NAMES,
    vectorised_confusion_metric,
    vectorised_count_metric,
)
from hurdlelang.stats.bootstrap_auc import resample_auc
from hurdlelang.stats.bootstrap_confusion import ConfusionCells, resample_confusion
from hurdlelang.stats.bootstrap_counts import ALL, JointCells, resample_counts
from hurdlelang.stats.bootstrap_means import query_units, sum_form
from hurdlelang.stats.figures import figure_draws
from hurdlelang.stats.intervals import make_rng

Request = tuple[str, ir.MetricKey, Scope]


@dataclass
class Uncertainty:
    evaluation: Evaluation
    resamples: int = 1000
    seed: int = 0
    auc_method: str = "binned"
    methods: dict[str, str] = field(default_factory=dict)  # "party.metric" -> how it was resampled
    notes: list[str] = field(default_factory=list)
    _samples: dict[tuple[str, str, Scope], np.ndarray] = field(default_factory=dict)

    def samples(self, party: str, metric: ir.MetricKey, scope: Scope) -> np.ndarray:
        return self._samples[(party, metric.key, scope)]

    def has(self, party: str, metric: ir.MetricKey, scope: Scope) -> bool:
        return (party, metric.key, scope) in self._samples

    def prepare(self, requests: set[Request]) -> None:
        """Draw every requested (party, metric, scope), derived metrics through their parts."""
        leaves: set[Request] = set()
        for party, metric, scope in requests:
            self._leaves(party, metric, scope, leaves)
        by_method: dict[str, list[Request]] = {
            "counts": [],
            "confusion": [],
            "auc": [],
            "rows": [],
            "fixed": [],
            "sizes": [],
        }
        # sorted, so that the record's methods and notes come out in one order on every run
        for request in sorted(leaves, key=_request_order):
            by_method[self._method(*request)].append(request)
        self._counts(by_method["counts"])
        by_method["rows"] += self._confusion(by_method["confusion"])
        self._auc(by_method["auc"])
        self._rows(by_method["rows"])
        self._fixed(by_method["fixed"])
        self._sizes(by_method["sizes"])
        for party, metric, scope in sorted(requests, key=lambda r: (r[0], r[1].key, str(r[2]))):
            self._derived(party, metric, scope)

    # ---- planning ----

    def _leaves(self, party: str, metric: ir.MetricKey, scope: Scope, out: set[Request]) -> None:
        derived = self.evaluation.spec.derived(metric)
        baseline = self.evaluation.baselines.get(party)
        if derived is None or isinstance(baseline, ir.FigureBaseline | ir.RecordBaseline):
            out.add((party, metric, scope))
            return
        for ref in _refs(derived.expr):
            self._leaves(party, ref, scope, out)

    def _method(self, party: str, metric: ir.MetricKey, scope: Scope) -> str:
        baseline = self.evaluation.baselines.get(party)
        if isinstance(baseline, ir.FigureBaseline | ir.RecordBaseline):
            return "fixed"
        ranking = self.evaluation.spec.task == "ranking"
        if metric.name == "queries" or (metric.name == "rows" and not ranking):
            return "sizes"  # (rows of a ranking: whole queries are drawn, so the sums below count them)
        if self.evaluation.spec.task == "binary":
            if metric.name in COUNT_METRIC_NAMES and self.evaluation.data.parties[party].decided is not None:
                return "counts"
            if metric.name in AUC_METRICS:
                return "auc"
        multiclass = self.evaluation.spec.task == "multiclass"
        if (
            multiclass
            and metric.name in CONFUSION_METRIC_NAMES
            and self.evaluation.data.parties[party].decided is not None
        ):
            return "confusion"
        return "rows"

    # ---- methods ----

    def _by_column(self, requests: list[Request]) -> dict[str | None, list[Request]]:
        grouped: dict[str | None, list[Request]] = {}
        for request in requests:
            grouped.setdefault(request[2][0] if request[2] else None, []).append(request)
        return grouped

    def _counts(self, requests: list[Request]) -> None:
        data = self.evaluation.data
        parties = {p: data.parties[p].decided for p in data.parties if data.parties[p].decided is not None}
        for column, group in self._by_column(requests).items():
            cells = JointCells.build(data.label, parties, self.evaluation.factorised(column), data.weight)
            drawn = resample_counts(cells, self.resamples, self.seed, f"counts:{column or ALL}")
            for party, metric, scope in group:
                c = drawn.counts[(party, scope[1] if scope else ALL)]
                self._samples[(party, metric.key, scope)] = _count_metric(metric, c)
                self.methods[f"{party}.{metric.key}"] = drawn.method
            self.notes += [n for n in drawn.notes if n not in self.notes]
            if drawn.weight_error_bound > 0:
                where = f"slices of {column}" if column else "the whole data"
                self.notes.append(
                    f"weighted counts on {where}: weights quantised, each resampled count within "
                    f"{drawn.weight_error_bound:.2g} (relative) of its exact value"
                )

    def _confusion(self, requests: list[Request]) -> list[Request]:
        """Multiclass confusion metrics by the multinomial over joint cells (exact, O(cells) per
        resample); returns the requests left to row resampling (too many joint cells to count)."""
        data = self.evaluation.data
        parties = {p: d.decided for p, d in data.parties.items() if d.decided is not None}
        left: list[Request] = []
        for column, group in self._by_column(requests).items():
            cells = ConfusionCells.build(
                data.label, parties, data.classes, self.evaluation.factorised(column), data.weight
            )
            if cells is None:
                left += group
                continue
            drawn = resample_confusion(cells, self.resamples, self.seed, f"confusion:{column or ALL}")
            method = "multinomial over joint cells" + (" (quantised weights)" if cells.groups.notes else "")
            costs = self.evaluation.spec.cost.table() if self.evaluation.spec.cost is not None else None
            for party, metric, scope in group:
                matrices = drawn[(party, scope[1] if scope else ALL)]
                own = Cells(tuple(cells.classes[cells.own[party]]), metric.of, costs)
                self._samples[(party, metric.key, scope)] = vectorised_confusion_metric(
                    metric.name, metric.param, matrices, own
                )
                self.methods[f"{party}.{metric.key}"] = method
            self.notes += [n for n in cells.groups.notes if n not in self.notes]
            bound = cells.groups.weight_error_bound
            if bound > 0:
                where = f"slices of {column}" if column else "the whole data"
                self.notes.append(
                    f"weighted confusion cells on {where}: weights quantised, each resampled cell within "
                    f"{bound:.2g} (relative) of its exact value"
                )
        return left

    def _auc(self, requests: list[Request]) -> None:
        if not requests:
            return
        data = self.evaluation.data
        scores = {
            p: (d.score if d.score is not None else d.decided.astype(float))
            for p, d in data.parties.items()
            if d.score is not None or d.decided is not None
        }
        for column, group in self._by_column(requests).items():
            drawn = resample_auc(
                data.label,
                scores,
                slices=self.evaluation.factorised(column),
                weights=data.weight,
                resamples=self.resamples,
                seed=self.seed,
                stream=f"auc:{column or ALL}",
                method=self.auc_method,
            )
            for party, metric, scope in group:
                where = scope[1] if scope else ALL
                self._samples[(party, metric.key, scope)] = drawn.get(party, metric.name, where)
                self.methods[f"{party}.{metric.key}"] = f"{drawn.method} paired AUC bootstrap"
                bound = drawn.error_bound.get((party, where), {}).get(metric.name)
                if bound:
                    self.notes.append(f"{party}.{metric.key} ({scope_key(scope)}): binning error at most {bound:.2g}")
            self.notes += [n for n in drawn.notes if n not in self.notes]

    def _rows(self, requests: list[Request]) -> None:
        """Resample units (rows; whole queries for ranking) by multinomial draws shared by every
        request, so that all parties are paired. Metrics that are sums over units take one matrix
        product per chunk of resamples (hurdlelang/stats/bootstrap_means.py); the others are computed
        on each resample, with the draws as row weights."""
        if not requests:
            return
        ev, data = self.evaluation, self.evaluation.data
        ranking = ev.spec.task == "ranking"
        query_of_row = query_units(data) if ranking else None
        units = int(query_of_row.max()) + 1 if ranking else data.rows
        forms, generic = {}, []
        for request in requests:
            party, metric, scope = request
            form = sum_form(ev.spec.task, metric, data, data.parties[party])
            if form is None:
                generic.append(request)
            else:
                forms[request] = (form, self._unit_mask(scope, query_of_row, units))
        rng = make_rng(self.seed, "rows")
        out = {r: np.empty(self.resamples) for r in requests}
        chunk = max(1, 20_000_000 // units)
        for start in range(0, self.resamples, chunk):
            size = min(chunk, self.resamples - start)
            # each row (or query) drawn m times, (m_1..m_n) ~ Multinomial(n, 1/n): counted from n
            # uniform draws, which is O(n) where numpy's multinomial over n categories is far slower
            draws = np.stack([np.bincount(rng.integers(0, units, units), minlength=units) for _ in range(size)])
            draws = draws.astype(float)
            for request, (form, mask) in forms.items():
                columns = form.columns if mask is None else form.columns * mask[:, None]
                out[request][start : start + size] = form.combine(draws @ columns)
            for b in range(size):
                row_draws = draws[b][query_of_row] if ranking else draws[b]
                for request in generic:
                    out[request][start + b] = self._weighted_value(request, row_draws)
        what = "resampled queries" if ranking else "resampled rows"
        for request, values in out.items():
            self._samples[(request[0], request[1].key, request[2])] = values
            self.methods[f"{request[0]}.{request[1].key}"] = what

    def _unit_mask(self, scope: Scope, query_of_row: np.ndarray | None, units: int) -> np.ndarray | None:
        if scope is None:
            return None
        in_scope = self.evaluation.data.slices[scope[0]] == scope[1]
        if query_of_row is None:
            return in_scope.astype(float)
        # a query belongs to the slice of its first row
        first = np.full(units, -1)
        first[query_of_row[::-1]] = np.arange(len(query_of_row))[::-1]
        return in_scope[first].astype(float)

    def _weighted_value(self, request: Request, draws: np.ndarray) -> float:
        party, metric, scope = request
        data = self.evaluation.data
        mask = np.ones(data.rows, dtype=bool) if scope is None else data.slices[scope[0]] == scope[1]
        keep = mask & (draws > 0)
        sample = data.subset(keep)
        weight = draws[keep] * (data.weight[keep] if data.weight is not None else 1.0)
        value = self.evaluation._builtin(party, metric, replace(sample, weight=weight)).value
        return np.nan if value is None else value

    def _sizes(self, requests: list[Request]) -> None:
        """How many rows (or queries) a resample holds: n on the whole data, whatever the draw; on a
        slice, the slice's share of the n draws, Multinomial(n, slice sizes / n). Nothing to pair:
        sizes are reported, never compared with a baseline's."""
        data = self.evaluation.data
        for party, metric, scope in requests:
            whole = self.evaluation.value(party, metric, None).value
            if scope is None:
                samples = np.full(self.resamples, whole)
            else:
                column, value = scope
                if metric.name == "queries":
                    share = self._unit_mask(scope, query_units(data), int(whole)).mean()
                else:
                    factorised = self.evaluation.factorised(column)
                    share = np.bincount(factorised.codes)[factorised.names.index(value)] / data.rows
                rng = make_rng(self.seed, f"sizes:{column}={value}:{metric.key}")
                samples = rng.binomial(int(whole), share, self.resamples).astype(float)
            self._samples[(party, metric.key, scope)] = samples
            self.methods[f"{party}.{metric.key}"] = "the resample's size (n draws)"

    def _fixed(self, requests: list[Request]) -> None:
        for party, metric, scope in requests:
            value = self.evaluation.value(party, metric, scope).value
            baseline = self.evaluation.baselines[party]
            figure = None
            if isinstance(baseline, ir.FigureBaseline):
                figure = next((f for f in baseline.figures if f.metric.key == metric.key), None)
            drawn = None
            if figure is not None:  # its own uncertainty, independent of the data (stats/figures.py)
                f = figure
                stream = f"figure:{party}.{metric.key}"
                drawn = figure_draws(f.value, f.rows, f.low, f.high, f.level, self.resamples, self.seed, stream)
            if drawn is not None:
                samples = drawn.samples
                self.methods[f"{party}.{metric.key}"] = drawn.method
            else:
                samples = np.full(self.resamples, np.nan if value is None else value)
                self.methods[f"{party}.{metric.key}"] = "a reported value, treated as exact"
            self._samples[(party, metric.key, scope)] = samples

    def _derived(self, party: str, metric: ir.MetricKey, scope: Scope) -> None:
        key = (party, metric.key, scope)
        if key in self._samples:
            return
        derived = self.evaluation.spec.derived(metric)

        def lookup(ref: ir.MetricKey):
            self._derived(party, ref, scope)
            return self._samples[(party, ref.key, scope)]

        values = evaluate_expr(derived.expr, lookup)
        values = np.broadcast_to(np.asarray(values, dtype=float), (self.resamples,)).copy()
        values[~np.isfinite(values)] = np.nan
        self._samples[key] = values
        self.methods[f"{party}.{metric.key}"] = "computed on each resample from its parts"


def _refs(expr: ir.Expr) -> list[ir.MetricKey]:
    if isinstance(expr, ir.RefExpr):
        return [expr.metric]
    if isinstance(expr, ir.BinaryExpr):
        return _refs(expr.left) + _refs(expr.right)
    if isinstance(expr, ir.NegExpr):
        return _refs(expr.operand)
    return []


def _count_metric(metric: ir.MetricKey, c) -> np.ndarray:
    counts = {"tp": c.tp, "fp": c.fp, "tn": c.tn, "fn": c.fn, "n": c.n}
    if metric.name in counts:
        return np.asarray(counts[metric.name], dtype=float)
    return vectorised_count_metric(metric.name, metric.param, c.tp, c.fp, c.tn, c.fn)


def _request_order(request: Request) -> tuple:
    party, metric, scope = request
    return (party, metric.key, scope or ("", ""))


def requested(evaluation: Evaluation) -> set[Request]:
    """Every (party, metric, scope) that a condition with a confidence level reads."""
    found: set[Request] = set()

    def scopes(scope: ir.Scope | None) -> list[Scope]:
        if scope is None:
            return [None]
        if scope.value is not None:
            return [(scope.slice, scope.value)]
        return [(scope.slice, v) for v in evaluation.slice_values(scope.slice)]

    for c in evaluation.spec.comparisons():
        if c.confidence is None:
            continue
        for scope in scopes(c.scope):
            found.add((CANDIDATE, c.metric, scope))
            if isinstance(c, ir.BeatsCondition):
                found.add((c.baseline, c.metric, scope))
            elif c.against is not None:
                found.add((c.against, c.against_metric, scope))
    return found
