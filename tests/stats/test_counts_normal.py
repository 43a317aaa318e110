"""The normal (delta-method) draws of binary count metrics against the exact multinomial over joint
cells they replace on large scopes: the same centre (the metric of the scope's counts), the same
spread per party and slice, the same pairing (spread of candidate - baseline), with and without row
weights and with an abstaining party; which scopes the method serves; and, through the judging
pipeline on a bundled example, which scopes take which method and what the record says."""

from __future__ import annotations

import numpy as np
import pytest

import hurdlelang.stats.counts_normal as counts_normal
from hurdlelang.core.names import CANDIDATE
from hurdlelang.data.bands import abstain_party
from hurdlelang.data.prepare import prepare
from hurdlelang.data.read import Table, read_table
from hurdlelang.judging.evaluate import Evaluation, decided_counts
from hurdlelang.judging.uncertainty import Uncertainty
from hurdlelang.lang.compiler import compile_path
from hurdlelang.lang.ir import MetricKey
from hurdlelang.metrics.registry import COUNT_METRIC_NAMES, vectorised_count_metric
from hurdlelang.stats.bootstrap_counts import JointCells, Slices, resample_counts
from hurdlelang.stats.counts_normal import (
    DEGREE_ONE,
    METHOD,
    MIN_COUNT_ROWS,
    CountStatistic,
    normal_counts,
    normal_scopes,
    party_counts,
)
from tests.conftest import EXAMPLES

METRICS = ("precision", "recall", "f1", "accuracy", "mcc", "specificity", "balanced_accuracy", "lift")


def _data(n: int, seed: int = 1):
    """Label (30% positives), a good and a poor party (the poor one abstains on 10% of rows, its
    decision 0 there), a 3-value region and row weights."""
    rng = np.random.default_rng(seed)
    label = (rng.random(n) < 0.3).astype(int)
    good = np.where(rng.random(n) < 0.85, label, 1 - label)
    abstained = (rng.random(n) < 0.1).astype(int)
    poor = np.where(abstained == 1, 0, np.where(rng.random(n) < 0.7, label, 1 - label))
    region = np.array(["north", "south", "east"])[rng.integers(0, 3, n)]
    decisions = {"candidate": good, "rules": poor, abstain_party("rules"): abstained}
    return label, decisions, region, rng.uniform(0.5, 2.0, n)


def test_every_count_metric_but_the_counts_is_a_ratio():
    # the covariance's form (g'C = 0) needs f(tC) = f(C): a metric added to the library must
    # either be a ratio or be listed in DEGREE_ONE
    counts = np.random.default_rng(0).uniform(5, 500, size=(50, 5))
    for name in COUNT_METRIC_NAMES:
        param = 0.5 if name == "fbeta" else None
        value = vectorised_count_metric(name, param, *counts.T)
        doubled = vectorised_count_metric(name, param, *(3 * counts).T)
        if name in DEGREE_ONE:
            assert not np.allclose(value, doubled), name
        else:
            np.testing.assert_allclose(value, doubled, rtol=1e-12, err_msg=name)


def test_party_counts_are_the_counts_of_its_rows():
    label, decisions, region, w = _data(3000)
    cells = JointCells.build(label, decisions, Slices.of(region), w)
    for party in ("candidate", "rules"):
        counts = party_counts(cells, party)
        abstained = decisions.get(abstain_party(party), np.zeros(len(label), int)) == 1
        decided = decisions[party]
        for k, name in enumerate(cells.slices):
            rows = (region == name) & ~abstained
            expected = [
                w[rows & (label == 1) & (decided == 1)].sum(),
                w[rows & (label == 0) & (decided == 1)].sum(),
                w[rows & (label == 0) & (decided == 0)].sum(),
                w[rows & (label == 1) & (decided == 0)].sum(),
                w[(region == name) & abstained].sum(),
            ]
            # weights grouped exactly (3,000 distinct values are under the quantising threshold)
            np.testing.assert_allclose(counts[k], expected, rtol=1e-12)


