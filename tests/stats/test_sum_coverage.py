"""Coverage of every interval method by simulation, at n = 500, 5,000 and 200,000 units: the 95%
two-sided interval must hold the true value in 93.5%-96.5% of 1,500 data sets (a standard error of
0.56 points), for every task kind.

The methods see a data set only through its sufficient statistics, so each data set is simulated
exactly at any size from a law with finitely many distinct units (a support: forecast errors on a
grid, scores at 25 levels, a dozen kinds of query): the data set is the multinomial count of each
support unit, O(support) to draw, not O(n). Per-unit terms come from the real SumForms
(hurdlelang/stats/bootstrap_means.py) computed on the support; then

- "normal": the real Moments (hurdlelang/stats/moments.py) from the counts, its normal draws and the
  metric's own combine: what `hurdlec run` does on a scope of 2,000 units or more;
- "rows": the row bootstrap as sums (n units drawn with replacement from the data set): what it does
  on smaller scopes (and did everywhere), so at n = 500 only (B x n draws per data set);

and the real percentile interval. Count metrics (exact multinomial over joint cells) and AUC
(binned paired bootstrap) are checked here at the same sizes; the multiclass confusion metrics in
test_confusion_coverage.py. The true value is the metric's combine of the support's expected sums.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from hurdlelang.data.prepared import PartyData, Prepared
from hurdlelang.lang.ir import MetricKey
from hurdlelang.stats.bootstrap_auc import auc_from_histograms, resample_auc
from hurdlelang.stats.bootstrap_counts import JointCells, resample_counts
from hurdlelang.stats.bootstrap_means import sum_form
from hurdlelang.stats.intervals import interval
from hurdlelang.stats.moments import ROW_BOOTSTRAP_BELOW, Moments

SIZES = [500, 5_000, 200_000]
DATASETS, RESAMPLES = 1500, 400


def _regression() -> tuple[Prepared, np.ndarray]:
    """Labels around 20 (a binomial), forecast errors on a grid of 1, right-skewed (a shifted gamma):
    16 x 13 support units."""
    y = np.arange(12, 28, dtype=float)
    py = np.array([math.comb(15, int(v) - 12) for v in y], dtype=float)
    e = np.arange(-3, 10, 1.0)
    pe = np.exp(-(e + 3) / 2.0) * (e + 3.5)
    yy, ee = np.meshgrid(y, e, indexing="ij")
    p = np.outer(py / py.sum(), pe / pe.sum()).ravel()
    label = yy.ravel()
    return Prepared("regression", label, {"c": PartyData(label + ee.ravel(), None)}), p


def _binary() -> tuple[Prepared, np.ndarray]:
    """Scores at 25 levels, skewed towards 0 (as for a rare class), labels slightly miscalibrated."""
    q = np.linspace(0.02, 0.98, 25)
    pq = np.exp(-4 * q)
    positive = np.clip(q * 1.15, 0, 1)
    label = np.r_[np.ones(25), np.zeros(25)].astype(np.int64)
    p = np.r_[pq * positive, pq * (1 - positive)]
    scores = np.r_[q, q]
    return Prepared("binary", label, {"c": PartyData((scores >= 0.5).astype(np.int64), scores)}), p / p.sum()


def _multiclass() -> tuple[Prepared, np.ndarray]:
    """Three classes; eight probability vectors, each with every actual class."""
    rng = np.random.default_rng(0)
    vectors = rng.dirichlet([2.0, 1.0, 1.0], 8)
    classes = np.array(["a", "b", "c"])
    label = np.repeat(classes, 8)
    score = np.tile(vectors, (3, 1))
    p = (score * np.repeat([[0.5], [0.3], [0.2]], 8, axis=0))[np.arange(24), np.repeat([0, 1, 2], 8)]
    decided = classes[score.argmax(axis=1)]
    data = Prepared("multiclass", label, {"c": PartyData(decided, score)}, classes=tuple(classes))
    return data, p / p.sum()


def _ranking() -> tuple[Prepared, np.ndarray]:
    """Twelve kinds of query of six items: a relevant item at a given rank, two, or none."""
    group, label, score = [], [], []
    for q in range(12):
        relevance = np.zeros(6)
        if q < 6:
            relevance[q] = 1.0
        elif q < 10:
            relevance[[q - 6, q - 4]] = [1.0, 2.0]
        group += [q] * 6
        label.append(relevance)
        score.append(np.linspace(1.0, 0.5, 6))
    p = np.array([0.2, 0.15, 0.1, 0.08, 0.06, 0.05, 0.08, 0.06, 0.05, 0.04, 0.07, 0.06])
    data = Prepared(
        "ranking", np.concatenate(label), {"c": PartyData(None, np.concatenate(score))}, group=np.array(group)
    )
    return data, p / p.sum()


LAWS = {"regression": _regression, "binary": _binary, "multiclass": _multiclass, "ranking": _ranking}
METRICS = {
    "regression": ["mae", "rmse", "r2"],
    "binary": ["log_loss", "brier"],
    "multiclass": ["log_loss"],
    "ranking": ["mrr", "ndcg@5"],
}


def _key(text: str) -> MetricKey:
    name, _, param = text.partition("@")
    return MetricKey(name=name, param=float(param) if param else None)


def _row_bootstrap(rng, counts: np.ndarray, resamples: int) -> np.ndarray:
    """(resamples, support) counts of a row bootstrap of the data set whose units have ``counts``."""
    units = np.repeat(np.arange(len(counts)), counts)
    n, s = len(units), len(counts)
    drawn = units[rng.integers(0, n, (resamples, n))] + s * np.arange(resamples)[:, None]
    return np.bincount(drawn.ravel(), minlength=resamples * s).reshape(resamples, s).astype(float)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("task", sorted(METRICS))
def test_sum_metric_intervals_cover_the_true_value(task, n):
    data, p = LAWS[task]()
    forms = {m: sum_form(task, _key(m), data, data.parties["c"]) for m in METRICS[task]}
    # every metric's terms in one Moments, drawn jointly, as the evaluator draws a scope's requests
    columns = np.column_stack([f.columns for f in forms.values()])
    at, start = {}, 0
    for metric, form in forms.items():
        at[metric] = slice(start, start + form.columns.shape[1])
        start += form.columns.shape[1]
    truth = {m: float(f.combine((p @ f.columns)[None, :])[0]) for m, f in forms.items()}
    terms = tuple(f"t{j}" for j in range(columns.shape[1]))
    methods = ["normal", "rows"] if n < ROW_BOOTSTRAP_BELOW else ["normal"]
    rng = np.random.default_rng(n)
    covered = {(method, m): 0 for method in methods for m in forms}
    for i in range(DATASETS):
        counts = rng.multinomial(n, p)
        sums = {"normal": Moments.from_columns(terms, columns, multiplicity=counts).draw(0, RESAMPLES, i, "coverage")}
        if "rows" in methods:
            sums["rows"] = _row_bootstrap(rng, counts, RESAMPLES) @ columns
        for method, drawn in sums.items():
            for metric, form in forms.items():
                found = interval(form.combine(drawn[:, at[metric]]), 0.95, "two-sided")
                covered[(method, metric)] += found.low <= truth[metric] <= found.high
    rates = {k: c / DATASETS for k, c in covered.items()}
    assert all(0.935 <= r <= 0.965 for r in rates.values()), (task, n, rates)


@pytest.mark.parametrize("n", SIZES)
def test_count_metric_intervals_cover_the_true_value(n):
    # joint cells (label bit 0, decision bit 1) drawn from their true probabilities; the real
    # multinomial over cells and the real formulas
    cell_p = np.array([0.56, 0.14, 0.09, 0.21])  # (y, d) = (0, 0), (1, 0), (0, 1), (1, 1)
    truth = {"precision": 0.21 / (0.21 + 0.09), "recall": 0.21 / (0.21 + 0.14)}
    rng = np.random.default_rng(n + 1)
    covered = dict.fromkeys(truth, 0)
    for i in range(DATASETS):
        counts = rng.multinomial(n, cell_p)
        occupied = np.flatnonzero(counts)
        cells = JointCells(("c",), (), n, np.zeros(len(occupied), np.int64), occupied, counts[occupied], None)
        drawn = resample_counts(cells, RESAMPLES, seed=i, stream="coverage")
        for metric, value in truth.items():
            found = interval(drawn.samples("c", metric), 0.95, "two-sided")
            covered[metric] += found.low <= value <= found.high
    rates = {m: c / DATASETS for m, c in covered.items()}
    assert all(0.935 <= r <= 0.965 for r in rates.values()), (n, rates)


@pytest.mark.parametrize("n", SIZES)
def test_auc_intervals_cover_the_true_value(n):
    # binormal scores on a grid of 29 levels (positives N(1, 1), negatives N(0, 1)), prevalence 30%;
    # the true AUC (ties 1/2) from the two discretised normals. The data set is rows again (the AUC
    # bootstrap takes rows), built from the counts of the 58 (label, level) units, up to 5,000 rows
    step = 0.25
    cuts = np.arange(-3 + step / 2, 4, step)

    def pmf(mean: float) -> np.ndarray:
        cdf = [0.0] + [0.5 * (1 + math.erf((c - mean) / math.sqrt(2))) for c in cuts] + [1.0]
        return np.diff(cdf)

    pos, neg = pmf(1.0), pmf(0.0)
    truth = float((pos * (np.cumsum(neg) - 0.5 * neg)).sum())
    levels = np.arange(len(pos), dtype=float)
    unit_p = np.r_[0.3 * pos, 0.7 * neg]
    unit_label = np.r_[np.ones(len(pos)), np.zeros(len(neg))].astype(np.int64)
    rng = np.random.default_rng(n + 2)
    covered = 0
    for i in range(DATASETS):
        counts = rng.multinomial(n, unit_p)
        if n <= 5_000:
            label, score = np.repeat(unit_label, counts), np.repeat(np.r_[levels, levels], counts)
            drawn = resample_auc(label, {"c": score}, resamples=RESAMPLES, seed=i).get("c", "roc_auc")
        else:
            # what resample_auc does with few distinct scores, without building 200,000 rows (60 ms
            # a data set): a multinomial over the occupied (label, score) cells, then the AUC formula
            cells = rng.multinomial(n, counts / n, size=RESAMPLES)
            drawn = auc_from_histograms(cells[:, : len(pos)], cells[:, len(pos) :])[0]
        found = interval(drawn, 0.95, "two-sided")
        covered += found.low <= truth <= found.high
    assert 0.935 <= covered / DATASETS <= 0.965, (n, covered / DATASETS)
