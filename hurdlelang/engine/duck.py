"""The DuckDB engine: read the predictions where they are, check them against the spec in SQL, and
hand the evaluator typed columns.

1. The bound columns (and only those), with their row number in file order (`row_number() OVER ()`
   keeps the scan's order): CSV parsed once into a DuckDB temporary table (DuckDB spills it to disk
   when it does not fit in memory); Parquet and in-memory frames as a view over the scan, re-read
   by each pass, so that no copy of the rows is held.
2. Every check of the plan (hurdlelang/engine/plan.py) is one filtered aggregate of one query:
   how many rows fail it and the first five of them (`min(row, 5)`). The first failing check, in
   the order the pandas reader checks them, becomes its diagnostic, with the same code, message,
   column and rows; only then is a second, small query run for the example values it shows.
3. When the plan's statistics are all counts over discrete values (hurdlelang/engine/cells.py),
   one GROUP BY of the typed values with COUNT(*) comes back: a table of cells with a
   multiplicity, whose size grows with the distinct values and slice values, not with the rows.
   When they are all sums of per-row terms (regression's mae, rmse, bias, r2, mape), a GROUP BY of
   the slice columns sums every term, cross-product and power (engine/duck_sums.py, terms.py), and
   only the rows of scopes under ROW_BOOTSTRAP_BELOW rows come back (their row bootstrap). Binary
   log_loss and brier are summed the same way, but the rows still come back for the counts and
   AUCs of the same spec (the losses' values and intervals come from the sums).
   Otherwise the typed columns come back as arrays, in file order. Either way they come through
   Arrow, each slice column as codes into its sorted values (no Python string per row), and the
   evaluator computes exactly the numbers the pandas reader's arrays give
   (tests/engine/test_duck_numbers.py checks every example and the bad-data corpus on both).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from hurdlelang.core import codes, progress
from hurdlelang.core.diagnostics import Diagnostic, DiagnosticError
from hurdlelang.core.names import CANDIDATE
from hurdlelang.core.suggest import did_you_mean
from hurdlelang.data.errors import MAX_ROWS_SHOWN, fail
from hurdlelang.data.prepared import Prepared, Slices
from hurdlelang.data.sniff import refuse_nested
from hurdlelang.data.volume import volume_k
from hurdlelang.engine.assemble import assemble
from hurdlelang.engine.bindings import bindings
from hurdlelang.engine.cells import MULTIPLICITY, argmax_sql, cell_expressions, cells_suffice, may_pay, worth_it
from hurdlelang.engine.columns import (
    Kind,
    ident,
    missing,
    native_kind,
    native_profile_sql,
    number,
    profile_sql,
    quote,
    shown,
    text,
    text_kind,
)
from hurdlelang.engine.duck_sums import duck_sums, small_scopes_sql
from hurdlelang.engine.source import Source, header_fields, suffix_of
from hurdlelang.engine.terms import rows_needed, sums_suffice
from hurdlelang.engine.value_checks import Check, value_checks
from hurdlelang.lang import ir
from hurdlelang.stats.moments import ROW_BOOTSTRAP_BELOW

ROW = "__row"


def connect(source: Source):
    import duckdb

    if source.con is not None:  # a relation already made there (engine/duck_join.py)
        return source.con
    con = duckdb.connect()
    if source.frame is not None:
        con.register("__frame", source.frame)
    return con


def _parse_error(error: Exception, source: Source) -> None:
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    kind = "Parquet" if source.kind == "parquet" else "CSV"
    hint = (
        "the file is not Parquet: check how it was written"
        if kind == "Parquet"
        else "check the delimiter, the quoting and that every row has the header's fields; CSV must be UTF-8"
    )
    fail(codes.DATA_UNPARSABLE, f"data file cannot be parsed as {kind}: {first_line}", source.label, hint)


@dataclass(frozen=True)
class _DuckDialect:
    """engine/value_checks.py's expressions of a failing row, as DuckDB SQL."""

    kinds: dict

    def raw(self, column):
        return ident(column)

    def number(self, column):
        return number(column, self.kinds[column])

    def text(self, column):
        return text(column, self.kinds[column])

    def never(self):
        return "FALSE"

    def not_numeric(self, v):
        return f"({v} IS NULL OR isnan({v}) OR isinf({v}))"

    def not_binary(self, v):
        return f"({v} IS NULL OR {v} NOT IN (0, 1))"

    def not_probability(self, v):
        return f"({v} IS NULL OR isnan({v}) OR {v} < 0 OR {v} > 1)"

    def not_in(self, t, classes):
        return f"({t} NOT IN ({', '.join(quote(c) for c in classes)}))"

    def negative(self, v):
        return f"({v} < 0)"

    def missing_number(self, v):
        return f"({v} IS NULL OR isnan({v}))"

    def bad_weight(self, w):
        return f"(NOT isfinite({w}) OR {w} < 0)"

    def duplicated_id(self):
        return "(__dup_id > 1)"

    def is_all(self, t):
        return f"({t} = 'all')"


