"""Decisions at a volume and abstain bands on the Spark engine: the same cut, the same bands and so
the same record as the pandas reader, from a Spark DataFrame."""

from __future__ import annotations

import json

import pytest

from hurdlelang.api import judge, load_spec
from tests.engine.test_duck_numbers import RESAMPLES, _metrics, assert_same
from tests.judging import test_bands, test_baseline_bands, test_volume

pytestmark = pytest.mark.spark


@pytest.mark.parametrize("volume", ["top 10%", "at the volume of rule"])
def test_a_volume_cut_on_spark_is_the_pandas_cut(volume, spark):
    frame = test_volume.make_frame()
    spec = load_spec(text=test_volume.SPEC.replace("VOLUME", volume))
    expected = _metrics(json.loads(judge(spec, frame, resamples=RESAMPLES).to_json()))
    on_spark = judge(spec, spark.createDataFrame(frame), resamples=RESAMPLES)
    assert_same(expected, _metrics(json.loads(on_spark.to_json())))


@pytest.mark.parametrize("case", [test_bands, test_baseline_bands], ids=["candidate", "baseline"])
def test_abstain_bands_on_spark_are_the_pandas_bands(case, spark):
    frame = case.make_frame()
    spec = load_spec(text=case.SPEC)
    expected = _metrics(json.loads(judge(spec, frame, resamples=RESAMPLES).to_json()))
    on_spark = judge(spec, spark.createDataFrame(frame), resamples=RESAMPLES)
    assert_same(expected, _metrics(json.loads(on_spark.to_json())))
