"""The built-in metric library against scikit-learn, the independent oracle (to 1e-9).

Metrics with no sklearn counterpart (bias, hit_rate, precision@k, recall@k, mrr) are checked
against plain-Python reference loops and hand-computed values.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as sk
from sklearn.exceptions import UndefinedMetricWarning

from hurdlelang.metrics.binary import count_metric
from hurdlelang.metrics.multiclass import CONFUSION_LIBRARY, confusion_matrix, confusion_metric
from hurdlelang.metrics.registry import (
    COUNT_METRIC_NAMES,
    TASKS,
    MetricInputs,
    compute,
    metric_def,
    metric_names,
    vectorised_confusion_metric,
    vectorised_count_metric,
)
from hurdlelang.metrics.values import Counts, MetricValue

TOL = 1e-9
AVERAGED = tuple(CONFUSION_LIBRARY)  # the multiclass confusion metrics that are not of one class or of costs


def quietly(fn, *args, **kwargs):
    """Our metrics must never warn: turn any warning into a failure."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return fn(*args, **kwargs)


def value(task: str, name: str, param=None, **inputs) -> float | None:
    return quietly(compute, task, name, param, MetricInputs(**inputs)).value


# --- binary ---------------------------------------------------------------------------------------


def binary_case(seed: int, positive_share: float, weighted: bool):
    rng = np.random.default_rng(seed)
    n = 3000
    label = (rng.random(n) < positive_share).astype(int)
    score = np.clip(0.35 * label + 0.75 * rng.random(n), 0, 1).round(1)  # 11 distinct values: heavy ties
    score[rng.random(n) < 0.01] = 1.0  # a few certain, to exercise log_loss clipping
    score[rng.random(n) < 0.01] = 0.0
    decided = (score >= 0.5).astype(int)
    weight = rng.choice([0.0, 0.5, 1.0, 2.5], n) if weighted else None
    return label, decided, score, weight


BINARY_CASES = [(seed, share, weighted) for seed in (0, 1) for share in (0.02, 0.3) for weighted in (False, True)]


def sk_binary(name, param, y, d, w):
    if name in ("tp", "fp", "tn", "fn", "n"):
        tn, fp, fn, tp = sk.confusion_matrix(y, d, labels=[0, 1], sample_weight=w).ravel()
        return {"tp": tp, "fp": fp, "tn": tn, "fn": fn, "n": tn + fp + fn + tp}[name]
    return {
        "accuracy": lambda: sk.accuracy_score(y, d, sample_weight=w),
        "balanced_accuracy": lambda: sk.balanced_accuracy_score(y, d, sample_weight=w),
        "precision": lambda: sk.precision_score(y, d, sample_weight=w),
        "recall": lambda: sk.recall_score(y, d, sample_weight=w),
        "specificity": lambda: sk.recall_score(y, d, pos_label=0, sample_weight=w),
        "f1": lambda: sk.f1_score(y, d, sample_weight=w),
        "fbeta": lambda: sk.fbeta_score(y, d, beta=param, sample_weight=w),
        "mcc": lambda: sk.matthews_corrcoef(y, d, sample_weight=w),
        "predicted_positive_rate": lambda: np.average(d, weights=w),
        "positive_rate": lambda: np.average(y, weights=w),
        # lift: precision over the base rate, the two computed by scikit-learn and numpy apart
        "lift": lambda: sk.precision_score(y, d, sample_weight=w, zero_division=np.nan) / np.average(y, weights=w),
        # a party that decides every row (no abstain bands: tests/judging/test_bands.py has those)
        "coverage": lambda: 1.0,
        "abstain_rate": lambda: 0.0,
        "abstained": lambda: 0.0,
    }[name]()


BINARY_COUNT_CALLS = [(name, None) for name in COUNT_METRIC_NAMES if name != "fbeta"] + [("fbeta", 2), ("fbeta", 0.5)]


@pytest.mark.parametrize("seed,share,weighted", BINARY_CASES)
def test_binary_count_metrics_equal_sklearn(seed, share, weighted):
    y, d, _, w = binary_case(seed, share, weighted)
    for name, param in BINARY_COUNT_CALLS:
        ours = value("binary", name, param, label=y, decided=d, weight=w)
        assert ours == pytest.approx(sk_binary(name, param, y, d, w), abs=TOL), name


