"""Per-class metrics, the cost of a cost matrix, and macro averages over every class of the spec,
against scikit-learn (`labels=[...]`, `average=None`) and a hand computation of the costs."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn import metrics as sk
from sklearn.exceptions import UndefinedMetricWarning

from hurdlelang.metrics.multiclass import CONFUSION_LIBRARY, Cells, confusion_matrix, confusion_metric
from hurdlelang.metrics.registry import MetricInputs, compute, vectorised_confusion_metric

TOL = 1e-9
CLASSES = ("ant", "bee", "cat", "dog")
ORACLE = {"precision": sk.precision_score, "recall": sk.recall_score, "f1": sk.f1_score}


def case(seed: int, weighted: bool, n: int = 1500):
    rng = np.random.default_rng(seed)
    y = rng.choice(CLASSES, n, p=[0.55, 0.3, 0.1, 0.05])
    d = np.where(rng.random(n) < 0.7, y, rng.choice(CLASSES, n))
    w = rng.choice([0.0, 0.5, 1.0, 2.5], n) if weighted else None
    return y, d, w


def ours(name, y, d, w=None, of=None, classes=CLASSES, costs=None):
    inputs = MetricInputs(label=y, decided=d, weight=w, matrix_classes=classes, of=of, costs=costs)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # our metrics never warn
        return compute("multiclass", name, None, inputs)


def sklearn_or_none(fn, *args, **kwargs):
    """sklearn's value, or None where it warns that the value is ill-defined (it would substitute 0)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", UndefinedMetricWarning)
        try:
            return fn(*args, **kwargs)
        except UndefinedMetricWarning:
            return None


@pytest.mark.parametrize("seed,weighted", [(0, False), (1, True), (2, False), (3, True)])
def test_per_class_precision_recall_f1_equal_sklearn(seed, weighted):
    y, d, w = case(seed, weighted)
    for name, fn in ORACLE.items():
        per = fn(y, d, labels=list(CLASSES), average=None, sample_weight=w, zero_division=0)
        for i, c in enumerate(CLASSES):
            assert ours(name, y, d, w, of=c).value == pytest.approx(per[i], abs=TOL), (name, c)
    _, _, _, support = sk.precision_recall_fscore_support(y, d, labels=list(CLASSES), sample_weight=w)
    total = len(y) if w is None else w.sum()
    for i, c in enumerate(CLASSES):
        assert ours("support", y, d, w, of=c).value == pytest.approx(support[i], abs=TOL)
        assert ours("share", y, d, w, of=c).value == pytest.approx(support[i] / total, abs=TOL)
        decided = (d == c).sum() if w is None else w[d == c].sum()
        assert ours("predicted_share", y, d, w, of=c).value == pytest.approx(decided / total, abs=TOL)


def test_per_class_values_are_undefined_exactly_where_sklearn_warns():
    y = np.array(["ant", "ant", "bee", "bee", "cat"])
    d = np.array(["ant", "bee", "bee", "ant", "ant"])  # cat never decided; dog neither occurs nor is decided
    for name, fn in ORACLE.items():
        for c in CLASSES:
            expected = sklearn_or_none(fn, y, d, labels=[c], average="macro")
            got = ours(name, y, d, of=c)
            if expected is None:
                assert got.value is None and got.reason, (name, c)
            else:
                assert got.value == pytest.approx(expected, abs=TOL), (name, c)
    assert ours("precision", y, d, of="cat").reason == "no row was decided as 'cat' here"
    assert ours("recall", y, d, of="dog").reason == "no row of 'dog' here"
    assert ours("f1", y, d, of="cat").value == 0.0  # decided never, but it has a row: F1 is 0, as sklearn's


@pytest.mark.parametrize("seed,weighted", [(4, False), (5, True)])
def test_cost_is_the_mean_and_total_of_the_cells_priced(seed, weighted):
    y, d, w = case(seed, weighted)
    rng = np.random.default_rng(seed)
    price = {(a, b): 0.0 if a == b else float(rng.integers(1, 90)) for a in CLASSES for b in CLASSES}
    weight = np.ones(len(y)) if w is None else w
    by_hand = sum(weight[i] * price[(y[i], d[i])] for i in range(len(y)))  # row by row
    assert ours("total_cost", y, d, w, costs=price).value == pytest.approx(by_hand, rel=1e-12)
    assert ours("cost", y, d, w, costs=price).value == pytest.approx(by_hand / weight.sum(), rel=1e-12)
    # the class order of the matrix does not matter
    shuffled = tuple(reversed(CLASSES))
    assert ours("cost", y, d, w, classes=shuffled, costs=price).value == pytest.approx(by_hand / weight.sum())


def test_a_macro_average_counts_every_class_in_a_slice_where_one_is_missing():
    """A slice without one of the classes: sklearn with labels= all classes warns (the missing class
    has no value), so the average is undefined here rather than an average over fewer classes."""
    y, d, _ = case(6, False)
    keep = (y != "dog") & (d != "dog")
    ys, ds = y[keep], d[keep]
    for name in ("f1_macro", "recall_macro", "precision_macro", "balanced_accuracy"):
        got = ours(name, ys, ds)
        assert got.value is None and "'dog'" in got.reason, name
    with pytest.warns(UndefinedMetricWarning):
        sk.f1_score(ys, ds, labels=list(CLASSES), average="macro")
    # over the classes that occur, as before, when the matrix is over them only
    assert ours("f1_macro", ys, ds, classes=None).value == pytest.approx(sk.f1_score(ys, ds, average="macro"))
    # a one-class slice: f1_macro was 1.0 for a perfect party; over all four classes it is undefined
    one = np.array(["ant"] * 5)
    assert ours("f1_macro", one, one, classes=None).value == 1.0
    assert ours("f1_macro", one, one).value is None
    # where every class occurs, the value is sklearn's with labels= all classes
    assert ours("f1_macro", y, d).value == pytest.approx(sk.f1_score(y, d, labels=list(CLASSES), average="macro"))


def test_a_stack_of_matrices_gives_the_point_value_of_each():
    y, d, _ = case(7, False, n=60)
    rng = np.random.default_rng(7)
    price = {(a, b): float(abs(i - j)) * 10 for i, a in enumerate(CLASSES) for j, b in enumerate(CLASSES)}
    picks = [rng.integers(0, 60, 60) for _ in range(40)]
    stack = np.stack([confusion_matrix(y[i], d[i], classes=CLASSES)[0] for i in picks])
    for name, of in [("recall", "cat"), ("precision", "dog"), ("f1", "bee"), ("share", "cat"), ("cost", None)]:
        cells = Cells(CLASSES, of, price)
        values = vectorised_confusion_metric(name, None, stack, cells)
        for b in range(len(picks)):
            one = confusion_metric(name, stack[b], CLASSES, cells)
            assert (np.isnan(values[b]) and not one.defined) or values[b] == pytest.approx(one.value), (name, b)


def test_misuse_raises():
    y = np.array(["ant", "bee"])
    with pytest.raises(ValueError, match="of one class"):
        ours("recall", y, y)
    with pytest.raises(ValueError, match="cost matrix"):
        ours("cost", y, y)
    with pytest.raises(ValueError, match="no cost"):
        ours("cost", y, y, costs={("ant", "ant"): 0.0})
    assert set(CONFUSION_LIBRARY) >= {"f1_macro", "balanced_accuracy"}