class DuckData:
    """One source loaded into DuckDB, typed and checked for one spec."""

    def __init__(self, spec: ir.Spec, source: Source):
        self.spec, self.source = spec, source
        self.con = connect(source)
        self.bound = bindings(spec)
        self.columns = self._describe()
        self._require_columns()
        if source.kind == "parquet":  # D024 before DuckDB meets a list or struct it cannot compare
            for f in source.files:
                refuse_nested(f, [(b.column, b.role) for b in self.bound])
        self.kinds = self._load()

    # ---- reading ----

    @property
    def _relation(self) -> str:
        """CSV is parsed once into a temporary table (parsing text is the costly part); Parquet and
        in-memory frames stay views over the scan, re-read by each of the few passes, so that no copy
        of the rows is held: memory stays bounded by the statistics, not by the rows (the row
        number, `row_number() OVER ()`, is a streaming window in DuckDB)."""
        return "TABLE" if self.source.kind == "csv" else "VIEW"

    def _describe(self) -> dict[str, str]:
        import duckdb

        try:
            rows = self.con.execute(f"DESCRIBE SELECT * FROM {self.source.scan}").fetchall()
        except duckdb.Error as error:
            _parse_error(error, self.source)
        columns = {str(name): str(kind) for name, kind, *_ in rows}
        if self.source.kind == "csv" and self.source.files:  # (a join checked each file's header)
            delimiter = "\t" if suffix_of(self.source.files[0]).startswith(".tsv") else ","
            header = header_fields(self.source.files[0], delimiter)
            if header is not None and len(columns) > header:
                fail(
                    codes.DATA_UNPARSABLE,
                    f"data file cannot be parsed as CSV: rows have more fields than the header ({header} fields)",
                    self.source.label,
                    "check the delimiter, the quoting and that every row has the header's fields; CSV must be UTF-8",
                )
        return columns

    def _require_columns(self) -> None:
        present = list(self.columns)
        problems: dict[str, Diagnostic] = {}
        for b in self.bound:
            if b.column not in present and b.column not in problems:
                hint = did_you_mean(b.column, present) or f"columns in the file: {', '.join(present[:12])}"
                problems[b.column] = Diagnostic(
                    codes.MISSING_COLUMN,
                    f"column '{b.column}' ({b.role}) is not in the data",
                    self.source.label,
                    hint=hint,
                    column=b.column,
                )
        if problems:
            raise DiagnosticError(list(problems.values()))

    def _load(self) -> dict[str, Kind]:
        import duckdb

        names = list(dict.fromkeys(b.column for b in self.bound))
        select = ", ".join(ident(c) for c in names)
        try:
            self.con.execute(
                f"CREATE TEMP {self._relation} raw AS "
                f"SELECT {ident(self.source.row) if self.source.row else 'row_number() OVER ()'} AS {ROW}, {select} "
                f"FROM {self.source.scan}"
            )
            self.n = self.con.execute("SELECT count(*) FROM raw").fetchone()[0]
        except duckdb.Error as error:
            _parse_error(error, self.source)
        if self.n == 0:
            fail(
                codes.DATA_EMPTY,
                "data file has a header but no rows",
                self.source.label,
                "the predictions file must hold at least one row",
            )
        kinds: dict[str, Kind] = {}
        parts, owners = [], []
        for c in names:
            native = self.source.kind != "csv" or self.columns[c].upper() != "VARCHAR"
            if native:
                kind = native_kind(self.columns[c])
                kinds[c] = Kind(kind, True)
                sql = native_profile_sql(c, kind)
            else:
                sql = profile_sql(c)
            parts += sql
            owners.append((c, len(sql), native))
        values = self.con.execute(f"SELECT {', '.join(parts)} FROM raw").fetchone() if parts else ()
        at = 0
        for c, size, native in owners:
            got = values[at : at + size]
            at += size
            if native:
                if kinds[c].name == "float":
                    kinds[c] = Kind("float", True, bool(got[0]))
                elif kinds[c].name == "int":
                    kinds[c] = Kind("int", True, True)
            else:
                kinds[c] = text_kind(*got)
        return kinds

    # ---- checks ----

    def _first_rows(self, conditions: list[str], where: str = "TRUE") -> list[tuple[int, list[int]]]:
        """For each condition: how many rows meet it, and the first five of them, in one pass."""
        if not conditions:
            return []
        parts = []
        for c in conditions:
            parts += [f"count(*) FILTER (WHERE {c})", f"min({ROW}, {MAX_ROWS_SHOWN}) FILTER (WHERE {c})"]
        got = self.con.execute(f"SELECT {', '.join(parts)} FROM raw WHERE {where}").fetchone()
        return [(int(got[2 * i]), sorted(got[2 * i + 1] or [])) for i in range(len(conditions))]

    def _missing(self) -> tuple[str, dict[str, int]]:
        """The SQL of a kept row, and how many rows were dropped for each column (policy drop)."""
        gaps = [missing(b.column, self.kinds[b.column]) for b in self.bound]
        if self.spec.data.missing == "error":
            for b, (count, rows) in zip(self.bound, self._first_rows(gaps), strict=True):
                if count:
                    fail(
                        codes.MISSING_VALUES,
                        f"{count} empty or NaN cell(s) in column '{b.column}' ({b.role})",
                        self.source.label,
                        "fill or drop those rows, or add `missing drop` to the data block; a missing value is never "
                        "silently skipped",
                        b.column,
                        rows,
                    )
            return "TRUE", {}
        newly = [f"{gap} AND NOT ({' OR '.join(['FALSE', *gaps[:i]])})" for i, gap in enumerate(gaps)]
        dropped = {}
        for b, (count, _) in zip(self.bound, self._first_rows(newly), strict=True):
            if count:
                dropped[f"empty {b.column} ({b.role})"] = count
        return "NOT (" + " OR ".join(gaps) + ")", dropped

    def _checks(self, classes: tuple[str, ...] | None) -> list[Check]:
        """Every value check (engine/value_checks.py), as DuckDB SQL."""
        checks, self._scope_checks_at = value_checks(self.spec, self.kinds, classes, _DuckDialect(self.kinds))
        return checks

    def _examples(self, check: Check, keep: str) -> str:
        rows = self.con.execute(
            f"SELECT v FROM (SELECT {check.examples} AS v, min({ROW}) AS first FROM kept WHERE {check.bad} GROUP BY 1) "
            f"ORDER BY first LIMIT {MAX_ROWS_SHOWN}"
        ).fetchall()
        kind = self.kinds[check.column]
        if check.code == codes.UNSCORED_CLASS:
            return ", ".join(repr(r[0]) for r in rows)
        return ", ".join(shown(r[0], kind) for r in rows)

    def _scope_values(self) -> None:
        scopes = [c.scope for c in self.spec.comparisons()] + [g.scope for g in self.spec.guards]
        wanted = sorted({(s.slice, s.value) for s in scopes if s is not None and s.value is not None})
        for column, value in wanted:
            t = text(column, self.kinds[column])
            present = [r[0] for r in self.con.execute(f"SELECT DISTINCT {t} FROM kept ORDER BY 1").fetchall()]
            if value not in present:
                fail(
                    codes.SLICE_VALUE_ABSENT,
                    f'slice {column} = "{value}" has no rows in the data',
                    self.source.label,
                    did_you_mean(value, present) or f"values present: {', '.join(present[:12])}",
                    column,
                )

    def validate(self) -> dict[str, int]:
        """Raise the first problem the pandas reader would raise; return the dropped-row counts."""
        keep, dropped = self._missing()
        d = self.spec.data
        dup = f", count(*) OVER (PARTITION BY {ident(d.id)}) AS __dup_id" if d.id else ""
        order = f" ORDER BY {ROW}" if self._relation == "TABLE" else ""
        self.con.execute(f"CREATE TEMP {self._relation} kept AS SELECT *{dup} FROM raw WHERE {keep}{order}")
        self.rows = self.con.execute("SELECT count(*) FROM kept").fetchone()[0]
        if self.rows == 0:
            fail(
                codes.NO_ROWS_LEFT,
                f"no rows left: all {self.n} rows had an empty bound cell",
                self.source.label,
                "fill the empty cells",
            )
        self.classes = d.declared_classes if self.spec.task == "multiclass" else None
        checks = self._checks(self.classes)
        results = self._first_rows_kept([c.bad for c in checks])
        for i, (check, (count, rows)) in enumerate(zip(checks, results, strict=True)):
            if i == self._scope_checks_at:
                self._scope_values()
            if count:
                message = check.message.replace("{count}", str(count))
                if check.examples is not None:
                    message = message.replace("{examples}", self._examples(check, keep))
                fail(check.code, message, self.source.label, check.hint, check.column, rows)
        if self._scope_checks_at == len(checks):
            self._scope_values()
        return dropped

    def _first_rows_kept(self, conditions: list[str]) -> list[tuple[int, list[int]]]:
        if not conditions:
            return []
        parts = []
        for c in conditions:
            parts += [f"count(*) FILTER (WHERE {c})", f"min({ROW}, {MAX_ROWS_SHOWN}) FILTER (WHERE {c})"]
        got = self.con.execute(f"SELECT {', '.join(parts)} FROM kept").fetchone()
        return [(int(got[2 * i]), sorted(got[2 * i + 1] or [])) for i in range(len(conditions))]

    # ---- typed columns ----

    def _fetch(self, expressions: dict[str, str], where: str = "TRUE") -> dict[str, np.ndarray | Slices]:
        """The rows' typed columns, in file order."""
        select = ", ".join(f"{sql} AS {ident(name)}" for name, sql in expressions.items())
        return self._columns(f"SELECT {select}, {ROW} FROM kept WHERE {where}", in_order=True)

    def _fetch_cells(self, expressions: dict[str, str]) -> dict[str, np.ndarray | Slices] | None:
        """The plan's statistics as one GROUP BY of the typed values with COUNT(*) (engine/cells.py);
        None when the cells would not pay (about as many as rows: continuous scores). A HyperLogLog
        estimate first, so that rows of continuous values (or of too many cells) are not hashed
        into a table for nothing."""
        select = ", ".join(f"{sql} AS {ident(name)}" for name, sql in expressions.items())
        keys = ", ".join(expressions.values())
        estimate = self.con.execute(f"SELECT approx_count_distinct(hash({keys})) FROM kept").fetchone()[0]
        if not may_pay(estimate, self.rows):
            return None
        got = self._columns(f"SELECT {select}, count(*) AS {ident(MULTIPLICITY)} FROM kept GROUP BY ALL")
        return got if worth_it(len(got[MULTIPLICITY]), self.rows) else None

    def _columns(self, query: str, in_order: bool = False) -> dict[str, np.ndarray | Slices]:
        """A query's columns through Arrow: each as a numpy array, and each slice column as codes into
        its sorted values, from Arrow's dictionary encoding: no Python string per row is made, and
        the evaluator does not factorise the text again. `in_order`: the query returns ROW, and the
        rows are put in its order."""
        if hasattr(self.con, "complete"):  # DuckDB 2 runs no relation while a result of execute() is unread
            self.con.complete()
        table = self.con.sql(query).to_arrow_table()
        if in_order:
            table = _by_row(table)
        return {
            name: _slice_codes(column) if name.startswith("slice:") else column.to_numpy()
            for name, column in zip(table.column_names, table.columns, strict=True)
        }

    def prepared(self) -> Prepared:
        """The typed columns of every data party; dummy baselines are the caller's to add."""
        dropped = self.validate()
        task, d, k = self.spec.task, self.spec.data, self.kinds
        want: dict[str, str] = {}

        def label_sql() -> str:
            return text(d.label, k[d.label]) if task == "multiclass" else number(d.label, k[d.label])

        def decision_sql(rule: ir.PredictRule) -> str:
            if task == "multiclass":
                return text(rule.column, k[rule.column])
            v = number(rule.column, k[rule.column])
            if task == "binary" and rule.op is not None:
                return f"CAST(({v} {rule.op} CAST({float(rule.threshold)!r} AS DOUBLE)) AS TINYINT)"
            return v

        want["label"] = label_sql()
        parties: list[tuple[str, ir.PredictRule | None, list[ir.ClassScore]]] = [(CANDIDATE, d.predict, d.scores)]
        parties += [(b.name, b.predict, b.scores) for b in self.spec.baselines if isinstance(b, ir.ColumnBaseline)]
        cuts = self._volume_cuts({name: rule for name, rule, _ in parties if rule is not None}, decision_sql)
        for name, rule, scores in parties:
            if rule is not None and rule.abstain is not None:
                want[f"decided:{name}"], want[f"abstained:{name}"] = _bands_sql(
                    rule, number(rule.column, k[rule.column])
                )
            elif rule is not None and name in cuts:
                v = number(rule.column, k[rule.column])
                want[f"decided:{name}"] = _flag_sql(v, cuts[name][1])
                want[f"ranked:{name}"] = v
            elif rule is not None:
                want[f"decided:{name}"] = decision_sql(rule)
            used = scores[:1] if task != "multiclass" else scores
            for i, s in enumerate(used):
                want[f"score:{name}:{i}"] = number(s.column, k[s.column])
        if d.weight:
            want["weight"] = number(d.weight, k[d.weight])
        if d.group:
            want["group"] = text(d.group, k[d.group])
        for s in d.slices:
            want[f"slice:{s}"] = text(s, k[s])
        got = None
        progress.stage(f"{self.rows:,} rows checked; computing the statistics")
        if sums_suffice(self.spec) and self.rows >= ROW_BOOTSTRAP_BELOW:
            # sums of per-row terms per slice cell (engine/duck_sums.py); only small scopes' rows
            sums = duck_sums(self.con, self.spec, want)
            if rows_needed(self.spec):  # binary: the counts and AUCs still read every row
                got = self._fetch(want)
            else:
                got = self._fetch(want, small_scopes_sql(self.spec, want, sums, ROW_BOOTSTRAP_BELOW) or "FALSE")
            return replace(self._assembled(got, parties, dropped, cuts), sums=sums)
        if cells_suffice(self.spec):
            got = self._fetch_cells(cell_expressions(self.spec, want, argmax_sql))
        if got is None:
            got = self._fetch(want)
        return self._assembled(got, parties, dropped, cuts)

    def _assembled(self, got: dict[str, np.ndarray | Slices], parties, dropped, cuts) -> Prepared:
        """The evaluator's arrays (engine/assemble.py) from the fetched columns, the slices as text
        and, for rows, the codes fetched with them (cells are regrouped there, which codes their few
        slice values again: engine/cells.group)."""
        coded = {name.removeprefix("slice:"): v for name, v in got.items() if isinstance(v, Slices)}
        texts = {name: v.text if isinstance(v, Slices) else v for name, v in got.items()}
        prepared = assemble(self.spec, texts, parties, self.classes, self.n, dropped, self.source.label, cuts)
        return prepared if prepared.multiplicity is not None else replace(prepared, coded_slices=coded)

    def _volume_cuts(self, rules: dict[str, ir.PredictRule], decision_sql) -> dict[str, tuple[int, float | None]]:
        """(k, cut) of each party deciding at a volume, in SQL: k from the rows kept (or the rows the
        borrowed baseline flags), the cut the k-th highest value (hurdlelang/data/volume.py)."""
        cuts = {}
        for name, rule in rules.items():
            if not rule.at_volume:
                continue
            borrowed = None
            if rule.volume_of is not None:
                flagged = decision_sql(rules[rule.volume_of])
                borrowed = int(self.con.execute(f"SELECT coalesce(sum({flagged}), 0) FROM kept").fetchone()[0])
            k = volume_k(rule, self.rows, borrowed)
            threshold = None
            if k > 0:
                v = number(rule.column, self.kinds[rule.column])
                threshold = float(
                    self.con.execute(f"SELECT {v} FROM kept ORDER BY {v} DESC LIMIT 1 OFFSET {k - 1}").fetchone()[0]
                )
            cuts[name] = (k, threshold)
        return cuts


