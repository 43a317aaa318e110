"""The Spark engine: read the predictions where Spark reads them (a table, files on any file system
Spark knows, a DataFrame), check them against the spec in Spark, and hand the evaluator typed columns.

The session is Spark's own: `SparkSession.builder.getOrCreate()`, which is the session of a
`spark-submit` or `pyspark` job, a Spark Connect session when SPARK_REMOTE is set, or a local one.
hurdlelang sets nothing on it.

1. The bound columns (and only those) are selected with a row key, (source file, position in the
   scan): `monotonically_increasing_id()` grows with the position in each file because Spark reads
   the splits of a file in order, and files are ordered by name as the other engines order them.
   The selection is persisted (memory and disk) so that every pass below sees the same rows and
   keys, even from a DataFrame whose order Spark does not fix.
2. One aggregation pass types the CSV columns as pandas would (spark_columns.py); then ONE
   aggregation pass makes every check of the plan (hurdlelang/engine/plan.py): empty cells per bound
   column, rows kept, and for each value check how many kept rows fail it. The first failing check,
   in the order the pandas reader checks them, becomes its diagnostic with the same code, message,
   column and rows; only then do two small queries find its first rows and the values it shows.
3. The typed bound columns of the kept rows come back through Arrow (`DataFrame.toArrow`), sorted by
   the row key, and the evaluator computes on them exactly what it computes on the other engines'
   arrays. When the plan's statistics are all sums of per-row terms (regression), those are computed
   in Spark instead (engine/spark_sums.py) and only the rows of scopes under ROW_BOOTSTRAP_BELOW
   rows come back (binary log_loss and brier are summed there too, the rows still coming for the
   counts and AUCs); when they are all counts over discrete values, one groupBy of cells
   (engine/cells.py). Otherwise the bound columns come to the driver (docs/architecture.md).
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import warnings
from dataclasses import dataclass, replace

import numpy as np

from hurdlelang.core import codes, progress
from hurdlelang.core.diagnostics import Diagnostic, DiagnosticError
from hurdlelang.core.names import CANDIDATE
from hurdlelang.core.operators import COMPARE
from hurdlelang.core.suggest import did_you_mean
from hurdlelang.data.errors import MAX_ROWS_SHOWN, fail
from hurdlelang.data.prepared import Prepared
from hurdlelang.data.sniff import refuse_nested
from hurdlelang.data.volume import volume_k
from hurdlelang.engine import spark_columns as sc
from hurdlelang.engine.assemble import assemble
from hurdlelang.engine.bindings import Bound, bindings
from hurdlelang.engine.cells import MULTIPLICITY, cell_expressions, cells_suffice, worth_it
from hurdlelang.engine.columns import Kind, shown
from hurdlelang.engine.source import CSV_SUFFIXES, GLOB_CHARS, PARQUET_SUFFIXES, header_fields, open_source, suffix_of
from hurdlelang.engine.spark_sums import spark_sums
from hurdlelang.engine.terms import rows_needed, sums_suffice
from hurdlelang.engine.value_checks import Check, value_checks
from hurdlelang.lang import ir
from hurdlelang.stats.moments import ROW_BOOTSTRAP_BELOW

FILE, POS = "__file", "__pos"
SESSION_HINT = (
    "Spark needs Java 17 or later (`java -version`); to use a cluster, start hurdlec from spark-submit or "
    "pyspark, or set SPARK_REMOTE to a Spark Connect server"
)


def session():
    """Spark's own session (spark-submit, pyspark, SPARK_REMOTE, or a local one), or P002."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        fail(
            codes.PACKAGE_MISSING,
            "the Spark engine needs pyspark, which is not installed",
            "hurdlec",
            "install it with `pip install 'hurdlelang[spark]'`",
        )
    builder = SparkSession.builder
    ours = not os.environ.get("SPARK_REMOTE") and SparkSession.getActiveSession() is None
    if ours and not sys.stderr.isatty():
        # a local session started here (getOrCreate leaves any other as it is): no progress bars in logs
        builder = builder.config("spark.ui.showConsoleProgress", "false")
    try:
        with quiet():
            spark = builder.getOrCreate()
    except Exception as error:  # Spark raises its own kinds, or RuntimeError when Java is absent
        fail(codes.SPARK_SESSION, f"no Spark session can be started: {_first_line(error)}", "hurdlec", SESSION_HINT)
    if ours:
        with contextlib.suppress(Exception):
            spark.sparkContext.setLogLevel("ERROR")  # Spark's WARN lines would bury the diagnostics
    return spark


