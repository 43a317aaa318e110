"""The normal (delta-method) draws of multiclass confusion metrics against the exact multinomial over
joint cells they replace on large scopes: the same centre (the metric on the observed matrix), the
same spread per party and slice, the same pairing (spread of candidate - baseline), with and
without row weights; and, through the judging pipeline on a bundled example, which scopes take
which method and what the record says."""

from __future__ import annotations

import numpy as np
import pytest

import hurdlelang.judging.uncertainty as uncertainty
from hurdlelang.core.names import CANDIDATE
from hurdlelang.data.prepare import prepare
from hurdlelang.data.read import Table, read_table
from hurdlelang.judging.evaluate import Evaluation
from hurdlelang.lang.compiler import compile_path
from hurdlelang.lang.ir import MetricKey
from hurdlelang.metrics.multiclass import Cells, confusion_matrix
from hurdlelang.stats.bootstrap_confusion import ConfusionCells, resample_confusion
from hurdlelang.stats.bootstrap_counts import Slices
from hurdlelang.stats.confusion_normal import METHOD, Statistic, normal_confusion
from tests.conftest import EXAMPLES
from tests.stats.test_bootstrap_confusion import _data  # the same four-class data, two parties

CLASSES = ("a", "b", "c", "d")
COSTS = {(x, y): float(abs(i - j) * (1 + i)) for i, x in enumerate(CLASSES) for j, y in enumerate(CLASSES)}
METRICS = [
    ("accuracy", None),
    ("f1_macro", None),
    ("balanced_accuracy", None),
    ("precision_weighted", None),
    ("mcc", None),
    ("recall", "d"),
    ("precision", "a"),
    ("cost", None),
]


@pytest.mark.parametrize("weighted", [False, True])
def test_normal_draws_have_the_multinomials_centre_spread_and_pairing(weighted):
    label, decisions, region, w = _data(20_000)
    weights = w if weighted else None
    cells = ConfusionCells.build(label, decisions, CLASSES, Slices.of(region), weights)
    stats = [
        Statistic(p, name, None, Cells(tuple(cells.classes[cells.own[p]]), of, COSTS))
        for p in decisions
        for name, of in METRICS
    ]
    scopes = ["east", "north"]
    normal = normal_confusion(cells, stats, scopes, 3000, seed=1, stream="t")
    exact = resample_confusion(cells, 3000, seed=2, stream="t")
    observed = cells.observed()
    q = len(METRICS)
    for where in scopes:
        mask = region == where
        for i, st in enumerate(stats):
            drawn = normal.get(where, i)
            reference = st.of(exact[(st.party, where)])
            point = float(st.of(observed[(st.party, where)][0]))
            if not weighted:  # the centre is the metric of the scope's confusion matrix
                m, _ = confusion_matrix(label[mask], decisions[st.party][mask], None, CLASSES)
                assert point == pytest.approx(float(st.of(m)), abs=1e-12)
            # 3,000 draws each: a standard deviation is known to about 1.3%, a mean to 2% of the spread
            assert abs(np.std(drawn) / np.std(reference) - 1) < 0.08, (where, st.party, st.name, st.cells.of)
            assert abs(np.mean(drawn) - point) < 0.08 * np.std(reference), (where, st.party, st.name)
            assert 0 < normal.bound_of(where, i) < 0.5
        for i in range(q):
            paired = normal.get(where, i) - normal.get(where, i + q)
            reference = stats[i].of(exact[("candidate", where)]) - stats[i + q].of(exact[("rules", where)])
            assert abs(np.std(paired) / np.std(reference) - 1) < 0.08, (where, stats[i].name)


def test_draws_are_reproducible_and_scopes_independent_of_one_another():
    label, decisions, region, _ = _data(6_000, seed=3)
    cells = ConfusionCells.build(label, decisions, CLASSES, Slices.of(region))
    stats = [Statistic(p, "f1_macro", None, Cells(tuple(cells.classes[cells.own[p]]))) for p in decisions]
    one = normal_confusion(cells, stats, ["east", "north", "south"], 2000, seed=4, stream="s")
    again = normal_confusion(cells, stats, ["east", "north", "south"], 2000, seed=4, stream="s")
    assert np.array_equal(one.samples, again.samples)
    # slices of one column: uncorrelated, as the multinomial's are to first order
    assert abs(np.corrcoef(one.get("east", 0), one.get("north", 0))[0, 1]) < 0.08
    exact = resample_confusion(cells, 2000, seed=5, stream="s")
    for a, b in (("east", "north"), ("east", "east"), ("south", "south")):
        normal = np.corrcoef(one.get(a, 0), one.get(b, 1))[0, 1]
        reference = np.corrcoef(stats[0].of(exact[("candidate", a)]), stats[1].of(exact[("rules", b)]))[0, 1]
        assert abs(normal - reference) < 0.08, (a, b, normal, reference)


