"""The per-row terms of sum metrics and their aggregates, written once for every engine.

A metric that is a ratio of sums of per-row terms (hurdlelang/stats/bootstrap_means.py's SumForm:
mae = sum w|e| / sum w, r2 from sum w e^2, sum w y, sum w y^2, sum w ...) needs, per scope, only the
sums of its terms, their cross-products and powers (hurdlelang/stats/moments.py). Here each term is
written once as a function of an ``Ops``: the DuckDB engine's Ops renders SQL text, the Spark
engine's renders Columns (hurdlelang/engine/duck.py, spark.py), and both run the same aggregates in
one GROUP BY over the slice columns (data/sum_table.py holds the result).

Each term performs the floating-point operations of its SumForm column (r2's (w e) e is mse's
w (e e) here: one term, hurdlelang/metrics/regression_sums.metric_terms), so the sums agree with the
row path's to rounding, and the normal draws, over the same named terms, give the same intervals.
Regression's terms are the errors' (mae, rmse, bias, r2, mape); binary's the losses of a probability
(log_loss with the row library's clipping, brier: hurdlelang/metrics/sums.py), of the party's score
or, for a party without one, of its 0/1 decisions.

Why not Ibis (issue 10 suggests a portable expression layer): the statistics are a dozen
arithmetic expressions and four aggregate kinds; an Ops of sixteen methods per engine keeps each
formula in one place without a dependency that would re-type the columns the engines already type.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from hurdlelang.data.sum_table import SumTable
from hurdlelang.engine.plan import compile_plan, leaf_metrics, reported_metrics
from hurdlelang.lang import ir
from hurdlelang.lang.catalogue import AUC_METRICS
from hurdlelang.metrics.registry import COUNT_METRIC_NAMES
from hurdlelang.metrics.regression_sums import WEIGHT
from hurdlelang.metrics.sums import metric_terms, sum_metrics

E = Any  # an engine's expression: SQL text or a Spark Column


class Ops(Protocol):
    """What an engine renders: row expressions, then aggregates over a group."""

    def num(self, value: float) -> E: ...
    def mul(self, a: E, b: E) -> E: ...
    def sub(self, a: E, b: E) -> E: ...
    def div(self, a: E, b: E) -> E: ...
    def abs(self, a: E) -> E: ...
    def neg(self, a: E) -> E: ...
    def ln(self, a: E) -> E: ...
    def clip(self, a: E, low: float, high: float) -> E: ...
    def where(self, cond: E, a: E, b: E) -> E: ...
    def eq(self, a: E, b: E) -> E: ...
    def positive(self, a: E) -> E: ...
    def both(self, a: E, b: E) -> E: ...
    def sum(self, a: E) -> E: ...
    def count_if(self, cond: E) -> E: ...
    def min_if(self, a: E, cond: E) -> E: ...
    def max_if(self, a: E, cond: E) -> E: ...


Row = dict[str, E]  # "label", "decided:NAME", "score:NAME:0", "weight": the engine's typed row expressions
TermFn = Callable[[Ops, Row], E]


def _w(o: Ops, v: Row) -> E:
    return v["weight"] if "weight" in v else o.num(1.0)


def _e(o: Ops, v: Row, party: str) -> E:
    return o.sub(v[f"decided:{party}"], v["label"])


def _shared() -> dict[str, TermFn]:
    return {
        WEIGHT: _w,
        "w*y": lambda o, v: o.mul(_w(o, v), v["label"]),
        "w*y^2": lambda o, v: o.mul(o.mul(_w(o, v), v["label"]), v["label"]),
        "[y=0,w>0]": lambda o, v: o.where(
            o.both(o.eq(v["label"], o.num(0.0)), o.positive(_w(o, v))), o.num(1.0), o.num(0.0)
        ),
    }


def _party_terms(party: str) -> dict[str, TermFn]:
    def e(o, v):
        return _e(o, v, party)

    def share(o, v):
        y = v["label"]
        return o.div(o.abs(e(o, v)), o.where(o.eq(y, o.num(0.0)), o.num(1.0), o.abs(y)))

    return {
        f"{party}:w*|e|": lambda o, v: o.mul(_w(o, v), o.abs(e(o, v))),
        f"{party}:w*e^2": lambda o, v: o.mul(_w(o, v), o.mul(e(o, v), e(o, v))),
        f"{party}:w*e": lambda o, v: o.mul(_w(o, v), e(o, v)),
        f"{party}:w*(|e|/|y|)": lambda o, v: o.mul(_w(o, v), share(o, v)),
    }


EPS = float(np.finfo(float).eps)  # log_loss's clipping (hurdlelang/metrics/binary.py)


def _binary_terms(party: str) -> dict[str, TermFn]:
    def p(o, v):  # the party's probability: its score, else its 0/1 decisions
        return v.get(f"score:{party}:0", v.get(f"decided:{party}"))

    def loss(o, v):
        q = p(o, v)
        hit = o.ln(o.clip(q, EPS, 1 - EPS))
        miss = o.ln(o.clip(o.sub(o.num(1.0), q), EPS, 1 - EPS))
        return o.neg(o.where(o.eq(v["label"], o.num(1.0)), hit, miss))

    def gap(o, v):
        return o.sub(p(o, v), v["label"])

    return {
        f"{party}:w*loss": lambda o, v: o.mul(_w(o, v), loss(o, v)),
        f"{party}:w*(p-y)^2": lambda o, v: o.mul(_w(o, v), o.mul(gap(o, v), gap(o, v))),
    }


def _data_parties(spec: ir.Spec) -> list[str]:
    from hurdlelang.core.names import CANDIDATE

    return [CANDIDATE] + [b.name for b in spec.baselines if isinstance(b, ir.ColumnBaseline)]


def sums_suffice(spec: ir.Spec) -> bool:
    """Whether an engine may hand over sums of per-row terms for the spec's sum metrics:
    regression, when every statistic is such a sum or a size (then the rows of small scopes only);
    binary, when it reports log_loss or brier and every other statistic reads the rows as before
    (counts of deciding parties, AUCs, sizes): the rows still come, the losses do not need them.
    Never with a dummy baseline (its predictions are made from the rows after the engine)."""
    if any(isinstance(b, ir.DummyBaseline) for b in spec.baselines):
        return False
    leaves = [leaf.name for m in reported_metrics(spec) for leaf in leaf_metrics(spec, m)]
    if spec.task == "binary":
        deciding = spec.data.predict is not None and all(
            b.predict is not None for b in spec.baselines if isinstance(b, ir.ColumnBaseline)
        )
        # a party without decisions sends its count metrics to the row bootstrap, which draws
        # every metric of the scope on rows: then the losses keep the rows too
        known = set(COUNT_METRIC_NAMES) | set(AUC_METRICS) | sum_metrics("binary") | {"rows"}
        return deciding and any(n in sum_metrics("binary") for n in leaves) and all(n in known for n in leaves)
    if spec.task != "regression" or spec.data.predict is None:
        return False
    for b in spec.baselines:
        if isinstance(b, ir.ColumnBaseline) and b.predict is None:
            return False
    if not all(s.kind in ("sums", "sizes", "reported") for s in compile_plan(spec).statistics):
        return False
    return all(n in sum_metrics("regression") | {"rows"} for n in leaves)


def rows_needed(spec: ir.Spec) -> bool:
    """Whether the engine must still fetch every row beside the sums (binary: counts and AUCs
    read them), or only the rows of the small scopes (regression)."""
    return spec.task != "regression"


def centred_needed(spec: ir.Spec) -> bool:
    """r2's centred sum of squares (the second pass): regression only."""
    return spec.task == "regression"


