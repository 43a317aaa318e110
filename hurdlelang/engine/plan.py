"""The statistics plan: from the checked spec, the small set of sufficient statistics that every
reported metric, condition, guard and slice needs, per scope and party, and the checks the data
must pass. The plan is data: engines compute it (hurdlelang/engine/duck.py), the golden test prints
it for every bundled example (tests/corpus/plan/), and it never reads a row.

Kinds of statistic (each a GROUP BY over the rows, keyed by the slice columns so that one table
serves the whole data and every slice value):
- ``joint_cells``   binary: rows (and weight sums) per (slice, label, each deciding party's 0/1
                    decision). Every count metric of every party on every scope; resampled
                    exactly by a multinomial over the cells.
- ``confusion_cells`` multiclass: the same with each party's decided class: a K x K confusion
                    per party, jointly.
- ``score_histogram`` binary roc_auc / pr_auc: rows per (slice, label, score value) of a party.
- ``sums``          a metric that is a ratio of sums of per-row terms (mae, rmse, bias, r2, mape,
                    log_loss, brier, top_k_accuracy): the sums per slice.
- ``query_sums``    ranking: one value per query (found at k, 1/first rank, ndcg), summed over queries.
- ``sizes``         rows, queries, n: counts per slice.
- ``reported``      a figure or record baseline: the numbers it holds; nothing is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hurdlelang.core import codes
from hurdlelang.core.names import CANDIDATE
from hurdlelang.data.bands import rules_of as band_rules
from hurdlelang.lang import ir
from hurdlelang.lang.check.volume import reported_per_period
from hurdlelang.metrics.binary import COUNT_LIBRARY, COVERAGE_LIBRARY
from hurdlelang.metrics.multiclass import CONFUSION_LIBRARY, COST_METRICS, PER_CLASS
from hurdlelang.stats.moments import ROW_BOOTSTRAP_BELOW

REPORTED = {
    "binary": ["rows", "positive_rate", "predicted_positive_rate", "accuracy", "precision", "recall", "f1", "roc_auc"],
    "multiclass": ["rows", "accuracy", "balanced_accuracy", "f1_macro"],
    "regression": ["rows", "mae", "rmse", "bias", "r2"],
    "ranking": ["rows", "queries", "mrr"],
}
"""What the record lists for every party besides what the spec uses."""

SIZES = ("rows", "queries", "n")
SUM_TERMS = {
    ("regression", "mae"): ("w*|e|", "w"),
    ("regression", "mse"): ("w*e^2", "w"),
    ("regression", "rmse"): ("w*e^2", "w"),
    ("regression", "bias"): ("w*e", "w"),
    ("regression", "r2"): ("w*e^2", "w*y", "w*y^2", "w"),
    ("regression", "mape"): ("w*|e|/|y|", "w", "[y=0]"),
    ("binary", "log_loss"): ("w*loss", "w"),
    ("binary", "brier"): ("w*(p-y)^2", "w"),
    ("multiclass", "log_loss"): ("w*loss", "w"),
    ("multiclass", "top_k_accuracy"): ("w*[label in top k]", "w"),
}
QUERY_TERMS = {
    "hit_rate": ("qw*[found@k>0]", "qw"),
    "precision": ("qw*found@k/k", "qw"),
    "recall": ("qw*found@k/relevant", "qw[relevant>0]"),
    "mrr": ("qw/first_rank", "qw"),
    "ndcg": ("qw*dcg@k/idcg@k", "qw"),
}


@dataclass(frozen=True)
class Party:
    name: str
    kind: str  # "data" (the candidate, a column baseline), "dummy", "figures", "record"
    decides: bool = False  # has decisions (a rule, a column, a most-probable class, a strategy)
    scores: bool = False
    detail: str = ""


@dataclass(frozen=True)
class Check:
    """One bound column and what its cells must hold (the D-code when they do not)."""

    column: str
    role: str
    rule: str
    code: str


@dataclass(frozen=True)
class Statistic:
    kind: str
    keys: tuple[str, ...]  # GROUP BY keys besides the slice
    parties: tuple[str, ...]
    metrics: tuple[str, ...]  # metric keys it serves
    terms: tuple[str, ...] = ()  # summed values (sums, query_sums)
    interval: str = ""

    def render(self) -> str:
        head = f"{self.kind}[{', '.join(self.keys)}]" if self.keys else self.kind
        lines = [f"  {head}", f"    parties   {', '.join(self.parties)}", f"    metrics   {', '.join(self.metrics)}"]
        lines += [f"    sums      {t}" for t in self.terms]
        if self.interval:
            lines.append(f"    interval  {self.interval}")
        return "\n".join(lines)


@dataclass(frozen=True)
class Plan:
    spec: str
    task: str
    scopes: tuple[str, ...]
    parties: tuple[Party, ...]
    checks: tuple[Check, ...]
    statistics: tuple[Statistic, ...]
    leaves: dict[str, tuple[str, ...]] = field(default_factory=dict)  # party -> metric keys computed

    def statistic_of(self, party: str, metric: str) -> Statistic | None:
        return next((s for s in self.statistics if party in s.parties and metric in s.metrics), None)

    def render(self) -> str:
        out = [f"plan {self.spec} ({self.task})", f"scopes  {', '.join(self.scopes)}", "parties"]
        for p in self.parties:
            what = [w for w, has in (("decisions", p.decides), ("scores", p.scores)) if has]
            tail = f" {p.detail}" if p.detail else ""
            out.append(f"  {p.name:<16} {p.kind:<8} {', '.join(what) or '-'}{tail}")
        out.append("checks (one pass: count and first rows of each)")
        out += [f"  {c.code:<10} {c.column:<20} {c.role}: {c.rule}" for c in self.checks]
        out.append("statistics")
        out += [s.render() for s in self.statistics]
        return "\n".join(out) + "\n"


# ---- what is computed ----


def reported_metrics(spec: ir.Spec) -> list[ir.MetricKey]:
    """The task's usual metrics, every derived metric and every metric a guard or condition uses."""
    keys = {name: ir.MetricKey(name=name) for name in REPORTED[spec.task]}
    if band_rules(spec):  # abstain bands (of any party): how much is decided
        keys.update({name: ir.MetricKey(name=name) for name in ("coverage", "abstain_rate")})
    for m in spec.metrics:
        keys[m.name] = ir.MetricKey(name=m.name)
    keys.update({m.key: m for m in reported_per_period(spec)})
    used = [g.metric for g in spec.guards]
    for c in spec.comparisons():
        used.append(c.metric)
        if isinstance(c, ir.CompareCondition) and c.against_metric is not None:
            used.append(c.against_metric)
    for key in used:
        keys.setdefault(key.key, key)
    return list(keys.values())