@pytest.mark.parametrize("weighted", [False, True])
def test_normal_draws_have_the_multinomials_centre_spread_and_pairing(weighted):
    label, decisions, region, w = _data(20_000)
    cells = JointCells.build(label, decisions, Slices.of(region), w if weighted else None)
    stats = [CountStatistic(p, m) for p in ("candidate", "rules") for m in METRICS]
    stats += [CountStatistic("rules", "coverage"), CountStatistic("candidate", "fbeta", 2.0)]
    scopes = ["east", "north"]
    normal = normal_counts(cells, stats, scopes, 3000, seed=1, stream="t")
    exact = resample_counts(cells, 3000, seed=2, stream="t")
    for where in scopes:
        for i, st in enumerate(stats):
            drawn = normal.get(where, i)
            c = decided_counts(exact.counts, st.party, where)
            reference = vectorised_count_metric(st.name, st.param, c.tp, c.fp, c.tn, c.fn, c.ab)
            o = decided_counts(exact.observed, st.party, where)
            point = float(vectorised_count_metric(st.name, st.param, o.tp, o.fp, o.tn, o.fn, o.ab)[0])
            # 3,000 draws each: a standard deviation is known to about 1.3%, a mean to 2% of the spread
            assert abs(np.std(drawn) / np.std(reference) - 1) < 0.08, (where, st)
            assert abs(np.mean(drawn) - point) < 0.08 * np.std(reference), (where, st)
            assert 0 < normal.bound_of(where, i) < 0.5
        q = len(METRICS)
        for i, metric in enumerate(METRICS):
            paired = normal.get(where, i) - normal.get(where, i + q)
            ref = [decided_counts(exact.counts, p, where) for p in ("candidate", "rules")]
            reference = np.subtract(*(vectorised_count_metric(metric, None, c.tp, c.fp, c.tn, c.fn, c.ab) for c in ref))
            assert abs(np.std(paired) / np.std(reference) - 1) < 0.08, (where, metric)


def test_the_centre_is_the_metric_of_the_rows():
    label, decisions, region, _ = _data(6_000, seed=3)
    cells = JointCells.build(label, decisions, Slices.of(region))
    rows = (region == "south") & (decisions["candidate"] == 1)
    linear = normal_counts(cells, [CountStatistic("candidate", "precision")], ["south"], 20_000, seed=0, stream="c")
    assert np.mean(linear.get("south", 0)) == pytest.approx(label[rows].mean(), abs=2e-3)


def test_draws_are_reproducible_and_scopes_independent_of_one_another():
    label, decisions, region, _ = _data(6_000, seed=3)
    cells = JointCells.build(label, decisions, Slices.of(region))
    stats = [CountStatistic(p, "f1") for p in ("candidate", "rules")]
    one = normal_counts(cells, stats, ["east", "north", "south"], 2000, seed=4, stream="s")
    again = normal_counts(cells, stats, ["east", "north", "south"], 2000, seed=4, stream="s")
    assert np.array_equal(one.samples, again.samples)
    assert abs(np.corrcoef(one.get("east", 0), one.get("north", 0))[0, 1]) < 0.08
    exact = resample_counts(cells, 2000, seed=5, stream="s")
    same_scope = np.corrcoef(one.get("east", 0), one.get("east", 1))[0, 1]
    reference = np.corrcoef(exact.samples("candidate", "f1", "east"), exact.samples("rules", "f1", "east"))[0, 1]
    assert abs(same_scope - reference) < 0.08


def test_the_counts_themselves_are_refused():
    label, decisions, region, _ = _data(1_000)
    cells = JointCells.build(label, decisions, Slices.of(region))
    with pytest.raises(ValueError, match="not ratios"):
        normal_counts(cells, [CountStatistic("candidate", "tp")], ["east"], 10, seed=0, stream="x")


