"""`hurdlec verify RECORD`: re-derive a decision from the spec and data the record names, and say
exactly what differs: the spec file (V001), a data file (V002), a recorded value (V003), the
versions it was made with (V004, a warning). `--log FILE` checks a decision log's hash chain
(V005). Exit codes in docs/cli.md#hurdlec-verify."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import click

from hurdlelang.core import codes
from hurdlelang.core.diagnostics import Diagnostic
from hurdlelang.core.exit_codes import Exit
from hurdlelang.core.render_diagnostics import render_github, render_text

# not part of what a re-run must reproduce (when and where it ran, who logged it where), or
# reported on their own (the files' hashes: V001, V002; the versions: V004)
IGNORED = {
    "created_at",
    "tool",
    "run.versions",
    "run.git",
    "run.ci",
    "run.command",
    "mlflow",
    "spec.path",
    "spec.sha256",
}
SHOWN = 20


def _leaves(node, prefix: str = "") -> dict[str, object]:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            out.update(_leaves(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(node, list):
        out = {}
        for i, value in enumerate(node):
            out.update(_leaves(value, f"{prefix}[{i}]"))
        return out if node else {prefix: []}
    return {prefix: node}


def _ignored(path: str) -> bool:
    if any(path == p or path.startswith(p + ".") or path.startswith(p + "[") for p in IGNORED):
        return True
    return path.startswith("data.files[") and path.endswith((".path", ".sha256"))


def differences(recorded: dict, derived: dict) -> list[tuple[str, object, object]]:
    """(path, recorded, now) for every value that differs; a field the older record's version did
    not have is not a difference."""
    old, new = _leaves(recorded), _leaves(derived)
    found = []
    for path in sorted(set(old) | set(new), key=lambda p: (p not in old, p)):
        if _ignored(path) or path not in old:
            continue
        if old.get(path) != new.get(path):
            found.append((path, old.get(path), new.get(path, "(absent)")))
    return found


def _sha256(path: str) -> str | None:
    from hurdlelang.record.model import file_sha256

    try:
        return file_sha256(path)
    except OSError:
        return None


def _check_files(record, record_path: str, spec_path: str, data_path: str, baselines: dict[str, str]) -> list:
    findings = []
    spec_now = _sha256(spec_path)
    if spec_now != record.spec.sha256:
        what = "cannot be read" if spec_now is None else f"has SHA-256 {spec_now}"
        findings.append(
            Diagnostic(
                codes.SPEC_CHANGED,
                f"the spec changed: {spec_path} {what}, the record names {record.spec.sha256}",
                record_path,
                hint="verify against the spec the record was made with (--spec FILE), found by its SHA-256",
            )
        )
    paths = {"predictions": data_path} | {f"baseline {n}": p for n, p in baselines.items()}
    for f in record.data.files:
        path = paths.get(f.role)
        now = _sha256(path) if path else None
        if now != f.sha256:
            what = "cannot be read" if now is None else f"has SHA-256 {now}"
            findings.append(
                Diagnostic(
                    codes.DATA_CHANGED,
                    f"the data changed: {f.role} file {path or f.path} {what}, the record names {f.sha256}",
                    record_path,
                    hint="give the file the record was made from with --data FILE (found by its SHA-256)",
                )
            )
    return findings


def _check_versions(record, derived: dict, record_path: str) -> list:
    from hurdlelang.core.version import __version__

    findings = []
    if record.tool.version != __version__:
        findings.append(
            Diagnostic(
                codes.VERSIONS_DIFFER,
                f"the record was made by hurdlec {record.tool.version}, this is hurdlec {__version__}",
                record_path,
                hint="a number that differs may come from the new version: install the recorded one to be sure",
            )
        )
    then, now = record.run.versions, derived["run"]["versions"]
    changed = [f"{k} {then[k]} -> {now.get(k)}" for k in then if k != "hurdlelang" and then[k] != now.get(k)]
    if changed:
        findings.append(
            Diagnostic(
                codes.VERSIONS_DIFFER,
                f"the libraries differ: {', '.join(changed)}",
                record_path,
                hint="numbers can move in the last digits across library versions",
            )
        )
    return findings


def _rederive(record, spec_path: str, data_path: str, baselines: dict[str, str]):
    """Run the spec on the data again, with every option the record kept; returns the new record
    (as JSON) or stops with the run's own diagnostics and exit code."""
    from hurdlelang.cli.stop import fail as _fail
    from hurdlelang.cli.stop import failure_exit
    from hurdlelang.judging.failures import RunFailure
    from hurdlelang.judging.runner import RunOptions, execute
    from hurdlelang.lang.compiler import compile_path

    result = compile_path(spec_path)
    if not result.ok:
        _fail(result.diagnostics, result, Exit.SPEC_ERROR)
    with tempfile.TemporaryDirectory(prefix="hurdlec-verify-") as folder:
        options = RunOptions(
            data_path=data_path,
            baseline_data=baselines,
            out_path=str(Path(folder) / "rederived.json"),
            model_id=record.model_id,
            spec_name=record.spec.name,
            seed=record.run.seed,
            resamples=record.run.resamples,
            auc_method=record.run.auc_method,
            override=record.outcome.override,
            fail_on=tuple(record.run.fail_on),
        )
        try:
            outcome = execute(result, options)
        except RunFailure as failure:
            _fail(failure.diagnostics, result, failure_exit(failure))
    return json.loads(outcome.record_json)