@pytest.mark.parametrize("seed,share,weighted", BINARY_CASES)
def test_binary_score_metrics_equal_sklearn(seed, share, weighted):
    y, _, s, w = binary_case(seed, share, weighted)
    oracle = {
        "roc_auc": sk.roc_auc_score(y, s, sample_weight=w),
        "pr_auc": sk.average_precision_score(y, s, sample_weight=w),
        "log_loss": sk.log_loss(y, s, sample_weight=w, labels=[0, 1]),
        "brier": sk.brier_score_loss(y, s, sample_weight=w),
    }
    for name, expected in oracle.items():
        assert value("binary", name, label=y, score=s, weight=w) == pytest.approx(expected, abs=TOL), name


def test_continuous_scores_and_one_class_log_loss_equal_sklearn():
    rng = np.random.default_rng(7)
    y = (rng.random(500) < 0.1).astype(int)
    s = rng.random(500)
    assert value("binary", "pr_auc", label=y, score=s) == pytest.approx(sk.average_precision_score(y, s), abs=TOL)
    assert value("binary", "roc_auc", label=y, score=s) == pytest.approx(sk.roc_auc_score(y, s), abs=TOL)
    ones = np.ones(50, dtype=int)  # log_loss and brier stay defined on one class
    expected = sk.log_loss(ones, s[:50], labels=[0, 1])
    assert value("binary", "log_loss", label=ones, score=s[:50]) == pytest.approx(expected, abs=TOL)


def test_vectorised_count_metrics_equal_the_scalar_form():
    rng = np.random.default_rng(3)
    tp, fp, tn, fn = (rng.integers(0, 4, 400).astype(float) for _ in range(4))
    tp[:5], fp[:5], tn[:5], fn[:5] = 0, 0, 0, 0  # some all-empty resamples
    for name, param in BINARY_COUNT_CALLS:
        out = quietly(vectorised_count_metric, name, param, tp, fp, tn, fn)
        assert out.shape == (400,)
        for b in range(400):
            one = count_metric(name, Counts(tp[b], fp[b], tn[b], fn[b]), param)
            if one.defined:
                assert out[b] == pytest.approx(one.value, abs=1e-12), name
            else:
                assert np.isnan(out[b]) and one.reason, name


# sklearn warns (UndefinedMetricWarning) exactly where these are undefined
WARNS_WHEN_UNDEFINED = {"precision": sk.precision_score, "recall": sk.recall_score, "f1": sk.f1_score}


@settings(max_examples=150, deadline=None)
@given(st.tuples(*(st.integers(0, 6) for _ in range(4))).filter(lambda c: sum(c) > 0))
def test_count_metrics_on_random_counts_equal_sklearn_on_expanded_rows(cells):
    tp, fp, tn, fn = cells
    y = np.array([1] * tp + [0] * fp + [0] * tn + [1] * fn)
    d = np.array([1] * tp + [1] * fp + [0] * tn + [0] * fn)
    c = Counts.of(y, d)
    assert c == Counts(tp, fp, tn, fn)
    for name, param in BINARY_COUNT_CALLS:
        ours = quietly(count_metric, name, c, param)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            oracle = sk_binary(name, param, y, d, None)
        if name in WARNS_WHEN_UNDEFINED:
            sklearn_warned = any(issubclass(w.category, UndefinedMetricWarning) for w in caught)
            assert ours.defined != sklearn_warned, name
        if name == "mcc":
            assert ours.defined == ((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn) > 0)
        if name == "balanced_accuracy":
            assert ours.defined == (tp + fn > 0 and tn + fp > 0)
        if name == "lift":
            assert ours.defined == (tp + fp > 0 and tp + fn > 0)
        if ours.defined:
            assert ours.value == pytest.approx(oracle, abs=TOL), name
        else:
            assert ours.reason, name


# --- multiclass -----------------------------------------------------------------------------------


def multiclass_case(seed: int, k: int, weighted: bool, string_classes: bool = True, decimals: int = 3):
    rng = np.random.default_rng(seed)
    n = 2000
    names = np.array(["ant", "bee", "cat", "dog", "eel"][:k]) if string_classes else np.arange(k) * 10
    column_order = rng.permutation(names)  # score columns deliberately not in sorted order
    label = rng.choice(names, n, p=np.r_[0.5, np.full(k - 1, 0.5 / (k - 1))])
    probs = rng.dirichlet(np.ones(k), n)
    probs[np.arange(n), np.searchsorted(column_order, label, sorter=np.argsort(column_order))] += 0.8
    probs = (probs / probs.sum(axis=1, keepdims=True)).round(decimals)
    decided = column_order[probs.argmax(axis=1)]
    decided[rng.random(n) < 0.1] = rng.choice(names)
    weight = rng.choice([0.0, 0.5, 1.0, 2.5], n) if weighted else None
    return label, decided, probs, tuple(column_order.tolist()), weight