def test_ticket_routing_takes_the_normal_method_on_its_large_scopes(monkeypatch):
    # 3,000 rows: the whole data, en (1,798) and de (764) by the normal method, fr (438) by the
    # multinomial; support, a count, always by the multinomial
    (spec,) = compile_path(EXAMPLES / "ticket_routing.hurdle").specs
    data = prepare(spec, Table("x.csv", read_table(str(EXAMPLES / "data" / "ticket_routing.csv")).frame))
    ev = Evaluation(spec, data)
    scopes = [None, ("language", "en"), ("language", "fr")]
    metrics = [MetricKey(name="accuracy"), MetricKey(name="support", of="sales")]
    unc = uncertainty.Uncertainty(ev, resamples=500, seed=5)
    unc.prepare({(p, m, s) for p in (CANDIDATE, "keyword_rules") for m in metrics for s in scopes})
    assert unc.methods[f"{CANDIDATE}.accuracy"] == (
        f"{METHOD} on scopes of at least 500 rows; multinomial over joint cells below"
    )
    assert unc.methods[f"{CANDIDATE}.support[sales]"] == "multinomial over joint cells"
    assert any(n.startswith(f"{CANDIDATE}.accuracy: {METHOD}; its CDF within") for n in unc.notes)
    monkeypatch.setattr(uncertainty, "NORMAL_FROM_ROWS", 10**9)
    exact = uncertainty.Uncertainty(ev, resamples=500, seed=5)
    exact.prepare({(p, m, s) for p in (CANDIDATE, "keyword_rules") for m in metrics for s in scopes})
    assert exact.methods[f"{CANDIDATE}.accuracy"] == "multinomial over joint cells"
    for party in (CANDIDATE, "keyword_rules"):
        # fr and support: the multinomial's own draws; en and the whole data: normal draws around the
        # observed accuracy with the multinomial's spread
        for metric, scope in ((metrics[0], ("language", "fr")), (metrics[1], ("language", "en"))):
            assert np.array_equal(unc.samples(party, metric, scope), exact.samples(party, metric, scope))
        for scope in (None, ("language", "en")):
            normal, reference = unc.samples(party, metrics[0], scope), exact.samples(party, metrics[0], scope)
            assert not np.array_equal(normal, reference)
            assert abs(np.std(normal) / np.std(reference) - 1) < 0.15, (party, scope)
            mask = np.ones(data.rows, bool) if scope is None else data.slices["language"] == "en"
            point = np.mean(data.label[mask] == data.parties[party].decided[mask])
            assert np.mean(normal) == pytest.approx(point, abs=3 * np.std(normal) / np.sqrt(500))


def test_a_derived_metric_of_a_count_and_a_ratio_draws_both_from_one_law(tmp_path, monkeypatch):
    # sales_found = recall[sales] x support[sales]: a ratio (the normal method on a large scope) times
    # a count (always the multinomial). Both parts must come from one draw, or the product's spread
    # is that of two independent laws: on its scopes every confusion statistic takes the multinomial
    text = (EXAMPLES / "ticket_routing.hurdle").read_text()
    text = text.replace(
        "  hurdles at 95% confidence {",
        '  metric sales_found "Sales tickets routed to sales" = recall[sales] * support[sales]\n\n'
        "  hurdles at 95% confidence {\n    require sales_found >= 1\n",
        1,
    )
    path = tmp_path / "mixed.hurdle"
    path.write_text(text)
    result = compile_path(path)
    assert result.ok, [d.message for d in result.diagnostics]
    (spec,) = result.specs
    data = prepare(spec, Table("x.csv", read_table(str(EXAMPLES / "data" / "ticket_routing.csv")).frame))
    ev = Evaluation(spec, data)
    accuracy, recall = MetricKey(name="accuracy"), MetricKey(name="recall", of="sales")
    unc = uncertainty.Uncertainty(ev, resamples=400, seed=5)
    scopes = [None, ("language", "en")]
    requests = {(p, m, s) for p in (CANDIDATE, "keyword_rules") for m in (accuracy, recall) for s in scopes}
    unc.prepare(requests | {(CANDIDATE, MetricKey(name="sales_found"), None)})
    # the whole data (where sales_found is asked) shares the multinomial; en keeps the normal method
    assert unc.methods[f"{CANDIDATE}.accuracy"] == (
        f"{METHOD} on scopes of at least 500 rows; multinomial over joint cells below"
    )
    exact = uncertainty.Uncertainty(ev, resamples=400, seed=5)
    exact.prepare(requests | {(CANDIDATE, MetricKey(name="support", of="sales"), None)})
    assert not np.array_equal(unc.samples(CANDIDATE, recall, None), exact.samples(CANDIDATE, recall, None))
    monkeypatch.setattr(uncertainty, "NORMAL_FROM_ROWS", 10**9)
    every_scope_exact = uncertainty.Uncertainty(ev, resamples=400, seed=5)
    every_scope_exact.prepare(requests)
    for party in (CANDIDATE, "keyword_rules"):  # the whole data: the multinomial's own draws
        for metric in (accuracy, recall):
            assert np.array_equal(unc.samples(party, metric, None), every_scope_exact.samples(party, metric, None))
            en = ("language", "en")
            assert not np.array_equal(unc.samples(party, metric, en), every_scope_exact.samples(party, metric, en))
    found = unc.samples(CANDIDATE, MetricKey(name="sales_found"), None)
    support = unc.samples(CANDIDATE, MetricKey(name="support", of="sales"), None)
    assert np.allclose(found, unc.samples(CANDIDATE, recall, None) * support)
