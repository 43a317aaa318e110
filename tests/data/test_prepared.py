"""The prepared arrays (hurdlelang/data/prepared.py): a slice column factorised once (Slices), from a
hash table's or an Arrow dictionary's distinct values as from the whole column, and the engine's
codes of a slice column read instead of factorising its text again."""

from __future__ import annotations

import numpy as np
import pytest

from hurdlelang.data.prepared import PartyData, Prepared, Slices


def _np_unique(values) -> tuple[np.ndarray, tuple[str, ...]]:
    """The codes and names of np.unique over the column's text: what Slices stands for."""
    uniques, inverse = np.unique(np.asarray(values).astype(str), return_inverse=True)
    return inverse.ravel(), tuple(str(u) for u in uniques)


def test_slices_from_distinct_values_in_any_order_are_those_of_the_column():
    distinct = np.array(["web", "app", "phone", ""], dtype=object)  # a dictionary's order: first seen
    first = np.array([2, 0, 1, 0, 3, 2, 2])
    got = Slices.from_distinct(first, distinct)
    codes, names = _np_unique(distinct[first])
    assert got.names == names == ("", "app", "phone", "web")
    assert got.codes.tolist() == codes.tolist() == [2, 3, 1, 3, 0, 2, 2]
    assert got.codes.dtype == np.int64


def test_slices_of_any_column_match_np_unique():
    rng = np.random.default_rng(5)
    text = np.array(["b", "a", "é", "A", "ab"], dtype=object)[rng.integers(0, 5, 200)]
    for values in (text, text.astype(str), rng.integers(0, 7, 200)):
        got = Slices.of(values)
        codes, names = _np_unique(values)
        assert got.names == names
        assert np.array_equal(got.codes, codes)


def test_a_slice_named_all_is_refused():
    with pytest.raises(ValueError, match="reserved for the whole data"):
        Slices.from_distinct(np.array([0, 1]), np.array(["all", "web"]))


def test_slices_text_gives_back_the_column_as_text():
    values = np.array(["phone", "web", "app", "web"], dtype=object)
    text = Slices.of(values).text
    assert text.dtype == values.astype(str).dtype == np.dtype("<U5")
    assert text.tolist() == ["phone", "web", "app", "web"]
    assert Slices.of(np.array([], dtype=object)).text.dtype == np.array([], dtype=object).astype(str).dtype


def _prepared(region: np.ndarray, coded: dict | None = None) -> Prepared:
    label = np.arange(len(region)) % 2
    return Prepared("binary", label, {"c": PartyData(label, None)}, slices={"region": region}, coded_slices=coded or {})


def test_a_prepared_reads_the_engines_codes_or_factorises_its_text():
    region = np.array(["b", "a", "c", "a"])
    engine = Slices(np.array([1, 0, 2, 0]), ("a", "b", "c"))
    assert _prepared(region, {"region": engine}).factorised("region") is engine
    own = _prepared(region).factorised("region")
    assert own.names == ("a", "b", "c") and own.codes.tolist() == [1, 0, 2, 0]


def test_a_subset_drops_the_engines_codes():
    """A subset may hold fewer values: its slice column is factorised again, from its own text."""
    region = np.array(["b", "a", "c", "a"])
    subset = _prepared(region, {"region": Slices.of(region)}).subset(np.array([0, 2]))
    assert subset.coded_slices == {}
    assert subset.factorised("region").names == ("b", "c")
