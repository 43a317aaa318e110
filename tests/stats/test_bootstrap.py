"""The confidence engine: exactness of the multinomial bootstrap, reproducibility, undefined
resamples, binned AUC and its bound, figure baselines, weights.

Monte Carlo tolerances. Two bootstrap estimates of the same distribution differ by sampling noise
only; each check states the standard error (SE) it is measured in. Means use 4.5 SE, other
statistics 5 SE: with a few dozen comparisons in this file and fixed seeds, a correct engine passes
with overwhelming probability (a 4.5-SE excursion has probability ~7e-6 per comparison), while
the errors these tests guard against (unpaired draws, a wrong cell, a lost slice) shift the
statistics by tens of SE.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from hurdlelang.stats.bootstrap import (
    ALL,
    JointCells,
    Slices,
    beats,
    figure_samples,
    holds,
    interval,
    make_rng,
    paired_difference,
    resample_auc,
    resample_counts,
)

FIELDS = ("tp", "fp", "tn", "fn")


def small_data(n=300, seed=0):
    rng = np.random.default_rng(seed)
    label = (rng.random(n) < 0.35).astype(int)
    signal = rng.normal(size=n) + 1.2 * label
    cand = (signal + 0.4 * rng.normal(size=n) > 0.6).astype(int)
    base = (signal + 0.8 * rng.normal(size=n) > 0.8).astype(int)  # correlated with cand: pairing matters
    region = rng.choice(np.array(["east", "west"]), n, p=[0.7, 0.3])
    return label, cand, base, region


def naive_counts(label, decisions, region, resamples, seed):
    """Reference: draw n row indices with replacement, recount. {(party, slice): {field: (B,)}}."""
    rng = np.random.default_rng(seed)
    n = label.size
    out = {(p, s): {f: np.empty(resamples) for f in FIELDS} for p in decisions for s in (ALL, "east", "west")}
    for b in range(resamples):
        idx = rng.integers(0, n, n)
        y, r = label[idx], region[idx]
        for party, d in decisions.items():
            dd = d[idx]
            for s in (ALL, "east", "west"):
                m = np.ones(n, bool) if s == ALL else r == s
                cells = np.bincount(2 * y[m] + dd[m], minlength=4)
                for f, v in zip(("tn", "fp", "fn", "tp"), cells, strict=True):
                    out[(party, s)][f][b] = v
    return out


def test_multinomial_agrees_with_naive_row_resampling():
    # Both are bootstraps of the same data with B = 4000; per field and key we compare
    # mean (SE = sqrt(var_a/B + var_b/B)), the log ratio of variances (SE ~ sqrt(4/B) for
    # near-normal counts), and the cross-party correlation of tp (SE ~ (1 - rho^2) sqrt(2/B)).
    label, cand, base, region = small_data()
    decisions = {"candidate": cand, "as_is": base}
    b = 4000
    fast = resample_counts(JointCells.build(label, decisions, region), b, seed=11)
    slow = naive_counts(label, decisions, region, b, seed=12)
    for key, ref in slow.items():
        for f in FIELDS:
            x, y = getattr(fast.counts[key], f).astype(float), ref[f]
            se = math.sqrt(x.var() / b + y.var() / b)
            assert abs(x.mean() - y.mean()) <= 4.5 * se + 1e-12, (key, f)
            assert abs(math.log(x.var() / y.var())) <= 5 * math.sqrt(4 / b), (key, f)
    for s in (ALL, "east", "west"):
        r_fast = np.corrcoef(fast.counts[("candidate", s)].tp, fast.counts[("as_is", s)].tp)[0, 1]
        r_slow = np.corrcoef(slow[("candidate", s)]["tp"], slow[("as_is", s)]["tp"])[0, 1]
        assert r_fast > 0.5  # the parties were drawn on the same rows
        assert abs(r_fast - r_slow) <= 5 * (1 - r_slow**2) * math.sqrt(2 / b)
    # the statistic a gate reads: the paired precision difference, compared by a two-sample KS
    # test (critical value at alpha = 0.001: 1.95 sqrt(2/B); discreteness makes it conservative)
    d_fast = paired_difference(fast.samples("candidate", "precision"), fast.samples("as_is", "precision"))
    prec = {p: slow[(p, ALL)]["tp"] / (slow[(p, ALL)]["tp"] + slow[(p, ALL)]["fp"]) for p in decisions}
    d_slow = prec["candidate"] - prec["as_is"]
    grid = np.union1d(d_fast, d_slow)
    ks = np.abs(np.searchsorted(np.sort(d_fast), grid, "right") - np.searchsorted(np.sort(d_slow), grid, "right"))
    assert ks.max() / b <= 1.95 * math.sqrt(2 / b)


def test_multinomial_has_the_exact_bootstrap_moments():
    # A row bootstrap gives E[tp*] = tp, Var[tp*] = n p (1 - p) with p = tp / n, and between two
    # parties Cov[tp_c*, tp_b*] = n (p_cb - p_c p_b), p_cb the share of rows that are tp for both.
    label, cand, base, region = small_data(n=500, seed=3)
    n, b = label.size, 20_000
    res = resample_counts(JointCells.build(label, {"c": cand, "b": base}), b, seed=5)
    tp_c, tp_b = res.counts[("c", ALL)].tp, res.counts[("b", ALL)].tp
    p_c, p_b = (label & cand).mean(), (label & base).mean()
    p_cb = (label & cand & base).mean()
    var_c = n * p_c * (1 - p_c)
    assert abs(tp_c.mean() - n * p_c) <= 4.5 * math.sqrt(var_c / b)
    assert abs(tp_c.var() / var_c - 1) <= 5 * math.sqrt(2 / b)
    cov = n * (p_cb - p_c * p_b)
    se_cov = math.sqrt(var_c * n * p_b * (1 - p_b) / b)  # upper bound of the SE of a sample covariance
    assert abs(np.cov(tp_c, tp_b)[0, 1] - cov) <= 5 * se_cov
    assert (res.counts[("c", ALL)].n == n).all()


def test_slices_sum_to_the_whole_within_each_resample():
    label, cand, base, region = small_data()
    res = resample_counts(JointCells.build(label, {"c": cand, "b": base}, region), 200, seed=1)
    for party in ("c", "b"):
        for f in FIELDS:
            total = getattr(res.counts[(party, "east")], f) + getattr(res.counts[(party, "west")], f)
            assert np.array_equal(total, getattr(res.counts[(party, ALL)], f))
    obs = res.observed[("c", "west")]
    m = region == "west"
    assert int(obs.tp[0]) == int((label[m] & cand[m]).sum())
    assert res.point("c", "precision") == pytest.approx((label & cand).sum() / cand.sum())


def test_same_seed_same_samples_and_provenance():
    label, cand, base, region = small_data()
    cells = JointCells.build(label, {"c": cand, "b": base}, Slices.of(region))
    one = resample_counts(cells, 300, seed=42)
    two = resample_counts(cells, 300, seed=42)
    other = resample_counts(cells, 300, seed=43)
    assert np.array_equal(one.samples("c", "f1", "east"), two.samples("c", "f1", "east"))
    assert not np.array_equal(one.samples("c", "f1"), other.samples("c", "f1"))
    assert (one.method, one.resamples, one.seed, one.stream) == ("multinomial over joint cells", 300, 42, "counts")
    scores = np.random.default_rng(0).random(label.size)
    a1 = resample_auc(label, {"c": scores}, resamples=100, seed=42)
    a2 = resample_auc(label, {"c": scores}, resamples=100, seed=42)
    assert np.array_equal(a1.get("c", "roc_auc"), a2.get("c", "roc_auc"))
    assert a1.seed == 42 and a1.resamples == 100 and a1.method.startswith("binned")
    assert np.array_equal(make_rng(3, "x").random(5), make_rng(3, "x").random(5))
    assert not np.array_equal(make_rng(3, "x").random(5), make_rng(3, "y").random(5))


def test_undefined_fraction_is_reported_and_limits_the_interval():
    # A slice "tiny" with a single predicted positive: precision there is undefined whenever that
    # row is not drawn, which in a row bootstrap of n rows happens with probability (1 - 1/n)^n.
    label, cand, base, region = small_data(n=400)
    region = region.astype(object)
    tiny = np.arange(20)
    region[tiny] = "tiny"
    cand = cand.copy()
    cand[tiny] = 0
    cand[0] = 1
    b = 4000
    res = resample_counts(JointCells.build(label, {"c": cand}, region.astype(str)), b, seed=9)
    samples = res.samples("c", "precision", "tiny")
    expected = (1 - 1 / label.size) ** label.size
    assert abs(np.isnan(samples).mean() - expected) <= 4.5 * math.sqrt(expected * (1 - expected) / b)
    iv = interval(samples, 0.95, "lower", what="precision")
    assert not iv.defined and math.isnan(iv.low)
    assert iv.undefined_fraction == pytest.approx(np.isnan(samples).mean())
    assert "precision is undefined in" in iv.reason and "limit" in iv.reason
    whole = interval(res.samples("c", "precision"), 0.95, "two-sided")
    assert whole.defined and whole.undefined_fraction == 0.0 and whole.low < whole.high


def test_interval_order_statistics_and_undefined_handling():
    x = np.arange(1000) / 1000.0
    lower = interval(x, 0.95, "lower")
    assert lower.low == pytest.approx(0.049) and lower.high == math.inf
    upper = interval(x, 0.95, "upper")
    assert upper.high == pytest.approx(0.950) and upper.low == -math.inf
    both = interval(x, 0.90, "two-sided")
    assert (both.low, both.high) == (pytest.approx(0.049), pytest.approx(0.950))
    # 3% undefined: counted against the bound (as if at -inf), so the bound moves down by 30 ranks
    y = x.copy()
    y[-30:] = np.nan
    shifted = interval(y, 0.95, "lower")
    assert shifted.defined and shifted.low == pytest.approx(0.019) and shifted.undefined_fraction == 0.03
    # ... but a two-sided 95% interval reads each tail at 2.5%, below 3%
    assert not interval(y, 0.95, "two-sided").defined
    # 6% undefined exceeds the 5% limit whatever the confidence
    z = x.copy()
    z[:60] = np.nan
    assert not interval(z, 0.80, "lower").defined
    assert interval(z, 0.80, "lower", max_undefined=0.1).defined
    assert interval(y, 0.95, "lower").as_dict()["high"] is None
    with pytest.raises(ValueError):
        interval(x, 1.0)


def test_paired_difference_beats_and_holds():
    c = np.array([0.5, 0.6, 0.7, 0.8])
    b = np.array([0.4, 0.5, 0.0, np.nan])
    assert np.allclose(paired_difference(c, b)[:3], [0.1, 0.1, 0.7])
    assert np.isnan(paired_difference(c, b)[3])
    assert np.allclose(paired_difference(c, b, "lower")[:2], [-0.1, -0.1])
    rel = paired_difference(c, b, relative=True)
    assert rel[0] == pytest.approx(0.25) and np.isnan(rel[2])
    rng = np.random.default_rng(0)
    cand = 0.50 + 0.01 * rng.normal(size=1000)
    base = cand - 0.06 + 0.004 * rng.normal(size=1000)  # improvement 0.06 +- 0.004: 5th pct ~0.0534
    assert beats(cand, base, margin=0.05).held is True
    assert beats(cand, base, margin=0.06).held is False
    assert beats(cand, base).op == ">" and beats(cand, base, margin=0.05).op == ">="
    assert beats(base, cand, direction="lower", margin=0.05).held is True  # e.g. log_loss lower by 5 points
    assert holds(cand, ">=", 0.45).held is True and holds(cand, "<=", 0.45).held is False
    assert holds(np.full(100, np.nan), ">=", 0.1).held is None


def test_figure_baseline_interval_is_sane():
    fig = figure_samples(0.41, 12_000, resamples=20_000, seed=4, stream="figure:q3_report.precision")
    sd = math.sqrt(0.41 * 0.59 / 12_000)
    assert abs(fig.samples.mean() - 0.41) <= 4.5 * sd / math.sqrt(20_000)
    assert abs(fig.samples.std() / sd - 1) <= 5 * math.sqrt(1 / (2 * 20_000))
    iv = interval(fig.samples, 0.95, "two-sided")
    assert iv.low == pytest.approx(0.41 - 1.96 * sd, abs=0.0008)
    assert iv.high == pytest.approx(0.41 + 1.96 * sd, abs=0.0008)
    assert (fig.method, fig.n, fig.seed) == ("parametric binomial bootstrap", 12_000, 4)
    other = figure_samples(0.41, 12_000, resamples=20_000, seed=4, stream="figure:other")
    assert abs(np.corrcoef(fig.samples, other.samples)[0, 1]) < 0.05  # independent streams
    for bad in ((1.3, 100), (0.4, 0), (0.4, 2.5)):
        with pytest.raises(ValueError):
            figure_samples(*bad)


def test_weights_exact_when_few_values_and_bounded_when_continuous():
    label, cand, base, region = small_data(n=400)
    decisions = {"c": cand, "b": base}
    plain = resample_counts(JointCells.build(label, decisions, region), 500, seed=8)
    doubled = resample_counts(JointCells.build(label, decisions, region, weights=np.full(label.size, 2.0)), 500, seed=8)
    assert np.array_equal(doubled.counts[("c", "east")].tp, 2 * plain.counts[("c", "east")].tp)
    assert doubled.weight_error_bound == 0.0 and not doubled.notes
    rng = np.random.default_rng(1)
    w = rng.lognormal(size=label.size)
    cells = JointCells.build(label, decisions, region, weights=w, max_weight_groups=50, weight_tolerance=0.05)
    assert cells.notes and 0 < cells.weight_error_bound <= 0.05
    res = resample_counts(cells, 4000, seed=2)
    exact_tp = float(w[(label == 1) & (cand == 1)].sum())
    assert res.observed[("c", ALL)].tp[0] == pytest.approx(exact_tp)  # group totals are preserved
    tp = res.counts[("c", ALL)].tp
    assert abs(tp.mean() - exact_tp) <= 4.5 * tp.std() / math.sqrt(4000)
    assert "quantised" in res.method
    with pytest.raises(ValueError):
        JointCells.build(label, decisions, weights=-w)


def test_bad_inputs_are_explained():
    label, cand, base, region = small_data(n=50)
    with pytest.raises(ValueError, match="only 0 and 1"):
        JointCells.build(label, {"c": cand * 2})
    with pytest.raises(ValueError, match="reserved"):
        JointCells.build(label, {"c": cand}, np.where(region == "east", "all", "west"))
    with pytest.raises(ValueError, match="one value per row"):
        JointCells.build(label, {"c": cand[:-1]})
    weighted = resample_auc(label, {"c": cand.astype(float)}, weights=np.ones(50), resamples=10)
    assert weighted.method.startswith("exact") and "weights" in weighted.notes[0]


# ---- AUC ----


def scored_data(n, seed, ties=False, rho_noise=0.3):
    rng = np.random.default_rng(seed)
    label = (rng.random(n) < 0.3).astype(int)
    cand = 1.0 * label + rng.normal(size=n)
    base = cand + rho_noise * rng.normal(size=n)
    if ties:
        cand, base = np.round(cand, 1), np.round(base, 1)
    region = rng.choice(np.array(["a", "b", "c"]), n)
    return label, cand, base, region


@pytest.mark.parametrize("ties", [False, True])
def test_auc_points_match_scikit_learn(ties):
    label, cand, base, region = scored_data(3000, 1, ties)
    w = np.random.default_rng(2).integers(1, 4, label.size).astype(float)
    for kwargs, weight in (({}, None), ({"method": "exact", "weights": w}, w)):
        res = resample_auc(label, {"c": cand, "b": base}, slices=region, resamples=5, bins=64, **kwargs)
        for s in (ALL, "a", "b", "c"):
            m = np.ones(label.size, bool) if s == ALL else region == s
            sw = None if weight is None else weight[m]
            assert res.point[("c", s)]["roc_auc"] == pytest.approx(roc_auc_score(label[m], cand[m], sample_weight=sw))
            assert res.point[("b", s)]["pr_auc"] == pytest.approx(
                average_precision_score(label[m], base[m], sample_weight=sw)
            )


def test_exact_auc_bootstrap_agrees_with_naive_scikit_learn_resampling():
    # B = 400 per method on 300 rows; mean SE = sqrt(var_a/B + var_b/B); sd ratio SE ~ sqrt(1/B).
    label, cand, base, region = scored_data(300, 4, ties=True)
    b = 400
    res = resample_auc(label, {"c": cand}, resamples=b, seed=3, method="exact")
    rng = np.random.default_rng(5)
    ref = {"roc_auc": [], "pr_auc": []}
    for _ in range(b):
        idx = rng.integers(0, label.size, label.size)
        ref["roc_auc"].append(roc_auc_score(label[idx], cand[idx]))
        ref["pr_auc"].append(average_precision_score(label[idx], cand[idx]))
    for metric, values in ref.items():
        x, y = res.get("c", metric), np.array(values)
        assert abs(x.mean() - y.mean()) <= 4.5 * math.sqrt(x.var() / b + y.var() / b)
        assert abs(math.log(x.std() / y.std())) <= 5 * math.sqrt(1 / b)


def test_binned_auc_is_within_its_stated_bound():
    # On 30 data sets (row resamples of one, with and without ties) the binned value, i.e. the exact
    # point minus the recentering shift, lies within the bound the engine reports, for both metrics.
    label, cand, base, region = scored_data(4000, 6)
    rng = np.random.default_rng(7)
    worst = {"roc_auc": 0.0, "pr_auc": 0.0}
    for i in range(30):
        idx = rng.integers(0, label.size, label.size)
        score = np.round(cand[idx], 2) if i % 2 else cand[idx]
        res = resample_auc(label[idx], {"c": score}, slices=region[idx], resamples=1, bins=64)
        for key in res.point:
            for metric in ("roc_auc", "pr_auc"):
                error = abs(res.shift[key][metric])
                bound = res.error_bound[key][metric]
                assert error <= bound + 1e-12, (i, key, metric, error, bound)
                worst[metric] = max(worst[metric], bound)
    assert 0 < worst["roc_auc"] < 0.02  # 64 bins: at most ~1/64 of pairs share a bin, halved
    exact = resample_auc(label, {"c": cand}, resamples=1, bins=10_000)
    assert exact.error_bound[("c", ALL)] == {"roc_auc": 0.0, "pr_auc": 0.0}  # fewer scores than bins


def test_binned_paired_difference_matches_the_exact_bootstrap():
    # Strongly associated scores (rho ~ 0.96): pairing shrinks the spread of the difference ~3x.
    # Forced through the two-stage scheme (coarse joint cells, per-party fine split). Each party's
    # marginal is exact, so its sd matches the exact method's within MC error (SE of a log sd ratio
    # ~ sqrt(1/B)); the difference's sd may only err on the wide (conservative) side, by <25%.
    label, cand, base, region = scored_data(8000, 8)
    b = 1000
    exact = resample_auc(label, {"c": cand, "b": base}, resamples=b, seed=1, method="exact")
    binned = resample_auc(label, {"c": cand, "b": base}, resamples=b, seed=2, max_joint_cells=100, joint_bins=64)
    assert "coarse" in binned.pairing and "exact pairing" in exact.pairing
    tol = 5 * math.sqrt(1 / b)
    for metric in ("roc_auc", "pr_auc"):
        for party in ("c", "b"):
            ratio = binned.get(party, metric).std() / exact.get(party, metric).std()
            assert abs(math.log(ratio)) <= tol, (metric, party, ratio)
        d_exact = exact.get("c", metric) - exact.get("b", metric)
        d_binned = binned.get("c", metric) - binned.get("b", metric)
        ratio = d_binned.std() / d_exact.std()
        assert math.exp(-tol) <= ratio <= 1.25, (metric, ratio)
        unpaired = np.sqrt(exact.get("c", metric).var() + exact.get("b", metric).var())
        assert d_binned.std() < 0.6 * unpaired
        point = exact.point[("c", ALL)][metric] - exact.point[("b", ALL)][metric]
        assert abs(d_binned.mean() - point) <= 4.5 * d_exact.std() / math.sqrt(b) + 1e-3


def test_auc_undefined_with_one_class():
    label = np.array([1, 1, 1, 0, 0, 0, 1, 0])
    score = np.linspace(0, 1, 8)
    region = np.array(["x", "x", "x", "y", "y", "y", "y", "y"])  # slice x holds positives only
    res = resample_auc(label, {"c": score}, slices=region, resamples=200, seed=1)
    assert math.isnan(res.point[("c", "x")]["roc_auc"])
    assert np.isnan(res.get("c", "roc_auc", "x")).all()
    assert not interval(res.get("c", "roc_auc", "x")).defined
    assert np.isnan(res.get("c", "roc_auc")).mean() < 0.05