def spec_terms(spec: ir.Spec) -> tuple[str, ...]:
    """The terms the spec's sum metrics read, in order of first use (each once)."""
    names: list[str] = []
    leaves = [leaf for m in reported_metrics(spec) for leaf in leaf_metrics(spec, m)]
    for party in _data_parties(spec):
        for leaf in leaves:
            if leaf.name in sum_metrics(spec.task):
                names += [t for t in metric_terms(spec.task, party, leaf.name) if t not in names]
    for needed in (WEIGHT, "w*y") if centred_needed(spec) else (WEIGHT,):  # w*y: the cell means (second pass)
        if needed not in names:
            names.append(needed)
    return tuple(names)


@dataclass(frozen=True)
class Aggregates:
    """The aggregates of the first pass, by alias; `read` turns the engine's columns into a table."""

    terms: tuple[str, ...]
    exprs: dict[str, E]

    def read(self, slices: dict[str, np.ndarray], got: dict[str, np.ndarray], centred: np.ndarray) -> SumTable:
        t = len(self.terms)
        cells = len(got["rows"])

        def f(alias: str) -> np.ndarray:
            return np.asarray(got[alias], dtype=float)

        sums = np.column_stack([f(f"s{i}") for i in range(t)]) if t else np.zeros((cells, 0))
        cross = np.zeros((cells, t, t))
        for i in range(t):
            for j in range(i, t):
                cross[:, i, j] = cross[:, j, i] = f(f"x{i}_{j}")
        return SumTable(
            self.terms,
            {k: np.asarray(v).astype(str) for k, v in slices.items()},
            np.asarray(got["rows"], dtype=np.int64),
            np.asarray(got["positive"], dtype=np.int64),
            sums,
            cross,
            np.column_stack([f(f"c{i}") for i in range(t)]),
            np.column_stack([f(f"f{i}") for i in range(t)]),
            _nan(got["label_min"]),
            _nan(got["label_max"]),
            np.asarray(centred, dtype=float),
        )


