"""The multinomial over joint multiclass cells: its observed matrices are the evaluator's confusion
matrices (so every metric equals the point estimate), and its resamples have the distribution of the
row bootstrap they replace (mean and spread of every party's metric, and of the paired difference)."""

from __future__ import annotations

import numpy as np
import pytest

from hurdlelang.metrics.multiclass import confusion_matrix
from hurdlelang.metrics.registry import vectorised_confusion_metric
from hurdlelang.stats.bootstrap_confusion import ConfusionCells, resample_confusion
from hurdlelang.stats.bootstrap_counts import Slices


def _data(n: int, seed: int = 1):
    rng = np.random.default_rng(seed)
    classes = np.array(["a", "b", "c", "d"])
    label = classes[rng.choice(4, n, p=[0.5, 0.3, 0.15, 0.05])]
    good = np.where(rng.random(n) < 0.8, label, classes[rng.integers(0, 4, n)])
    poor = np.where(rng.random(n) < 0.6, label, classes[rng.integers(0, 3, n)])  # never decides "d"
    region = np.array(["north", "south", "east"])[rng.integers(0, 3, n)]
    return label, {"candidate": good, "rules": poor}, region, rng.uniform(0.5, 2.0, n)


@pytest.mark.parametrize("weighted", [False, True])
def test_observed_matrices_are_the_confusion_matrices(weighted):
    label, decisions, region, w = _data(3000)
    weights = w if weighted else None
    cells = ConfusionCells.build(label, decisions, ("a", "b", "c", "d"), Slices.of(region), weights)
    observed = cells.observed()
    for party, decided in decisions.items():
        for where in ("all", "north", "east"):
            mask = np.ones(len(label), bool) if where == "all" else region == where
            expected, _ = confusion_matrix(
                label[mask], decided[mask], None if weights is None else w[mask], list("abcd")
            )
            got = observed[(party, where)][0]
            if weighted:  # quantised weights: totals exact, each cell within the reported bound
                assert got.sum() == pytest.approx(expected.sum(), rel=1e-12)
                assert np.abs(got - expected).max() <= cells.groups.weight_error_bound * expected.max() + 1e-9
            else:
                assert np.array_equal(got, expected)


def test_resamples_have_the_row_bootstrap_distribution():
    label, decisions, region, _ = _data(800, seed=4)
    cells = ConfusionCells.build(label, decisions, None, Slices.of(region))
    drawn = resample_confusion(cells, 4000, seed=7, stream="t")
    rng = np.random.default_rng(11)
    naive = {p: [] for p in decisions}
    for _ in range(4000):
        rows = rng.integers(0, len(label), len(label))
        for p, d in decisions.items():
            naive[p].append(confusion_matrix(label[rows], d[rows], None, np.unique(np.concatenate([label, d])))[0])
    for metric in ("accuracy", "f1_macro", "balanced_accuracy"):
        values = {p: vectorised_confusion_metric(metric, None, drawn[(p, "all")]) for p in decisions}
        reference = {p: vectorised_confusion_metric(metric, None, np.stack(naive[p])) for p in decisions}
        for p in decisions:
            assert values[p].mean() == pytest.approx(reference[p].mean(), abs=0.003)
            assert values[p].std() == pytest.approx(reference[p].std(), rel=0.08)
        diff = values["candidate"] - values["rules"]
        assert diff.std() < values["candidate"].std() + values["rules"].std()  # paired: rows drawn together
    again = resample_confusion(cells, 4000, seed=7, stream="t")
    assert all(np.array_equal(again[k], drawn[k]) for k in drawn)