def leaf_metrics(spec: ir.Spec, metric: ir.MetricKey) -> list[ir.MetricKey]:
    """A built-in metric itself; a derived one through the built-ins its expression reads."""
    derived = spec.derived(metric)
    if derived is None:
        return [metric]
    found: list[ir.MetricKey] = []
    stack: list[ir.Expr] = [derived.expr]
    while stack:
        e = stack.pop()
        if isinstance(e, ir.RefExpr):
            found += [m for m in leaf_metrics(spec, e.metric) if m not in found]
        elif isinstance(e, ir.BinaryExpr):
            stack += [e.right, e.left]
        elif isinstance(e, ir.NegExpr):
            stack.append(e.operand)
    return found


def _parties(spec: ir.Spec) -> list[Party]:
    d = spec.data
    multiclass_argmax = spec.task == "multiclass" and d.predict is None and bool(d.scores)
    candidate_detail = (
        f"(decides by {d.predict.column} {d.predict.op} {d.predict.threshold:g})"
        if (d.predict and d.predict.op)
        else ("(decides by the most probable class)" if multiclass_argmax else _volume_detail(d.predict))
    )
    parties = [Party(CANDIDATE, "data", bool(d.predict) or multiclass_argmax, bool(d.scores), candidate_detail)]
    for b in spec.baselines:
        if isinstance(b, ir.ColumnBaseline):
            parties.append(Party(b.name, "data", b.predict is not None, bool(b.scores), _volume_detail(b.predict)))
        elif isinstance(b, ir.DummyBaseline):
            scored = spec.task in ("binary", "multiclass")
            parties.append(Party(b.name, "dummy", True, scored, f"(strategy {b.strategy})"))
        elif isinstance(b, ir.FigureBaseline):
            parties.append(Party(b.name, "figures", detail=f"({len(b.figures)} figures)"))
        else:
            parties.append(Party(b.name, "record", detail=f"({b.path})"))
    return parties


