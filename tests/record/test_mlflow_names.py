"""The MLflow names of a record's keys (record/mlflow_names.py, docs/ci.md#mlflow): valid for MLflow's
own validator, read back to the key they came from, and never shared by two keys."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hurdlelang.record.mlflow_names import (
    MAX_NAME,
    VALID,
    decision_entries,
    escape_value,
    is_hashed,
    metric_name,
    record_key,
    unescape_value,
)

IDENT = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,30}", fullmatch=True)
PARAM = st.one_of(st.integers(1, 1000).map(str), st.floats(1e-9, 1e9).map(lambda x: f"{x:g}"))
METRIC = st.one_of(IDENT, st.tuples(IDENT, PARAM).map(lambda t: f"{t[0]}@{t[1]}"))
SCOPE = st.one_of(st.just("all"), st.tuples(IDENT, st.text(max_size=40)).map(lambda t: f"{t[0]}={t[1]}"))
BOUND = st.sampled_from([None, "low", "high"])
KEY = st.tuples(IDENT, SCOPE, METRIC, BOUND)


@pytest.mark.parametrize(
    ("key", "name"),
    [
        (("candidate", "all", "precision", None), "candidate/precision"),
        (("candidate", "all", "precision", "low"), "candidate/precision/low"),
        (("candidate", "region=east", "precision", None), "candidate/region/east/precision"),
        (("candidate", "region=east", "precision", "high"), "candidate/region/east/precision/high"),
        (("candidate", "all", "hit_rate@5", None), "candidate/hit_rate.at5"),
        (("as_is", "all", "fbeta@0.5", "low"), "as_is/fbeta.at0.5/low"),
        (("candidate", "region=North America", "f1", None), "candidate/region/North America/f1"),
        (("candidate", "band=18-24", "f1", None), "candidate/band/18-24/f1"),
        (("candidate", "path=a/b.c", "f1", None), "candidate/path/a.2Fb.2Ec/f1"),
        (("candidate", "city=São Paulo", "f1", None), "candidate/city/S.C3.A3o Paulo/f1"),
        (("candidate", "kind==", "f1", None), "candidate/kind/.3D/f1"),
        (("candidate", "kind=", "f1", None), "candidate/kind/.-/f1"),
    ],
)
def test_documented_names(key, name):
    assert metric_name(*key) == name
    assert record_key(name) == key


def _norm(key):
    party, scope, metric, bound = key
    name, at, param = metric.partition("@")
    return party, scope, name + (f"@{float(param):g}" if at else ""), bound


@settings(max_examples=400, deadline=None)
@given(KEY)
def test_every_name_is_valid_for_mlflow_and_reads_back(key):
    from mlflow.utils.validation import _validate_metric_name, _validate_tag_name

    name = metric_name(*key)
    assert VALID.fullmatch(name) and len(name) <= MAX_NAME
    _validate_metric_name(name)  # raises on a name MLflow refuses
    _validate_tag_name(name)
    assert is_hashed(name) or record_key(name) == _norm(key)


@settings(max_examples=200, deadline=None)
@given(st.lists(KEY, min_size=2, max_size=30, unique_by=_norm))
def test_no_two_keys_share_a_name(keys):
    names = [metric_name(*k) for k in keys]
    assert len(set(names)) == len(names)


@given(st.text())
def test_slice_values_escape_and_unescape(value):
    part = escape_value(value)
    assert "/" not in part and part not in (".", "..")
    assert unescape_value(part) == value


def test_overlong_names_are_cut_and_marked_with_a_hash():
    long = "v" * 300
    a, b = metric_name("candidate", f"region={long}a", "f1"), metric_name("candidate", f"region={long}b", "f1")
    assert len(a) <= MAX_NAME and len(b) <= MAX_NAME and a != b
    assert a[:-18] == b[:-18] and is_hashed(a) and is_hashed(b)
    assert not is_hashed(metric_name("candidate", "region=" + "v" * 100, "f1"))


@pytest.mark.parametrize(
    ("key", "name"),
    [
        (("candidate", "all", "recall[sales]", None), "candidate/recall.ofsales"),
        (("as_is", "language=fr", "precision[billing]", "low"), "as_is/language/fr/precision.ofbilling/low"),
        (("candidate", "all", 'f1["Very frail"]', None), "candidate/f1.ofVery frail"),
        (("candidate", "all", "share[3]", None), "candidate/share.of3"),
    ],
)
def test_documented_names_of_per_class_metrics(key, name):
    assert metric_name(*key) == name
    assert record_key(name) == key


@settings(max_examples=300, deadline=None)
@given(IDENT, st.text(max_size=30))
def test_a_per_class_metric_of_any_class_is_valid_and_reads_back(metric, cls):
    from mlflow.utils.validation import _validate_metric_name

    from hurdlelang.lang.ir import class_text

    key = f"{metric}[{class_text(cls)}]"
    name = metric_name("candidate", "all", key)
    _validate_metric_name(name)
    assert is_hashed(name) or record_key(name) == ("candidate", "all", key, None)


@settings(max_examples=200, deadline=None)
@given(tier=IDENT, conditions=st.integers(1, 30), key=KEY)
def test_decision_names_are_valid_and_never_a_metric_name(tier, conditions, key):
    from types import SimpleNamespace

    from mlflow.utils.validation import _validate_metric_name

    condition = SimpleNamespace(text="precision >= 0.3", observed=0.31, bound=0.29, required=0.3)
    record = SimpleNamespace(
        tiers=[SimpleNamespace(name=tier, conditions=[condition] * conditions)],
        guards=[SimpleNamespace(text="rows >= 100", value=120.0)],
    )
    entries = decision_entries(record)
    assert len(entries) == 3 * conditions + 1 and len({name for name, *_ in entries}) == len(entries)
    for name, meaning, value in entries:
        _validate_metric_name(name)
        # a party is an identifier, so the first part of a metric's name never holds a `-`
        assert "-" in name.split("/")[0] and name != metric_name(*key)
        assert value == {"observed": 0.31, "bound": 0.29, "required": 0.3, "value": 120.0}[meaning["field"]]
