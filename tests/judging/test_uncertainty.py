"""The sums-over-units bootstrap (hurdlelang/stats/bootstrap_means.py) gives, draw for draw, the samples
that computing each metric on every resample gives: same seed, same draws, same numbers."""

from __future__ import annotations

import numpy as np
import pytest

import hurdlelang.judging.uncertainty as uncertainty
from hurdlelang.core.names import CANDIDATE
from hurdlelang.data.prepare import prepare
from hurdlelang.data.read import read_table
from hurdlelang.judging.evaluate import Evaluation
from hurdlelang.lang.compiler import compile_path
from hurdlelang.lang.ir import MetricKey
from hurdlelang.metrics.registry import CONFUSION_METRIC_NAMES
from hurdlelang.stats.bootstrap_means import sum_combine, sum_form
from hurdlelang.stats.moments import NORMAL_METHOD
from tests.conftest import EXAMPLES

CASES = {
    "demand_forecast": ["mae", "mse", "rmse", "bias", "r2", "rows"],
    "ticket_routing": [
        "accuracy",
        "f1_macro",
        "precision_weighted",
        "balanced_accuracy",
        "log_loss",
        "top_k_accuracy@2",
    ],
    "basket_recommendation": ["hit_rate@5", "precision@3", "recall@5", "ndcg@5", "mrr", "rows", "queries"],
    "fraud_blocking": ["log_loss", "brier"],
}


def _key(text: str) -> MetricKey:
    name, _, param = text.partition("@")
    return MetricKey(name=name, param=float(param) if param else None)


def _samples(name: str, metrics: list[str], fast: bool, monkeypatch) -> dict:
    if not fast:
        monkeypatch.setattr(uncertainty, "sum_form", lambda *args: None)
    (spec,) = compile_path(EXAMPLES / f"{name}.hurdle").specs
    frame = read_table(str(EXAMPLES / "data" / f"{name}.csv")).frame.head(
        600 if name != "basket_recommendation" else 1500
    )
    from hurdlelang.data.read import Table

    ev = Evaluation(spec, prepare(spec, Table("x.csv", frame)))
    unc = uncertainty.Uncertainty(ev, resamples=40, seed=3)
    column = spec.data.slices[0]
    scope = (column, ev.slice_values(column)[0])
    parties = [p for p in ev.parties if p in ev.data.parties]
    requests = {(p, _key(m), s) for p in parties for m in metrics for s in (None, scope)}
    unc.prepare(requests)
    monkeypatch.undo()
    return {(p, k.key, s): unc.samples(p, k, s) for p, k, s in requests}


@pytest.mark.parametrize("name", sorted(CASES))
def test_sum_forms_equal_the_metric_on_each_resample(name, monkeypatch):
    fast = _samples(name, CASES[name], True, monkeypatch)
    slow = _samples(name, CASES[name], False, monkeypatch)
    assert fast.keys() == slow.keys()
    # rows and queries have no slow path to compare with: on a resample given as row weights, the
    # metric library counts the distinct rows drawn; their sum forms count every draw, as they must
    for key in [k for k in fast if k[1] not in ("rows", "queries")]:
        np.testing.assert_allclose(fast[key], slow[key], rtol=1e-9, atol=1e-12, equal_nan=True, err_msg=str(key))
    spread = [np.nanstd(v) for (p, m, s), v in fast.items() if p == CANDIDATE and m not in ("rows", "queries")]
    assert all(s > 0 for s in spread), "the draws vary"


def test_a_resample_has_as_many_rows_and_queries_as_the_data(monkeypatch):
    fast = _samples("basket_recommendation", ["rows", "queries"], True, monkeypatch)
    assert set(fast[(CANDIDATE, "rows", None)]) == {1500.0}
    assert set(fast[(CANDIDATE, "queries", None)]) == {100.0}


@pytest.mark.parametrize("name", sorted(CASES))
def test_an_engines_sums_go_through_the_same_combine_as_the_rows(name):
    # an engine hands sums, not rows (hurdlelang/stats/moments.py): sum_combine must be the form's own
    (spec,) = compile_path(EXAMPLES / f"{name}.hurdle").specs
    frame = read_table(str(EXAMPLES / "data" / f"{name}.csv")).frame.head(300)
    from hurdlelang.data.read import Table

    data = prepare(spec, Table("x.csv", frame))
    for metric in map(_key, CASES[name]):
        form = sum_form(spec.task, metric, data, data.parties[CANDIDATE])
        if form is not None and not (spec.task == "multiclass" and metric.name in CONFUSION_METRIC_NAMES):
            assert sum_combine(spec.task, metric.name) is form.combine, metric.key
        else:
            assert sum_combine(spec.task, metric.name) is None, metric.key


def test_the_normal_approximation_of_sums_has_the_row_bootstraps_spread_paired_and_on_slices(monkeypatch):
    # demand_forecast's 2,400 rows: the whole data by the normal approximation of its sums, the
    # store-format slices (under 2,000 rows) by the scope's own row bootstrap; against the row
    # bootstrap of every row (ROW_BOOTSTRAP_BELOW raised), 2,000 resamples each
    (spec,) = compile_path(EXAMPLES / "demand_forecast.hurdle").specs
    from hurdlelang.data.read import Table

    data = prepare(spec, Table("x.csv", read_table(str(EXAMPLES / "data" / "demand_forecast.csv")).frame))
    assert data.rows >= 2_000
    ev = Evaluation(spec, data)
    column = spec.data.slices[0]
    scopes = [None, (column, ev.slice_values(column)[0])]
    metrics = [_key(m) for m in ("mae", "rmse", "r2", "bias")]
    requests = {(p, m, s) for p in (CANDIDATE, "seasonal_naive") for m in metrics for s in scopes}

    def drawn(rows_everywhere: bool) -> uncertainty.Uncertainty:
        if rows_everywhere:
            monkeypatch.setattr(uncertainty, "ROW_BOOTSTRAP_BELOW", 10**9)
        unc = uncertainty.Uncertainty(ev, resamples=2000, seed=5)
        unc.prepare(requests)
        monkeypatch.undo()
        return unc

    fast, rows = drawn(False), drawn(True)
    assert fast.methods[f"{CANDIDATE}.mae"].startswith(NORMAL_METHOD)
    assert "resampled rows (scopes under 2,000 units)" in fast.methods[f"{CANDIDATE}.mae"]
    assert rows.methods[f"{CANDIDATE}.mae"] == "resampled rows"
    assert any(n.startswith(f"{CANDIDATE}.mae: normal approximation") for n in fast.notes)
    for metric in metrics:
        for scope in scopes:
            a = fast.samples(CANDIDATE, metric, scope)
            b = rows.samples(CANDIDATE, metric, scope)
            # 2,000 resamples: a standard deviation is known to about 3%, a mean to 2% of the spread
            assert abs(np.std(a) / np.std(b) - 1) < 0.1, (metric.key, scope)
            assert abs(np.mean(a) - np.mean(b)) < 0.1 * np.std(b), (metric.key, scope)
        gain = fast.samples(CANDIDATE, metric, None) - fast.samples("seasonal_naive", metric, None)
        gain_rows = rows.samples(CANDIDATE, metric, None) - rows.samples("seasonal_naive", metric, None)
        assert abs(np.std(gain) / np.std(gain_rows) - 1) < 0.1, metric.key  # paired: the correlation kept
