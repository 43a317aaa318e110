"""The plan's statistics as cells with a multiplicity (hurdlelang/engine/cells.py): the same record
as the rows, every number to 1e-9 and the intervals too (the resamplers draw the same multinomial
over the same groups), on the pandas reader and DuckDB; the user's weights and the multiplicity
kept apart; the table grows with slice values, not with rows; continuous scores keep the rows."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from hurdlelang.data.prepare import prepare
from hurdlelang.data.read import read_table
from hurdlelang.engine import cells
from hurdlelang.engine.duck import prepare_duckdb
from hurdlelang.engine.source import open_source
from hurdlelang.judging.runner import RunOptions, execute
from hurdlelang.lang.compiler import compile_path
from hurdlelang.stats.bootstrap_auc import resample_auc
from hurdlelang.stats.bootstrap_confusion import ConfusionCells, resample_confusion
from hurdlelang.stats.bootstrap_counts import JointCells, resample_counts
from tests.conftest import EXAMPLES
from tests.engine.test_duck_numbers import _comparable, assert_same

RESAMPLES = 200


def _spec_file(tmp_path, name: str, edits: dict[str, str]):
    text = (EXAMPLES / f"{name}.hurdle").read_text()
    for old, new in edits.items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / f"{name}.hurdle"
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def fraud(tmp_path_factory):
    """fraud_blocking with its score on a 0.01 grid (a score histogram of 100 values), and weights."""
    tmp = tmp_path_factory.mktemp("fraud")
    frame = pd.read_csv(EXAMPLES / "data" / "fraud_blocking.csv")
    frame["p_fraud"] = frame["p_fraud"].round(2)
    frame["w"] = np.where(frame.index % 3 == 0, 2.5, 1.0)
    frame.to_csv(tmp / "fraud.csv", index=False)
    plain = _spec_file(tmp, "fraud_blocking", {})
    weighted = tmp / "weighted.hurdle"
    weighted.write_text(plain.read_text().replace("id      transaction_id", "id      transaction_id\n    weight  w"))
    return plain, weighted, tmp / "fraud.csv"


@pytest.fixture(scope="module")
def tickets(tmp_path_factory):
    """ticket_routing with confusion metrics only (top_k_accuracy reads the scores of each row)."""
    tmp = tmp_path_factory.mktemp("tickets")
    spec = _spec_file(tmp, "ticket_routing", {"top_k_accuracy@2 >= 0.90": "balanced_accuracy >= 0.5"})
    return spec, EXAMPLES / "data" / "ticket_routing.csv"


def _record(spec, data, engine, out, monkeypatch, use_cells: bool) -> dict:
    monkeypatch.setattr(cells, "WORTH", 4 if use_cells else 10**15)
    execute(compile_path(spec), RunOptions(data_path=str(data), out_path=str(out), resamples=RESAMPLES, engine=engine))
    return json.loads(out.read_text())


def _pop_auc_intervals(record: dict) -> list[float]:
    found = []
    for scopes in record["metrics"].values():
        for metrics in scopes.values():
            for name in ("roc_auc", "pr_auc"):
                interval = metrics.get(name, {}).pop("interval", None)
                if interval:
                    found += [interval["low"], interval["high"]]
    return found


def _prepared(spec_path, data, engine: str):
    spec = compile_path(spec_path).specs[0]
    if engine == "duckdb":
        return prepare_duckdb(spec, open_source(str(data)))
    return cells.as_cells(spec, prepare(spec, read_table(str(data)), {}))


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
@pytest.mark.parametrize("which", ["binary", "binary_weighted", "multiclass"])
def test_cells_give_the_record_of_the_rows(which, engine, fraud, tickets, tmp_path, monkeypatch):
    spec, data = {"binary": fraud[::2], "binary_weighted": fraud[1:], "multiclass": tickets}[which]
    prepared = _prepared(spec, data, engine)
    assert prepared.multiplicity is not None and prepared.cells * 4 <= prepared.rows
    rows = _record(spec, data, "pandas", tmp_path / "rows.json", monkeypatch, use_cells=False)
    got = _record(spec, data, engine, tmp_path / "cells.json", monkeypatch, use_cells=True)
    if which == "binary_weighted":
        # weighted AUC: rows are resampled one by one, cells by a multinomial (the same law, other
        # draws; see test_weighted_auc_from_cells_has_the_rows_point_and_spread); all else is equal
        bounds = [_pop_auc_intervals(record) for record in (rows, got)]
        assert bounds[0] == pytest.approx(bounds[1], abs=0.01)
    assert_same(_comparable(rows), _comparable(got))


def test_every_engine_gives_the_same_cells(fraud, tickets):
    for spec, data in (fraud[1:], tickets):
        a, b = _prepared(spec, data, "pandas"), _prepared(spec, data, "duckdb")
        assert np.array_equal(a.multiplicity, b.multiplicity)
        assert np.array_equal(a.label, b.label)
        for name, party in a.parties.items():
            assert np.array_equal(party.decided, b.parties[name].decided), name
        assert all(np.array_equal(v, b.slices[k]) for k, v in a.slices.items())


def test_continuous_scores_keep_the_rows():
    spec = EXAMPLES / "fraud_blocking.hurdle"
    prepared = _prepared(spec, EXAMPLES / "data" / "fraud_blocking.csv", "duckdb")
    assert prepared.multiplicity is None and prepared.cells == prepared.rows == 24_000


def test_a_random_dummy_or_a_sum_keeps_the_rows(tmp_path):
    spec = compile_path(EXAMPLES / "ticket_routing.hurdle").specs[0]
    assert not cells.cells_suffice(spec)  # top_k_accuracy is a sum over rows
    path = _spec_file(
        tmp_path,
        "ticket_routing",
        {"top_k_accuracy@2 >= 0.90": "balanced_accuracy >= 0.5", "strategy most_frequent": "strategy stratified"},
    )
    assert not cells.cells_suffice(compile_path(path).specs[0])  # drawn at random, row by row


def test_many_slice_values_grow_only_the_table(tmp_path):
    """500 stores: the cells are bounded by stores x label x decisions, far below the rows."""
    rng = np.random.default_rng(3)
    n = 60_000
    label = rng.random(n) < 0.2
    frame = pd.DataFrame(
        {
            "transaction_id": np.arange(n),
            "channel": np.array([f"s{i:03d}" for i in range(500)])[rng.integers(0, 500, n)],
            "is_fraud": label.astype(int),
            "p_fraud": np.clip(np.round(label * 0.3 + rng.random(n) * 0.7, 1), 0, 1),
            "rules_block": (rng.random(n) < 0.1).astype(int),
        }
    )
    frame.to_csv(tmp_path / "stores.csv", index=False)
    spec = _spec_file(tmp_path, "fraud_blocking", {"require rows >= 2_000 in every channel": "require rows >= 1"})
    prepared = _prepared(spec, tmp_path / "stores.csv", "duckdb")
    assert prepared.multiplicity is not None
    assert prepared.rows == n and prepared.cells <= 500 * 2 * 11 * 2
    by_pandas = _prepared(spec, tmp_path / "stores.csv", "pandas")
    assert np.array_equal(by_pandas.multiplicity, prepared.multiplicity)


def test_argmax_in_sql_takes_the_first_of_equal_scores():
    import duckdb

    scores = np.array([[0.2, 0.4, 0.4], [0.5, 0.5, 0.0], [0.1, 0.1, 0.8], [0.3, 0.3, 0.3], [0.0, 0.7, 0.3]])
    frame = pd.DataFrame(scores, columns=["a", "b", "c"])
    sql = cells.argmax_sql(["a", "b", "c"], ("x", "y", "z"))
    con = duckdb.connect()
    con.register("f", frame)
    got = [r[0] for r in con.execute(f"SELECT {sql} FROM f").fetchall()]
    assert got == list(np.array(["x", "y", "z"])[np.argmax(scores, axis=1)])


# ---- the resamplers: cells with a multiplicity are the rows they stand for ----


def _rows_and_cells(rng, n=3_000):
    label = (rng.random(n) < 0.3).astype(np.int8)
    a = ((rng.random(n) < 0.4) | (label & (rng.random(n) < 0.5))).astype(np.int8)
    b = (rng.random(n) < 0.35).astype(np.int8)
    score = np.round(rng.random(n) * 0.6 + label * 0.3, 1)
    slices = np.array(["x", "y", "z"])[rng.integers(0, 3, n)]
    weight = np.array([1.0, 0.5, 4.0])[rng.integers(0, 3, n)]
    key = np.stack([label, a, b, score * 10, weight * 2]).T
    codes = np.unique(np.c_[key, np.searchsorted(["x", "y", "z"], slices)], axis=0, return_inverse=True)[1].ravel()
    first = np.unique(codes, return_index=True)[1]
    mult = np.bincount(codes)
    rows = dict(label=label, a=a, b=b, score=score, slices=slices, weight=weight)
    return rows, {k: v[first] for k, v in rows.items()}, mult


@pytest.mark.parametrize("weighted", [False, True])
def test_joint_cells_with_a_multiplicity_are_the_rows(weighted):
    rows, cell, mult = _rows_and_cells(np.random.default_rng(1))
    by_rows = JointCells.build(
        rows["label"], {"c": rows["a"], "b": rows["b"]}, rows["slices"], rows["weight"] if weighted else None
    )
    by_cells = JointCells.build(
        cell["label"],
        {"c": cell["a"], "b": cell["b"]},
        cell["slices"],
        cell["weight"] if weighted else None,
        multiplicity=mult,
    )
    assert by_cells.rows == by_rows.rows == 3_000
    for field in ("group_slice", "group_cell", "group_rows", "group_weight"):
        assert np.array_equal(getattr(by_rows, field), getattr(by_cells, field)), field
    x, y = resample_counts(by_rows, 50, 7), resample_counts(by_cells, 50, 7)
    for key, counts in x.counts.items():
        assert np.array_equal(counts.tp, y.counts[key].tp) and np.array_equal(counts.fn, y.counts[key].fn)


def test_confusion_cells_with_a_multiplicity_are_the_rows():
    rows, cell, mult = _rows_and_cells(np.random.default_rng(2))
    labels = rows["label"].astype(str)
    by_rows = ConfusionCells.build(labels, {"c": rows["a"].astype(str)}, (), rows["slices"], rows["weight"])
    by_cells = ConfusionCells.build(
        cell["label"].astype(str), {"c": cell["a"].astype(str)}, (), cell["slices"], cell["weight"], multiplicity=mult
    )
    x, y = resample_confusion(by_rows, 40, 3, "s"), resample_confusion(by_cells, 40, 3, "s")
    assert all(np.allclose(m, y[key], rtol=1e-12) for key, m in x.items())


@pytest.mark.parametrize("method", ["binned", "exact"])
def test_auc_from_cells_with_a_multiplicity_is_the_rows(method):
    rows, cell, mult = _rows_and_cells(np.random.default_rng(4))
    kwargs = dict(resamples=60, seed=5, method=method)
    by_rows = resample_auc(rows["label"], {"c": rows["score"], "b": rows["b"]}, slices=rows["slices"], **kwargs)
    by_cells = resample_auc(
        cell["label"], {"c": cell["score"], "b": cell["b"]}, slices=cell["slices"], multiplicity=mult, **kwargs
    )
    for key, values in by_rows.point.items():
        assert values["roc_auc"] == pytest.approx(by_cells.point[key]["roc_auc"], abs=1e-12)
        assert values["pr_auc"] == pytest.approx(by_cells.point[key]["pr_auc"], abs=1e-12)
        assert np.allclose(by_rows.samples[key]["roc_auc"], by_cells.samples[key]["roc_auc"], atol=1e-12)


def test_weighted_auc_from_cells_has_the_rows_point_and_spread():
    """With weights the rows are resampled one by one and the cells by a multinomial: the same law,
    other draws; the points agree exactly and the spreads within Monte Carlo error."""
    rows, cell, mult = _rows_and_cells(np.random.default_rng(6))
    kwargs = dict(resamples=400, seed=5, method="exact")
    by_rows = resample_auc(rows["label"], {"c": rows["score"]}, weights=rows["weight"], **kwargs)
    by_cells = resample_auc(cell["label"], {"c": cell["score"]}, weights=cell["weight"], multiplicity=mult, **kwargs)
    key = ("c", "all")
    assert by_rows.point[key]["roc_auc"] == pytest.approx(by_cells.point[key]["roc_auc"], abs=1e-12)
    sd_rows, sd_cells = by_rows.samples[key]["roc_auc"].std(), by_cells.samples[key]["roc_auc"].std()
    assert sd_cells == pytest.approx(sd_rows, rel=0.2)
    assert by_cells.samples[key]["roc_auc"].mean() == pytest.approx(by_rows.point[key]["roc_auc"], abs=3 * sd_rows)


@pytest.mark.spark
def test_spark_gives_the_same_cells(fraud, tickets, spark):
    from hurdlelang.engine.spark import open_spark_source, prepare_spark

    for spec_path, data in (fraud[1:], tickets):
        spec = compile_path(spec_path).specs[0]
        on_spark = prepare_spark(spec, open_spark_source(str(data)))
        by_pandas = _prepared(spec_path, data, "pandas")
        assert on_spark.multiplicity is not None
        assert np.array_equal(on_spark.multiplicity, by_pandas.multiplicity)
        assert np.array_equal(on_spark.label, by_pandas.label)
        for name, party in by_pandas.parties.items():
            assert np.array_equal(party.decided, on_spark.parties[name].decided), name
        if by_pandas.weight is not None:
            assert np.array_equal(on_spark.weight, by_pandas.weight)


@pytest.fixture(scope="module")
def banded(fraud, tmp_path_factory):
    """fraud_blocking on the 0.01 score grid deciding by abstain bands, with coverage in a tier."""
    plain, _, data = fraud
    tmp = tmp_path_factory.mktemp("banded")
    text = plain.read_text().replace(
        "predict p_fraud >= 0.80", "predict p_fraud >= 0.8 as block, p_fraud < 0.2 as allow, otherwise review"
    )
    text = text.replace("precision >= 0.90\n", "precision >= 0.90\n      coverage >= 50%\n")
    path = tmp / "banded.hurdle"
    path.write_text(text)
    return path, data


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_abstain_bands_from_cells_give_the_record_of_the_rows(engine, banded, tmp_path, monkeypatch):
    spec, data = banded
    prepared = _prepared(spec, data, engine)
    assert prepared.multiplicity is not None and prepared.parties["candidate"].abstained is not None
    rows = _record(spec, data, "pandas", tmp_path / "rows.json", monkeypatch, use_cells=False)
    got = _record(spec, data, engine, tmp_path / "cells.json", monkeypatch, use_cells=True)
    coverage = rows["metrics"]["candidate"]["all"]["coverage"]["value"]
    assert 0 < coverage < 1  # the bands leave rows undecided, so the comparison is not vacuous
    notes = [{n for n in re.findall(r'"note": "([^"]*go to review[^"]*)"', json.dumps(r))} for r in (rows, got)]
    assert notes[0] and notes[0] == notes[1]  # rows sent to review, of rows judged: counted by multiplicity
    assert_same(_comparable(rows), _comparable(got))


def test_a_decision_at_a_volume_keeps_the_rows():
    # the cut is re-chosen in each resample by ranking single rows: cells cannot carry that
    spec = compile_path(EXAMPLES / "insurance_mailing.hurdle").specs[0]
    assert not cells.cells_suffice(spec)