@contextlib.contextmanager
def quiet():
    """pyspark warns about the pandas version it was tested with; hurdlelang hands it no pandas."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=FutureWarning, module="pyspark")
        warnings.filterwarnings("ignore", category=UserWarning, module="pyspark")
        yield


JAVA_ERROR = re.compile(r"^(?:Caused by: |: )?(?:[\w$]+\.)*[\w$]+(?:Exception|Error): (.+)$")


def _first_line(error: Exception) -> str:
    """Spark's reason: the innermost Java exception's message ("Malformed records ..."), not py4j's
    "An error occurred while calling o511.collectToPython"."""
    lines = [line.strip() for line in str(error).strip().splitlines()]
    causes = [m.group(1) for m in map(JAVA_ERROR.match, lines) if m]
    if causes:
        return re.sub(r"\s*SQLSTATE: \w+\.?$", "", causes[-1]).strip()
    return lines[0] if lines and lines[0] else type(error).__name__


def col(name: str):
    """A column by its name as written: backticks so that a dot is not a struct field."""
    return sc.F().col("`" + name.replace("`", "``") + "`")


@dataclass(frozen=True)
class SparkSource:
    """A DataFrame to judge and how the record and the diagnostics name it."""

    label: str
    kind: str  # "csv", "parquet", "table" or "frame"
    frame: object  # a pyspark DataFrame (classic or Connect)
    files: tuple[str, ...] = ()  # local files, for the record's SHA-256
    header: int | None = None  # fields of the header line of a local CSV file

    def sha256(self) -> str | None:
        if not self.files:
            return None
        from hurdlelang.engine.source import Source

        return Source(self.label, self.kind, "", self.files).sha256()


def _is_table_name(target: str) -> bool:
    """`db.predictions` is a table; `predictions.csv`, `out/`, `part-*.csv` and what exists are paths."""
    if "://" in target or os.path.exists(target) or any(c in target for c in GLOB_CHARS) or os.sep in target:
        return False
    return suffix_of(target) not in (*CSV_SUFFIXES, *PARQUET_SUFFIXES)


def _reader(spark, kind: str, delimiter: str):
    if kind == "parquet":
        return spark.read.format("parquet")
    # pandas' rules: a header, '"' quotes doubled inside a cell, UTF-8, and a malformed row is an error
    return (
        spark.read.format("csv")
        .option("header", True)
        .option("sep", delimiter)
        .option("quote", '"')
        .option("escape", '"')
        .option("multiLine", True)
        .option("mode", "FAILFAST")
        .option("inferSchema", False)
    )


def open_spark_source(target: str, option: str = "--data") -> SparkSource:
    """A Spark table name, a path with a scheme Spark reads (s3a://, hdfs://, ...), or a local path,
    glob or folder (checked as the other engines check them, D001, D002, D018, before Spark starts)."""
    if "://" in target:
        spark = session()
        suffix = suffix_of(target.rstrip("/"))
        kind = "csv" if suffix in CSV_SUFFIXES else "parquet"
        delimiter = "\t" if suffix.startswith(".tsv") else ","
        return SparkSource(target, kind, _lazy(lambda: _reader(spark, kind, delimiter).load(target), target, kind))
    if _is_table_name(target):
        spark = session()
        if not spark.catalog.tableExists(target):
            fail(
                codes.DATA_NOT_FOUND,
                "no data file or Spark table of this name",
                target,
                f"give a file, a folder or a table of the session's catalogue with {option}",
            )
        return SparkSource(target, "table", spark.table(target))
    local = open_source(target, option)  # the file checks every engine makes
    delimiter = "\t" if any(suffix_of(f).startswith(".tsv") for f in local.files) else ","
    folder = os.path.isdir(target)
    paths = [target] if folder else list(local.files)
    header = header_fields(local.files[0], delimiter) if local.kind == "csv" else None
    spark = session()
    frame = _lazy(lambda: _reader(spark, local.kind, delimiter).load(paths), target, local.kind)
    return SparkSource(target, local.kind, frame, local.files, header)


def frame_spark_source(frame, label: str = "<Spark DataFrame>") -> SparkSource:
    return SparkSource(label, "frame", frame)


def _parse_error(error: Exception, label: str, kind: str) -> None:
    name = "Parquet" if kind == "parquet" else "CSV"
    hint = (
        "the file is not Parquet: check how it was written"
        if kind == "parquet"
        else "check the delimiter, the quoting and that every row has the header's fields; CSV must be UTF-8"
    )
    fail(codes.DATA_UNPARSABLE, f"data file cannot be parsed as {name}: {_first_line(error)}", label, hint)


def _lazy(load, label: str, kind: str):
    try:
        return load()  # Spark reads the schema here (a Parquet footer, a CSV header)
    except Exception as error:
        if "PATH_NOT_FOUND" in str(error):
            fail(codes.DATA_NOT_FOUND, "data file does not exist", label, "check the path given with --data")
        _parse_error(error, label, kind)


@contextlib.contextmanager
def _reading(source: SparkSource):
    """Spark reads lazily: a file that cannot be parsed fails in whichever query reads it first."""
    if source.kind not in ("csv", "parquet"):
        yield
        return
    try:
        yield
    except DiagnosticError:
        raise
    except Exception as error:
        _parse_error(error, source.label, source.kind)


@dataclass(frozen=True)
class _SparkDialect:
    """engine/value_checks.py's expressions of a failing row, as Spark Columns."""

    kinds: dict

    def raw(self, column):
        return col(column)

    def number(self, column):
        return sc.number(col(column), self.kinds[column])

    def text(self, column):
        return sc.text(col(column), self.kinds[column])

    def never(self):
        return sc.F().lit(False)

    def not_numeric(self, v):
        f = sc.F()
        return v.isNull() | f.isnan(v) | (f.abs(v) == f.lit(sc.INF))

    def not_binary(self, v):
        return v.isNull() | ~v.isin(0, 1)

    def not_probability(self, v):
        return v.isNull() | sc.F().isnan(v) | (v < 0) | (v > 1)

    def not_in(self, t, classes):
        return ~t.isin(*classes)

    def negative(self, v):
        return v < 0

    def missing_number(self, v):
        return v.isNull() | sc.F().isnan(v)

    def bad_weight(self, w):
        return ~sc.is_finite(w) | (w < 0)

    def duplicated_id(self):
        return sc.F().col("__dup") > 1

    def is_all(self, t):
        return t == "all"


class SparkData:
    """One source read by Spark, typed and checked for one spec."""

    def __init__(self, spec: ir.Spec, source: SparkSource):
        self.spec, self.source = spec, source
        self.bound: list[Bound] = bindings(spec)
        schema = source.frame.schema
        self.columns = {field.name: field.dataType for field in schema.fields}
        self._require_columns()
        if source.kind == "parquet":  # D024, as the other engines: a bound list or struct column
            for name in source.files:
                refuse_nested(name, [(b.column, b.role) for b in self.bound])
        if source.header is not None and len(self.columns) > source.header:
            fail(
                codes.DATA_UNPARSABLE,
                f"data file cannot be parsed as CSV: rows have more fields than the header ({source.header} fields)",
                source.label,
                "check the delimiter, the quoting and that every row has the header's fields; CSV must be UTF-8",
            )
        f = sc.F()
        names = list(dict.fromkeys(b.column for b in self.bound))
        csv = source.kind == "csv"
        where = f.input_file_name() if source.kind in ("csv", "parquet") else f.lit("")
        picked = [(sc.as_null_markers(col(c)) if csv else col(c)).alias(c) for c in names]
        # the key is made in a projection of its own: Spark forbids a non-deterministic expression
        # inside an aggregate, and persisting fixes its values for every later pass
        self.rows = source.frame.select(
            *picked, where.alias(FILE), f.monotonically_increasing_id().alias(POS)
        ).persist()
        self.names = names

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.rows.unpersist()

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

    # ---- pass 1: size and kinds ----

    def _profile(self) -> None:
        f = sc.F()
        parts, owners = [f.count(f.lit(1))], []
        text_columns = []
        for name in self.names:
            native = None if self.source.kind == "csv" else sc.native_kind(self.columns[name])
            got = sc.profile(col(name)) if native is None else sc.native_profile(col(name), native)
            parts += got
            owners.append((name, len(got), native))
            if native in (None, "text"):
                text_columns.append(name)
        # Spark decodes bytes that are not UTF-8 as U+FFFD where pandas refuses the file
        undecoded = f.lit(False)
        for name in text_columns:
            undecoded = undecoded | f.coalesce(f.instr(col(name), "\ufffd") > 0, f.lit(False))
        if self.source.kind == "csv" and text_columns:
            parts.append(f.count_if(undecoded))
        with _reading(self.source):
            values = self.rows.agg(*parts).collect()[0]
        self.n = int(values[0])
        at = 1
        self.kinds: dict[str, Kind] = {}
        for name, size, native in owners:
            self.kinds[name] = sc.kind_of(list(values[at : at + size]), native)
            at += size
        if self.source.kind == "csv" and text_columns and values[at]:
            (row,) = self._row_numbers(undecoded, 1)
            fail(
                codes.DATA_UNPARSABLE,
                f"data file cannot be parsed as CSV: row {row} is not UTF-8",
                self.source.label,
                "check the delimiter, the quoting and that every row has the header's fields; CSV must be UTF-8",
            )
        if self.n == 0:
            fail(
                codes.DATA_EMPTY,
                "data file has a header but no rows",
                self.source.label,
                "the predictions file must hold at least one row",
            )

    # ---- rows and examples of one failing check ----

    def _row_numbers(self, condition, limit: int = MAX_ROWS_SHOWN, frame=None) -> list[int]:
        """1-based row numbers (in the scan's order) of the first rows meeting the condition."""
        f = sc.F()
        frame = self.rows if frame is None else frame
        keys = frame.filter(condition).select(FILE, POS).orderBy(FILE, POS).limit(limit).collect()
        if not keys:
            return []
        before = [
            f.count_if((f.col(FILE) < f.lit(k[0])) | ((f.col(FILE) == f.lit(k[0])) & (f.col(POS) < f.lit(k[1]))))
            for k in keys
        ]
        return [int(n) + 1 for n in self.rows.agg(*before).collect()[0]]

    def _examples(self, check: Check, frame) -> str:
        f = sc.F()
        got = (
            frame.filter(check.bad)
            .groupBy(check.examples.alias("v"))
            .agg(f.min(f.struct(f.col(FILE), f.col(POS))).alias("first"))
            .orderBy("first")
            .limit(MAX_ROWS_SHOWN)
            .collect()
        )
        if check.code == codes.UNSCORED_CLASS:
            return ", ".join(repr(r[0]) for r in got)
        kind = self.kinds[check.column]
        return ", ".join(shown(r[0], kind) for r in got)

    # ---- pass 2: every check ----

    def _checks(self, classes: tuple[str, ...] | None) -> list[Check]:
        """Every value check (engine/value_checks.py), as Spark Columns."""
        checks, self._scope_checks_at = value_checks(self.spec, self.kinds, classes, _SparkDialect(self.kinds))
        return checks

    def _wanted_scopes(self) -> list[tuple[str, str]]:
        scopes = [c.scope for c in self.spec.comparisons()] + [g.scope for g in self.spec.guards]
        return sorted({(s.slice, s.value) for s in scopes if s is not None and s.value is not None})

    def _scope_values(self, wanted: list[tuple[str, str]], counts: list[int], kept) -> None:
        for (column, value), count in zip(wanted, counts, strict=True):
            if count:
                continue
            t = sc.text(col(column), self.kinds[column])
            got = kept.select(t.alias("v")).distinct().orderBy("v").collect()
            present = [r[0] for r in got]
            fail(
                codes.SLICE_VALUE_ABSENT,
                f'slice {column} = "{value}" has no rows in the data',
                self.source.label,
                did_you_mean(value, present) or f"values present: {', '.join(present[:12])}",
                column,
            )

    def validate(self) -> dict[str, int]:
        """Raise the first problem the pandas reader would raise; return the dropped-row counts."""
        f = sc.F()
        self._profile()
        d = self.spec.data
        gaps = [sc.missing(col(b.column), self.kinds[b.column]) for b in self.bound]
        any_gap = f.lit(False)
        for gap in gaps:
            any_gap = any_gap | gap
        keep = f.lit(True) if d.missing == "error" else ~any_gap
        frame = self.rows
        if d.id:
            from pyspark.sql import Window

            # how many kept rows share this row's id (the kept rows only, as the pandas reader counts)
            frame = frame.withColumn("__dup", f.sum(keep.cast("long")).over(Window.partitionBy(col(d.id))))
        self.classes = d.declared_classes if self.spec.task == "multiclass" else None
        checks = self._checks(self.classes)
        wanted = self._wanted_scopes()
        if d.missing == "error":
            gap_counts = [f.count_if(gap) for gap in gaps]
        else:
            seen = f.lit(False)
            gap_counts = []
            for gap in gaps:
                gap_counts.append(f.count_if(gap & ~seen))
                seen = seen | gap
        parts = [*gap_counts, f.count_if(keep)]
        parts += [f.count_if(keep & f.coalesce(c.bad, f.lit(False))) for c in checks]
        parts += [f.count_if(keep & (sc.text(col(s), self.kinds[s]) == v)) for s, v in wanted]
        with _reading(self.source):
            got = [int(x) for x in frame.agg(*parts).collect()[0]]
        gap_got, rows = got[: len(gaps)], got[len(gaps)]
        check_got = got[len(gaps) + 1 : len(gaps) + 1 + len(checks)]
        scope_got = got[len(gaps) + 1 + len(checks) :]
        dropped: dict[str, int] = {}
        for b, gap, count in zip(self.bound, gaps, gap_got, strict=True):
            if not count:
                continue
            if d.missing == "error":
                fail(
                    codes.MISSING_VALUES,
                    f"{count} empty or NaN cell(s) in column '{b.column}' ({b.role})",
                    self.source.label,
                    "fill or drop those rows, or add `missing drop` to the data block; a missing value is never "
                    "silently skipped",
                    b.column,
                    self._row_numbers(gap),
                )
            dropped[f"empty {b.column} ({b.role})"] = count
        if rows == 0:
            fail(
                codes.NO_ROWS_LEFT,
                f"no rows left: all {self.n} rows had an empty bound cell",
                self.source.label,
                "fill the empty cells",
            )
        kept = frame.filter(keep)
        for i, (check, count) in enumerate(zip(checks, check_got, strict=True)):
            if i == self._scope_checks_at:
                self._scope_values(wanted, scope_got, kept)
            if count:
                message = check.message.replace("{count}", str(count))
                if check.examples is not None:
                    message = message.replace("{examples}", self._examples(check, kept))
                rows_at = self._row_numbers(f.coalesce(check.bad, f.lit(False)), frame=kept)
                fail(check.code, message, self.source.label, check.hint, check.column, rows_at)
        if self._scope_checks_at == len(checks):
            self._scope_values(wanted, scope_got, kept)
        self.kept, self.kept_rows = kept, rows
        return dropped

    # ---- typed columns ----

    def _fetch(self, expressions: dict[str, object], where=None) -> dict[str, np.ndarray]:
        """The kept rows' typed columns through Arrow, in the row key's order (those meeting `where`)."""
        aliases = {name: f"c{i}" for i, name in enumerate(expressions)}
        select = [e.alias(aliases[name]) for name, e in expressions.items()]
        rows = self.kept if where is None else self.kept.filter(where)
        table = rows.select(*select, FILE, POS).toArrow()
        order = np.lexsort((table.column(POS).to_numpy(), table.column(FILE).to_numpy(zero_copy_only=False)))
        return {
            name: np.asarray(table.column(alias).to_numpy(zero_copy_only=False))[order]
            for name, alias in aliases.items()
        }

    def _fetch_cells(self, expressions: dict[str, object]) -> dict[str, np.ndarray] | None:
        """The plan's statistics as one groupBy of the typed values with a count (engine/cells.py);
        None when the cells would not pay. A HyperLogLog estimate first, as the DuckDB engine."""
        f = sc.F()
        aliases = {name: f"c{i}" for i, name in enumerate(expressions)}
        select = [e.alias(aliases[name]) for name, e in expressions.items()]
        typed = self.kept.select(*select)
        estimate = typed.agg(f.approx_count_distinct(f.xxhash64(*aliases.values()))).collect()[0][0]
        if not worth_it(int(estimate) // 2, self.kept_rows):
            return None
        table = typed.groupBy(*aliases.values()).agg(f.count(f.lit(1)).alias("m")).toArrow()
        if not worth_it(table.num_rows, self.kept_rows):
            return None
        got = {name: np.asarray(table.column(alias).to_numpy(zero_copy_only=False)) for name, alias in aliases.items()}
        got[MULTIPLICITY] = np.asarray(table.column("m").to_numpy())
        return got

    def prepared(self) -> Prepared:
        """The typed columns of every data party; dummy baselines are the caller's to add."""
        dropped = self.validate()
        f = sc.F()
        task, d, k = self.spec.task, self.spec.data, self.kinds
        classes = self.classes

        def num(column: str):
            return sc.number(col(column), k[column])

        def txt(column: str):
            return sc.text(col(column), k[column])

        def decision(rule: ir.PredictRule):
            if task == "multiclass":
                return txt(rule.column)
            v = num(rule.column)
            if task == "binary" and rule.op is not None:
                t = f.lit(float(rule.threshold))
                decided = {">=": v >= t, ">": v > t, "<=": v <= t, "<": v < t}[rule.op]
                return decided.cast("tinyint")
            return v

        want: dict[str, object] = {"label": txt(d.label) if task == "multiclass" else num(d.label)}
        parties: list[tuple[str, ir.PredictRule | None, list[ir.ClassScore]]] = [(CANDIDATE, d.predict, d.scores)]
        parties += [(b.name, b.predict, b.scores) for b in self.spec.baselines if isinstance(b, ir.ColumnBaseline)]
        cuts = self._volume_cuts({name: rule for name, rule, _ in parties if rule is not None}, decision)
        for name, rule, scores in parties:
            if rule is not None and rule.abstain is not None:
                want[f"decided:{name}"], want[f"abstained:{name}"] = _bands_columns(rule, num(rule.column))
            elif rule is not None and name in cuts:
                v = num(rule.column)
                threshold = cuts[name][1]
                want[f"decided:{name}"] = (v >= f.lit(threshold) if threshold is not None else f.lit(False)).cast(
                    "tinyint"
                )
                want[f"ranked:{name}"] = v
            elif rule is not None:
                want[f"decided:{name}"] = decision(rule)
            used = scores[:1] if task != "multiclass" else scores
            for i, s in enumerate(used):
                want[f"score:{name}:{i}"] = num(s.column)
        if d.weight:
            want["weight"] = num(d.weight)
        if d.group:
            want["group"] = txt(d.group)
        for s in d.slices:
            want[f"slice:{s}"] = txt(s)
        with _reading(self.source):
            got = None
            progress.stage(f"{self.kept_rows:,} rows checked in Spark; computing the statistics")
            if sums_suffice(self.spec) and self.kept_rows >= ROW_BOOTSTRAP_BELOW:
                # sums of per-row terms per slice cell (engine/spark_sums.py); only small scopes' rows
                sums = spark_sums(self.kept, self.spec, want)
                # binary: the counts and AUCs still read every row
                got = self._fetch(want, None if rows_needed(self.spec) else _small_scopes(self.spec, want, sums))
                prepared = assemble(self.spec, got, parties, classes, self.n, dropped, self.source.label, cuts)
                return replace(prepared, sums=sums)
            if cells_suffice(self.spec):
                got = self._fetch_cells(cell_expressions(self.spec, want, _argmax))
            if got is None:
                got = self._fetch(want)
        return assemble(self.spec, got, parties, classes, self.n, dropped, self.source.label, cuts)

    def _volume_cuts(self, rules: dict[str, ir.PredictRule], decision) -> dict[str, tuple[int, float | None]]:
        """(k, cut) of each party deciding at a volume, in Spark: k from the rows kept (or the rows
        the borrowed baseline flags), the cut the k-th highest value (hurdlelang/data/volume.py)."""
        f = sc.F()
        cuts = {}
        for name, rule in rules.items():
            if not rule.at_volume:
                continue
            with _reading(self.source):
                rows = self.kept.count()
                borrowed = None
                if rule.volume_of is not None:
                    total = self.kept.select(f.sum(decision(rules[rule.volume_of]))).first()[0]
                    borrowed = int(total or 0)
                k = volume_k(rule, rows, borrowed)
                threshold = None
                if k > 0:
                    v = sc.number(col(rule.column), self.kinds[rule.column])
                    top = self.kept.select(v.alias("v")).orderBy(f.desc("v")).limit(k)
                    threshold = float(top.agg(f.min("v")).first()[0])
            cuts[name] = (k, threshold)
        return cuts


def _small_scopes(spec: ir.Spec, want: dict, sums):
    """The Column of a row in a scope of fewer than ROW_BOOTSTRAP_BELOW rows (no such row: false)."""
    f = sc.F()
    found = f.lit(False)
    for s in spec.data.slices:
        small = [v for v in sums.values(s) if sums.scope_rows((s, v)) < ROW_BOOTSTRAP_BELOW]
        if small:
            found = found | want[f"slice:{s}"].isin(small)
    return found


def _bands_columns(rule: ir.PredictRule, v):
    """(decided, abstained) of abstain bands (hurdlelang/data/bands.py), as 0/1 Columns."""
    f = sc.F()
    above, below = (COMPARE[b.op](v, f.lit(float(b.threshold))) for b in rule.bands)
    return above.cast("tinyint"), (~above & ~below).cast("tinyint")


def _argmax(scores: list, classes: tuple[str, ...]):
    """The first class whose score is the largest, as engine/cells.argmax_sql in Columns."""
    f = sc.F()
    chosen = f.lit(classes[-1])
    for i in range(len(scores) - 2, -1, -1):
        at_least = scores[i] >= scores[i + 1]
        for later in scores[i + 2 :]:
            at_least = at_least & (scores[i] >= later)
        chosen = f.when(at_least, f.lit(classes[i])).otherwise(chosen)
    return chosen


def prepare_spark(spec: ir.Spec, source: SparkSource) -> Prepared:
    """Check the source against the spec in Spark and return the typed columns (without dummy baselines)."""
    with quiet(), _reading(source):
        data = SparkData(spec, source)
    try:
        with quiet():
            return data.prepared()
    finally:
        data.close()