def test_normal_scopes_need_rows_and_no_small_nonzero_count():
    label, decisions, region, _ = _data(3_000)
    cells = JointCells.build(label, decisions, Slices.of(region))
    assert normal_scopes(cells, ["candidate", "rules"]) == {"east", "north", "south"}
    # a region of 450 rows: under NORMAL_FROM_ROWS
    small = np.where(np.arange(3_000) < 450, "tiny", "big")
    assert normal_scopes(JointCells.build(label, decisions, Slices.of(small)), ["candidate"]) == {"big"}
    # a region where the candidate has a handful of false positives (a count under MIN_COUNT_ROWS, not 0)
    region2 = np.where(np.arange(3_000) < 1_500, "a", "b")
    good = decisions["candidate"].copy()
    negatives = np.flatnonzero((region2 == "a") & (label == 0))
    good[negatives] = 0
    good[negatives[: MIN_COUNT_ROWS - 5]] = 1
    cells2 = JointCells.build(label, {**decisions, "candidate": good}, Slices.of(region2))
    assert normal_scopes(cells2, ["candidate"]) == {"b"}
    assert normal_scopes(cells2, ["rules"]) == {"a", "b"}
    # no false positive at all: a count of 0 stays 0 in every resample, and the scope is served
    good[negatives] = 0
    cells3 = JointCells.build(label, {**decisions, "candidate": good}, Slices.of(region2))
    assert normal_scopes(cells3, ["candidate"]) == {"a", "b"}


def test_fraud_blocking_takes_the_normal_method_where_no_count_is_drawn(monkeypatch):
    # 24,000 rows in 3 channels: precision on web by the normal method; app and phone by the
    # multinomial (the candidate has 14 and 2 false positives there, under MIN_COUNT_ROWS); on the
    # whole data fn, a count, is drawn too, so precision there stays with it on the multinomial
    # (one law for the parts of every metric of a scope: cost_of_errors is of fn, fp and n)
    (spec,) = compile_path(EXAMPLES / "fraud_blocking.hurdle").specs
    data = prepare(spec, Table("x.csv", read_table(str(EXAMPLES / "data" / "fraud_blocking.csv")).frame))
    ev = Evaluation(spec, data)
    channels = [("channel", v) for v in ev.slice_values("channel")]
    precision, fn = MetricKey(name="precision"), MetricKey(name="fn")
    requests = {(p, precision, s) for p in (CANDIDATE, "rules") for s in [None, *channels]}
    requests |= {(p, fn, None) for p in (CANDIDATE, "rules")}
    unc = Uncertainty(ev, resamples=500, seed=5)
    unc.prepare(requests)
    assert unc.methods[f"{CANDIDATE}.precision"].startswith(f"{METHOD} on scopes of at least 500 rows")
    assert unc.methods[f"{CANDIDATE}.fn"] == "multinomial over joint cells"
    assert any(n.startswith(f"{CANDIDATE}.precision: {METHOD}; its CDF within") for n in unc.notes)
    monkeypatch.setattr(counts_normal, "NORMAL_FROM_ROWS", 10**9)
    exact = Uncertainty(ev, resamples=500, seed=5)
    exact.prepare(requests)
    assert exact.methods[f"{CANDIDATE}.precision"] == "multinomial over joint cells"
    for party in (CANDIDATE, "rules"):
        for metric, scope in ((precision, None), (fn, None), (precision, ("channel", "app"))):
            # the multinomial's own draws
            assert np.array_equal(unc.samples(party, metric, scope), exact.samples(party, metric, scope))
        for scope in [("channel", "web")]:
            normal, reference = unc.samples(party, precision, scope), exact.samples(party, precision, scope)
            assert not np.array_equal(normal, reference)
            assert abs(np.std(normal) / np.std(reference) - 1) < 0.15, (party, scope)
            rows = (data.slices["channel"] == scope[1]) & (data.parties[party].decided == 1)
            assert np.mean(normal) == pytest.approx(data.label[rows].mean(), abs=3 * np.std(normal) / np.sqrt(500))