def _class_rule(d: ir.DataBindings) -> str:
    if d.scores:
        return "a scored class"
    return "one of the spec's classes" if d.classes else "a class"


def _volume_detail(rule: ir.PredictRule | None) -> str:
    if rule is not None and rule.abstain is not None:
        above, below = rule.bands
        return (
            f"(decides {rule.column} {above.op} {above.threshold:g} as {above.name}, {below.op} {below.threshold:g} "
            f"as {below.name}, otherwise {rule.abstain}: not decided)"
        )
    if rule is None or not rule.at_volume:
        return ""
    if rule.volume_of is not None:
        return f"(decides by the highest {rule.column} at the volume of {rule.volume_of})"
    volume = f"{rule.top_share * 100:g}%" if rule.top_share is not None else f"{rule.top_rows:,} rows"
    return f"(decides by the highest {rule.column}, top {volume})"


def _checks(spec: ir.Spec) -> list[Check]:
    task, d = spec.task, spec.data
    missing = "empty cells dropped (missing drop)" if d.missing == "drop" else "no empty cell"
    label_rule = {
        "binary": ("0/1", codes.LABEL_NOT_BINARY),
        "multiclass": (_class_rule(d), codes.UNSCORED_CLASS),
        "regression": ("a finite number", codes.NOT_NUMERIC),
        "ranking": ("a finite number >= 0", "D010, D011"),
    }[task]
    checks = [Check(d.label, "label", f"{label_rule[0]}; {missing}", label_rule[1])]

    def scores(scores: list[ir.ClassScore], role: str) -> list[Check]:
        if task == "ranking":
            return [Check(s.column, role, "a finite number", codes.NOT_NUMERIC) for s in scores]
        return [
            Check(s.column, f"{role} of {s.class_name}" if s.class_name else role, "in [0, 1]", codes.NOT_A_PROBABILITY)
            for s in scores
        ]

    def decisions(rule: ir.PredictRule | None, role: str) -> list[Check]:
        if rule is None:
            return []
        if task == "regression":
            return [Check(rule.column, role, "a finite number", codes.NOT_NUMERIC)]
        if task == "multiclass":
            return [Check(rule.column, role, _class_rule(d), codes.UNSCORED_CLASS)]
        if rule.at_volume:
            return [Check(rule.column, role, "a finite number (ranked, highest flagged)", codes.NOT_NUMERIC)]
        if rule.abstain is not None:
            return [Check(rule.column, role, "a finite number (cut into bands)", codes.NOT_NUMERIC)]
        if rule.op is None:
            return [Check(rule.column, role, "0/1", codes.DECISION_NOT_BINARY)]
        return [Check(rule.column, role, f"a finite number (decides {rule.op} {rule.threshold:g})", codes.NOT_NUMERIC)]

    checks += scores(d.scores, "score") + decisions(d.predict, "decisions of the candidate")
    if d.weight:
        checks.append(Check(d.weight, "weight", "a finite number >= 0", "D010, D012"))
    if d.group:
        checks.append(Check(d.group, "query id", "any value", codes.MISSING_VALUES))
    if d.id:
        checks.append(Check(d.id, "id", "unique", codes.DUPLICATE_IDS))
    checks += [
        Check(s, "slice", "any value but 'all'; every value a hurdle names present", "D019, D013") for s in d.slices
    ]
    for b in spec.baselines:
        if isinstance(b, ir.ColumnBaseline):
            checks += decisions(b.predict, f"decisions of baseline {b.name}")
            checks += scores(b.scores, f"score of baseline {b.name}")
    return checks


def _kind(task: str, name: str, party: Party) -> str:
    if name in SIZES and not (task == "binary" and name == "n"):
        return "sizes"
    if task == "binary" and (name in COUNT_LIBRARY or name in COVERAGE_LIBRARY):
        return "joint_cells" if party.decides else "rows"
    if task == "binary" and name in ("roc_auc", "pr_auc"):
        return "score_histogram" if (party.scores or party.decides) else "rows"
    if task == "multiclass" and name in (*CONFUSION_LIBRARY, *PER_CLASS, *COST_METRICS):
        return "confusion_cells" if party.decides else "rows"
    if task == "ranking" and name in QUERY_TERMS:
        return "query_sums"
    if (task, name) in SUM_TERMS:
        return "sums"
    return "rows"


