"""The occupied-pairs layout and the all-scopes AUC kernel (hurdlelang/stats/auc_segments.py)
against the reference formulas on a dense histogram per scope, and against scikit-learn."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from hurdlelang.stats.auc_segments import ScopeLayout, auc_from_histograms, segment_auc


def dense(codes, bins, label, counts, n_slices, n_bins):
    """(size, n_slices, 2, n_bins) histograms, counts (size, n) per entry."""
    key = (codes * 2 + label) * n_bins + bins
    width = n_slices * 2 * n_bins
    flat = key[None, :] + (np.arange(counts.shape[0]) * width)[:, None]
    h = np.bincount(flat.ravel(), weights=counts.ravel(), minlength=counts.shape[0] * width)
    return h.reshape(counts.shape[0], n_slices, 2, n_bins)


@pytest.mark.parametrize("weighted", [False, True])
def test_every_scope_matches_a_dense_histogram_per_scope(weighted):
    rng = np.random.default_rng(3)
    n, n_slices, n_bins = 3000, 8, 300
    codes = rng.choice([0, 1, 2, 4, 5, 6], n, p=[0.5, 0.2, 0.1, 0.1, 0.05, 0.05])  # slices 3 and 7: no rows
    label = (rng.random(n) < 0.3).astype(np.int64)
    bins = np.clip((rng.normal(size=n) * 40 + 150 + 30 * label).astype(np.int64), 0, n_bins - 1)
    bins[codes == 5] = 7  # one slice holds a single bin
    counts = rng.poisson(1.0, (5, n)).astype(float)
    if weighted:
        counts *= rng.random(n) * 3
    layout = ScopeLayout.of(codes, bins, n_slices, n_bins, named=True)
    # scopes are ALL then slices 0-7: slice 5 holds one bin, slice 6 is the last with rows
    assert layout.lengths[6] == 1 and layout.lengths[7] > 1
    keys = layout.keys(label, codes, bins)  # (2, n): ALL's position, the slice's
    flat = keys[:, None, :] + (np.arange(5) * 2 * layout.width)[None, :, None]
    block = np.bincount(
        flat.ravel(), weights=np.broadcast_to(counts, flat.shape).ravel(), minlength=5 * 2 * layout.width
    ).reshape(5, 2, layout.width)
    roc, ap = segment_auc(block, layout, exact_sums=not weighted)
    h = dense(codes, bins, label, counts, n_slices, n_bins)
    scopes = [h.sum(1)] + [h[:, s] for s in range(n_slices)]
    for k, hk in enumerate(scopes):
        r, a = auc_from_histograms(hk[:, 1], hk[:, 0])
        np.testing.assert_allclose(roc[:, k], r, rtol=0, atol=1e-13, equal_nan=True)
        np.testing.assert_allclose(ap[:, k], a, rtol=0, atol=1e-13, equal_nan=True)
    for empty in (4, 8):  # the slices without rows (one in the middle, one last): undefined
        assert layout.lengths[empty] == 0 and np.isnan(roc[:, empty]).all() and np.isnan(ap[:, empty]).all()
    both = (h[:, 5, 0].sum(-1) > 0) & (h[:, 5, 1].sum(-1) > 0)
    assert both.any() and (roc[both, 6] == 0.5).all()  # one bin: every pair a tie


def test_one_resample_of_ones_is_scikit_learns_auc_on_each_slice():
    rng = np.random.default_rng(4)
    n = 2000
    codes = rng.integers(0, 3, n)
    label = (rng.random(n) < 0.4).astype(np.int64)
    score = np.round(rng.normal(size=n) + label, 1)
    values, bins = np.unique(score, return_inverse=True)
    layout = ScopeLayout.of(codes, bins, 3, values.size, named=True)
    block = np.bincount(layout.keys(label, codes, bins).ravel(), minlength=2 * layout.width)
    roc, ap = segment_auc(block.reshape(1, 2, layout.width), layout)
    for k, mask in enumerate([np.ones(n, bool)] + [codes == s for s in range(3)]):
        assert roc[0, k] == pytest.approx(roc_auc_score(label[mask], score[mask]), abs=1e-12)
        assert ap[0, k] == pytest.approx(average_precision_score(label[mask], score[mask]), abs=1e-12)


def test_without_slices_the_one_segment_is_the_whole_data():
    codes = np.zeros(6, dtype=np.int64)
    bins = np.array([0, 3, 3, 5, 9, 9])
    label = np.array([0, 0, 1, 1, 0, 1])
    layout = ScopeLayout.of(codes, bins, 1, 10, named=False)
    assert layout.width == 4 and list(layout.lengths) == [4]
    block = np.bincount(layout.keys(label, codes, bins).ravel(), minlength=8).reshape(1, 2, 4)
    roc, _ = segment_auc(block, layout)
    assert roc[0, 0] == pytest.approx(roc_auc_score(label, bins))
