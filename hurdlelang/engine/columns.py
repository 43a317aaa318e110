"""How each bound column is typed in SQL, with the pandas reader's meaning (hurdlelang/data/prepare.py).

A CSV cell arrives as text. pandas would have given the whole column one type (bool, int, float or
text) from its cells, and the metric values, the checks and the examples in messages follow that
type; so a column's *kind* is worked out the same way here, from one aggregate over its cells, and
each role's value is an SQL expression over the text and the kind. Parquet files, DataFrames and
Arrow tables carry their own types.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

BOOL_TEXT = ("True", "False", "TRUE", "FALSE", "true", "false")
INT_PATTERN = r"^\s*[+-]?[0-9]+\s*$"


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class Kind:
    """What pandas would have made of a column: "bool", "int", "float" or "text"."""

    name: str
    native: bool  # typed by its file (Parquet, a DataFrame), not inferred from text
    whole: bool = False  # every value is a whole number (classes 1, 2, 3 read as floats stay "1", "2")


def native_kind(duck_type: str) -> str:
    t = duck_type.upper()
    if t == "BOOLEAN":
        return "bool"
    if any(
        t.startswith(p)
        for p in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT")
    ):
        return "int"
    if t.startswith(("FLOAT", "DOUBLE", "DECIMAL", "REAL")):
        return "float"
    return "text"


def profile_sql(column: str) -> list[str]:
    """Aggregates over a text column's present cells that decide its kind (see `text_kind`)."""
    c = ident(column)
    return [
        f"bool_and({c} IN ({', '.join(quote(b) for b in BOOL_TEXT)})) FILTER (WHERE {c} IS NOT NULL)",
        f"bool_and(regexp_matches({c}, {quote(INT_PATTERN)})) FILTER (WHERE {c} IS NOT NULL)",
        f"bool_and(TRY_CAST({c} AS DOUBLE) IS NOT NULL) FILTER (WHERE {c} IS NOT NULL)",
        f"bool_and(isfinite(TRY_CAST({c} AS DOUBLE)) AND TRY_CAST({c} AS DOUBLE) = round(TRY_CAST({c} AS DOUBLE))) "
        f"FILTER (WHERE {c} IS NOT NULL)",
    ]


def native_profile_sql(column: str, kind: str) -> list[str]:
    c = ident(column)
    if kind == "float":
        return [f"bool_and(isfinite({c}) AND {c} = round({c})) FILTER (WHERE {c} IS NOT NULL AND NOT isnan({c}))"]
    return []


def text_kind(is_bool, is_int, is_number, is_whole) -> Kind:
    if is_bool:
        return Kind("bool", False)
    if is_int:
        return Kind("int", False, True)
    if is_number:
        return Kind("float", False, bool(is_whole))
    return Kind("text", False)


def missing(column: str, kind: Kind) -> str:
    """A cell pandas would call NaN: empty or a NaN marker (CSV), NULL or NaN (typed files)."""
    c = ident(column)
    if kind.native and kind.name == "float":
        return f"({c} IS NULL OR isnan({c}))"
    return f"({c} IS NULL)"


def number(column: str, kind: Kind) -> str:
    """pd.to_numeric(errors="coerce"): NULL where the cell is not a number."""
    c = ident(column)
    if kind.native:
        return f"CAST({c} AS DOUBLE)" if kind.name != "text" else f"TRY_CAST({c} AS DOUBLE)"
    if kind.name == "bool":
        return f"(CASE WHEN lower({c}) = 'true' THEN 1.0 WHEN lower({c}) = 'false' THEN 0.0 END)"
    return f"TRY_CAST({c} AS DOUBLE)"


def text(column: str, kind: Kind) -> str:
    """prepare.as_text: the value as text, whole-number floats without a '.0'."""
    c = ident(column)
    if kind.name == "bool":
        return f"(CASE WHEN {number(column, kind)} = 1 THEN 'True' ELSE 'False' END)"
    if kind.name in ("int", "float") and kind.whole:
        return f"CAST(CAST({number(column, kind)} AS HUGEINT) AS VARCHAR)"
    if kind.name == "float":
        return f"CAST({number(column, kind)} AS VARCHAR)"
    return f"CAST({c} AS VARCHAR)"


def shown(value, kind: Kind) -> str:
    """A bad cell as the pandas reader's messages show it: repr of text, str of a number."""
    if value is None:
        return "nan"
    if kind.native:
        if isinstance(value, str):
            return repr(value)
        if isinstance(value, float) and math.isnan(value):
            return "nan"
        return str(value)
    if kind.name == "int":
        return str(int(value.strip()))
    if kind.name == "float":
        return str(float(value))
    if kind.name == "bool":
        return str(value.lower() == "true")
    return repr(value)
