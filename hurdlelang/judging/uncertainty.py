"""Stage 4c: bootstrap samples of every metric a confidence-level condition needs, paired across
parties: one resample draws the same rows for the candidate and every baseline.

Which method serves a metric (each exactly a row bootstrap; see the modules named):
- binary count metrics (precision, recall, f1, tp ...): a multinomial over the joint confusion cells
  of all parties (hurdlelang/stats/bootstrap_counts.py), cost independent of the number of rows;
  on a large scope where no count itself is drawn, the normal approximation of those cells (delta
  method, jointly over parties; hurdlelang/stats/counts_normal.py), with a Berry-Esseen bound;
- binary roc_auc and pr_auc: the binned (default) or exact paired AUC bootstrap
  (hurdlelang/stats/bootstrap_auc.py);
- multiclass confusion metrics (accuracy, f1_macro, balanced_accuracy ...): a multinomial over the
  joint (slice, actual class, each party's class) cells (hurdlelang/stats/bootstrap_confusion.py);
  on a scope of at least NORMAL_FROM_ROWS rows, the normal approximation of those cells (delta
  method, jointly over parties; hurdlelang/stats/confusion_normal.py), with a Berry-Esseen bound;
- metrics that are ratios of sums of per-unit terms (regression, ranking, log_loss, brier,
  top_k_accuracy): on a scope of at least ROW_BOOTSTRAP_BELOW units (rows; queries for ranking), the
  normal approximation of the resampled sums, jointly over parties (hurdlelang/stats/moments.py),
  with a Berry-Esseen bound in the notes; on smaller scopes the row (query) bootstrap, as sums;
- any other metric: resampling rows, or whole queries for ranking, and computing the metric on each
  resample (its scope's sum metrics too, so that they stay paired with it);
- a figure baseline with a sample size: a parametric binomial bootstrap, independent of the data;
  without one, or a record baseline: its value, treated as exact (the record says so).
Derived metrics are computed on each resample from their parts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from hurdlelang.core import progress
from hurdlelang.core.names import CANDIDATE
from hurdlelang.judging.evaluate import (
    COUNT_FIELDS,
    DecidedCounts,
    Evaluation,
    Scope,
    decided_counts,
    deciding_parties,
    evaluate_expr,
    scope_key,
)
from hurdlelang.lang import ir
from hurdlelang.lang.catalogue import AUC_METRICS
from hurdlelang.metrics.multiclass import Cells
from hurdlelang.metrics.registry import (
    CONFUSION_METRIC_NAMES,
    COUNT_METRIC_NAMES,
    vectorised_confusion_metric,
    vectorised_count_metric,
)
from hurdlelang.metrics.sums import metric_terms, sum_metrics
from hurdlelang.stats.auc_normal import METHOD as AUC_NORMAL_METHOD
from hurdlelang.stats.auc_normal import MIN_CLASS_ROWS, normal_auc
from hurdlelang.stats.bootstrap_auc import resample_auc
from hurdlelang.stats.bootstrap_confusion import ConfusionCells, resample_confusion
from hurdlelang.stats.bootstrap_counts import ALL, JointCells, Slices, count_method, resample_counts
from hurdlelang.stats.bootstrap_means import SumForm, query_units, sum_combine, sum_form
from hurdlelang.stats.bootstrap_volume import VolumeCells, VolumeParty, resample_volume_counts
from hurdlelang.stats.confusion_normal import DEGREE_ONE, NORMAL_FROM_ROWS, Statistic, normal_confusion
from hurdlelang.stats.confusion_normal import METHOD as CONFUSION_NORMAL_METHOD
from hurdlelang.stats.confusion_normal import scope_rows as confusion_scope_rows
from hurdlelang.stats.counts_normal import DEGREE_ONE as COUNTS_DEGREE_ONE
from hurdlelang.stats.counts_normal import METHOD as COUNTS_NORMAL_METHOD
from hurdlelang.stats.counts_normal import MIN_COUNT_ROWS, CountStatistic, normal_counts, normal_scopes
from hurdlelang.stats.figures import figure_draws
from hurdlelang.stats.intervals import make_rng
from hurdlelang.stats.moments import NORMAL_METHOD, ROW_BOOTSTRAP_BELOW, Moments

Request = tuple[str, ir.MetricKey, Scope]
SUMS_APPROXIMATION = "normal approximation of the resampled sums"


@dataclass
class Uncertainty:
    evaluation: Evaluation
    resamples: int = 1000
    seed: int = 0
    auc_method: str = "normal"
    methods: dict[str, str] = field(default_factory=dict)  # "party.metric" -> how it was resampled
    # ("party.metric", approximation) -> Berry-Esseen bound of that normal approximation, the
    # largest over its scopes
    bounds: dict[tuple[str, str], float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    _samples: dict[tuple[str, str, Scope], np.ndarray] = field(default_factory=dict)
    _sum_draws: dict[str | None, dict[int, np.ndarray]] = field(default_factory=dict)

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
        what = {"counts": "joint cells", "confusion": "confusion cells", "auc": "score histograms", "rows": "rows"}

        def announce(method: str) -> None:
            if by_method[method]:
                progress.stage(f"{self.resamples:,} resamples of {what[method]} ({len(by_method[method])} statistics)")

        announce("counts")
        self._counts(by_method["counts"])
        announce("confusion")
        by_method["rows"] += self._confusion(by_method["confusion"], self._mixed_law_scopes(requests))
        announce("auc")
        self._auc(by_method["auc"])
        announce("rows")
        self._rows(by_method["rows"])
        self._fixed(by_method["fixed"])
        self._sizes(by_method["sizes"])
        for party, metric, scope in sorted(requests, key=lambda r: (r[0], r[1].key, str(r[2]))):
            self._derived(party, metric, scope)
        for (key, approximation), bound in sorted(self.bounds.items()):
            self.notes.append(
                f"{key}: {approximation}; its CDF within {bound:.2g} of the row "
                "bootstrap's for the linearised metric (Berry-Esseen bound, the largest over its scopes)"
            )

    # ---- planning ----

    def _leaves(self, party: str, metric: ir.MetricKey, scope: Scope, out: set[Request]) -> None:
        if metric.per is not None and not isinstance(
            self.evaluation.baselines.get(party), ir.FigureBaseline | ir.RecordBaseline
        ):
            self._leaves(party, metric.base, scope, out)
            return
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

    def _mixed_law_scopes(self, requests: set[Request]) -> set[Scope]:
        """The scopes where a derived metric combines a multiclass count (support, total_cost:
        always the multinomial) with a confusion ratio (the normal method on a large scope): there
        every confusion statistic takes the multinomial, so that the formula's parts, and the
        parties' paired differences, come from one draw."""
        mixed: set[Scope] = set()
        for party, metric, scope in requests:
            if scope in mixed or self.evaluation.spec.derived(metric) is None:
                continue
            parts: set[Request] = set()
            self._leaves(party, metric, scope, parts)
            names = {m.name for p, m, s in parts if self._method(p, m, s) == "confusion"}
            if names & set(DEGREE_ONE) and names - set(DEGREE_ONE):
                mixed.add(scope)
        return mixed

    # ---- methods ----

    def _by_column(self, requests: list[Request]) -> dict[str | None, list[Request]]:
        grouped: dict[str | None, list[Request]] = {}
        for request in requests:
            grouped.setdefault(request[2][0] if request[2] else None, []).append(request)
        return grouped

    def _counts(self, requests: list[Request]) -> None:
        """Binary count metrics: on a scope that stats/counts_normal.normal_scopes finds large
        enough, where no count itself (tp ...) is drawn, the normal approximation of the joint
        cells; elsewhere, and on every scope when a party decides at a volume, the multinomial over
        joint cells (exact)."""
        parties = deciding_parties(self.evaluation.data)
        planned = []
        for column, group in self._by_column(requests).items():
            cells = self._joint_cells(column)
            large = self._normal_count_requests(cells, group) if cells is not None else []
            chosen = set(large)
            planned.append((column, cells, large, [r for r in group if r not in chosen]))
        mixed = _on_both(planned)
        for column, cells, large, small in planned:
            if large:
                self._normal_counts(cells, large, column, mixed)
            if small:
                self._exact_counts(parties, cells, small, column, mixed)

    def _normal_count_requests(self, cells: JointCells, group: list[Request]) -> list[Request]:
        """The requests of ``group`` on scopes the normal method serves: large enough for every
        requested party, and no degree-one count requested there (a derived metric of tp and
        precision must draw both from one law)."""
        eligible = normal_scopes(cells, sorted({party for party, _, _ in group}))
        counted = {scope for _, metric, scope in group if metric.name in COUNTS_DEGREE_ONE}
        return [r for r in group if r[2] not in counted and (r[2][1] if r[2] else ALL) in eligible]

    def _normal_counts(self, cells: JointCells, large: list[Request], column: str | None, mixed: set[str]) -> None:
        def draw(stats: list[tuple[str, ir.MetricKey]], scopes: list[str]):
            count_stats = [CountStatistic(p, m.name, m.param) for p, m in stats]
            stream = f"counts-normal:{column or ALL}"
            return normal_counts(cells, count_stats, scopes, self.resamples, self.seed, stream)

        elsewhere = (
            f" on scopes of at least {NORMAL_FROM_ROWS:,} rows and {MIN_COUNT_ROWS} rows in each nonzero count; "
            f"{count_method(cells)} elsewhere"
        )
        self._take_normal(large, draw, COUNTS_NORMAL_METHOD, elsewhere, mixed)

    def _take_normal(self, large: list[Request], draw, method: str, elsewhere: str, mixed: set[str]) -> None:
        """The normal draws of every (party, metric) of ``large`` on its scopes, jointly per scope:
        ``draw(stats, scopes)`` gives them (stats/linear_normal.py's shape); a metric also served by
        the multinomial on other scopes (``mixed``) is named ``method`` + ``elsewhere``."""
        stats = sorted({(p, m) for p, m, _ in large}, key=lambda pm: (pm[0], pm[1].key))
        at = {(p, m.key): q for q, (p, m) in enumerate(stats)}
        drawn = draw(stats, sorted({s[1] if s else ALL for _, _, s in large}))
        for party, metric, scope in large:
            key, where, q = f"{party}.{metric.key}", scope[1] if scope else ALL, at[(party, metric.key)]
            self._samples[(party, metric.key, scope)] = drawn.get(where, q)
            self.methods[key] = method + (elsewhere if key in mixed else "")
            self._bound(key, method, drawn.bound_of(where, q))

    def _exact_counts(
        self, parties: dict[str, np.ndarray], cells: JointCells | None, group: list[Request], column: str | None,
        mixed: set[str],
    ) -> None:  # fmt: skip
        drawn = self._draw_counts(parties, cells, column)
        scopes_of: dict[tuple[str, ir.MetricKey], list[Scope]] = {}
        for party, metric, scope in group:
            scopes_of.setdefault((party, metric), []).append(scope)
        for (party, metric), scopes in scopes_of.items():
            # every scope's resamples of one metric in one (scopes x resamples) formula
            parts = [decided_counts(drawn.counts, party, scope[1] if scope else ALL) for scope in scopes]
            stacked = DecidedCounts(*(np.stack([getattr(p, f) for p in parts]) for f in COUNT_FIELDS))
            for scope, row in zip(scopes, _count_metric(metric, stacked), strict=True):
                self._samples[(party, metric.key, scope)] = row
            if f"{party}.{metric.key}" not in mixed:
                self.methods[f"{party}.{metric.key}"] = drawn.method
        self.notes += [n for n in drawn.notes if n not in self.notes]
        if drawn.weight_error_bound > 0:
            where = f"slices of {column}" if column else "the whole data"
            self.notes.append(
                f"weighted counts on {where}: weights quantised, each resampled count within "
                f"{drawn.weight_error_bound:.2g} (relative) of its exact value"
            )

    def _joint_cells(self, column: str | None) -> JointCells | None:
        """The joint cells of ``column``'s scopes; None when a party decides at a volume (its cut is
        chosen again in each resample: hurdlelang/stats/bootstrap_volume.py)."""
        if any(d.volume is not None for d in self.evaluation.data.parties.values()):
            return None
        return self.evaluation.joint_cells(column)

    def _draw_counts(self, parties: dict[str, np.ndarray], cells: JointCells | None, column: str | None):
        """The paired multinomial over joint cells; without ``cells`` (a party deciding at a volume),
        its cut is chosen again in each resample (hurdlelang/stats/bootstrap_volume.py)."""
        data, stream = self.evaluation.data, f"counts:{column or ALL}"
        if cells is not None:
            return resample_counts(cells, self.resamples, self.seed, stream)
        # a cut re-chosen per resample ranks single rows: such specs are never grouped into cells
        # (hurdlelang/engine/cells.py), so the entries here are rows
        if data.multiplicity is not None:
            raise ValueError("a decision at a volume needs the rows, not cells")
        volume = {p: VolumeParty(d.volume, d.ranked) for p, d in data.parties.items() if d.volume is not None}
        fixed = {p: decided for p, decided in parties.items() if p not in volume}
        volume_cells = VolumeCells.build(data.label, fixed, volume, self.evaluation.factorised(column), data.weight)
        return resample_volume_counts(volume_cells, self.resamples, self.seed, stream)

    def _confusion(self, requests: list[Request], one_law: set[Scope]) -> list[Request]:
        """Multiclass confusion metrics: on a scope of at least NORMAL_FROM_ROWS rows the normal
        approximation of the joint cells (stats/confusion_normal.py; support and total_cost, counts,
        excepted), elsewhere the multinomial over joint cells (exact, O(cells) per resample); returns
        the requests left to row resampling (too many joint cells to count)."""
        data = self.evaluation.data
        parties = {p: d.decided for p, d in data.parties.items() if d.decided is not None}
        costs = self.evaluation.spec.cost.table() if self.evaluation.spec.cost is not None else None
        left: list[Request] = []
        planned = []
        for column, group in self._by_column(requests).items():
            cells = ConfusionCells.build(
                data.label,
                parties,
                data.classes,
                self.evaluation.factorised(column),
                data.weight,
                multiplicity=data.multiplicity,
            )
            if cells is None:
                left += group
                continue
            rows = confusion_scope_rows(cells)
            large, small = [], []
            for r in group:
                normal = r[1].name not in DEGREE_ONE and rows[r[2][1] if r[2] else ALL] >= NORMAL_FROM_ROWS
                (large if normal and r[2] not in one_law else small).append(r)
            planned.append((column, cells, large, small))
        mixed = _on_both(planned)
        for column, cells, large, small in planned:

            def own(party, metric, cells=cells):
                return Cells(tuple(cells.classes[cells.own[party]]), metric.of, costs)

            method = count_method(cells.groups)
            if large:

                def draw(stats, scopes, cells=cells, own=own, column=column):
                    matrix_stats = [Statistic(p, m.name, m.param, own(p, m)) for p, m in stats]
                    stream = f"confusion-normal:{column or ALL}"
                    return normal_confusion(cells, matrix_stats, scopes, self.resamples, self.seed, stream)

                below = f" on scopes of at least {NORMAL_FROM_ROWS:,} rows; {method} below"
                self._take_normal(large, draw, CONFUSION_NORMAL_METHOD, below, mixed)
            if small:
                resampled = resample_confusion(cells, self.resamples, self.seed, f"confusion:{column or ALL}")
                for party, metric, scope in small:
                    matrices = resampled[(party, scope[1] if scope else ALL)]
                    self._samples[(party, metric.key, scope)] = vectorised_confusion_metric(
                        metric.name, metric.param, matrices, own(party, metric)
                    )
                    if f"{party}.{metric.key}" not in mixed:
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
        """roc_auc and pr_auc: with ``auc_method`` "normal" (the default) the delta method on every
        scope with at least MIN_CLASS_ROWS positives and as many negatives (stats/auc_normal.py),
        the binned paired bootstrap on the rest (of their rows only when some scopes of the column
        are large); "binned" and "exact" bootstrap every scope; weights always take "exact"."""
        if not requests:
            return
        data = self.evaluation.data
        scores = {p: d.rank_score for p, d in data.parties.items() if d.score is not None or d.decided is not None}
        for column, group in self._by_column(requests).items():
            slices = self.evaluation.factorised(column)
            if slices is None:
                codes, names = np.zeros(len(data.label), np.int64), (ALL,)
            else:
                codes, names = slices.codes, slices.names
            wanted = sorted({scope[1] if scope else ALL for _, _, scope in group})
            normal = None
            if self.auc_method == "normal" and data.weight is None:
                normal = normal_auc(
                    data.label, scores, codes, names, wanted, data.multiplicity,
                    self.resamples, self.seed, f"auc-normal:{column or ALL}",
                    self._ranks(scores),
                )  # fmt: skip
            small = set(wanted) if normal is None else set(normal.small)
            drawn = self._auc_bootstrap(scores, column, slices, codes, names, small, normal is not None)
            for party, metric, scope in group:
                where = scope[1] if scope else ALL
                key = f"{party}.{metric.key}"
                if where in small:
                    self._samples[(party, metric.key, scope)] = drawn.get(party, metric.name, where)
                    self._name_auc_method(key, f"{drawn.method} paired AUC bootstrap", normal is not None)
                    bound = drawn.error_bound.get((party, where), {}).get(metric.name)
                    if bound:
                        self.notes.append(f"{key} ({scope_key(scope)}): binning error at most {bound:.2g}")
                else:
                    self._samples[(party, metric.key, scope)] = normal.samples[(party, where)][metric.name]
                    self._name_auc_method(key, AUC_NORMAL_METHOD, True)
                    self._bound(key, AUC_NORMAL_METHOD, normal.bound[(party, where)][metric.name])
            if drawn is not None:
                self.notes += [n for n in drawn.notes if n not in self.notes]

    def _ranks(self, scores: dict[str, np.ndarray]) -> dict | None:
        """Every scored party's ranks, found once by the evaluation for its points too."""
        ranks = {p: self.evaluation.score_ranks(p) for p in scores}
        return None if None in ranks.values() else ranks

    def _auc_bootstrap(self, scores, column, slices, codes, names, small: set[str], subset: bool):
        """The paired AUC bootstrap of the ``small`` scopes: of every row as before when no scope of
        the column went to the normal method, else of the small scopes' rows only."""
        if not small:
            return None
        data = self.evaluation.data
        keep = np.isin(codes, [k for k, name in enumerate(names) if name in small]) if subset else None
        rows = slice(None) if keep is None or column is None else keep

        def part(values):
            return None if values is None else np.asarray(values)[rows]

        if column is not None and keep is not None:
            slices = Slices(codes[keep], names)
        return resample_auc(
            part(data.label),
            {p: part(s) for p, s in scores.items()},
            slices=slices,
            weights=part(data.weight),
            resamples=self.resamples,
            seed=self.seed,
            stream=f"auc:{column or ALL}",
            method="binned" if self.auc_method == "normal" else self.auc_method,
            multiplicity=part(data.multiplicity),
        )

    def _name_auc_method(self, key: str, method: str, mixed: bool) -> None:
        known = self.methods.get(key)
        if known is None or known == method or not mixed:
            self.methods[key] = method
        elif method not in known:
            normal_first = sorted([known, method], key=lambda m: m != AUC_NORMAL_METHOD)
            self.methods[key] = (
                f"{normal_first[0]} on scopes with at least {MIN_CLASS_ROWS} positives and as many negatives; "
                f"{normal_first[1]} below"
            )

    def _bound(self, key: str, approximation: str, bound: float) -> None:
        """The largest Berry-Esseen bound of party.metric's scopes under one approximation."""
        self.bounds[(key, approximation)] = max(self.bounds.get((key, approximation), 0.0), bound)

    def _rows(self, requests: list[Request]) -> None:
        """Sum metrics (hurdlelang/stats/bootstrap_means.py) on a scope of at least
        ROW_BOOTSTRAP_BELOW units: the normal approximation of their resampled sums (stats/moments.py),
        O(terms^2) per resample. The rest resample units (rows; whole queries for ranking): all the
        data's units when it is small or a metric is no sum, else only the scope's own units."""
        if not requests:
            return
        if self.evaluation.data.multiplicity is not None:
            # cells reach here only when a multiclass confusion has too many joint cells to count:
            # those requests resample the rows the cells stand for
            ev = self.evaluation
            rows = Evaluation(ev.spec, ev.data.expanded(), ev.records)
            replace(self, evaluation=rows, methods=self.methods, notes=self.notes, _samples=self._samples)._rows(
                requests
            )
            return
        ev, data = self.evaluation, self.evaluation.data
        task, table = ev.spec.task, data.sums
        ranking = task == "ranking"
        query_of_row = query_units(data) if ranking else None
        units = int(query_of_row.max()) + 1 if ranking else data.rows
        # with an engine's sums, the arrays are the small scopes' rows (regression) or every row
        # (binary, for its counts and AUCs): per-row columns are built only where rows are drawn
        rows = replace(data, sums=None) if table is not None else data
        built: dict[tuple[str, str], SumForm | None] = {}  # a form's columns serve every scope

        def form(request: Request) -> SumForm | None:
            party, metric, _ = request
            if (party, metric.key) not in built:
                built[(party, metric.key)] = sum_form(task, metric, rows, rows.parties[party])
            return built[(party, metric.key)]

        served = {r for r in requests if table is not None and _table_serves(table, task, r)}
        # with a table, a metric it does not hold is drawn on rows with its whole scope (never the
        # case for the specs the engines sum: hurdlelang/engine/terms.py's sums_suffice)
        generic_scopes = {r[2] for r in requests if r not in served and (table is not None or form(r) is None)}
        by_scope: dict[Scope, list[Request]] = {}
        for request in requests:
            by_scope.setdefault(request[2], []).append(request)
        normal, scoped, whole = [], [], []
        for scope, group in by_scope.items():
            size = self._scope_units(scope, query_of_row, units)
            if scope in generic_scopes or units < ROW_BOOTSTRAP_BELOW:
                whole += group  # as before: every unit of the data drawn, every metric paired
            elif size >= ROW_BOOTSTRAP_BELOW:
                normal += group
            else:
                scoped.append((scope, group))
        self._normal({r: _table_form(task, r) if r in served else form(r) for r in normal}, query_of_row, units)
        for scope, group in scoped:
            inside = np.flatnonzero(self._unit_mask(scope, query_of_row, units))
            if table is not None:  # the scope's own rows: no per-row column of the whole data
                own = rows.subset(inside)
                columns = {r: sum_form(task, r[1], own, own.parties[r[0]]) for r in group}
            else:
                columns = {r: SumForm(form(r).columns[inside], form(r).combine) for r in group}
            self._scoped_rows(scope, columns, query_of_row is not None, units)
        self._all_rows(whole, {r: form(r) for r in whole if form(r) is not None}, query_of_row, units)

    def _all_rows(self, requests: list[Request], sum_forms: dict, query_of_row: np.ndarray | None, units: int) -> None:
        """Every unit of the data drawn m times, (m_1..m_n) ~ Multinomial(n, 1/n), shared by every
        request, so that all parties are paired. Sum metrics take one matrix product per chunk of
        resamples; the others are computed on each resample, with the draws as row weights."""
        if not requests:
            return
        ranking = query_of_row is not None
        generic = [r for r in requests if r not in sum_forms]
        forms = {r: (sum_forms[r], self._unit_mask(r[2], query_of_row, units)) for r in requests if r in sum_forms}
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
            self._name_method(request, what)

    def _normal(self, forms: dict[Request, SumForm], query_of_row: np.ndarray | None, units: int) -> None:
        """One Moments per slice column over the terms of every request (identical columns once),
        drawn jointly per scope: paired across parties and metrics of the scope."""
        by_column: dict[str | None, dict[Request, SumForm]] = {}
        for request, form in forms.items():
            by_column.setdefault(request[2][0] if request[2] else None, {})[request] = form
        for column, group in by_column.items():
            if self.evaluation.data.sums is not None:  # the engine's sums of every row
                self._draw_normal(self._table_moments(column, group), group, column)
                continue
            columns, terms, index, of_form = [], [], {}, {}
            named: dict[str, int] = {}
            for request, form in group.items():
                if id(form) not in of_form:  # the same form on several scopes: its terms once
                    names = self._term_names(request)
                    of_form[id(form)] = [
                        _term(form.columns[:, j], columns)
                        if names is None
                        else _named(names[j], form, j, columns, named)
                        for j in range(form.columns.shape[1])
                    ]
                    terms += [f"{request[0]}.{request[1].key}/{i}" for i in range(len(terms), len(columns))]
                index[request] = of_form[id(form)]
            codes, names = None, (ALL,)
            if column is not None:
                factorised = self.evaluation.factorised(column)
                codes, names = factorised.codes, factorised.names
                if query_of_row is not None:
                    codes = codes[_first_rows(query_of_row, units)]  # a query is in its first row's slice
            moments = Moments.from_columns(terms, np.column_stack(columns), codes, names)
            self._draw_normal((moments, index), group, column)

    def _table_moments(self, column: str | None, group: dict[Request, SumForm]) -> tuple[Moments, dict]:
        """The Moments of an engine's sums, over the terms the row path builds: the same named terms
        in the same order (metric_terms), so that the draws are the row path's."""
        table = self.evaluation.data.sums
        chosen: list[int] = []  # table terms, in order of first use
        terms: list[str] = []
        index, of_form = {}, {}
        for request in group:
            party, metric, _ = request
            if (party, metric.key) not in of_form:
                picked = []
                for name in metric_terms(self.evaluation.spec.task, party, metric.name):
                    if table.term(name) not in chosen:
                        chosen.append(table.term(name))
                    picked.append(chosen.index(table.term(name)))
                terms += [f"{party}.{metric.key}/{i}" for i in range(len(terms), len(chosen))]
                of_form[(party, metric.key)] = picked
            index[request] = of_form[(party, metric.key)]
        names, (n, sums, cross, cubes, fourths) = table.power_sums(column, chosen)
        names = (ALL,) if column is None else names
        return Moments(tuple(terms), names, table.total_rows, n, sums, cross, cubes, fourths), index

    def _term_names(self, request: Request) -> tuple[str, ...] | None:
        """The terms of the metrics an engine may sum, by name (metrics/sums.py: regression's, binary
        log_loss and brier), so that rows and sums draw the same terms; the other sum metrics' by
        their values (_term)."""
        party, metric, _ = request
        task = self.evaluation.spec.task
        if metric.name in sum_metrics(task):
            return metric_terms(task, party, metric.name)
        return None

    def _draw_normal(self, built: tuple[Moments, dict], group: dict[Request, SumForm], column: str | None) -> None:
        moments, index = built
        for request, form in sorted(group.items(), key=lambda item: _request_order(item[0])):
            party, metric, scope = request
            k = moments.index(scope[1] if scope else ALL)
            drawn = self._drawn_sums(moments, k, column)
            self._samples[(party, metric.key, scope)] = form.combine(drawn[:, index[request]])
            bound = moments.berry_esseen(k, form.combine, index[request])
            self._bound(f"{party}.{metric.key}", SUMS_APPROXIMATION, bound)
            self._name_method(request, NORMAL_METHOD)

    def _drawn_sums(self, moments: Moments, k: int, column: str | None) -> np.ndarray:
        # one Moments per slice column: keyed by the column, never by id(moments), which a freed
        # Moments hands on to the next column's (its draws of scope k were then taken for another's)
        cache = self._sum_draws.setdefault(column, {})
        if k not in cache:
            stream = f"sums:{column}={moments.scopes[k]}" if column else "sums"
            cache[k] = moments.draw(k, self.resamples, self.seed, stream)
        return cache[k]

    def _scoped_rows(self, scope: Scope, forms: dict[Request, SumForm], ranking: bool, units: int) -> None:
        """The row bootstrap of a small scope of large data, exactly and in O(scope units) per
        resample: of the n draws of all units, Binomial(n, scope units / n) fall in the scope, each
        uniformly on its units; one draw shared by every request of the scope (paired). The forms'
        columns are the scope's units', in the data's order."""
        inside = len(next(iter(forms.values())).columns) if forms else 0
        rng = make_rng(self.seed, f"rows:{scope[0]}={scope[1]}")
        drawn = rng.binomial(units, inside / units, self.resamples)
        draws = np.zeros((self.resamples, inside))
        for b, k in enumerate(drawn):
            if k:
                draws[b] = np.bincount(rng.integers(0, inside, k), minlength=inside)
        what = "resampled queries" if ranking else "resampled rows"
        for request, form in sorted(forms.items(), key=lambda item: _request_order(item[0])):
            self._samples[(request[0], request[1].key, request[2])] = form.combine(draws @ form.columns)
            self._name_method(request, what)

    def _scope_units(self, scope: Scope, query_of_row: np.ndarray | None, units: int) -> int:
        if self.evaluation.data.sums is not None:
            return self.evaluation.data.sums.scope_rows(scope)
        return units if scope is None else int(self._unit_mask(scope, query_of_row, units).sum())

    def _name_method(self, request: Request, method: str) -> None:
        """The record's method of party.metric; scopes judged by different methods name each."""
        key = f"{request[0]}.{request[1].key}"
        known = self.methods.get(key)
        if known is None or known == method:
            self.methods[key] = method
        elif method not in known.split("; "):
            self.methods[key] = f"{known}; {method} (scopes under {ROW_BOOTSTRAP_BELOW:,} units)"

    def _unit_mask(self, scope: Scope, query_of_row: np.ndarray | None, units: int) -> np.ndarray | None:
        if scope is None:
            return None
        in_scope = self.evaluation.data.slices[scope[0]] == scope[1]
        if query_of_row is None:
            return in_scope.astype(float)
        return in_scope[_first_rows(query_of_row, units)].astype(float)  # a query is in its first row's slice

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
        rows_per_value: dict[str, np.ndarray] = {}  # one count per slice column, not per request
        # every party's size of a scope is the same draw (its stream names no party): drawn once
        drawn: dict[tuple[str, Scope, float | None], np.ndarray] = {}
        for party, metric, scope in requests:
            whole = self.evaluation.value(party, metric, None).value
            self.methods[f"{party}.{metric.key}"] = "the resample's size (n draws)"
            if (metric.key, scope, whole) in drawn:
                self._samples[(party, metric.key, scope)] = drawn[(metric.key, scope, whole)]
                continue
            if scope is None:
                samples = np.full(self.resamples, whole)
            else:
                column, value = scope
                if metric.name == "queries":
                    share = self._unit_mask(scope, query_units(data), int(whole)).mean()
                elif data.sums is not None:
                    share = data.sums.scope_rows(scope) / data.rows
                else:
                    factorised = self.evaluation.factorised(column)
                    if column not in rows_per_value:
                        rows_per_value[column] = np.bincount(factorised.codes, weights=data.multiplicity)
                    share = rows_per_value[column][self.evaluation.slice_index(column)[value]] / data.rows
                rng = make_rng(self.seed, f"sizes:{column}={value}:{metric.key}")
                samples = rng.binomial(int(whole), share, self.resamples).astype(float)
            self._samples[(party, metric.key, scope)] = drawn[(metric.key, scope, whole)] = samples

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
        if metric.per is not None:  # the total's resamples, scaled to the volume by one factor
            self._derived(party, metric.base, scope)
            factor = self.evaluation.per_period_factor()
            self._samples[key] = self._samples[(party, metric.base.key, scope)] * (np.nan if factor is None else factor)
            self.methods[f"{party}.{metric.key}"] = f"{metric.base.key} on each resample, times volume / n"
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


