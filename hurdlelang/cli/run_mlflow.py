"""`hurdlec run`'s MLflow options (docs/ci.md#mlflow): where the decision goes, checked before
anything is judged, and the logging once the record is written. mlflow is imported only when used."""

from __future__ import annotations

from pathlib import Path

import click

from hurdlelang.cli.stop import fail as _fail
from hurdlelang.core.exit_codes import Exit


def mlflow_target(run_id, experiment, alias, tracking_uri, model_id):
    """Where the decision is to be logged in MLflow, checked before anything is judged; None: nowhere."""
    if not (run_id or experiment or alias):
        return None
    if run_id and experiment:
        raise click.UsageError("give --mlflow-run RUN_ID or --mlflow-experiment NAME, not both")
    if not (run_id or experiment):
        raise click.UsageError("--mlflow-alias needs --mlflow-run RUN_ID or --mlflow-experiment NAME")
    from hurdlelang.core.diagnostics import DiagnosticError
    from hurdlelang.judging.mlflow_log import prepare

    try:
        return prepare(run_id=run_id, experiment=experiment, alias=alias, model_id=model_id, tracking_uri=tracking_uri)
    except DiagnosticError as error:
        _fail(error.diagnostics, None, Exit.USAGE)


def log_outcome(target, outcome, quiet: bool) -> None:
    import tempfile

    from hurdlelang.core.diagnostics import DiagnosticError
    from hurdlelang.judging.mlflow_log import log

    record = outcome.record
    try:
        if outcome.record_path != "-":
            log(target, record, outcome.record_path)
        else:  # --out -: the artifact is the same bytes, from a file of the default name
            with tempfile.TemporaryDirectory(prefix="hurdlec-") as folder:
                path = Path(folder) / f"{record.spec.name}.decision.json"
                path.write_text(outcome.record_json + "\n", encoding="utf-8")
                log(target, record, str(path))
    except DiagnosticError as error:
        _fail(error.diagnostics, None, Exit.OUTPUT_ERROR)
    if quiet:
        return
    alias = record.mlflow.alias
    said = "" if alias is None else f"; alias {alias.name!r} of {alias.model} version {alias.version} {alias.reason}"
    click.echo(
        f"mlflow: logged to run {record.mlflow.run_id} (experiment {record.mlflow.experiment_id}){said}", err=True
    )