INTERVALS = {
    "joint_cells": "exact: multinomial over the joint cells (the paired row bootstrap)",
    "confusion_cells": "exact: multinomial over the joint cells (the paired row bootstrap)",
    "score_histogram": "binned paired AUC bootstrap (multinomial over score-bin cells, error bound reported)",
    "sums": f"normal approximation of the paired resampled sums on a scope of {ROW_BOOTSTRAP_BELOW:,} rows "
    "or more (their exact mean and covariance); below, the paired row bootstrap of the scope",
    "query_sums": "normal approximation of the paired resampled per-query sums on a scope of "
    f"{ROW_BOOTSTRAP_BELOW:,} queries or more; below, the paired bootstrap of the scope's whole queries",
    "sizes": "the resample's size",
    "rows": "paired resampling of rows, metric on each resample",
    "reported": "a reported value (a binomial bootstrap when the figure gives its rows)",
}


def _abstaining(spec: ir.Spec) -> set[str]:
    """The parties deciding by abstain bands: each adds its abstentions to the joint cells."""
    return set(band_rules(spec))


def _volume_rules(spec: ir.Spec) -> dict[str, ir.PredictRule]:
    rules = {CANDIDATE: spec.data.predict} if spec.data.predict else {}
    rules.update({b.name: b.predict for b in spec.baselines if isinstance(b, ir.ColumnBaseline) and b.predict})
    return {name: rule for name, rule in rules.items() if rule.at_volume}


def compile_plan(spec: ir.Spec) -> Plan:
    """The plan of one checked spec."""
    task, d = spec.task, spec.data
    parties = _parties(spec)
    scopes = ("all", *(f"{s}=*" for s in d.slices))
    slice_key = ("slice",) if d.slices else ()
    grouped: dict[tuple, list] = {}
    leaves: dict[str, tuple[str, ...]] = {}
    for party in parties:
        if party.kind in ("figures", "record"):
            names = tuple(f.metric.key for f in spec.baseline(party.name).figures) if party.kind == "figures" else ()
            grouped.setdefault(("reported", party.name), [[party.name], list(names)])
            leaves[party.name] = names
            continue
        keys: list[str] = []
        for metric in reported_metrics(spec):
            for leaf in leaf_metrics(spec, metric):
                if leaf.key in keys:
                    continue
                keys.append(leaf.key)
                kind = _kind(task, leaf.name, party)
                if kind in ("joint_cells", "confusion_cells", "sizes"):
                    group = (kind,)  # one table shared by every party
                elif kind in ("sums", "query_sums"):
                    group = (kind,)  # one pass of sums serves every party and metric
                elif kind == "rows":
                    group = (kind, leaf.key)
                else:
                    group = (kind, party.name)
                entry = grouped.setdefault(group, [[], []])
                if party.name not in entry[0]:
                    entry[0].append(party.name)
                if leaf.key not in entry[1]:
                    entry[1].append(leaf.key)
        leaves[party.name] = tuple(keys)
    deciding = [p.name for p in parties if p.decides and p.kind in ("data", "dummy")]
    statistics = []
    for group, (names, metrics) in grouped.items():
        kind = group[0]
        interval = INTERVALS[kind]
        if kind in ("joint_cells", "confusion_cells"):
            volume = {name for name, rule in _volume_rules(spec).items()}
            keys = (*slice_key, "label", *(f"rank[{p}]" if p in volume else f"decision[{p}]" for p in deciding))
            keys += tuple(f"abstained[{p}]" for p in deciding if p in _abstaining(spec))
            names = deciding
            if volume:
                interval = "exact: multinomial over the joint cells, each volume's cut re-chosen in every resample"
        elif kind == "score_histogram":
            keys = (*slice_key, "label", f"score[{names[0]}]")
        elif kind == "query_sums":
            keys = (*slice_key, f"query[{d.group}]")
        elif kind == "reported":
            keys = ()
        else:
            keys = slice_key
        terms: tuple[str, ...] = ()
        if kind in ("sums", "query_sums"):
            table = SUM_TERMS if kind == "sums" else {(task, k): v for k, v in QUERY_TERMS.items()}
            terms = tuple(f"{m}: {', '.join(table[(task, m.split('@')[0])])}" for m in metrics)
        statistics.append(Statistic(kind, keys, tuple(names), tuple(metrics), terms, interval))
    return Plan(spec.name, task, scopes, tuple(parties), tuple(_checks(spec)), tuple(statistics), leaves)
