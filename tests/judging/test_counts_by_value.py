"""Evaluation's per-slice-value confusion counts, gathered once a party and column for all its
count metrics, against counts taken row by row."""

from __future__ import annotations

import numpy as np

from hurdlelang.data.prepare import prepare
from hurdlelang.data.read import Table, read_table
from hurdlelang.judging.evaluate import COUNT_FIELDS, Evaluation
from hurdlelang.lang.compiler import compile_path
from hurdlelang.lang.ir import MetricKey
from tests.conftest import EXAMPLES


def test_decided_counts_by_slice_value_are_the_rows_counted():
    (spec,) = compile_path(EXAMPLES / "fraud_blocking.hurdle").specs
    frame = read_table(str(EXAMPLES / "data" / "fraud_blocking.csv")).frame
    ev = Evaluation(spec, prepare(spec, Table("x.csv", frame)))
    column = spec.data.slices[0]
    label, values = ev.data.label.astype(bool), np.asarray(ev.data.slices[column]).astype(str)
    for party in ev.parties:
        decided = ev.data.parties[party].decided.astype(bool)
        got = dict(zip(COUNT_FIELDS, ev._decided_by_value(party, column), strict=True))
        for k, value in enumerate(ev.slice_values(column)):
            rows = values == value
            want = {
                "tp": np.sum(rows & decided & label),
                "fp": np.sum(rows & decided & ~label),
                "tn": np.sum(rows & ~decided & ~label),
                "fn": np.sum(rows & ~decided & label),
                "ab": 0,
            }
            assert {f: got[f][k] for f in COUNT_FIELDS} == want
            # every count metric of the column reads these same arrays
            recall = ev.value(party, MetricKey(name="recall"), (column, value)).value
            assert recall == want["tp"] / (want["tp"] + want["fn"])
