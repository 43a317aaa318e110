"""`--baseline-data NAME=FILE` joined in DuckDB: a baseline's decisions (or scores) in a file of
their own, matched to the predictions' rows by the spec's `id` column, with the pandas reader's
diagnostics in its order (hurdlelang/data/prepare.py's join_baseline_tables, then the columns):

1. each file can be read (D003) and holds rows (D002);
2. per baseline file: it names a column baseline (D015), the spec binds an id (D015), both files
   hold the id column (D015), no id repeats in either file (D014, over all rows, empty ids
   counted as one value as pandas counts them), every main row with an id has its match (D015,
   the first ids and rows);
3. every bound column is in its own file (D004, each file and column once).

Ids match as pandas matches them: typed as pandas types the column (a number equals a number, text
equals text, and a number never equals text). Then the baseline's bound columns join the main
rows under private names (`__b0__rule`), the main file's row numbers kept, and the DuckDB engine
checks and types the joined rows as one source; its diagnostics about a baseline's columns are
given back the column's own name and file, as the pandas reader names them.
"""

from __future__ import annotations

from dataclasses import replace

from hurdlelang.core import codes
from hurdlelang.core.diagnostics import Diagnostic, DiagnosticError
from hurdlelang.core.suggest import did_you_mean
from hurdlelang.data.errors import MAX_ROWS_SHOWN, count, fail
from hurdlelang.data.prepare import join_key
from hurdlelang.data.sniff import refuse_nested
from hurdlelang.engine.bindings import bindings
from hurdlelang.engine.columns import Kind, ident, native_kind, native_profile_sql, number, profile_sql, text, text_kind
from hurdlelang.engine.source import Source, header_fields, suffix_of
from hurdlelang.lang import ir

MAIN_ROW = "__main_row"


def joinable(spec: ir.Spec, extra: dict) -> bool:
    """The cases joined in DuckDB (the caller checks that the files are of one kind, CSV or Parquet:
    typing is per kind): no joined baseline deciding at a volume or by abstain bands (their notes
    name the column)."""
    rules = [b.predict for b in spec.baselines if isinstance(b, ir.ColumnBaseline) and b.name in extra]
    return not any(r is not None and (r.at_volume or r.abstain is not None) for r in rules)


class _File:
    def __init__(self, con, source: Source, alias: str):
        import duckdb

        from hurdlelang.engine.duck import _parse_error

        self.source, self.alias = source, alias
        try:
            described = con.execute(f"DESCRIBE SELECT * FROM {source.scan}").fetchall()
        except duckdb.Error as error:
            _parse_error(error, source)
        self.types = {str(name): str(kind) for name, kind, *_ in described}
        if source.kind == "csv":
            delimiter = "\t" if suffix_of(source.files[0]).startswith(".tsv") else ","
            header = header_fields(source.files[0], delimiter)
            if header is not None and len(self.types) > header:
                fail(
                    codes.DATA_UNPARSABLE,
                    f"data file cannot be parsed as CSV: rows have more fields than the header ({header} fields)",
                    source.label,
                    "check the delimiter, the quoting and that every row has the header's fields; CSV must be UTF-8",
                )
        try:
            con.execute(
                f"CREATE TEMP {'TABLE' if source.kind == 'csv' else 'VIEW'} {alias} AS "
                f"SELECT row_number() OVER () AS {MAIN_ROW}, * FROM {source.scan}"
            )
            self.rows = con.execute(f"SELECT count(*) FROM {alias}").fetchone()[0]
        except duckdb.Error as error:
            _parse_error(error, source)
        if self.rows == 0:
            fail(
                codes.DATA_EMPTY,
                "data file has a header but no rows",
                source.label,
                "the predictions file must hold at least one row",
            )

    def kind(self, con, column: str) -> Kind:
        """The column typed as pandas types it (CSV text), or its own type (Parquet), as
        hurdlelang/engine/duck.py types a bound column."""
        if self.source.kind != "csv" or self.types[column].upper() != "VARCHAR":
            name = native_kind(self.types[column])
            if name == "float":
                whole = con.execute(f"SELECT {native_profile_sql(column, name)[0]} FROM {self.alias}").fetchone()[0]
                return Kind("float", True, bool(whole))
            return Kind(name, True, True) if name == "int" else Kind(name, True)
        return text_kind(*con.execute(f"SELECT {', '.join(profile_sql(column))} FROM {self.alias}").fetchone())

    def key(self, con, column: str) -> tuple[str, str, str]:
        """(family, SQL compared, SQL shown) of the id as pandas compares and prints it: numbers
        as numbers, the rest as text."""
        k = self.kind(con, column)
        family = "number" if k.name in ("int", "float") else k.name
        return family, number(column, k) if family == "number" else text(column, k), text(column, k)


