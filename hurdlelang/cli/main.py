"""The hurdlec command line. `check` and `compile` stay light (no pandas, numpy, scikit-learn);
`run` imports the evaluation stack only when it is called."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import click

from hurdlelang.cli.stop import color_choice, failure_exit
from hurdlelang.cli.stop import fail as _fail
from hurdlelang.cli.stop import need_run_stack as _need_run_stack
from hurdlelang.core import progress
from hurdlelang.core.diagnostics import Diagnostic
from hurdlelang.core.exit_codes import Exit
from hurdlelang.core.render_diagnostics import render_github, render_text, use_color
from hurdlelang.core.version import __version__
from hurdlelang.lang.compiler import CompileResult, compile_path


def _spec_files(paths: tuple[str, ...]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        files.extend(sorted(p.rglob("*.hurdle")) if p.is_dir() else [p])
    return files


def _print_diagnostics(
    results: list[CompileResult], fmt: str, stream=None, color: str = "auto", errors_only: bool = False
) -> None:
    stream = stream or sys.stdout
    paint = use_color(color, stream)
    for result in results:
        for d in result.diagnostics:
            if errors_only and not d.is_error:
                continue
            text = render_github(d) if fmt == "github" else render_text(d, result.source, paint)
            click.echo(text, file=stream, color=paint)


ROOT_OPTION = click.option(
    "--root",
    type=click.Path(file_okay=False),
    help="The project root record baselines must stay inside [default: the nearest folder with .git or "
    "pyproject.toml above the spec].",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="hurdlec")
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour diagnostics of every command (auto: on a terminal, unless NO_COLOR is set).",
)
def cli(color: str) -> None:
    """hurdlec: compile .hurdle specs and judge models against them."""
    import os

    # MLflow logs at INFO on standard error when it is imported ("Creating initial MLflow database
    # tables..."): hurdlec's own output says what happened. MLFLOW_LOGGING_LEVEL set by the user wins.
    os.environ.setdefault("MLFLOW_LOGGING_LEVEL", "WARNING")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github", "junit"]),
    default="text",
    show_default=True,
    help="text for people; json; github: workflow annotations; junit: XML test results for CI systems.",
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("-v", "--verbose", is_flag=True, help="End with how many files, errors and warnings there were.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only (warnings too with --strict, as they fail).")
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default=None,
    help="Colour and highlight diagnostics (auto: on a terminal, unless NO_COLOR is set) "
    "[default: hurdlec --color, auto].",
)
@ROOT_OPTION
def check(
    paths: tuple[str, ...], fmt: str, strict: bool, verbose: bool, quiet: bool, color: str | None, root: str | None
) -> None:
    """Compile spec files (every *.hurdle under a folder; - for stdin) and report problems."""
    if verbose and quiet:
        raise click.UsageError("-v and -q cannot be used together")
    files = _spec_files(paths)
    if not files:
        raise click.UsageError(f"no .hurdle files under {', '.join(paths)}")
    results = [compile_path(f, root) for f in files]
    all_diags = [d for r in results for d in r.diagnostics]
    failing = [d for d in all_diags if d.is_error or strict]
    if fmt == "junit":
        from hurdlelang.cli.ci_output import junit_check

        click.echo(junit_check(files, results, strict), nl=False)
    elif fmt == "json":
        from hurdlelang.record.outputs import CheckOutput

        errors = sum(d.is_error for d in all_diags)
        payload = CheckOutput(
            ok=not failing,
            files=[r.path for r in results],
            errors=errors,
            warnings=len(all_diags) - errors,
            diagnostics=[d.to_dict() for d in all_diags],
        )
        click.echo(payload.model_dump_json(indent=2))
    else:
        _print_diagnostics(results, fmt, color=color or color_choice(), errors_only=quiet and not strict)
    if verbose and fmt == "text":
        errors = sum(d.is_error for d in all_diags)
        click.echo(f"checked {len(files)} file(s): {errors} error(s), {len(all_diags) - errors} warning(s)")
    sys.exit(Exit.BLOCKING if failing else Exit.OK)


@cli.command(name="compile")
@click.argument("path", type=click.Path())
@ROOT_OPTION
def compile_cmd(path: str, root: str | None) -> None:
    """Print the checked spec (the IR) as JSON."""
    result = compile_path(path, root)
    if not result.ok:
        _print_diagnostics([result], "text", sys.stderr)
        sys.exit(Exit.BLOCKING)
    payload = [s.model_dump(mode="json") for s in result.specs]
    import json

    click.echo(json.dumps(payload[0] if len(payload) == 1 else payload, indent=2))


@cli.command(name="test")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github", "junit"]),
    default="text",
    show_default=True,
    help="text for people; json; github: an annotation per failed example; junit: XML test results.",
)
@click.option(
    "--run", "pattern", metavar="PATTERN", help="Only examples whose 'spec: example' name matches this regex."
)
@click.option("-q", "--quiet", is_flag=True, help="Print only the failed examples and why (text format).")
@ROOT_OPTION
def test_cmd(paths: tuple[str, ...], fmt: str, pattern: str | None, quiet: bool, root: str | None) -> None:
    """Run the examples of specs: given metric values, is the expected tier reached?"""
    import re

    _need_run_stack("test")
    from hurdlelang.judging.examples import run_examples

    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as error:
            raise click.BadParameter(f"not a regular expression: {error}", param_hint="--run") from None
    files = _spec_files(paths)
    if not files:
        raise click.UsageError(f"no .hurdle files under {', '.join(paths)}")
    compiled = [compile_path(f, root) for f in files]
    broken = [r for r in compiled if not r.ok]
    if broken:
        _print_diagnostics(broken, "text", sys.stderr)
    results = run_examples([s for r in compiled if r.ok for s in r.specs], pattern)
    passed = sum(r.passed for r in results)
    if fmt == "json":
        from hurdlelang.record.outputs import TestOutput

        payload = TestOutput(
            ok=not broken and passed == len(results),
            passed=passed,
            failed=len(results) - passed,
            examples=[r.to_dict() for r in results],
            diagnostics=[d.to_dict() for r in broken for d in r.diagnostics],
        )
        click.echo(payload.model_dump_json(indent=2))
    elif fmt == "junit":
        from hurdlelang.cli.ci_output import junit_test

        click.echo(junit_test(results, broken), nl=False)
    elif fmt == "github":
        from hurdlelang.cli.ci_output import example_annotation

        _print_diagnostics(broken, "github")
        for r in results:
            if not r.passed:
                click.echo(example_annotation(r))
        click.echo(f"{passed} passed, {len(results) - passed} failed")
    else:
        for r in results:
            if quiet and r.passed:
                continue
            where = f"{r.spec.source.path}:{r.example.span.line}"
            verdict = "PASS" if r.passed else "FAIL"
            got = "" if r.passed else f" (expected {r.example.expect}, got {r.got})"
            click.echo(f"{verdict} {where} {r.spec.name}: {r.example.name}{got}")
            for line in r.explanation():
                click.echo(f"    {line}")
        if not results and not quiet:
            click.echo("no examples found" + (f" matching {pattern!r}" if pattern else ""))
        if not quiet:
            click.echo(f"{passed} passed, {len(results) - passed} failed")
    sys.exit(Exit.BLOCKING if broken or passed < len(results) else Exit.OK)


@cli.command()
@click.option("--data", "data_path", required=True, type=click.Path(), help="A predictions file (CSV or Parquet).")
@click.option("--out", "out_path", type=click.Path(allow_dash=True), help="Write the spec here [default: stdout].")
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
@click.option("--label", help="The ground-truth column (found from the contents when not given).")
@click.option("--score", help="The candidate's score column; multiclass: one per class, comma-separated.")
@click.option("--baseline", help="The column of today's process: its decisions, classes, forecast or score.")
@click.option("--slice", "slices", multiple=True, help="A column to report and gate per value (repeatable).")
@click.option("--id", "id_column", help="The row id column.")
def init(
    data_path: str,
    out_path: str | None,
    force: bool,
    label: str | None,
    score: str | None,
    baseline: str | None,
    slices: tuple[str, ...],
    id_column: str | None,
) -> None:
    """Write a starting spec guessed from a predictions file."""
    _need_run_stack("init")
    from hurdlelang.cli.init_detect import Overrides
    from hurdlelang.cli.init_spec import init_spec
    from hurdlelang.core.atomic_write import WRITE_HINT, write_atomically
    from hurdlelang.core.diagnostics import DiagnosticError
    from hurdlelang.data.read import read_table

    out_path = None if out_path == "-" else out_path
    if out_path and Path(out_path).exists() and not force:
        raise click.UsageError(f"{out_path} exists; pass --force to overwrite it")
    try:
        over = Overrides(
            label=label,
            score=[c.strip() for c in (score or "").split(",") if c.strip()],
            baseline=baseline,
            slices=[c.strip() for s in slices for c in s.split(",") if c.strip()],
            id=id_column,
        )
        text = init_spec(read_table(data_path), over)
    except DiagnosticError as error:
        _fail(error.diagnostics, None, Exit.BLOCKING)
    if out_path:
        try:
            write_atomically(out_path, text)
        except OSError as error:
            click.echo(f"{out_path}: O001 cannot write the spec: {error.strerror or error}", err=True)
            click.echo(f"  hint: {getattr(error, 'hint', WRITE_HINT)}", err=True)
            sys.exit(Exit.OUTPUT_ERROR)
        click.echo(f"wrote {out_path}: check it with `hurdlec check {out_path}`, then agree the hurdles")
    else:
        click.echo(text, nl=False)


def _need_spark() -> None:
    from hurdlelang.cli.needs import spark_problem

    problem = spark_problem()
    if problem is not None:
        _fail([problem], None, Exit.USAGE)


def _pairs(values: tuple[str, ...]) -> dict[str, str]:
    pairs = {}
    for value in values:
        name, sep, path = value.partition("=")
        if not sep or not name or not path:
            raise click.BadParameter(f"expected BASELINE=FILE, got {value!r}", param_hint="--baseline-data")
        pairs[name] = path
    return pairs


@cli.command()
@click.argument("spec_path", metavar="SPEC", type=click.Path())
@click.option(
    "--data",
    "data_path",
    required=True,
    type=click.Path(),
    help="Predictions: a CSV, TSV, .csv.gz or Parquet file, a glob of them or a folder of Parquet files; with "
    "--engine spark also a table or a path Spark reads.",
)
@click.option(
    "--baseline-data",
    multiple=True,
    metavar="BASELINE=FILE",
    help="A baseline's decisions in their own file, joined on the spec's id column.",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(),
    help="Where to write the decision record [default: SPEC_NAME.decision.json].",
)
@click.option("--model-id", help="Identifier of the candidate model, kept in the record.")
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "pandas", "spark"]),
    default="duckdb",
    show_default=True,
    help="What reads and checks the data: duckdb (files, globs, Parquet folders, .csv.gz, out of core); pandas "
    "(the whole file in memory; also what --baseline-data uses); spark reads what the Spark session reads "
    "(tables, s3a://, hdfs://) and checks it there.",
)
@click.option("--spec", "spec_name", help="Which spec, when the file holds several.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github", "junit"]),
    default="text",
    show_default=True,
    help="text: the summary; json: the record; github: the summary and the decision as an annotation; "
    "junit: guards, tiers and the decision as XML test results.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the record to stdout: the same as --format json.")
@click.option(
    "-q", "--quiet", is_flag=True, help="Print no summary, warnings or notes: only errors (the exit code decides)."
)
@click.option(
    "--log",
    "log_path",
    type=click.Path(dir_okay=False),
    help="Append the decision to this hash-chained log (JSON lines); `hurdlec verify --log` checks it.",
)
@click.option(
    "--seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Seed of the bootstrap (and of random dummy baselines).",
)
@click.option(
    "--resamples",
    type=click.IntRange(min=100),
    default=1000,
    show_default=True,
    help="Bootstrap resamples for confidence levels.",
)
@click.option(
    "--auc-method",
    type=click.Choice(["normal", "binned", "exact"]),
    default="normal",
    show_default=True,
    help="How roc_auc and pr_auc get their intervals: normal (delta method on scopes with at least 200 "
    "positives and 200 negatives, binned bootstrap below), binned or exact (bootstrap every scope).",
)
@click.option(
    "--override",
    "override_tier",
    metavar="TIER",
    help="Record a person's decision instead of the computed one (needs --reason and --by).",
)
@click.option("--reason", help="Why the decision is overridden.")
@click.option("--by", "by", help="Who overrides the decision.")
@click.option(
    "--fail-on",
    multiple=True,
    metavar="TIER",
    help="Treat reaching this tier as blocking (exit 1), e.g. a pilot tier in a release gate.",
)
@click.option("--mlflow-run", metavar="RUN_ID", help="Log the record, decision and metrics to this MLflow run.")
@click.option(
    "--mlflow-experiment", metavar="NAME", help="Log them to a new MLflow run in this experiment (made if need be)."
)
@click.option(
    "--mlflow-alias",
    metavar="ALIAS",
    help="Point this registered-model alias at the model version only when a tier that does not block is reached.",
)
@click.option(
    "--mlflow-tracking-uri",
    metavar="URI",
    help="The MLflow tracking store [default: MLFLOW_TRACKING_URI, else MLflow's own default].",
)
@ROOT_OPTION
def run(
    spec_path,
    data_path,
    baseline_data,
    out_path,
    model_id,
    engine,
    spec_name,
    fmt,
    as_json,
    log_path,
    seed,
    resamples,
    auc_method,
    override_tier,
    reason,
    by,
    fail_on,
    mlflow_run,
    mlflow_experiment,
    mlflow_alias,
    mlflow_tracking_uri,
    quiet,
    root,
) -> None:
    """Evaluate predictions against a spec and write the decision record."""
    _need_run_stack("run")
    if engine == "spark":
        _need_spark()
    from hurdlelang.judging.failures import RunFailure
    from hurdlelang.judging.runner import RunOptions, execute
    from hurdlelang.record.model import Override

    fmt = "json" if as_json else fmt
    if out_path == "-" and fmt in ("github", "junit"):
        raise click.UsageError(f"--out - prints the record on stdout, where --format {fmt} prints too")
    if spec_path == "-" and "-" in (data_path, *_pairs(baseline_data).values()):
        raise click.UsageError("the spec and the data cannot both come from standard input (-)")
    override = None
    if override_tier or reason or by:
        if not (override_tier and reason and by):
            raise click.UsageError("an override needs all three: --override TIER --reason TEXT --by NAME")
        override = Override(tier=override_tier, reason=reason, by=by)
    result = compile_path(spec_path, root)
    if not result.ok:
        _fail(result.diagnostics, result, Exit.SPEC_ERROR)
    options = RunOptions(
        data_path=data_path,
        baseline_data=_pairs(baseline_data),
        out_path=out_path,
        model_id=model_id,
        spec_name=spec_name,
        seed=seed,
        resamples=resamples,
        auc_method=auc_method,
        override=override,
        fail_on=tuple(fail_on),
        root=root,
        engine=engine,
        mlflow_tracking_uri=mlflow_tracking_uri,
    )
    from hurdlelang.data.mlflow_store import is_run_uri, missing_diagnostic

    if any(map(is_run_uri, [data_path, *options.baseline_data.values()])) and missing_diagnostic() is not None:
        _fail([missing_diagnostic()], None, Exit.USAGE)
    from hurdlelang.cli.run_mlflow import log_outcome, mlflow_target

    target = mlflow_target(mlflow_run, mlflow_experiment, mlflow_alias, mlflow_tracking_uri, model_id)
    finish = None
    if target is not None:
        from hurdlelang.judging.mlflow_log import attach

        def finish(record):
            return attach(target, record)

    # the libraries just imported (pandas, numpy, pydantic's schemas) live as long as the process:
    # out of the collector's sight, a record of thousands of entries no longer makes every full
    # collection walk them again (a tenth of the run with 500 slice values)
    gc.freeze()
    try:
        with progress.reporting(sys.stderr):  # only on a terminal, only after 2 s
            outcome = execute(result, options, finish)
    except RunFailure as failure:
        _fail(failure.diagnostics, result, failure_exit(failure))
    if target is not None:
        log_outcome(target, outcome, quiet)
    if not quiet:
        for w in [d for d in result.diagnostics if not d.is_error]:
            click.echo(render_text(w, result.source), err=True)
        for w in outcome.warnings:
            click.echo(render_text(w, None), err=True)
    if log_path:
        _append_log(log_path, outcome, quiet)
    _print_run(outcome, result, fmt, quiet)
    sys.exit(outcome.exit_code)


def _append_log(log_path: str, outcome, quiet: bool) -> None:
    """One entry per run in the decision log, chained to the one before (record/decision_log.py)."""
    import hashlib

    from hurdlelang.core import codes
    from hurdlelang.record.decision_log import append, entry_for

    record = outcome.record
    digest = hashlib.sha256((outcome.record_json + "\n").encode()).hexdigest()
    try:
        entry = append(log_path, entry_for(record, outcome.record_path, digest))
    except (OSError, ValueError, KeyError) as error:
        problem = Diagnostic(
            codes.CANNOT_WRITE,
            f"cannot append to the decision log: {getattr(error, 'strerror', None) or error}",
            log_path,
            hint="the record was written; check the log file (hurdlec verify --log) and that it is writable",
        )
        _fail([problem], None, Exit.OUTPUT_ERROR)
    if not quiet:
        click.echo(f"log: {log_path} entry {entry['seq']}, hash {entry['hash']}", err=True)


def _print_run(outcome, result: CompileResult, fmt: str, quiet: bool) -> None:
    """The run's output in the chosen format, and the GitHub job summary when there is one. With
    `--out -` the record is what stdout carries, and the summary goes to stderr."""
    from hurdlelang.cli import ci_output

    record = outcome.record
    spec = next(s for s in result.specs if s.name == record.spec.name)
    to_stdout = outcome.record_path == "-"
    if fmt == "json" or to_stdout:
        click.echo(outcome.record_json)
    if fmt == "junit":
        click.echo(ci_output.junit_run(record), nl=False)
    elif fmt in ("text", "github") and not quiet:
        click.echo(outcome.summary, err=to_stdout)
    if fmt == "github":
        for w in [d for d in result.diagnostics if not d.is_error]:
            click.echo(render_github(w))
        click.echo(ci_output.run_annotation(record, spec))
    ci_output.write_step_summary(ci_output.step_summary(record))


@cli.command()
@click.argument("which", type=click.Choice(["record", "ir", "check", "test", "plan"]))
def schema(which: str) -> None:
    """Print a JSON Schema: the decision record, the IR, or the JSON of check, test or plan."""
    from hurdlelang.record.schemas import GENERATORS, render

    click.echo(render(GENERATORS[which]()), nl=False)


def _register() -> None:
    """Commands that live in modules of their own (each imports only what it needs when run)."""
    from hurdlelang.cli.fmt import fmt
    from hurdlelang.cli.lsp import lsp
    from hurdlelang.cli.plan import plan
    from hurdlelang.cli.report import report
    from hurdlelang.cli.verify import verify

    cli.add_command(fmt)
    cli.add_command(lsp)
    cli.add_command(plan)
    cli.add_command(report)
    cli.add_command(verify)


# The one line each command has in `hurdlec --help` (click would cut a docstring's first sentence
# at the terminal's width with "..."; these are short enough to be shown whole).
SUMMARIES = {
    "check": "Compile specs (files, folders, - for stdin) and report problems.",
    "compile": "Print the checked spec (the IR) as JSON.",
    "test": "Run the specs' examples: is each expected tier reached?",
    "init": "Write a starting spec guessed from a predictions file.",
    "run": "Judge predictions against a spec and write the decision record.",
    "schema": "Print a JSON Schema: record, ir, check, test or plan output.",
    "fmt": "Lay out specs canonically, comments kept.",
    "lsp": "Run the language server for editors (stdio).",
    "plan": "Say how many rows each tier needs, from a pilot.",
    "report": "Turn a decision record into a Markdown or HTML page.",
    "verify": "Re-derive a record and say what differs; check a log.",
}

_register()
for _name, _command in cli.commands.items():
    _command.short_help = SUMMARIES[_name]


def main() -> None:
    try:
        cli.main(prog_name="hurdlec")
    except Exception as error:  # a bug of ours must still not show users a traceback
        click.echo(f"hurdlec: internal error: {type(error).__name__}: {error}", err=True)
        click.echo("please report this with the command you ran", err=True)
        sys.exit(Exit.INTERNAL)