def _show(value) -> str:
    return json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value


def verify_record(
    record_path: str, spec_path: str | None, data_path: str | None, tracking_uri: str | None = None
) -> list[Diagnostic]:
    from hurdlelang.record.load import RecordError, load_record

    try:
        record = load_record(record_path)
    except RecordError as error:
        return [Diagnostic(codes.CANNOT_READ_RECORD, error.message, record_path, hint=error.hint)]
    recorded = json.loads(Path(record_path).read_text(encoding="utf-8"))
    spec_path = spec_path or record.spec.path
    predictions = next(f for f in record.data.files if f.role == "predictions")
    data_path = data_path or predictions.path
    baselines = {f.role.removeprefix("baseline "): f.path for f in record.data.files if f.role.startswith("baseline ")}
    if data_path == "<DataFrame>":
        return [
            Diagnostic(
                codes.DATA_CHANGED,
                "the record was made from a DataFrame (the Python API): there is no file to re-read",
                record_path,
                hint="save the DataFrame and give it with --data FILE; its SHA-256 will differ from the record's",
            )
        ]
    if data_path == "<stdin>":
        return [
            Diagnostic(
                codes.DATA_CHANGED,
                "the record was made from data read on standard input: there is no file to re-read",
                record_path,
                hint="give the same data as a file with --data FILE (or on standard input with --data -)",
            )
        ]
    from hurdlelang.cli.stop import fail as _fail
    from hurdlelang.core.diagnostics import DiagnosticError
    from hurdlelang.data.fetch import local_copies

    paths = {"predictions": data_path} | {f"baseline {n}": p for n, p in baselines.items()}
    try:  # files named by a runs:/ URI are downloaded (--mlflow-tracking-uri, else MLFLOW_TRACKING_URI)
        with local_copies(paths, tracking_uri) as (local, _):
            data_path = local["predictions"]
            baselines = {n: local[f"baseline {n}"] for n in baselines}
            findings = _check_files(record, record_path, spec_path, data_path, baselines)
            derived = _rederive(record, spec_path, data_path, baselines)
    except DiagnosticError as error:
        _fail(error.diagnostics, None, Exit.DATA_ERROR)
    findings += _check_versions(record, derived, record_path)
    diffs = differences(recorded, derived)
    for path, then, now in diffs[:SHOWN]:
        findings.append(
            Diagnostic(
                codes.VALUE_CHANGED,
                f"{path}: recorded {_show(then)}, re-derived {_show(now)}",
                record_path,
                hint="the decision changed" if path.startswith("outcome.") else None,
            )
        )
    if len(diffs) > SHOWN:
        findings.append(Diagnostic(codes.VALUE_CHANGED, f"and {len(diffs) - SHOWN} more value(s) differ", record_path))
    return findings


