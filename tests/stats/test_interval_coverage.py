"""Do the gates and intervals mean what they say? Simulation with a fixed seed.

Each check repeats an experiment R times on fresh simulated data and counts outcomes. The count is
Binomial(R, rate); the accepted range is the rate's central 99.9% binomial range (computed below,
exactly, from the binomial), widened where the brief gives a fixed range. With the fixed seed the
outcome is deterministic; the ranges make sure that the seed is not what makes it pass.

Sizes are chosen for speed on 2 cores (the whole file takes a few seconds): the count bootstrap
costs ~1 ms per repetition whatever the data size, so those checks afford R = 1000 repetitions of
B = 1000 resamples; AUC resamples rows (small data), so it gets smaller n and B.
"""

from __future__ import annotations

import math

import numpy as np

from hurdlelang.stats.bootstrap import JointCells, beats, interval, resample_auc, resample_counts

SEED = 20240531


def binomial_range(r: int, rate: float, mass: float = 0.999) -> tuple[float, float]:
    """Central ``mass`` range of Binomial(r, rate) / r, from the exact binomial CDF."""
    pmf = [math.comb(r, k) * rate**k * (1 - rate) ** (r - k) for k in range(r + 1)]
    cdf = np.cumsum(pmf)
    tail = (1 - mass) / 2
    low = int(np.searchsorted(cdf, tail))
    high = int(np.searchsorted(cdf, 1 - tail))
    return low / r, high / r


def simulate(rng, n, prevalence, tpr, fpr):
    """Label and decisions of two parties with the same true tpr and fpr, paired through the label
    (each party errs independently given the label)."""
    label = (rng.random(n) < prevalence).astype(int)
    decide = lambda: np.where(label == 1, rng.random(n) < tpr, rng.random(n) < fpr).astype(int)  # noqa: E731
    return label, decide(), decide()


def test_gate_rarely_promotes_a_candidate_that_only_equals_the_baseline():
    # Candidate and baseline have the same true precision. "precision beats as_is by 0 points at
    # 95%" should promote in at most ~5% of repetitions (the nominal false-promotion rate); R = 1000,
    # so the accepted count is the 99.9% binomial upper end at 5% (~7.3%). A gate on the point
    # estimate promotes whenever the observed difference is positive: about half the time.
    rng = np.random.default_rng(SEED)
    r, b = 1000, 1000
    gated = point = 0
    for i in range(r):
        label, cand, base = simulate(rng, 2000, 0.3, 0.6, 0.15)
        counts = resample_counts(JointCells.build(label, {"c": cand, "b": base}), b, seed=i)
        c, bs = counts.samples("c", "precision"), counts.samples("b", "precision")
        gated += beats(c, bs, margin=0.0, confidence=0.95).held
        point += counts.point("c", "precision") > counts.point("b", "precision")
    assert gated / r <= binomial_range(r, 0.05)[1]
    assert 0.30 <= point / r <= 0.70


def test_count_metric_intervals_cover_the_true_value_at_the_nominal_rate():
    # True precision = prevalence * tpr / (prevalence * tpr + (1 - prevalence) * fpr), true recall =
    # tpr. The one-sided 95% lower bound (what gates read) must lie below the truth in 93-97% of
    # repetitions, and the two-sided 90% interval must cover it in 87-93%: with R = 1000 the binomial
    # SE is 0.69% and 0.95%, so both ranges are about +-3 SE around the nominal rate (a calibrated
    # interval lands inside with probability ~0.996).
    rng = np.random.default_rng(SEED + 1)
    r, b, n = 1000, 1000, 1000
    prevalence, tpr, fpr = 0.3, 0.6, 0.15
    truth = {"precision": prevalence * tpr / (prevalence * tpr + (1 - prevalence) * fpr), "recall": tpr}
    below = dict.fromkeys(truth, 0)
    inside = dict.fromkeys(truth, 0)
    for i in range(r):
        label, cand, _ = simulate(rng, n, prevalence, tpr, fpr)
        counts = resample_counts(JointCells.build(label, {"c": cand}), b, seed=i)
        for metric, true in truth.items():
            samples = counts.samples("c", metric)
            below[metric] += interval(samples, 0.95, "lower").low <= true
            two = interval(samples, 0.90, "two-sided")
            inside[metric] += two.low <= true <= two.high
    for metric in truth:
        assert 0.93 <= below[metric] / r <= 0.97, (metric, below[metric] / r)
        assert 0.87 <= inside[metric] / r <= 0.93, (metric, inside[metric] / r)


def test_auc_lower_bound_covers_the_true_auc_at_the_nominal_rate():
    # Binormal scores reported on a grid, as scores often are: positives ~ N(mu, 1), negatives ~
    # N(0, 1), rounded to 29 levels. The true AUC (ties counted 1/2) follows exactly from the two
    # discretised normal distributions. Few distinct scores make the bootstrap a multinomial over 58
    # cells, so n = 3000 rows (900 positives, where the percentile bootstrap's small-sample
    # shortfall is negligible) costs the same as n = 300. R = 1000 repetitions of B = 1000
    # resamples: binomial SE of the coverage 0.69%, so 93-97% is about +-3 SE.
    rng = np.random.default_rng(SEED + 2)
    r, b, n, mu, step = 1000, 1000, 3000, 1.0, 0.25
    cuts = np.arange(-3 + step / 2, 4, step)

    def pmf(mean):
        cdf = [0.0] + [0.5 * (1 + math.erf((c - mean) / math.sqrt(2))) for c in cuts] + [1.0]
        return np.diff(cdf)

    pos, neg = pmf(mu), pmf(0.0)
    true_auc = float((pos * (np.cumsum(neg) - 0.5 * neg)).sum())
    below = 0
    for i in range(r):
        label = (rng.random(n) < 0.3).astype(int)
        score = np.searchsorted(cuts, rng.normal(size=n) + mu * label).astype(float)
        auc = resample_auc(label, {"c": score}, resamples=b, seed=i)
        below += interval(auc.get("c", "roc_auc"), 0.95, "lower").low <= true_auc
    assert 0.93 <= below / r <= 0.97, below / r
