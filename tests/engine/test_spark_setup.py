"""What a user without a working Spark sees: P001 when pyspark is not installed (exit 2, before
anything is read), P002 when no session can be started (no Java, an unreachable Spark Connect
server), and what is neither a file nor a table is D001. Only the last test starts a JVM."""

from __future__ import annotations

import importlib.util

import pytest

from hurdlelang.core.diagnostics import DiagnosticError
from tests.conftest import invoke

SPEC = "tests/corpus/data/binary.hurdle"


def test_without_pyspark_the_spark_engine_is_p001(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "pyspark" else real(name, *a))
    got = invoke("run", SPEC, "--data", "tests/corpus/data/binary_good.csv", "--engine", "spark")
    assert got.exit_code == 2 and got.stdout == ""
    lines = got.stderr.splitlines()
    assert lines[0] == "hurdlec: P001 --engine spark needs pyspark, which is not installed"
    assert "pip install 'hurdlelang[spark]'" in lines[1]


def test_a_session_that_cannot_start_is_p002(monkeypatch):
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    from hurdlelang.engine import spark

    def no_java(self):
        raise RuntimeError("[JAVA_GATEWAY_EXITED] Java gateway process exited before sending its port number.")

    monkeypatch.setattr(SparkSession.Builder, "getOrCreate", no_java)
    with pytest.raises(DiagnosticError) as error:
        spark.session()
    (d,) = error.value.diagnostics
    assert d.code == "P002"
    assert (
        d.message == "no Spark session can be started: [JAVA_GATEWAY_EXITED] Java gateway process exited before "
        "sending its port number."
    )
    assert "Java 17" in d.hint and "SPARK_REMOTE" in d.hint


@pytest.mark.parametrize(
    "target,table",
    [
        ("db.predictions", True),
        ("predictions", True),
        ("predictions.csv", False),  # a file that is not there: D001 from the file checks
        ("out/predictions.parquet", False),
        ("parts/*.csv", False),
        ("s3a://bucket/predictions/", False),
        ("tests/corpus/data", False),  # a folder
    ],
)
def test_what_is_read_as_a_table(target, table):
    from hurdlelang.engine.spark import _is_table_name

    assert _is_table_name(target) is table


@pytest.mark.spark
def test_a_remote_path_that_does_not_exist_is_d001(spark):
    from hurdlelang.engine.spark import open_spark_source

    with pytest.raises(DiagnosticError) as error:
        open_spark_source("file:///nowhere/predictions.parquet")
    (d,) = error.value.diagnostics
    assert (d.code, d.message, d.path) == ("D001", "data file does not exist", "file:///nowhere/predictions.parquet")
