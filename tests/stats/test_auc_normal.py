"""The delta-method AUC (hurdlelang/stats/auc_normal.py) against scikit-learn: values, gradients by
finite differences of sklearn's weighted AUC, and the variance against the exact row bootstrap."""

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from hurdlelang.metrics.auc_by_scope import dense_ranks
from hurdlelang.stats import auc_normal
from hurdlelang.stats.auc_normal import auc_gradients, normal_auc
from hurdlelang.stats.bootstrap_counts import ALL
from hurdlelang.stats.linear_normal import LinearScopes


def _data(n: int, seed: int, ties: bool):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(np.int64)
    score = rng.normal(size=n) + 1.1 * y
    if ties:
        score = np.round(score, 1)
    scope = rng.integers(0, 3, n)
    return y, score, scope


@pytest.mark.parametrize("ties", [False, True])
def test_values_are_sklearns_in_every_scope(ties):
    y, score, scope = _data(3_000, 1, ties)
    mult = np.random.default_rng(2).integers(1, 4, len(y)).astype(float)
    values, _ = auc_gradients(y, score, scope, 3, mult)
    for s in range(3):
        inside = scope == s
        roc = roc_auc_score(y[inside], score[inside], sample_weight=mult[inside])
        assert values[s, 0] == pytest.approx(roc, abs=1e-12)
        assert values[s, 1] == pytest.approx(
            average_precision_score(y[inside], score[inside], sample_weight=mult[inside]), abs=1e-12
        )


@pytest.mark.parametrize("ties", [False, True])
def test_gradients_are_finite_differences_of_sklearn(ties):
    y, score, scope = _data(400, 3, ties)
    _, grads = auc_gradients(y, score, scope, 3, None)
    h = 1e-5
    rng = np.random.default_rng(4)
    for i in rng.choice(len(y), 25, replace=False):
        inside = scope == scope[i]
        w = np.ones(len(y))
        for col, metric in enumerate((roc_auc_score, average_precision_score)):
            up, down = w.copy(), w.copy()
            up[i] += h
            down[i] -= h
            diff = (
                metric(y[inside], score[inside], sample_weight=up[inside])
                - metric(y[inside], score[inside], sample_weight=down[inside])
            ) / (2 * h)
            assert grads[i, col] == pytest.approx(diff, rel=1e-4, abs=1e-9)


def test_gradients_sum_to_zero_within_a_scope():
    """Euler's identity for a ratio of counts: what makes the scopes' covariances diagonal blocks."""
    y, score, scope = _data(2_000, 5, True)
    _, grads = auc_gradients(y, score, scope, 3, None)
    for s in range(3):
        assert np.abs(grads[scope == s].sum(0)).max() < 1e-12


def test_an_undefined_scope_is_nan_with_no_gradient():
    y = np.array([1, 0, 1, 1, 1])
    score = np.array([0.9, 0.1, 0.4, 0.3, 0.8])
    scope = np.array([0, 0, 1, 1, 1])  # scope 1 has no negatives
    values, grads = auc_gradients(y, score, scope, 2, None)
    assert values[0].tolist() == [1.0, 1.0]
    assert np.isnan(values[1]).all()
    assert (grads[scope == 1] == 0).all()


def test_variance_and_paired_covariance_match_the_row_bootstrap():
    """DeLong's variance (with 1/n) is the row bootstrap's to first order: 500 exact row resamples
    of 2,000 rows, two correlated models, the standard deviations of each AUC and of their
    difference within 8% (the Monte Carlo error of a standard deviation from 500 resamples is about
    3.2%)."""
    rng = np.random.default_rng(6)
    n = 2_000
    y = (rng.random(n) < 0.25).astype(np.int64)
    common = rng.normal(size=n)
    a = common + 1.0 * y + 0.6 * rng.normal(size=n)
    b = common + 0.8 * y + 0.6 * rng.normal(size=n)
    scope = np.zeros(n, dtype=np.int64)
    points, grads = [], []
    for s in (a, b):
        v, g = auc_gradients(y, s, scope, 1, None)
        points.append(v)
        grads.append(g)
    linear = LinearScopes.of(np.concatenate(points, 1), scope, np.concatenate(grads, 1), None)
    cov = linear.cov[0]
    boot = []
    for _ in range(500):
        i = rng.integers(0, n, n)
        boot.append(
            [
                roc_auc_score(y[i], a[i]),
                average_precision_score(y[i], a[i]),
                roc_auc_score(y[i], b[i]),
                average_precision_score(y[i], b[i]),
            ]
        )
    boot = np.array(boot)
    for col in range(4):
        assert np.sqrt(cov[col, col]) == pytest.approx(boot[:, col].std(), rel=0.08)
    for ca, cb in ((0, 2), (1, 3)):
        delta_sd = np.sqrt(cov[ca, ca] + cov[cb, cb] - 2 * cov[ca, cb])
        assert delta_sd == pytest.approx((boot[:, ca] - boot[:, cb]).std(), rel=0.08)
        assert cov[ca, cb] > 0.3 * np.sqrt(cov[ca, ca] * cov[cb, cb])  # the pairing is there