MULTICLASS_CASES = [
    (0, 3, False, True),
    (1, 4, True, True),
    (2, 5, False, True),
    (3, 5, True, True),
    (4, 3, True, False),
]


def sk_multiclass(name, y, d, w):
    if name == "accuracy":
        return sk.accuracy_score(y, d, sample_weight=w)
    if name == "balanced_accuracy":
        return sk.balanced_accuracy_score(y, d, sample_weight=w)
    if name == "mcc":
        return sk.matthews_corrcoef(y, d, sample_weight=w)
    kind, average = name.split("_")
    fn = {"precision": sk.precision_score, "recall": sk.recall_score, "f1": sk.f1_score}[kind]
    # a class with no actual rows has weight 0 in a weighted average, so sklearn's substitute (and its
    # warning) cannot change the value; where it could, our value is undefined and not compared
    return fn(y, d, average=average, sample_weight=w, zero_division=0 if average == "weighted" else "warn")


@pytest.mark.parametrize("seed,k,weighted,strings", MULTICLASS_CASES)
def test_multiclass_confusion_metrics_equal_sklearn(seed, k, weighted, strings):
    y, d, _, _, w = multiclass_case(seed, k, weighted, strings)
    for name in AVERAGED:
        ours = value("multiclass", name, label=y, decided=d, weight=w)
        assert ours == pytest.approx(sk_multiclass(name, y, d, w), abs=TOL), name


def sorted_columns(probs, classes):
    order = np.argsort(np.asarray(classes))
    return probs[:, order], list(np.asarray(classes)[order])


