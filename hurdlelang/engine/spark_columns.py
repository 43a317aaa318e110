"""How each bound column is typed on Spark, with the pandas reader's meaning: the Spark Column API
version of hurdlelang/engine/columns.py (the DuckDB engine's SQL). The rules are the same, so the
kinds, the checks and the example values in messages agree on every engine: a CSV cell arrives as
text and a column's kind (bool, int, float or text) is worked out from one aggregate over its
present cells; Parquet files, tables and DataFrames carry their own types.

Written with Column objects, not SQL text, so that a column name never needs quoting and the same
code runs on a classic session and on Spark Connect.
"""

from __future__ import annotations

from hurdlelang.engine.columns import BOOL_TEXT, INT_PATTERN, Kind, text_kind
from hurdlelang.engine.source import NA_MARKERS

INF = float("inf")


def F():  # noqa: N802 - pyspark's functions module, imported only when the Spark engine runs
    from pyspark.sql import functions

    return functions


def native_kind(data_type) -> str:
    from pyspark.sql import types as T

    if isinstance(data_type, T.BooleanType):
        return "bool"
    if isinstance(data_type, T.ByteType | T.ShortType | T.IntegerType | T.LongType):
        return "int"
    if isinstance(data_type, T.FloatType | T.DoubleType | T.DecimalType):
        return "float"
    return "text"


def is_finite(v):
    f = F()
    return ~f.isnan(v) & (f.abs(v) != f.lit(INF))


def as_null_markers(c):
    """A CSV cell pandas reads as NaN (empty, nan, NaN, NULL, null) becomes NULL; "NA" stays text."""
    f = F()
    return f.when(c.isin(*NA_MARKERS), f.lit(None)).otherwise(c)


def profile(c) -> list:
    """Aggregates over a text column's present cells that decide its kind (see columns.text_kind)."""
    f = F()
    v = c.try_cast("double")
    return [
        f.bool_and(c.isin(*BOOL_TEXT)),
        f.bool_and(c.rlike(INT_PATTERN)),
        f.bool_and(f.when(c.isNotNull(), v.isNotNull())),
        f.bool_and(f.when(c.isNotNull(), f.coalesce(is_finite(v) & (v == f.round(v)), f.lit(False)))),
    ]


def native_profile(c, kind: str) -> list:
    f = F()
    if kind == "float":
        v = c.cast("double")
        return [f.bool_and(f.when(c.isNotNull() & ~f.isnan(v), is_finite(v) & (v == f.round(v))))]
    return []


def kind_of(got: list, native: str | None) -> Kind:
    if native is None:
        return text_kind(*got)
    if native == "float":
        return Kind("float", True, bool(got[0]))
    if native == "int":
        return Kind("int", True, True)
    return Kind(native, True)


def missing(c, kind: Kind):
    """A cell pandas would call NaN: NULL (CSV markers were made NULL on reading) or a float NaN."""
    if kind.native and kind.name == "float":
        return c.isNull() | F().isnan(c.cast("double"))
    return c.isNull()


def number(c, kind: Kind):
    """pd.to_numeric(errors="coerce"): NULL where the cell is not a number."""
    f = F()
    if kind.native:
        return c.cast("double") if kind.name != "text" else c.cast("string").try_cast("double")
    if kind.name == "bool":
        low = f.lower(c)
        return f.when(low == "true", f.lit(1.0)).when(low == "false", f.lit(0.0))
    return c.try_cast("double")


def text(c, kind: Kind):
    """prepare.as_text: the value as text, whole-number floats without a '.0'."""
    f = F()
    if kind.name == "bool":
        return f.when(number(c, kind) == 1, f.lit("True")).otherwise(f.lit("False"))
    if kind.name in ("int", "float") and kind.whole:
        return number(c, kind).cast("decimal(38,0)").cast("string")
    if kind.name == "float":
        return number(c, kind).cast("string")
    return c.cast("string")
