"""Coverage of the normal (delta-method) intervals of binary count metrics, by simulation, at
n = 500, 5,000 and 200,000 rows.

The method depends on the data only through its joint cell counts (label, candidate's decision,
baseline's decision, and the candidate's abstentions), so each data set is drawn as cell counts from
the true cell probabilities; 1,500 data sets of a size are the 1,500 slice values of one set of
cells, which the method draws independently (scopes of a slice column are uncorrelated to first
order), so one call of the real code (hurdlelang/stats/counts_normal.py: the registry's formulas,
the gradients, linear_normal.py's draws) and the real percentile interval serve them all. Over 4,500 data sets the 95%
two-sided interval must hold the true value 93.5%-96.5% of the time (a standard error of 0.32
points) for precision, recall, f1, accuracy, mcc and (of the abstaining candidate) coverage, and
for the paired differences candidate - baseline."""

from __future__ import annotations

import numpy as np
import pytest

from hurdlelang.data.bands import abstain_party
from hurdlelang.stats.bootstrap_counts import JointCells
from hurdlelang.stats.counts_normal import (
    AB,
    FN,
    FP,
    TN,
    TP,
    CountStatistic,
    count_category,
    normal_counts,
    normal_scopes,
)
from hurdlelang.stats.intervals import intervals

PREVALENCE = 0.25
# P(decides 1 | label) of each party, and how often the baseline decides as the candidate does
CANDIDATE = {1: 0.75, 0: 0.10}
BASELINE = {1: 0.65, 0: 0.12}
AGREE = 0.6
ABSTAIN = 0.08  # the candidate abstains on 8% of rows, whatever their cell (its decision is then 0)
PARTIES = ("candidate", "baseline", abstain_party("candidate"))
DATASETS, CHUNKS, RESAMPLES = 1500, 3, 1000  # 4,500 data sets (a standard error of 0.32 points)
METRICS = ("precision", "recall", "f1", "accuracy", "mcc")


def _law() -> np.ndarray:
    """P of each joint cell code: label | candidate << 1 | baseline << 2 | abstained << 3."""
    p = np.zeros(16)
    for label, p_label in ((1, PREVALENCE), (0, 1 - PREVALENCE)):
        for cand in (0, 1):
            p_cand = CANDIDATE[label] if cand else 1 - CANDIDATE[label]
            for base in (0, 1):
                own = BASELINE[label] if base else 1 - BASELINE[label]
                p_base = AGREE * (base == cand) + (1 - AGREE) * own
                joint = p_label * p_cand * p_base
                p[label | cand << 1 | base << 2] += joint * (1 - ABSTAIN)
                p[label | 0 << 1 | base << 2 | 1 << 3] += joint * ABSTAIN  # abstained: decided 0
    return p


def _counts_of_law(p: np.ndarray, party: str) -> np.ndarray:
    """(5,) the law's expected share of each of ``party``'s counts (tp, fp, tn, fn, ab)."""
    codes = np.arange(16)
    cells = JointCells(PARTIES, ("law",), 1, np.zeros(16, np.int64), codes, np.ones(16, np.int64), None)
    return np.bincount(count_category(cells, party), weights=p, minlength=5)


def test_the_laws_counts_are_the_ones_described():
    share = _counts_of_law(_law(), "candidate")
    assert share.sum() == pytest.approx(1.0)
    assert share[AB] == pytest.approx(ABSTAIN)
    assert share[TP] == pytest.approx(PREVALENCE * 0.75 * (1 - ABSTAIN))
    assert share[FN] == pytest.approx(PREVALENCE * 0.25 * (1 - ABSTAIN))
    assert share[FP] == pytest.approx((1 - PREVALENCE) * 0.10 * (1 - ABSTAIN))
    assert share[TN] == pytest.approx((1 - PREVALENCE) * 0.90 * (1 - ABSTAIN))


def _coverage(n: int, stats: list[CountStatistic], truth: np.ndarray, chunk: int) -> dict[str, float]:
    """Share of ``chunk`` data sets of n rows whose 95% interval holds the truth, per check."""
    counts = np.random.default_rng([n, chunk]).multinomial(n, _law(), size=DATASETS)
    slice_of, cell = np.nonzero(counts)
    names = tuple(f"s{i:04d}" for i in range(DATASETS))
    cells = JointCells(PARTIES, names, int(counts.sum()), slice_of, cell, counts[slice_of, cell], None)
    # at 500 rows the candidate's ~29 false negatives fall under MIN_COUNT_ROWS in some data sets
    assert len(normal_scopes(cells, ["candidate", "baseline"])) >= (0.9 if n == 500 else 1.0) * DATASETS
    drawn = normal_counts(cells, stats, list(names), RESAMPLES, seed=n, stream=f"coverage:{chunk}")
    assert np.all(drawn.bound < 1.0)
    q = len(METRICS)
    checks: dict[str, int | tuple[int, int]] = {f"{st.party}.{st.name}": i for i, st in enumerate(stats)}
    checks |= {f"candidate - baseline {m}": (i, i + q) for i, m in enumerate(METRICS)}
    shares = {}
    for what, at in checks.items():
        if isinstance(at, tuple):
            samples, value = drawn.samples[:, :, at[0]] - drawn.samples[:, :, at[1]], truth[at[0]] - truth[at[1]]
        else:
            samples, value = drawn.samples[:, :, at], truth[at]
        found = intervals(list(samples), 0.95, "two-sided", [what] * DATASETS)
        shares[what] = float(np.mean([one.low <= value <= one.high for one in found]))
    return shares


@pytest.mark.parametrize("n", [500, 5_000, 200_000])
def test_normal_intervals_cover_the_true_value(n):
    stats = [CountStatistic(p, m) for p in ("candidate", "baseline") for m in METRICS]
    stats.append(CountStatistic("candidate", "coverage"))
    truth = np.array([float(st.of(_counts_of_law(_law(), st.party))) for st in stats])
    # CHUNKS x DATASETS data sets, in chunks so that the draws held at once stay ~130 MB
    per_chunk = [_coverage(n, stats, truth, chunk) for chunk in range(CHUNKS)]
    for what in per_chunk[0]:
        share = float(np.mean([shares[what] for shares in per_chunk]))
        assert 0.935 <= share <= 0.965, (what, n, share)