def join(con, spec: ir.Spec, main: Source, extra: dict[str, Source], first=None) -> tuple[Source, ir.Spec, dict, list]:
    """The joined source (a temporary relation in `con`), the spec reading the private names, the
    map private name -> (column, file label), and (name, Source, rows) of each baseline file."""
    files = {"__m": first or _File(con, main, "__m")}
    for i, (name, source) in enumerate(extra.items()):
        files[name] = _File(con, source, f"__b{i}")
    m = files["__m"]
    keys: dict[str, tuple[str, str]] = {}
    for name, source in extra.items():
        key = join_key(spec, name, source.label)
        for f in (m, files[name]):
            if key not in f.types:
                fail(
                    codes.JOIN_FAILED,
                    f"the id column '{key}' is not in this file",
                    f.source.label,
                    "both files need the id column",
                )
            keys[f.alias] = f.key(con, key)
            sql = keys[f.alias][1]
            dup, first = con.execute(
                f"SELECT count(*) FILTER (WHERE n > 1), min({MAIN_ROW}, {MAX_ROWS_SHOWN}) FILTER (WHERE n > 1) "
                f"FROM (SELECT {MAIN_ROW}, count(*) OVER (PARTITION BY {sql}) AS n FROM {f.alias})"
            ).fetchone()
            if dup:
                fail(
                    codes.DUPLICATE_IDS,
                    f"{int(dup)} rows share an id in column '{key}'",
                    f.source.label,
                    "each id must appear once to join the files",
                    key,
                    sorted(first),
                )
        b = files[name]
        (mf, ms, shown), (bf, bs, _) = keys[m.alias], keys[b.alias]
        on = f"{_on(ms, 'm')} = {_on(bs, 'x')}" if mf == bf else "FALSE"
        unmatched = con.execute(
            f"SELECT m.{MAIN_ROW}, {_on(shown, 'm')} FROM {m.alias} m WHERE {_on(ms, 'm')} IS NOT NULL AND NOT EXISTS "
            f"(SELECT 1 FROM {b.alias} x WHERE {on}) ORDER BY m.{MAIN_ROW}"
        ).fetchall()
        if unmatched:
            ids = ", ".join(str(r[1]) for r in unmatched[:MAX_ROWS_SHOWN])
            fail(
                codes.JOIN_FAILED,
                f"{count(len(unmatched), 'row')} of the main data have no match in the file of baseline "
                f"'{name}' (ids {ids})",
                source.label,
                "give the baseline's decision for every row",
                key,
                [int(r[0]) for r in unmatched[:MAX_ROWS_SHOWN]],
            )
    return _joined(con, spec, files, keys, extra)


def _joined(con, spec, files, keys, extra):
    m = files["__m"]
    private: dict[str, tuple[str, str]] = {}
    baselines = []
    for b in spec.baselines:
        if isinstance(b, ir.ColumnBaseline) and b.name in extra:
            f = files[b.name]

            def renamed(column: str, f=f) -> str:
                name = f"{f.alias}__{column}"
                private[name] = (column, f.source.label)
                return name

            predict = b.predict.model_copy(update={"column": renamed(b.predict.column)}) if b.predict else None
            scores = [s.model_copy(update={"column": renamed(s.column)}) for s in b.scores]
            baselines.append(b.model_copy(update={"predict": predict, "scores": scores}))
        else:
            baselines.append(b)
    joined = spec.model_copy(update={"baselines": baselines})
    _require_columns(joined, files, private)
    if m.source.kind == "parquet":  # D024, each file with its own bound columns, as the pandas reader
        owned: dict[str, list[tuple[str, str]]] = {}
        for b in bindings(joined):
            column, label = private.get(b.column, (b.column, m.source.label))
            owned.setdefault(label, []).append((column, b.role))
        for f in files.values():
            for path in f.source.files:
                refuse_nested(path, owned.get(f.source.label, []))
    select = ["m.*"]
    joins = []
    for name in extra:
        f = files[name]
        mine = [(p, c) for p, (c, label) in private.items() if p.startswith(f"{f.alias}__")]
        select += [f"{f.alias}.{ident(c)} AS {ident(p)}" for p, c in mine]
        (mf, ms, _), (bf, bs, _) = keys[m.alias], keys[f.alias]
        on = f"{_on(ms, 'm')} = {_on(bs, f.alias)}" if mf == bf else "FALSE"
        joins.append(f"LEFT JOIN {f.alias} ON {on}")
    relation = "TABLE" if m.source.kind == "csv" else "VIEW"
    con.execute(f"CREATE TEMP {relation} __joined AS SELECT {', '.join(select)} FROM __m m {' '.join(joins)}")
    source = replace(m.source, scan="__joined", files=(), row=MAIN_ROW, con=con)
    described = [(name, f.source, f.rows) for name, f in files.items() if name != "__m"]
    return source, joined, private, described


