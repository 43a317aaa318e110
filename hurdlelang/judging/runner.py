"""`hurdlec run` as a pipeline: data -> evaluation -> uncertainty -> decision -> record. No
printing here: the command line renders what comes back."""

from __future__ import annotations

import platform
from contextlib import ExitStack
from dataclasses import dataclass, field, replace

from hurdlelang.core import codes, progress
from hurdlelang.core.atomic_write import WRITE_HINT, write_atomically
from hurdlelang.core.diagnostics import Diagnostic, DiagnosticError
from hurdlelang.core.exit_codes import Exit
from hurdlelang.core.regular_files import STDIN as STDOUT  # `-`, as a path to write
from hurdlelang.core.suggest import did_you_mean
from hurdlelang.core.version import __version__
from hurdlelang.data.prepare import prepare
from hurdlelang.data.prepared import Prepared
from hurdlelang.data.read import Table, read_table
from hurdlelang.judging.build_record import build_record
from hurdlelang.judging.decide import decide
from hurdlelang.judging.evaluate import Evaluation
from hurdlelang.judging.failures import DataFailure, OutputFailure, SpecFailure
from hurdlelang.judging.outcome import exit_code, final_outcome
from hurdlelang.judging.record_baselines import load_records
from hurdlelang.judging.slice_warnings import single_class_slices
from hurdlelang.judging.uncertainty import Uncertainty, requested
from hurdlelang.lang import ir
from hurdlelang.lang.compiler import CompileResult
from hurdlelang.record.model import DataFile, DecisionRecord, Override, RunInfo, Warning_, file_sha256
from hurdlelang.record.provenance import ci_info, git_info
from hurdlelang.report.summary import render_summary


@dataclass(frozen=True)
class RunOptions:
    data_path: str
    baseline_data: dict[str, str] = field(default_factory=dict)
    out_path: str | None = None
    model_id: str | None = None
    spec_name: str | None = None
    seed: int = 0
    resamples: int = 1000
    auc_method: str = "normal"
    override: Override | None = None
    fail_on: tuple[str, ...] = ()
    command: str = "hurdlec run"
    root: str | None = None  # the project root record baselines must stay inside (--root)
    engine: str = "duckdb"  # "duckdb" (engine/duck.py), "pandas" (hurdlelang/data/) or "spark" (engine/spark.py)
    mlflow_tracking_uri: str | None = None  # the store `runs:/` data URIs are read from (None: MLflow's default)


@dataclass(frozen=True)
class RunOutcome:
    record: DecisionRecord  # what record_json holds, so that the command line need not parse it again
    record_json: str
    summary: str
    exit_code: Exit
    record_path: str
    warnings: list[Diagnostic]


def pick_spec(result: CompileResult, name: str | None) -> ir.Spec:
    """The spec of a compiled file that a command means: the only one, or the one named by --spec
    (AMBIGUOUS_SPEC, with the names or a did-you-mean, otherwise)."""
    names = [s.name for s in result.specs]
    if name is None and len(result.specs) == 1:
        return result.specs[0]
    if name in names:
        return result.specs[names.index(name)]
    message = f"no spec named '{name}' in this file" if name else "this file holds several specs"
    hint = f"choose one with --spec: {', '.join(names)}"
    if name is not None:
        hint = did_you_mean(name, names) or hint
    raise SpecFailure([Diagnostic(codes.AMBIGUOUS_SPEC, message, result.path, None, hint)])


def _uses_confidence(spec: ir.Spec) -> bool:
    return any(c.confidence is not None for c in spec.comparisons())


def _uncertainty(ev: Evaluation, options: RunOptions) -> Uncertainty | None:
    if not _uses_confidence(ev.spec):
        return None
    unc = Uncertainty(ev, options.resamples, options.seed, options.auc_method)
    requests = requested(ev)
    # every reported metric of every party gets its interval, on the whole data and on each slice
    scopes = [None] + [(column, v) for column in ev.spec.data.slices for v in ev.slice_values(column)]
    for party in ev.parties:
        whole_only = isinstance(ev.baselines.get(party), ir.FigureBaseline | ir.RecordBaseline)
        for metric in ev.reported_for(party):
            for scope in [None] if whole_only else scopes:
                requests.add((party, metric, scope))
    unc.prepare(requests)
    return unc