def test_draws_are_reproducible_and_centred():
    y, score, scope = _data(5_000, 7, False)
    values, grads = auc_gradients(y, score, scope, 3, None)
    linear = LinearScopes.of(values, scope, grads, None)
    one, two = linear.draw(2_000, 11, "auc"), linear.draw(2_000, 11, "auc")
    assert np.array_equal(one, two)
    assert one.shape == (3, 2_000, 2)
    np.testing.assert_allclose(one.mean(1), values, atol=4 * np.sqrt(linear.cov[:, [0, 1], [0, 1]].max() / 2_000))
    np.testing.assert_allclose(one.std(1) ** 2, np.diagonal(linear.cov, axis1=1, axis2=2), rtol=0.1)
    assert (linear.bound > 0).all() and (linear.bound < 0.2).all()


def test_entries_alike_in_everything_are_merged_without_changing_a_draw(monkeypatch):
    """normal_auc merges entries with the same scope, label and every party's score (the whole data
    of cells grouped by a slice column): the same draws and bounds as from the entries unmerged."""
    rng = np.random.default_rng(12)
    n = 6_000
    y = (rng.random(n) < 0.3).astype(np.int64)
    scores = {"c": np.round(rng.random(n) * 0.6 + 0.3 * y, 2), "r": (rng.random(n) < 0.3 + 0.3 * y).astype(float)}
    mult = rng.integers(1, 4, n).astype(float)
    args = (y, scores, np.zeros(n, np.int64), (ALL,), [ALL], mult, 200, 5, "t")
    merged = normal_auc(*args)
    ranks = [dense_ranks(s) for s in scores.values()]
    assert len(auc_normal._collapsed(y, np.zeros(n, np.int64), 1, mult, ranks)[0]) < n / 2
    monkeypatch.setattr(auc_normal, "_collapsed", lambda y, scope, n_scopes, m, ranks: (y, scope, m, ranks))
    plain = normal_auc(*args)
    for key, drawn in plain.samples.items():
        for metric, values in drawn.items():
            np.testing.assert_allclose(merged.samples[key][metric], values, rtol=0, atol=1e-12)
            assert merged.bound[key][metric] == pytest.approx(plain.bound[key][metric], rel=1e-9)


@pytest.mark.parametrize("scopes", [1, 10])  # keys counted in a table, or hashed
def test_merged_entries_are_the_distinct_scope_label_and_scores_with_their_rows_added(scopes):
    rng = np.random.default_rng(13)
    base = 2_000
    y = (rng.random(base) < 0.4).astype(np.int64)
    scope = rng.integers(0, scopes, base)
    cand, rule = rng.random(base).round(3 if scopes == 1 else 6), (rng.random(base) < 0.5).astype(float)
    twice = np.r_[np.arange(base), rng.integers(0, base, base)]  # half the entries repeat others
    mult = rng.integers(1, 5, len(twice)).astype(float)
    ranks = [dense_ranks(s[twice]) for s in (cand, rule)]
    my, ms, rows, merged = auc_normal._collapsed(y[twice], scope[twice], scopes, mult, ranks)
    table = pd.DataFrame({"s": scope[twice], "y": y[twice], "c": ranks[0][0], "r": ranks[1][0], "m": mult})
    expected = table.groupby(["s", "y", "c", "r"])["m"].sum()
    got = pd.Series(rows, index=pd.MultiIndex.from_arrays([ms, my, merged[0][0], merged[1][0]])).sort_index()
    assert got.index.equals(expected.index)
    np.testing.assert_array_equal(got.to_numpy(), expected.to_numpy())
    assert [distinct for _, distinct in merged] == [distinct for _, distinct in ranks]


def test_renumbered_keys_keep_their_values_and_give_up_beyond_the_most():
    key = np.array([5, 3, 5, 9, 3])
    for span in (10, 100_000):  # a table, or a hash
        number, value = auc_normal._renumbered(key, span, 3)
        assert np.array_equal(value[number], key)
        assert sorted(value.tolist()) == [3, 5, 9]
        assert auc_normal._renumbered(key, span, 2) is None


def test_entries_are_left_unmerged_when_merging_cannot_halve_them():
    rng = np.random.default_rng(14)
    n = 1_000
    y, scope = (rng.random(n) < 0.5).astype(np.int64), np.zeros(n, np.int64)
    grid, continuous = dense_ranks(rng.integers(0, 5, n).astype(float)), dense_ranks(rng.random(n))
    for ranks in ([continuous], [grid, continuous]):  # one score alone has too many distinct values
        merged_y, merged_scope, rows, merged = auc_normal._collapsed(y, scope, 1, None, ranks)
        assert merged_y is y and merged_scope is scope and rows is None and merged is ranks
    assert len(auc_normal._collapsed(y, scope, 1, None, [grid])[0]) == 10  # 2 labels x 5 scores
