"""The Python API, for notebooks and pipelines: load a spec, judge a DataFrame, get the decision
and the record. The same pipeline as `hurdlec run`; documented in docs/api.md."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from hurdlelang.core.atomic_write import write_atomically
from hurdlelang.core.diagnostics import Diagnostic, DiagnosticError
from hurdlelang.core.render_diagnostics import render_text
from hurdlelang.core.source import Source
from hurdlelang.lang import ir
from hurdlelang.lang.compiler import compile_path, compile_source
from hurdlelang.record.model import DataFile, DecisionRecord, Override


class HurdleError(Exception):
    """A spec or data problem, with its diagnostics (each with a code, a place and a hint)."""

    def __init__(self, diagnostics: list[Diagnostic], source: Source | None = None):
        self.diagnostics = diagnostics
        super().__init__("\n".join(render_text(d, source) for d in diagnostics))


class SpecError(HurdleError):
    """The spec does not compile."""


class DataError(HurdleError):
    """The data does not fit the spec."""


class MlflowError(HurdleError):
    """The decision cannot be logged to MLflow (no such run or model version, the store fails, no mlflow)."""


def load_spec(path: str | Path | None = None, *, text: str | None = None, name: str | None = None) -> ir.Spec:
    """Compile a spec from a file (or from `text`); `name` picks one when the file holds several."""
    if (path is None) == (text is None):
        raise TypeError("give either a path or text")
    result = compile_path(path) if text is None else compile_source(Source("<text>", text))
    if not result.ok:
        raise SpecError(result.diagnostics, result.source)
    if name is None and len(result.specs) == 1:
        return result.specs[0]
    for spec in result.specs:
        if spec.name == name:
            return spec
    names = ", ".join(s.name for s in result.specs)
    raise TypeError(f"choose a spec with name=: {names}" if name is None else f"no spec '{name}' (specs: {names})")


def _frame_sha256(frame) -> str:
    import pandas as pd

    hashed = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    return hashlib.sha256(hashed.tobytes() + ",".join(map(str, frame.columns)).encode()).hexdigest()


def _is_spark_frame(data) -> bool:
    """A pyspark DataFrame, classic or Spark Connect, recognised without importing pyspark."""
    return type(data).__name__ == "DataFrame" and type(data).__module__.startswith("pyspark.sql")


def _label_of(data) -> str:
    return "<Arrow table>" if type(data).__module__.startswith("pyarrow") else "<DataFrame>"


@dataclass(frozen=True)
class Decision:
    """The outcome of judging a model: the record, and a few shortcuts into it."""

    record: DecisionRecord
    summary: str

    @property
    def status(self) -> str:
        return self.record.outcome.status

    @property
    def tier(self) -> str | None:
        return self.record.outcome.tier

    @property
    def action(self) -> str | None:
        return self.record.outcome.action

    @property
    def blocking(self) -> bool:
        """True for the fall-back tier and for an inconclusive outcome: do not ship on this."""
        return self.record.outcome.blocking or self.status == "inconclusive"

    def to_json(self) -> str:
        return self.record.model_dump_json(indent=2)

    def write(self, path: str | Path) -> None:
        """Write the record atomically (a temp file in the same folder, then a rename)."""
        write_atomically(path, self.to_json() + "\n")


def judge(
    spec: ir.Spec,
    data,
    *,
    baseline_data: dict | None = None,
    model_id: str | None = None,
    seed: int = 0,
    resamples: int = 1000,
    auc_method: str = "normal",
    override: tuple[str, str, str] | None = None,
    engine: str = "duckdb",
    mlflow_tracking_uri: str | None = None,
) -> Decision:
    """Judge predictions (a pandas DataFrame, or a path to a CSV/Parquet file) against a spec.

    `baseline_data` maps a baseline's name to its own DataFrame (or path), joined on the spec's id.
    `override` is (tier, reason, by). Raises DataError when the data does not fit the spec.
    The default engine, DuckDB, reads and checks the data in SQL: `data` may also be an Arrow table,
    a glob of files or a folder of Parquet files, and a DataFrame is queried in place (not copied).
    `engine="pandas"` reads the whole data into pandas (as does `baseline_data`, on any engine).
    A Spark DataFrame is judged by the Spark engine (as is `engine="spark"` with a path or a table
    name of the active Spark session): checked in Spark, its bound columns then brought to the driver.
    A path `runs:/RUN_ID/path` is a run's artifact in MLflow (`mlflow_tracking_uri`, else MLflow's
    default store), downloaded to a temporary folder and named by that URI in the record."""
    from hurdlelang.data.mlflow_store import is_run_uri

    uris = {"predictions": data} | dict(baseline_data or {})
    if any(is_run_uri(v) for v in uris.values()):
        return _judge_downloaded(
            spec,
            uris,
            mlflow_tracking_uri,
            model_id=model_id,
            seed=seed,
            resamples=resamples,
            auc_method=auc_method,
            override=override,
            engine=engine,
        )
    from hurdlelang.data.read import Table, read_table
    from hurdlelang.judging.failures import RunFailure, SpecFailure
    from hurdlelang.judging.runner import RunOptions, check_tier_options, data_file, judge_source, judge_tables
    from hurdlelang.report.summary import render_summary

    def table(value, role: str) -> tuple[Table, DataFile]:
        if isinstance(value, str | Path):
            t = read_table(str(value))
            return t, data_file(t, role)
        frame = value.copy()
        frame.columns = [str(c) for c in frame.columns]
        return Table("<DataFrame>", frame), DataFile(
            role=role, path="<DataFrame>", sha256=_frame_sha256(frame), rows=len(frame)
        )

    chosen = Override(tier=override[0], reason=override[1], by=override[2]) if override else None
    options = RunOptions(
        data_path="",
        model_id=model_id,
        seed=seed,
        resamples=resamples,
        auc_method=auc_method,
        override=chosen,
        command="hurdlelang.judge",
        engine=engine,
    )
    if engine not in ("pandas", "duckdb", "spark"):
        raise TypeError(f"engine must be 'pandas', 'duckdb' or 'spark', got {engine!r}")
    if _is_spark_frame(data) or (engine == "spark" and not baseline_data):
        from hurdlelang.engine.spark import frame_spark_source, open_spark_source
        from hurdlelang.judging.runner import judge_spark

        options = replace(options, engine="spark")
        try:
            check_tier_options(spec, chosen, (), spec.source.path)
            source = frame_spark_source(data) if _is_spark_frame(data) else open_spark_source(str(data))
            judged = judge_spark(spec, source, "predictions", options)
        except RunFailure as failure:
            raise (SpecError if isinstance(failure, SpecFailure) else DataError)(failure.diagnostics) from None
        except DiagnosticError as error:
            raise DataError(error.diagnostics) from None
        return Decision(judged.record, render_summary(judged.record, None, spec.tier_titles()))
    if engine == "duckdb" and not baseline_data:
        from hurdlelang.engine.source import frame_source, open_source

        try:
            check_tier_options(spec, chosen, (), spec.source.path)
            source = open_source(str(data)) if isinstance(data, str | Path) else frame_source(data, _label_of(data))
            judged = judge_source(spec, source, "predictions", options)
        except RunFailure as failure:
            raise (SpecError if isinstance(failure, SpecFailure) else DataError)(failure.diagnostics) from None
        except DiagnosticError as error:
            raise DataError(error.diagnostics) from None
        return Decision(judged.record, render_summary(judged.record, None, spec.tier_titles()))
    if not isinstance(data, str | Path) and type(data).__module__.startswith("pyarrow"):
        data = data.to_pandas()
    try:
        check_tier_options(spec, chosen, (), spec.source.path)
        main, main_file = table(data, "predictions")
        extra = {name: table(value, f"baseline {name}") for name, value in (baseline_data or {}).items()}
        files = [main_file] + [f for _, f in extra.values()]
        judged = judge_tables(spec, main, {n: t for n, (t, _) in extra.items()}, files, options)
    except RunFailure as failure:
        raise (SpecError if isinstance(failure, SpecFailure) else DataError)(failure.diagnostics) from None
    except DiagnosticError as error:  # reading a file given by path
        raise DataError(error.diagnostics) from None
    summary = render_summary(judged.record, None, spec.tier_titles())
    return Decision(judged.record, summary)


def _judge_downloaded(spec: ir.Spec, uris: dict, tracking_uri: str | None, **options) -> Decision:
    """judge() on predictions or baselines given as runs:/ URIs: downloaded, judged, named by their URIs."""
    from hurdlelang.data.fetch import local_copies
    from hurdlelang.judging.runner import named_by_origin

    try:
        with local_copies(uris, tracking_uri) as (local, origin):
            data = local.pop("predictions")
            decision = judge(spec, data, baseline_data=local or None, **options)
    except DiagnosticError as error:
        raise DataError(error.diagnostics) from None
    return replace(decision, record=named_by_origin(decision.record, origin))


def log_to_mlflow(
    decision: Decision,
    *,
    run_id: str | None = None,
    experiment: str | None = None,
    alias: str | None = None,
    model_id: str | None = None,
    tracking_uri: str | None = None,
) -> Decision:
    """Log a decision to MLflow as `hurdlec run --mlflow-run`/`--mlflow-experiment` does: the record as
    the artifact hurdle/SPEC.decision.json, the decision as tags, every metric and interval bound.
    `alias` points that registered-model alias at the model version (`model_id` models:/NAME/VERSION,
    else the one version registered from the run) only when the tier reached does not block. Returns
    the decision whose record names the run (and the alias); raises MlflowError."""
    import tempfile

    from hurdlelang.judging.mlflow_log import attach, log, prepare

    if (run_id is None) == (experiment is None):
        raise TypeError("give either run_id= or experiment=")
    try:
        target = prepare(
            run_id=run_id,
            experiment=experiment,
            alias=alias,
            model_id=model_id or decision.record.model_id,
            tracking_uri=tracking_uri,
        )
        record = attach(target, decision.record)
        logged = replace(decision, record=record)
        with tempfile.TemporaryDirectory(prefix="hurdlec-mlflow-") as folder:
            path = Path(folder) / f"{record.spec.name}.decision.json"
            logged.write(path)
            log(target, record, str(path))
    except DiagnosticError as error:
        raise MlflowError(error.diagnostics) from None
    return logged