def _bands_sql(rule: ir.PredictRule, v: str) -> tuple[str, str]:
    """(decided, abstained) of abstain bands (hurdlelang/data/bands.py), as 0/1 SQL."""
    above, below = (f"({v} {b.op} CAST({float(b.threshold)!r} AS DOUBLE))" for b in rule.bands)
    return f"CAST({above} AS TINYINT)", f"CAST((NOT {above} AND NOT {below}) AS TINYINT)"


def _flag_sql(v: str, threshold: float | None) -> str:
    if threshold is None:
        return "CAST(0 AS TINYINT)"
    return f"CAST(({v} >= CAST({threshold!r} AS DOUBLE)) AS TINYINT)"


def _by_row(table):
    """The rows sorted by ROW, which is then dropped. DuckDB keeps a scan's order (its
    preserve_insertion_order), so a file's rows come sorted and one comparison of neighbours
    replaces an ORDER BY (a sort of every row); rows that come otherwise (a join's) are sorted here."""
    rows = table.column(ROW).to_numpy()
    if not (rows[1:] > rows[:-1]).all():
        table = table.take(np.argsort(rows, kind="stable"))
    return table.drop_columns([ROW])


def _slice_codes(column) -> Slices:
    """An Arrow text column as codes into its sorted distinct values (Slices.of's)."""
    encoded = column.combine_chunks().dictionary_encode()
    return Slices.from_distinct(
        encoded.indices.to_numpy(zero_copy_only=False), encoded.dictionary.to_numpy(zero_copy_only=False)
    )


def prepare_duckdb(spec: ir.Spec, source: Source) -> Prepared:
    """Check the source against the spec and return the typed columns (without dummy baselines)."""
    data = DuckData(spec, source)
    try:
        return data.prepared()
    finally:
        data.con.close()