@pytest.mark.parametrize("seed,k,weighted,strings", MULTICLASS_CASES)
def test_multiclass_score_metrics_equal_sklearn(seed, k, weighted, strings):
    y, _, probs, classes, w = multiclass_case(seed, k, weighted, strings)
    sk_probs, labels = sorted_columns(probs, classes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn warns that 3-decimal rows do not sum to exactly 1
        expected = sk.log_loss(y, sk_probs, labels=labels, sample_weight=w)
    assert value("multiclass", "log_loss", label=y, score=probs, classes=classes, weight=w) == pytest.approx(
        expected, abs=TOL
    )
    tied = probs.round(1)  # many tied class scores: the tie rule must be sklearn's
    sk_tied, _ = sorted_columns(tied, classes)
    for top in range(1, k):
        expected = sk.top_k_accuracy_score(y, sk_tied, k=top, labels=labels, sample_weight=w)
        ours = value("multiclass", "top_k_accuracy", top, label=y, score=tied, classes=classes, weight=w)
        assert ours == pytest.approx(expected, abs=TOL), top


def test_confusion_stack_equals_sklearn_on_each_resample():
    """The bootstrap path: a fixed class list, resampled rows, one (B, k, k) stack."""
    rng = np.random.default_rng(11)
    names = np.array(["ant", "bee", "cat", "dog"])
    y = rng.choice(names, 40, p=[0.6, 0.3, 0.07, 0.03])  # rare classes: some resamples miss them entirely
    d = np.where(rng.random(40) < 0.7, y, rng.choice(names, 40))
    # the class list may name a class the data never shows
    _, classes = confusion_matrix(y, d, classes=("ant", "bee", "cat", "dog", "eel"))
    picks = [rng.integers(0, 40, 40) for _ in range(60)]
    stack = np.stack([confusion_matrix(y[i], d[i], classes=classes)[0] for i in picks])
    assert ((stack.sum(axis=-1) + stack.sum(axis=-2)) == 0).sum(axis=-1).min() >= 1
    for name in AVERAGED:
        values = quietly(vectorised_confusion_metric, name, None, stack)
        assert values.shape == (60,)
        for b, i in enumerate(picks):
            one = confusion_metric(name, stack[b], classes)
            assert (np.isnan(values[b]) and not one.defined) or values[b] == one.value, name
            if one.defined:
                assert one.value == pytest.approx(sk_multiclass(name, y[i], d[i], None), abs=TOL), name


def test_macro_averages_are_undefined_exactly_where_sklearn_warns():
    y = np.array(["a", "a", "b", "b", "c", "c"])
    d = np.array(["a", "b", "b", "a", "a", "b"])  # 'c' is never decided
    precision = quietly(compute, "multiclass", "precision_macro", None, MetricInputs(label=y, decided=d))
    assert precision.value is None and "'c'" in precision.reason
    with pytest.warns(UndefinedMetricWarning):
        sk.precision_score(y, d, average="macro")
    assert value("multiclass", "precision_weighted", label=y, decided=d) is None
    # F1 stays defined: sklearn sets a class's F1 to 0 without warning when only precision is ill-defined
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert value("multiclass", "f1_macro", label=y, decided=d) == pytest.approx(
            sk.f1_score(y, d, average="macro"), abs=TOL
        )
    d2 = np.array(["a", "a", "b", "b", "c", "x"])  # 'x' is decided but never occurs
    recall = quietly(compute, "multiclass", "recall_macro", None, MetricInputs(label=y, decided=d2))
    assert recall.value is None and "'x'" in recall.reason
    assert value("multiclass", "balanced_accuracy", label=y, decided=d2) is None
    # weighted recall gives 'x' weight 0, so it stays defined and equals sklearn
    expected = sk.recall_score(y, d2, average="weighted", zero_division=0)
    assert value("multiclass", "recall_weighted", label=y, decided=d2) == pytest.approx(expected, abs=TOL)


# --- regression -----------------------------------------------------------------------------------


def regression_case(seed: int, weighted: bool):
    rng = np.random.default_rng(seed)
    n = 1500
    y = rng.normal(100, 30, n).round(0)
    y[y == 0] = 1
    p = y + rng.normal(2, 10, n).round(0)  # integer errors: many ties, exact-median cases
    w = rng.choice([0.0, 0.5, 1.0, 2.5], n) if weighted else None
    return y, p, w


REGRESSION_ORACLE = {
    "mae": sk.mean_absolute_error,
    "mse": sk.mean_squared_error,
    "rmse": lambda y, p, sample_weight: np.sqrt(sk.mean_squared_error(y, p, sample_weight=sample_weight)),
    "mape": sk.mean_absolute_percentage_error,
    "r2": sk.r2_score,
    "median_absolute_error": sk.median_absolute_error,
}


@pytest.mark.parametrize("seed,weighted", [(0, False), (1, True), (2, True), (3, False)])
def test_regression_metrics_equal_sklearn(seed, weighted):
    y, p, w = regression_case(seed, weighted)
    for name, oracle in REGRESSION_ORACLE.items():
        expected = oracle(y, p, sample_weight=w)
        assert value("regression", name, label=y, score=p, weight=w) == pytest.approx(expected, abs=TOL), name
    keep = w > 0 if weighted else slice(None)  # max_error takes no weights: it is the max over weighted rows
    assert value("regression", "max_error", label=y, score=p, weight=w) == sk.max_error(y[keep], p[keep])


@pytest.mark.parametrize("seed", range(6))
def test_weighted_median_on_small_data_equals_sklearn(seed):
    rng = np.random.default_rng(seed)
    y, p = rng.integers(0, 5, 7).astype(float), rng.integers(0, 5, 7).astype(float)
    w = rng.choice([0.0, 1.0, 2.0, 3.0], 7)
    w[0] = 1.0
    expected = sk.median_absolute_error(y, p, sample_weight=w)
    assert value("regression", "median_absolute_error", label=y, score=p, weight=w) == pytest.approx(expected, abs=TOL)


@pytest.mark.parametrize(
    "errors,weight,expected",
    [
        ([1.0, 3.0], [2.0, 2.0], 2.0),  # the half falls exactly on a step: average with the next value
        ([1.0, 2.0, 3.0], [1.0, 0.0, 1.0], 2.0),  # ... skipping a zero-weight next value
        ([1.0, 2.0, 3.0], [1.0, 3.0, 1.0], 2.0),
        ([1.0, 2.0, 3.0, 4.0], [3.0, 1.0, 1.0, 1.0], 1.5),
    ],
)
def test_weighted_median_on_exact_halves_equals_sklearn(errors, weight, expected):
    y, p, w = np.zeros(len(errors)), np.array(errors), np.array(weight)
    assert sk.median_absolute_error(y, p, sample_weight=w) == pytest.approx(expected)
    assert value("regression", "median_absolute_error", label=y, score=p, weight=w) == pytest.approx(expected)


def test_bias_by_hand():
    y, p = np.array([1.0, 2.0, 4.0]), np.array([2.0, 2.0, 1.0])
    assert value("regression", "bias", label=y, score=p) == pytest.approx((1 + 0 - 3) / 3)
    assert value("regression", "bias", label=y, score=p, weight=np.array([3.0, 1.0, 0.0])) == pytest.approx(3 / 4)


# --- ranking --------------------------------------------------------------------------------------


def ranking_case(seed: int, graded: bool, weighted: bool):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 12, 150)  # queries of 1 to 11 items
    ids = np.array([f"q{i:03d}" for i in range(len(sizes))])
    group = np.repeat(ids, sizes)
    n = len(group)
    score = rng.integers(0, 5, n) / 4  # five values: heavy ties
    label = rng.choice([0, 0, 0, 1, 2, 3], n) if graded else (rng.random(n) < 0.2).astype(int)
    query_weight = dict(zip(ids, rng.choice([0.5, 1.0, 2.0], len(ids)), strict=True))
    weight = np.array([query_weight[g] for g in group]) if weighted else None
    rows = rng.permutation(n)  # queries' rows interleaved, as in a real file
    return group[rows], label[rows], score[rows], None if weight is None else weight[rows]


