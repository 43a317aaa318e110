"""roc_auc and pr_auc of every slice value in one pass equal scikit-learn's on each slice alone."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from hurdlelang.metrics.auc_by_scope import ScopeScoreCells, _sampled_distinct, auc_by_scope, dense_ranks


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("grid", [True, False])  # every (slice, score) pair a cell, or the occupied ones sorted
def test_each_slice_equals_sklearn_on_its_rows(weighted, grid):
    rng = np.random.default_rng(3)
    n, slices = 6_000, 40
    codes = rng.integers(0, slices, n)
    label = (rng.random(n) < 0.3).astype(np.int64)
    score = rng.random(n) * 0.5 + 0.4 * label
    if grid:
        score = np.round(score, 2)  # ties within and across slices
    weight = rng.integers(0, 4, n).astype(float) if weighted else None  # zero weights too
    table = auc_by_scope(label, score, codes, slices + 1, weight)
    assert table.shape == (slices + 1, 2)
    for k in range(slices):
        rows = codes == k
        w = None if weight is None else weight[rows]
        assert table[k, 0] == pytest.approx(roc_auc_score(label[rows], score[rows], sample_weight=w), abs=1e-12)
        assert table[k, 1] == pytest.approx(
            average_precision_score(label[rows], score[rows], sample_weight=w), abs=1e-12
        )
    assert np.isnan(table[slices]).all()  # a value with no rows


def test_one_class_only_is_nan_for_the_caller_to_word():
    label = np.array([1, 1, 0, 0, 1, 1])
    score = np.array([0.9, 0.2, 0.4, 0.3, 0.8, 0.7])
    codes = np.array([0, 0, 0, 0, 1, 1])  # slice 1 has positives only
    table = auc_by_scope(label, score, codes, 2, None)
    assert table[0, 0] == pytest.approx(roc_auc_score(label[:4], score[:4]))
    assert np.isnan(table[1, 0])
    assert table[1, 1] == pytest.approx(1.0)  # average precision is defined with positives only
    assert np.isnan(auc_by_scope(1 - label, score, codes, 2, None)[1, 1])  # no positives: undefined


def test_a_score_that_is_not_finite_leaves_every_slice_to_the_one_at_a_time_function():
    assert auc_by_scope(np.array([0, 1]), np.array([0.1, np.nan]), np.array([0, 0]), 1, None) is None


@pytest.mark.parametrize("distinct", [7, 50_000])  # hashed, or sorted
def test_dense_ranks_number_the_distinct_scores_from_the_lowest(distinct):
    rng = np.random.default_rng(5)
    score = rng.integers(0, distinct, 20_000) / 7 - 3.0
    seen, looked_at = _sampled_distinct(score)
    assert (seen * 2 <= looked_at) == (distinct == 7)
    rank, count = dense_ranks(score)
    values, inverse = np.unique(score, return_inverse=True)
    assert count == len(values)
    assert np.array_equal(rank, inverse)
    assert dense_ranks(np.array([0.0, -0.0, 1.0]))[1] == 2  # -0.0 ties with 0.0, as in a sort


@pytest.mark.parametrize("slices", [20, 400])  # every (slice, score) pair a cell, or the occupied ones sorted
def test_cells_are_the_slice_and_score_pairs_in_ascending_order(slices):
    rng = np.random.default_rng(6)
    n = 5_000
    codes = rng.integers(0, slices, n)
    score = np.round(rng.random(n), 2)
    cells = ScopeScoreCells.of(score, codes, slices)
    pairs, inverse = np.unique(np.c_[codes, score], axis=0, return_inverse=True)
    occupied = np.unique(cells.of_entry)
    assert len(occupied) == len(pairs)
    assert np.array_equal(np.searchsorted(occupied, cells.of_entry), inverse.ravel())  # same pairs, same order
    assert np.array_equal(cells.scope[cells.of_entry], codes)
    assert np.all(np.diff(cells.scope) >= 0)
    assert (len(cells.scope) > len(pairs)) == (slices == 20)  # the table keeps its empty cells