def _nan(values) -> np.ndarray:
    return np.array([np.nan if v is None else float(v) for v in values], dtype=float)


def aggregates(spec: ir.Spec, o: Ops, v: Row) -> Aggregates:
    """Rows, rows of positive weight, the label's range there, and the power sums of every term."""
    fns = _shared()
    for party in _data_parties(spec):
        fns.update(_binary_terms(party) if spec.task == "binary" else _party_terms(party))
    names = spec_terms(spec)
    x = [fns[n](o, v) for n in names]
    w = _w(o, v)
    exprs: dict[str, E] = {
        "rows": o.count_if(o.eq(o.num(1.0), o.num(1.0))),
        "positive": o.count_if(o.positive(w)),
        "label_min": o.min_if(v["label"], o.positive(w)),
        "label_max": o.max_if(v["label"], o.positive(w)),
    }
    for i, a in enumerate(x):
        exprs[f"s{i}"] = o.sum(a)
        exprs[f"c{i}"] = o.sum(o.mul(o.mul(a, a), a))
        exprs[f"f{i}"] = o.sum(o.mul(o.mul(o.mul(a, a), a), a))
        for j in range(i, len(x)):
            exprs[f"x{i}_{j}"] = o.sum(o.mul(a, x[j]))
    return Aggregates(names, exprs)


def centred(o: Ops, v: Row, mean: E) -> E:
    """The second pass's aggregate: sum w (y - mean)^2, `mean` the cell's mean of the label."""
    d = o.sub(v["label"], mean)
    return o.sum(o.mul(_w(o, v), o.mul(d, d)))


def cell_means(table_sums: np.ndarray, terms: tuple[str, ...]) -> np.ndarray:
    """Each cell's weighted mean of the label, sum(w y) / sum(w) (0 where the weight is 0)."""
    d = table_sums[:, terms.index(WEIGHT)]
    sy = table_sums[:, terms.index("w*y")]
    return np.where(d > 0, sy / np.where(d > 0, d, 1.0), 0.0)