def _on(sql: str, alias: str) -> str:
    """A column expression of one relation, its identifiers qualified by the relation's alias."""
    import re

    return re.sub(r'(?<![\w."])("(?:[^"]|"")+")', rf"{alias}.\1", sql)


def _require_columns(spec: ir.Spec, files: dict, private: dict[str, tuple[str, str]]) -> None:
    """D004 for every bound column not in its own file (each file and column once)."""
    m = files["__m"]
    by_label = {f.source.label: f for f in files.values()}
    problems: dict[tuple[str, str], Diagnostic] = {}
    for b in bindings(spec):
        column, label = private.get(b.column, (b.column, m.source.label))
        present = list(by_label[label].types)
        if column not in present and (label, column) not in problems:
            hint = did_you_mean(column, present) or f"columns in the file: {', '.join(present[:12])}"
            problems[(label, column)] = Diagnostic(
                codes.MISSING_COLUMN,
                f"column '{column}' ({b.role}) is not in the data",
                label,
                hint=hint,
                column=column,
            )
    if problems:
        raise DiagnosticError(list(problems.values()))


def named_back(error: DiagnosticError, private: dict[str, tuple[str, str]]) -> DiagnosticError:
    """The engine's diagnostics about a baseline's private columns, in the column's own name and file."""
    out = []
    for d in error.diagnostics:
        if d.column in private:
            column, label = private[d.column]
            d = replace(d, column=column, path=label, message=d.message.replace(f"'{d.column}'", f"'{column}'"))
        out.append(d)
    return DiagnosticError(out)


def dropped_named_back(dropped: dict[str, int], private: dict[str, tuple[str, str]]) -> dict[str, int]:
    out = {}
    for reason, n in dropped.items():
        for p, (column, _) in private.items():
            reason = reason.replace(f"empty {p} (", f"empty {column} (")
        out[reason] = n
    return out


def kind_of(path: str) -> str:
    """csv or parquet, from the name alone (a folder is Parquet), to choose before reading."""
    import os

    from hurdlelang.engine.source import PARQUET_SUFFIXES

    if os.path.isdir(path) or suffix_of(path) in PARQUET_SUFFIXES:
        return "parquet"
    return "csv"


def prepare_joined(spec: ir.Spec, main_path: str, extra_paths: dict[str, str]):
    """The typed columns of the predictions joined to each baseline's own file, and the sources
    read with their rows: [(role, Source, rows)], the predictions first."""
    import duckdb

    from hurdlelang.engine.duck import prepare_duckdb
    from hurdlelang.engine.source import open_source

    con = duckdb.connect()
    try:
        main = open_source(main_path)
        first = _File(con, main, "__m")  # the predictions' own problems before a baseline file's
        extra = {name: open_source(path, f"--baseline-data {name}=FILE") for name, path in extra_paths.items()}
        source, joined, private, described = join(con, spec, main, extra, first)
        try:
            prepared = prepare_duckdb(joined, source)
        except DiagnosticError as error:
            raise named_back(error, private) from None
    finally:
        con.close()
    prepared = replace(prepared, dropped=dropped_named_back(prepared.dropped, private))
    read = [("predictions", main, prepared.rows_read)] + [(f"baseline {n}", s, rows) for n, s, rows in described]
    return prepared, read