def check_tier_options(spec: ir.Spec, override: Override | None, fail_on: tuple[str, ...], path: str) -> None:
    """--override and --fail-on must name tiers of the spec."""
    names = [t.name for t in spec.tiers] + [spec.otherwise.name]
    named = [("--override", override.tier)] if override else []
    named += [("--fail-on", tier) for tier in fail_on]
    problems = [
        Diagnostic(
            codes.UNKNOWN_EXPECTED_TIER,
            f"{option} names tier '{tier}', which the spec does not have",
            path,
            None,
            did_you_mean(tier, names) or f"tiers: {', '.join(names)}",
        )
        for option, tier in named
        if tier not in names
    ]
    if problems:
        raise SpecFailure(problems)


@dataclass(frozen=True)
class Judgement:
    """Everything a run found, before anything is written."""

    record: DecisionRecord
    guards: list
    tiers: list
    rows: int
    warnings: list[Diagnostic]


def judge_tables(
    spec: ir.Spec,
    main: Table,
    extra: dict[str, Table],
    files: list[DataFile],
    options: RunOptions,
) -> Judgement:
    """Evaluate tables already read: the part of a run shared by the command line and the API."""
    from hurdlelang.engine.cells import as_cells

    # the rows grouped into the engines' cells where the plan allows, so every engine judges one table
    return _judge(spec, lambda: as_cells(spec, prepare(spec, main, extra)), lambda _prepared: files, options, "pandas")


def judge_source(spec: ir.Spec, source, role: str, options: RunOptions) -> Judgement:
    """Evaluate a source read by the DuckDB engine (a file, a glob, a folder, a DataFrame)."""
    from hurdlelang.engine.duck import prepare_duckdb

    def files(prepared: Prepared) -> list[DataFile]:
        digest = source.sha256() if source.files else _frame_digest(source.frame)
        return [DataFile(role=role, path=source.label, sha256=digest, rows=prepared.rows_read)]

    return _judge(spec, lambda: prepare_duckdb(spec, source), files, options, "duckdb")


def judge_joined(spec: ir.Spec, options: RunOptions) -> Judgement:
    """The predictions joined to each --baseline-data file by the DuckDB engine (engine/duck_join.py)."""
    from hurdlelang.engine.duck_join import prepare_joined

    read: list = []

    def prepared_joined() -> Prepared:
        prepared, files = prepare_joined(spec, options.data_path, options.baseline_data)
        read.extend(files)
        return prepared

    def files(_prepared: Prepared) -> list[DataFile]:
        return [DataFile(role=role, path=s.label, sha256=s.sha256(), rows=rows) for role, s, rows in read]

    return _judge(spec, prepared_joined, files, options, "duckdb")


def judge_spark(spec: ir.Spec, source, role: str, options: RunOptions) -> Judgement:
    """Evaluate a source read by the Spark engine (a table, a path Spark reads, a Spark DataFrame)."""
    from hurdlelang.engine.spark import prepare_spark

    def files(prepared: Prepared) -> list[DataFile]:
        # a local file: its bytes; a table, a remote path or a DataFrame: the bound columns as judged
        digest = source.sha256() or _prepared_digest(prepared)
        return [DataFile(role=role, path=source.label, sha256=digest, rows=prepared.rows_read)]

    return _judge(spec, lambda: prepare_spark(spec, source), files, options, "spark")


