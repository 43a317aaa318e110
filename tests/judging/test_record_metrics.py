"""The record's metric entries (build_record._metrics) against the rows and the resamples."""

from __future__ import annotations

import numpy as np

from hurdlelang.core.names import CANDIDATE
from hurdlelang.data.prepare import prepare
from hurdlelang.data.read import Table, read_table
from hurdlelang.judging.build_record import _metrics
from hurdlelang.judging.evaluate import Evaluation
from hurdlelang.judging.runner import RunOptions, _uncertainty
from hurdlelang.lang.compiler import compile_path
from hurdlelang.lang.ir import MetricKey
from tests.conftest import EXAMPLES


def test_a_slice_values_entry_holds_its_rows_value_and_interval():
    (spec,) = compile_path(EXAMPLES / "fraud_blocking.hurdle").specs
    frame = read_table(str(EXAMPLES / "data" / "fraud_blocking.csv")).frame
    ev = Evaluation(spec, prepare(spec, Table("x.csv", frame)))
    unc = _uncertainty(ev, RunOptions("x.csv", resamples=200))
    metrics = _metrics(ev, unc, 0.9)
    column = spec.data.slices[0]
    values = np.asarray(ev.data.slices[column]).astype(str)
    label = ev.data.label.astype(bool)
    for party in ev.parties:
        decided = ev.data.parties[party].decided.astype(bool)
        for value in ev.slice_values(column):
            rows = values == value
            entry = metrics[party][f"{column}={value}"]["recall"]
            assert entry.n == rows.sum()
            assert entry.value == np.sum(rows & decided & label) / np.sum(rows & label)
            drawn = unc.samples(party, MetricKey(name="recall"), (column, value))
            assert (entry.interval.low, entry.interval.high) == (
                np.quantile(drawn, 0.05, method="lower"),
                np.quantile(drawn, 0.95, method="higher"),
            )
    assert metrics[CANDIDATE]["all"]["recall"].n == len(values)
