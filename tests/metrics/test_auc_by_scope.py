"""roc_auc and pr_auc of every slice value in one pass equal scikit-learn's on each slice alone."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from hurdlelang.metrics.auc_by_scope import auc_by_scope


@pytest.mark.parametrize("weighted", [False, True])
def test_each_slice_equals_sklearn_on_its_rows(weighted):
    rng = np.random.default_rng(3)
    n, slices = 6_000, 40
    codes = rng.integers(0, slices, n)
    label = (rng.random(n) < 0.3).astype(np.int64)
    score = np.round(rng.random(n) * 0.5 + 0.4 * label, 2)  # ties within and across slices
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