def verify_log(log_path: str, head: str | None) -> tuple[int, list[Diagnostic]]:
    from hurdlelang.record.decision_log import check

    try:
        count, problems = check(log_path, head)
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        return 0, [Diagnostic(codes.LOG_BROKEN, f"the decision log cannot be read: {reason}", log_path)]
    return count, [
        Diagnostic(
            codes.LOG_BROKEN,
            f"line {p.line}: {p.message}",
            log_path,
            hint="the log is append-only: compare with a copy you trust (the CI logs print each entry's hash)",
        )
        for p in problems
    ]


def _junit(findings: list[Diagnostic], checks: list[tuple[str, list[str]]]) -> str:
    import xml.etree.ElementTree as ET

    root = ET.Element("testsuites", name="hurdlec verify")
    suite = ET.SubElement(root, "testsuite", name="hurdlec verify")
    for name, wanted in checks:
        case = ET.SubElement(suite, "testcase", classname="hurdlec.verify", name=name)
        mine = [d for d in findings if d.code in wanted and d.is_error]
        if mine:
            failure = ET.SubElement(case, "failure", message=f"{mine[0].code} {mine[0].message}", type="failure")
            failure.text = "\n".join(f"{d.code} {d.message}" for d in mine)
    cases = suite.findall("testcase")
    failed = sum(c.find("failure") is not None for c in cases)
    for element in (root, suite):
        element.set("tests", str(len(cases)))
        element.set("failures", str(failed))
        element.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


@click.command()
@click.argument("record_path", metavar="RECORD", required=False, type=click.Path())
@click.option(
    "--data",
    "data_path",
    type=click.Path(),
    help="The predictions file, - for stdin [default: the path in the record].",
)
@click.option("--spec", "spec_path", type=click.Path(), help="The spec file [default: the path in the record].")
@click.option("--log", "log_path", type=click.Path(), help="Check this decision log's hash chain too (or alone).")
@click.option("--log-head", metavar="HASH", help="The last entry's hash as kept elsewhere: detects a cut-off tail.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github", "junit"]),
    default="text",
    show_default=True,
    help="text for people; json; github: annotations; junit: one test case per check.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only what differs (no warnings, no verdict line).")
@click.option(
    "--mlflow-tracking-uri",
    metavar="URI",
    help="The MLflow store that runs:/ data is downloaded from [default: MLFLOW_TRACKING_URI].",
)
def verify(record_path, data_path, spec_path, log_path, log_head, fmt, quiet, mlflow_tracking_uri) -> None:
    """Re-derive a decision record from its spec and data and report exactly what differs; check a
    decision log's hash chain."""
    if not record_path and not log_path:
        raise click.UsageError("give a RECORD, a --log FILE, or both")
    findings: list[Diagnostic] = []
    checks = []
    if record_path:
        from hurdlelang.cli.stop import need_run_stack

        need_run_stack("verify")
        findings += verify_record(record_path, spec_path, data_path, mlflow_tracking_uri)
        checks += [
            ("the record can be read", [codes.CANNOT_READ_RECORD]),
            ("the spec is the recorded one", [codes.SPEC_CHANGED]),
            ("the data is the recorded one", [codes.DATA_CHANGED]),
            ("every recorded value is re-derived", [codes.VALUE_CHANGED]),
        ]
    entries = 0
    if log_path:
        entries, problems = verify_log(log_path, log_head)
        findings += problems
        checks.append(("the decision log's chain holds", [codes.LOG_BROKEN]))
    failed = any(d.is_error for d in findings)
    if fmt == "json":
        payload = {
            "schema_version": "1",
            "record": record_path,
            "log": log_path,
            "log_entries": entries if log_path else None,
            "verified": not failed,
            "findings": [d.to_dict() for d in findings],
        }
        click.echo(json.dumps(payload, indent=2))
    elif fmt == "junit":
        click.echo(_junit(findings, checks), nl=False)
    else:
        for d in findings:
            if quiet and not d.is_error:
                continue
            click.echo(render_github(d) if fmt == "github" else render_text(d))
        if fmt == "text" and not quiet:
            what = [f"record {record_path}"] if record_path else []
            what += [f"log {log_path} ({entries} entries)"] if log_path else []
            verdict = "differs" if failed else "verified"
            click.echo(f"{verdict}: {', '.join(what)}")
    sys.exit(Exit.BLOCKING if failed else Exit.OK)