def _on_both(planned: list[tuple]) -> set[str]:
    """The "party.metric" keys served by the normal method on some scope and by the multinomial on
    another, over every slice column of a plan of (column, cells, large, small) requests: their
    method is named with both."""
    large = {f"{p}.{m.key}" for _, _, served, _ in planned for p, m, _ in served}
    return large & {f"{p}.{m.key}" for _, _, _, served in planned for p, m, _ in served}


def _table_serves(table, task: str, request: Request) -> bool:
    """Whether an engine's table of sums holds every term of a (party, metric)."""
    party, metric, _ = request
    if metric.name not in sum_metrics(task):
        return False
    return all(t in table.terms for t in metric_terms(task, party, metric.name))


def _table_form(task: str, request: Request) -> SumForm:
    """A metric drawn from an engine's sums: its combine (bootstrap_means.sum_combine, the formula
    its SumForm has), and no per-row column (the table holds the sums of every row)."""
    metric = request[1]
    return SumForm(np.zeros((0, len(metric_terms(task, request[0], metric.name)))), sum_combine(task, metric.name))


def _term(values: np.ndarray, columns: list[np.ndarray]) -> int:
    """The index of a term among ``columns``, appended when new: the same term in several forms (a
    weight sum, the squared error of rmse and r2) is drawn once. A cheap test first, then equality."""
    for i, known in enumerate(columns):
        if known[0] == values[0] and known[-1] == values[-1] and np.array_equal(known, values):
            return i
    columns.append(np.asarray(values, dtype=float))
    return len(columns) - 1