def reference_ranking(group, label, score, weight, k):
    """Plain loops: Python's sort is stable, so ties keep the original row order."""
    per = {"hit_rate": [], "precision": [], "recall": [], "mrr": []}
    weights, recall_weights = [], []
    for q in dict.fromkeys(group):
        rows = sorted(np.flatnonzero(group == q), key=lambda i: -score[i])
        relevant = [label[i] > 0 for i in rows]
        top = sum(relevant[:k])
        wq = 1.0 if weight is None else weight[rows[0]]
        weights.append(wq)
        per["hit_rate"].append(float(top > 0))
        per["precision"].append(top / k)
        per["mrr"].append(1 / (relevant.index(True) + 1) if any(relevant) else 0.0)
        if any(relevant):
            per["recall"].append(top / sum(relevant))
            recall_weights.append(wq)
    return {
        name: np.average(values, weights=recall_weights if name == "recall" else weights)
        for name, values in per.items()
    }


def sk_ndcg(group, label, score, weight, k):
    """sklearn wants equal-length queries: pad with irrelevant items scored below every real one."""
    queries = list(dict.fromkeys(group))
    width = max(int((group == q).sum()) for q in queries) + 1
    true, pred = np.zeros((len(queries), width)), np.full((len(queries), width), -1.0)
    weights = []
    for j, q in enumerate(queries):
        rows = np.flatnonzero(group == q)
        true[j, : len(rows)], pred[j, : len(rows)] = label[rows], score[rows]
        weights.append(1.0 if weight is None else weight[rows[0]])
    return sk.ndcg_score(true, pred, k=k, sample_weight=weights)


@pytest.mark.parametrize(
    "seed,graded,weighted", [(0, False, False), (1, True, False), (2, True, True), (3, False, True)]
)
def test_ranking_metrics_equal_sklearn_and_reference(seed, graded, weighted):
    group, label, score, weight = ranking_case(seed, graded, weighted)
    inputs = {"label": label, "score": score, "group": group, "weight": weight}
    for k in (1, 3, 5, 20):  # 20 exceeds every query's size
        expected = sk_ndcg(group, label, score, weight, k)
        assert value("ranking", "ndcg", k, **inputs) == pytest.approx(expected, abs=TOL), k
        reference = reference_ranking(group, label, score, weight, k)
        for name in ("hit_rate", "precision", "recall"):
            assert value("ranking", name, k, **inputs) == pytest.approx(reference[name], abs=TOL), (name, k)
    assert value("ranking", "mrr", **inputs) == pytest.approx(reference["mrr"], abs=TOL)


