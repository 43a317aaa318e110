"""The plan's statistics as one table of cells: GROUP BY every value the evaluator reads, COUNT(*).

When every statistic the plan asks for is a count over discrete values (the joint decision cells
of binary count metrics, the K x K confusion cells of multiclass, the score histograms of AUC and
PR-AUC, sizes; see hurdlelang/engine/plan.py), the rows themselves are not needed: a table of the
distinct (slices, label, each party's decision [and score], weight) combinations, each with how many
rows carry it (its *multiplicity*), gives every one of those statistics exactly, on the whole data
and on every slice value at once. The engines (DuckDB in SQL, Spark in its Column API) compute it
with one GROUP BY and hand it to the evaluator as a Prepared with a multiplicity; the pandas reader's
rows are grouped the same way here in numpy, so every engine sees the same table.

Why this is the row bootstrap: a resample draws n rows with replacement; how many of the drawn rows
fall in each cell is Multinomial(n, multiplicity / n), which is what the resamplers draw over their
groups (hurdlelang/stats/bootstrap_counts.py). The user's weight column is part of the key: a
weight is a value of a row, the multiplicity how many rows share it, and the two are never mixed up
(a cell's weighted count is weight x multiplicity).

Cells are used only when they pay: when there are at most a quarter as many as rows. Continuous
scores (about one distinct value per row) keep the rows, in file order, exactly as before. Specs
whose statistics need the rows (sums of continuous per-row values: regression, log_loss, brier,
top_k_accuracy; ranking's per-query values; random dummy baselines, whose draws are per row) are
never grouped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from hurdlelang.core.names import CANDIDATE
from hurdlelang.data.prepared import Prepared, Slices
from hurdlelang.engine.plan import compile_plan
from hurdlelang.lang import ir

MULTIPLICITY = "__multiplicity"
WORTH = 4  # cells are used when rows >= WORTH x cells
ESTIMATE_SLACK = 1.25  # how far over the cells a distinct-count estimate may be (may_pay)
CELL_KINDS = frozenset({"joint_cells", "confusion_cells", "score_histogram", "sizes", "reported"})
ROW_DUMMIES = frozenset({"stratified", "uniform"})  # drawn at random per row


def cells_suffice(spec: ir.Spec) -> bool:
    """Whether every statistic the spec's plan needs can be computed from cells with a multiplicity."""
    if spec.task not in ("binary", "multiclass"):
        return False
    if any(isinstance(b, ir.DummyBaseline) and b.strategy in ROW_DUMMIES for b in spec.baselines):
        return False
    if any(rule.at_volume for rule in _rules(spec)):
        return False  # the cut is chosen again in each resample by ranking single rows (stats/bootstrap_volume.py)
    return all(s.kind in CELL_KINDS for s in compile_plan(spec).statistics)


def _rules(spec: ir.Spec) -> list[ir.PredictRule]:
    rules = [spec.data.predict] + [b.predict for b in spec.baselines if isinstance(b, ir.ColumnBaseline)]
    return [r for r in rules if r is not None]


def worth_it(cells: int, rows: int) -> bool:
    return cells * WORTH <= rows


def may_pay(estimate: float, rows: int) -> bool:
    """Whether cells a HyperLogLog estimate counts may pay, before they are grouped: an estimate errs
    by a few percent (DuckDB's up to 7% seen on 10^3 to 10^6 keys, Spark's a 5% standard error), so
    it is divided by ESTIMATE_SLACK first, and cells that pay are never skipped."""
    return worth_it(int(estimate / ESTIMATE_SLACK), rows)


def argmax_class(spec: ir.Spec) -> bool:
    """The candidate decides by its most probable class (multiclass scores without a rule)."""
    d = spec.data
    return spec.task == "multiclass" and d.predict is None and bool(d.scores)