def _prepared_digest(prepared: Prepared) -> str:
    """The SHA-256 of the typed columns the evaluator reads, in a fixed order (names, types, values);
    with an engine's sums (hurdlelang/data/sum_table.py), of those too: their terms, cells, rows and
    sums (to 6 decimals: the order in which a cluster adds them moves only the last digits, though a
    sum that falls on a rounding boundary could still change the digest)."""
    import hashlib

    import numpy as np

    h = hashlib.sha256()
    arrays = {"label": prepared.label, "weight": prepared.weight, "group": prepared.group}
    for name, party in sorted(prepared.parties.items()):
        arrays[f"decided:{name}"], arrays[f"score:{name}"] = party.decided, party.score
    arrays.update({f"slice:{k}": v for k, v in sorted(prepared.slices.items())})
    if prepared.sums is not None:  # the engine's sums over every row (the arrays: small scopes' rows)
        t = prepared.sums
        arrays.update({f"sums:{k}": v for k, v in sorted(t.slices.items())})
        arrays.update({"sums:terms": np.asarray(t.terms), "sums:rows": t.rows, "sums:sums": np.round(t.sums, 6)})
    for name, values in arrays.items():
        if values is not None:
            values = np.ascontiguousarray(values)
            h.update(f"{name}:{values.dtype.str}:{values.shape}\n".encode())
            h.update(values.astype("U").tobytes() if values.dtype.kind in "OU" else values.tobytes())
    return h.hexdigest()


def _frame_digest(frame) -> str:
    """The SHA-256 of a DataFrame or Arrow table in its Arrow IPC form (columns, types, values)."""
    import hashlib

    import pyarrow as pa

    table = frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, preserve_index=False)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()


def _judge(spec: ir.Spec, prepare_data, files_of, options: RunOptions, engine: str) -> Judgement:
    try:
        records, warnings = load_records(spec, options.root)
        progress.stage("reading and checking the data")
        prepared = prepare_data()
    except DiagnosticError as error:
        raise DataFailure(error.diagnostics) from None
    files = files_of(prepared)
    if any(isinstance(b, ir.DummyBaseline) for b in spec.baselines):
        from hurdlelang.judging.dummies import with_dummies  # scikit-learn, only when a dummy is used

        prepared = with_dummies(spec, prepared, options.seed)
    read = f"{prepared.rows:,} rows read"
    if prepared.multiplicity is not None:
        read += f" into {prepared.cells:,} cells"
    progress.stage(f"{read}; computing the metrics")
    ev = Evaluation(spec, prepared, records)
    warnings = warnings + single_class_slices(spec, prepared, files[0].path if files else options.data_path)
    unc = _uncertainty(ev, options)
    progress.stage(f"{read}; deciding")
    guards, tiers, outcome = decide(spec, ev, unc)
    notes = [Warning_(code=w.code, message=w.message, line=w.line) for w in spec.warnings]
    notes += [Warning_(code=w.code, message=w.message, line=None) for w in warnings]
    final = final_outcome(spec, outcome, options.override, options.fail_on)
    run = RunInfo(
        command=options.command,
        seed=options.seed,
        resamples=options.resamples,
        auc_method=options.auc_method,
        fail_on=list(options.fail_on),
        exit_code=int(exit_code(final)),
        versions=versions(engine),
        git=git_info(spec.source.path),
        ci=ci_info(),
    )
    record = build_record(spec, ev, unc, guards, tiers, final, files, options.model_id, notes, run)
    return Judgement(record, guards, tiers, prepared.rows, warnings)


# what each engine computes with, besides the numerical libraries every run uses
ENGINE_PACKAGES = {"pandas": (), "duckdb": (), "spark": ("pyspark",)}


def versions(engine: str = "duckdb") -> dict[str, str]:
    """The versions that made the numbers: Python, hurdlelang, the numerical libraries, and the
    engine's own (pyspark when Spark read the data; a cluster's Spark version is its own)."""
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version(), "hurdlelang": __version__}
    for package in ("numpy", "pandas", "scikit-learn", "pyarrow", "duckdb", *ENGINE_PACKAGES[engine]):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "not installed"
    return found


