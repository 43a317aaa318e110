"""Metric values against scikit-learn, the independent oracle."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as sk

from hurdlelang.metrics.binary import accuracy, f1, precision, recall, roc_auc
from hurdlelang.metrics.values import Counts
from tests.conftest import EXAMPLE_DATA

SK_COUNT = {
    accuracy: sk.accuracy_score,
    precision: sk.precision_score,
    recall: sk.recall_score,
    f1: sk.f1_score,
}


@pytest.fixture(scope="module")
def example():
    frame = pd.read_csv(EXAMPLE_DATA)
    label = frame["bought_again"].to_numpy()
    return (
        label,
        (frame["p_buy"] >= 0.35).astype(int).to_numpy(),
        frame["recency_rule"].to_numpy(),
        frame["p_buy"].to_numpy(),
    )


@pytest.mark.parametrize("fn", list(SK_COUNT), ids=lambda f: f.__name__)
def test_count_metrics_equal_sklearn_on_example(example, fn):
    label, candidate, baseline, _ = example
    for decided in (candidate, baseline):
        ours = fn(Counts.of(label, decided)).value
        assert ours == pytest.approx(SK_COUNT[fn](label, decided), abs=1e-12)


def test_roc_auc_equals_sklearn_on_example(example):
    label, _, baseline, score = example
    assert roc_auc(label, score).value == pytest.approx(sk.roc_auc_score(label, score), abs=1e-12)
    assert roc_auc(label, baseline.astype(float)).value == pytest.approx(sk.roc_auc_score(label, baseline), abs=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_roc_auc_with_heavy_ties_and_imbalance(seed):
    rng = np.random.default_rng(seed)
    label = (rng.random(3000) < 0.03).astype(int)
    score = rng.integers(0, 7, 3000) / 6.0  # seven distinct values: many ties
    assert roc_auc(label, score).value == pytest.approx(sk.roc_auc_score(label, score), abs=1e-12)


def test_counts_match_sklearn_confusion_matrix(example):
    label, candidate, _, _ = example
    tn, fp, fn_, tp = sk.confusion_matrix(label, candidate).ravel()
    assert Counts.of(label, candidate) == Counts(tp=tp, fp=fp, tn=tn, fn=fn_)


def test_undefined_metrics_say_why_instead_of_returning_zero():
    label = np.array([0, 1, 0, 1])
    nothing_predicted = Counts.of(label, np.zeros(4, dtype=int))
    assert precision(nothing_predicted).value is None
    assert "no predicted positives" in precision(nothing_predicted).reason
    assert recall(nothing_predicted).value == 0.0
    one_class = roc_auc(np.ones(4, dtype=int), np.array([0.1, 0.2, 0.3, 0.4]))
    assert one_class.value is None and "only positives" in one_class.reason