def test_ranking_ties_by_hand():
    # one query, all scores tied: rank order is row order for hit_rate/mrr, averaged for ndcg
    group, score = np.array(["q"] * 3), np.zeros(3)
    label = np.array([0, 0, 1])
    inputs = {"label": label, "score": score, "group": group}
    assert value("ranking", "hit_rate", 2, **inputs) == 0.0
    assert value("ranking", "mrr", **inputs) == pytest.approx(1 / 3)
    assert value("ranking", "precision", 5, **inputs) == pytest.approx(1 / 5)  # a short query still divides by k
    expected = sk.ndcg_score([label], [score], k=2)
    assert value("ranking", "ndcg", 2, **inputs) == pytest.approx(expected, abs=TOL)
    assert expected == pytest.approx((1 + 1 / np.log2(3)) / 3)


# --- undefined states -------------------------------------------------------------------------------

A = np.array
EMPTY = np.array([], dtype=int)

UNDEFINED = [
    ("binary", "precision", None, {"label": A([0, 1]), "decided": A([0, 0])}, "no predicted positives"),
    ("binary", "recall", None, {"label": A([0, 0]), "decided": A([1, 0])}, "no actual positives"),
    ("binary", "specificity", None, {"label": A([1, 1]), "decided": A([1, 0])}, "no actual negatives"),
    ("binary", "f1", None, {"label": A([0, 0]), "decided": A([0, 0])}, "tp + fp + fn = 0"),
    ("binary", "fbeta", 2, {"label": A([0, 0]), "decided": A([0, 0])}, "tp + fp + fn = 0"),
    ("binary", "balanced_accuracy", None, {"label": A([1, 1]), "decided": A([1, 0])}, "both classes"),
    ("binary", "mcc", None, {"label": A([0, 1]), "decided": A([1, 1])}, "no predicted negatives"),
    ("binary", "accuracy", None, {"label": EMPTY, "decided": EMPTY}, "no rows"),
    ("binary", "positive_rate", None, {"label": A([1, 0]), "weight": A([0.0, 0.0])}, "no rows"),
    ("binary", "predicted_positive_rate", None, {"label": EMPTY, "decided": EMPTY}, "no rows"),
    ("binary", "roc_auc", None, {"label": A([1, 1]), "score": A([0.1, 0.2])}, "only positives"),
    ("binary", "roc_auc", None, {"label": A([0, 1]), "score": A([np.nan, 0.2])}, "missing"),
    ("binary", "pr_auc", None, {"label": A([0, 0]), "score": A([0.1, 0.2])}, "no actual positives"),
    ("binary", "log_loss", None, {"label": A([0, 1]), "score": A([0.1, 1.2])}, "outside [0, 1]"),
    ("binary", "brier", None, {"label": A([0, 1]), "score": A([-0.1, 0.5])}, "outside [0, 1]"),
    ("multiclass", "precision_macro", None, {"label": A(["a", "b"]), "decided": A(["a", "a"])}, "'b'"),
    ("multiclass", "recall_macro", None, {"label": A(["a", "a"]), "decided": A(["a", "b"])}, "'b'"),
    ("multiclass", "mcc", None, {"label": A(["a", "b", "c"]), "decided": A(["a", "a", "a"])}, "decisions"),
    ("multiclass", "accuracy", None, {"label": A([], dtype=str), "decided": A([], dtype=str)}, "no rows"),
    (
        "multiclass",
        "top_k_accuracy",
        3,
        {"label": A(["a", "b"]), "score": A([[0.5, 0.3, 0.2]] * 2), "classes": ("a", "b", "c")},
        "every row would be a hit",
    ),
    (
        "multiclass",
        "top_k_accuracy",
        1,
        {"label": A(["a", "z"]), "score": A([[0.5, 0.5]] * 2), "classes": ("a", "b")},
        "'z'",
    ),
    (
        "multiclass",
        "log_loss",
        None,
        {"label": A(["a", "b"]), "score": A([[0.5, 0.3], [0.2, 0.8]]), "classes": ("a", "b")},
        "do not sum to 1",
    ),
    ("regression", "mape", None, {"label": A([0.0, 2.0]), "score": A([1.0, 2.0])}, "label is 0"),
    ("regression", "r2", None, {"label": A([3.0, 3.0]), "score": A([1.0, 2.0])}, "constant"),
    ("regression", "r2", None, {"label": A([3.0]), "score": A([1.0])}, "single row"),
    ("regression", "mae", None, {"label": A([1.0]), "score": A([1.0]), "weight": A([0.0])}, "no rows"),
    ("regression", "rmse", None, {"label": A([1.0, 2.0]), "score": A([1.0, np.inf])}, "prediction"),
    (
        "ranking",
        "recall",
        3,
        {"label": A([0, 0]), "score": A([0.1, 0.2]), "group": A(["q", "q"])},
        "no query has a relevant item",
    ),
    ("ranking", "ndcg", 3, {"label": A([-1, 1]), "score": A([0.1, 0.2]), "group": A(["q", "q"])}, "negative"),
    (
        "ranking",
        "hit_rate",
        1,
        {"label": A([0, 1]), "score": A([0.1, 0.2]), "group": A(["q", "q"]), "weight": A([1.0, 2.0])},
        "weights differ within query 'q'",
    ),
    ("ranking", "mrr", None, {"label": EMPTY, "score": A([]), "group": A([])}, "no queries"),
]