def data_file(table: Table, role: str) -> DataFile:
    """How the record names a data file read from disk: its path, SHA-256 and rows."""
    return DataFile(role=role, path=table.path, sha256=file_sha256(table.path), rows=len(table.frame))


def _judge_options(spec: ir.Spec, options: RunOptions) -> Judgement:
    """Read the data given by path with the engine chosen, and judge it."""
    if options.engine == "spark" and not options.baseline_data:
        from hurdlelang.engine.spark import open_spark_source

        try:
            spark_source = open_spark_source(options.data_path)
        except DiagnosticError as error:
            raise DataFailure(error.diagnostics) from None
        return judge_spark(spec, spark_source, "predictions", options)
    if options.engine == "duckdb" and options.baseline_data:
        from hurdlelang.engine.duck_join import joinable, kind_of

        kinds = {kind_of(p) for p in [options.data_path, *options.baseline_data.values()]}
        if len(kinds) == 1 and joinable(spec, options.baseline_data):
            return judge_joined(spec, options)
    if options.engine == "duckdb" and not options.baseline_data:
        from hurdlelang.engine.source import open_source

        try:
            source = open_source(options.data_path)
        except DiagnosticError as error:
            raise DataFailure(error.diagnostics) from None
        return judge_source(spec, source, "predictions", options)
    try:
        main = read_table(options.data_path)
        extra = {name: read_table(path, f"--baseline-data {name}=FILE") for name, path in options.baseline_data.items()}
    except DiagnosticError as error:
        raise DataFailure(error.diagnostics) from None
    files = [data_file(main, "predictions")] + [data_file(t, f"baseline {name}") for name, t in extra.items()]
    return judge_tables(spec, main, extra, files, options)


def named_by_origin(record: DecisionRecord, origin: dict[str, str]) -> DecisionRecord:
    """The record naming each file downloaded from MLflow by its runs:/ URI, not the temporary copy."""
    if not origin:
        return record
    files = [f.model_copy(update={"path": origin.get(f.path, f.path)}) for f in record.data.files]
    return record.model_copy(update={"data": record.data.model_copy(update={"files": files})})


def execute(result: CompileResult, options: RunOptions, finish=None) -> RunOutcome:
    """A run from the command line: judge, then write the record. `finish(record) -> record` may add to
    the record once the decision is known and before it is written (the MLflow run it is logged to)."""
    from hurdlelang.data.fetch import local_copies  # imports mlflow only for a runs:/ URI

    spec = pick_spec(result, options.spec_name)
    check_tier_options(spec, options.override, options.fail_on, result.path)
    paths = {"predictions": options.data_path} | {f"baseline {n}": p for n, p in options.baseline_data.items()}
    with ExitStack() as stack:
        try:
            local, origin = stack.enter_context(local_copies(paths, options.mlflow_tracking_uri))
        except DiagnosticError as error:
            raise DataFailure(error.diagnostics) from None
        local_options = replace(
            options,
            data_path=local["predictions"],
            baseline_data={n: local[f"baseline {n}"] for n in options.baseline_data},
        )
        judged = _judge_options(spec, local_options)
    record = named_by_origin(judged.record, origin)
    if finish is not None:
        try:
            record = finish(record)
        except DiagnosticError as error:
            raise OutputFailure(error.diagnostics) from None
    progress.stage("writing the record")
    record_json = record.model_dump_json(indent=2)
    target = options.out_path or f"{spec.name}.decision.json"
    try:
        if target != STDOUT:  # `--out -`: the command line prints the record instead
            write_atomically(target, record_json + "\n")
    except OSError as error:
        problem = Diagnostic(
            codes.CANNOT_WRITE,
            f"cannot write the record: {error.strerror or error}",
            target,
            hint=getattr(error, "hint", WRITE_HINT),
        )
        raise OutputFailure([problem]) from None
    summary = render_summary(record, None if target == STDOUT else target, spec.tier_titles())
    return RunOutcome(record, record_json, summary, Exit(record.run.exit_code), target, judged.warnings)