def cell_expressions(spec: ir.Spec, want: dict, argmax: Callable[[list, tuple[str, ...]], object]) -> dict:
    """The key of the cells from an engine's row expressions (name -> SQL text or a Spark column):
    multiclass scores are not kept (no cell statistic reads them), and a candidate that decides by
    its most probable class gets that class as an expression (`argmax(score expressions, classes)`,
    the first of equal maxima, as numpy's argmax)."""
    keyed = {k: v for k, v in want.items() if not (spec.task == "multiclass" and k.startswith("score:"))}
    if argmax_class(spec):
        classes = tuple(s.class_name for s in spec.data.scores)
        scores = [want[f"score:{CANDIDATE}:{i}"] for i in range(len(classes))]
        keyed[f"decided:{CANDIDATE}"] = argmax(scores, classes)
    return keyed


def argmax_sql(scores: list[str], classes: tuple[str, ...]) -> str:
    """SQL CASE of the first class whose score is the largest (a class is taken when its score is
    at least every later one: the earlier maxima have been passed over by then)."""
    whens = []
    for i, s in enumerate(scores[:-1]):
        later = " AND ".join(f"({s}) >= ({t})" for t in scores[i + 1 :])
        whens.append(f"WHEN {later} THEN '{classes[i].replace(chr(39), chr(39) * 2)}'")
    last = classes[-1].replace("'", "''")
    return f"(CASE {' '.join(whens)} ELSE '{last}' END)" if whens else f"'{last}'"


def _codes(values: np.ndarray) -> tuple[np.ndarray, int]:
    _, inverse = np.unique(values, return_inverse=True)
    inverse = inverse.ravel().astype(np.int64)
    return inverse, int(inverse.max()) + 1 if inverse.size else 0


def _arrays(prepared: Prepared) -> list[np.ndarray]:
    """Every array but the slices the cells are keyed by, each 1-D (a score matrix gives one per column)."""
    out = [prepared.label]
    for p in prepared.parties.values():
        for a in (p.decided, p.abstained, p.score):
            if a is not None:
                out += [a] if a.ndim == 1 else list(a.T)
    if prepared.weight is not None:
        out.append(prepared.weight)
    return out


def group(prepared: Prepared) -> Prepared:
    """The entries grouped into their distinct cells, in a canonical (sorted) order, with their
    multiplicities summed: rows become cells; cells from any engine come out in one order. The
    slice columns come out factorised (their codes are part of the key)."""
    slices = {column: prepared.factorised(column) for column in prepared.slices}
    key = np.zeros(prepared.cells, dtype=np.int64)
    keyed = [_codes(a) for a in _arrays(prepared)] + [(s.codes, len(s.names)) for s in slices.values()]
    for codes, size in keyed:
        key, _ = _codes(key * size + codes)  # re-coded at each step, so the key never overflows
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    counts = np.ones(prepared.cells) if prepared.multiplicity is None else prepared.multiplicity.astype(float)
    multiplicity = np.rint(np.bincount(inverse.ravel(), weights=counts)).astype(np.int64)
    coded = {column: Slices(s.codes[first], s.names) for column, s in slices.items()}  # every value stays
    return replace(prepared.subset(first), multiplicity=multiplicity, coded_slices=coded)


def keep_cell_columns(spec: ir.Spec, prepared: Prepared) -> Prepared:
    """Drop what no cell statistic reads (multiclass scores), as the engines' cell key does."""
    if spec.task != "multiclass":
        return prepared
    parties = {k: replace(p, score=None) for k, p in prepared.parties.items()}
    return replace(prepared, parties=parties)


def as_cells(spec: ir.Spec, prepared: Prepared) -> Prepared:
    """The pandas reader's rows as the engines' cells, when the spec allows it and it pays."""
    if prepared.multiplicity is not None or not cells_suffice(spec):
        return prepared
    cells = group(keep_cell_columns(spec, prepared))
    return cells if worth_it(cells.cells, prepared.rows) else prepared