@pytest.mark.parametrize(
    "task,name,param,inputs,reason", UNDEFINED, ids=[f"{t}-{n}-{r}" for t, n, _, _, r in UNDEFINED]
)
def test_undefined_states_explain_themselves(task, name, param, inputs, reason):
    result = quietly(compute, task, name, param, MetricInputs(**inputs))
    assert isinstance(result, MetricValue)
    assert result.value is None and reason in result.reason


# --- the registry ---------------------------------------------------------------------------------

EXPECTED_NAMES = {
    "binary": {
        "accuracy", "balanced_accuracy", "precision", "recall", "specificity", "f1", "fbeta", "mcc",
        "predicted_positive_rate", "positive_rate", "tp", "fp", "tn", "fn", "n", "lift",
        "coverage", "abstain_rate", "abstained",
        "roc_auc", "pr_auc", "log_loss", "brier",
    },
    "multiclass": {
        "accuracy", "balanced_accuracy", "mcc", "top_k_accuracy", "log_loss",
        *(f"{m}_{a}" for m in ("precision", "recall", "f1") for a in ("macro", "micro", "weighted")),
        "precision", "recall", "f1", "support", "share", "predicted_share", "cost", "total_cost",
    },
    "regression": {"mae", "mse", "rmse", "mape", "r2", "median_absolute_error", "bias", "max_error"},
    "ranking": {"hit_rate", "precision", "recall", "ndcg", "mrr"},
}  # fmt: skip


def test_registry_lists_every_metric_with_its_needs():
    assert set(TASKS) == set(EXPECTED_NAMES)
    for task, names in EXPECTED_NAMES.items():
        assert set(metric_names(task)) == names
    assert metric_def("binary", "precision").needs == {"decided"}
    assert metric_def("binary", "positive_rate").needs == set()
    assert metric_def("binary", "roc_auc").needs == {"score"}
    assert metric_def("multiclass", "top_k_accuracy").param == "k"
    assert metric_def("ranking", "ndcg").needs == {"score", "group"}
    assert metric_def("ranking", "mrr").param is None
    assert metric_def("binary", "fbeta").param == "beta"


@pytest.mark.parametrize(
    "task,name,param,inputs,message",
    [
        ("binary", "precison", None, {"label": A([1])}, "no metric"),
        ("binary", "fbeta", None, {"label": A([1]), "decided": A([1])}, "needs '@beta'"),
        ("binary", "fbeta", -1, {"label": A([1]), "decided": A([1])}, "beta > 0"),
        ("binary", "f1", 2, {"label": A([1]), "decided": A([1])}, "takes no"),
        ("binary", "f1", None, {"label": A([1])}, "needs decided"),
        ("ranking", "ndcg", 2.5, {"label": A([1]), "score": A([1.0]), "group": A([1])}, "whole k"),
        ("binary", "recall", None, {"label": A([2]), "decided": A([1])}, "must be 0/1"),
    ],
)
def test_misuse_raises(task, name, param, inputs, message):
    with pytest.raises(ValueError, match=message):
        compute(task, name, param, MetricInputs(**inputs))


def test_vectorised_count_metric_rejects_score_metrics():
    with pytest.raises(ValueError, match="confusion counts"):
        vectorised_count_metric("roc_auc", None, A([1.0]), A([1.0]), A([1.0]), A([1.0]))
    out = vectorised_count_metric("fbeta", 2, A([1.0, 0.0]), A([1.0, 0.0]), A([1.0, 5.0]), A([1.0, 0.0]))
    assert out[0] == pytest.approx(sk.fbeta_score([1, 0, 0, 1], [1, 1, 0, 0], beta=2)) and np.isnan(out[1])