def _named(name: str, form: SumForm, j: int, columns: list[np.ndarray], named: dict[str, int]) -> int:
    """The index of a named term among ``columns``, appended the first time the name is met."""
    if name not in named:
        columns.append(np.asarray(form.columns[:, j], dtype=float))
        named[name] = len(columns) - 1
    return named[name]


def _first_rows(query_of_row: np.ndarray, units: int) -> np.ndarray:
    """The first row of each query."""
    first = np.full(units, -1)
    first[query_of_row[::-1]] = np.arange(len(query_of_row))[::-1]
    return first


def _refs(expr: ir.Expr) -> list[ir.MetricKey]:
    if isinstance(expr, ir.RefExpr):
        return [expr.metric]
    if isinstance(expr, ir.BinaryExpr):
        return _refs(expr.left) + _refs(expr.right)
    if isinstance(expr, ir.NegExpr):
        return _refs(expr.operand)
    return []


def _count_metric(metric: ir.MetricKey, c) -> np.ndarray:
    counts = {"tp": c.tp, "fp": c.fp, "tn": c.tn, "fn": c.fn, "n": c.tp + c.fp + c.tn + c.fn + c.ab}
    if metric.name in counts:
        return np.asarray(counts[metric.name], dtype=float)
    return vectorised_count_metric(metric.name, metric.param, c.tp, c.fp, c.tn, c.fn, c.ab)


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
