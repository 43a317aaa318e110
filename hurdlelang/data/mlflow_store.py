"""MLflow, the tracking store: its client, its errors as diagnostics, and predictions read from a run's
artifact (`--data runs:/RUN_ID/path`). mlflow is the optional extra `hurdlelang[mlflow]`, imported
only here and in judging/mlflow_log.py, and only when an MLflow option or URI is used."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from hurdlelang.core import codes
from hurdlelang.core.diagnostics import Diagnostic, DiagnosticError

RUNS = "runs:/"
INSTALL_HINT = "install it with `pip install 'hurdlelang[mlflow]'`"
WHERE_HINT = (
    "the tracking store is MLFLOW_TRACKING_URI (or --mlflow-tracking-uri); check the run id there "
    "(`mlflow runs list` or the MLflow UI)"
)


def is_run_uri(path) -> bool:
    return isinstance(path, str) and path.startswith(RUNS)


def missing_diagnostic() -> Diagnostic | None:
    """P001 when mlflow cannot be imported, else None."""
    if importlib.util.find_spec("mlflow") is not None:
        return None
    return Diagnostic(
        codes.PACKAGE_MISSING,
        "MLflow support needs mlflow-skinny (or mlflow), which is not installed",
        "hurdlec",
        hint=INSTALL_HINT,
    )


def client(tracking_uri: str | None = None):
    """An MlflowClient of the given store (MLflow's own default when None: MLFLOW_TRACKING_URI, else
    sqlite:///mlflow.db here); P001 without mlflow."""
    problem = missing_diagnostic()
    if problem is not None:
        raise DiagnosticError([problem])
    from mlflow.tracking import MlflowClient

    return MlflowClient(tracking_uri=tracking_uri)


def public_uri(uri: str) -> str:
    """The tracking URI as the record keeps it: without a user name or password in it."""
    parts = urlsplit(uri)
    if parts.username is None and parts.password is None:
        return uri
    host = parts.hostname or ""
    return urlunsplit(parts._replace(netloc=host + (f":{parts.port}" if parts.port else "")))


def not_found(error) -> bool:
    return getattr(error, "error_code", None) == "RESOURCE_DOES_NOT_EXIST"


def first_line(error) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def failed(error, what: str, where: str) -> Diagnostic:
    """M004: an MLflow call failed for another reason (a store that does not answer, no permission)."""
    return Diagnostic(
        codes.MLFLOW_FAILED,
        f"MLflow could not {what}: {first_line(error)}",
        where,
        hint="check that the tracking store answers (MLFLOW_TRACKING_URI or --mlflow-tracking-uri) and that "
        "you may write to it",
    )


def get_run(mlflow_client, run_id: str, where: str):
    """The run, or M001 (no such run) / M004 (the store failed)."""
    try:
        return mlflow_client.get_run(run_id)
    except Exception as error:  # MlflowException, or the HTTP client's own errors
        if not_found(error):
            raise DiagnosticError(
                [
                    Diagnostic(
                        codes.MLFLOW_RUN_NOT_FOUND,
                        f"no MLflow run {run_id!r} in {public_uri(mlflow_client.tracking_uri)}",
                        where,
                        hint=WHERE_HINT,
                    )
                ]
            ) from None
        raise DiagnosticError([failed(error, f"read run {run_id!r}", where)]) from None


def split_run_uri(uri: str) -> tuple[str, str]:
    """runs:/RUN_ID/path/in/run -> (RUN_ID, path/in/run); M002 when either is empty."""
    run_id, _, artifact = uri[len(RUNS) :].lstrip("/").partition("/")
    if not run_id or not artifact.strip("/"):
        raise DiagnosticError(
            [
                Diagnostic(
                    codes.MLFLOW_ARTIFACT_NOT_FOUND,
                    "a runs:/ URI names a run and a file in it",
                    uri,
                    hint="write it as runs:/RUN_ID/path/to/predictions.csv",
                )
            ]
        )
    return run_id, artifact.strip("/")


def download(uri: str, folder: str, tracking_uri: str | None = None) -> str:
    """The run artifact `uri` copied into `folder`; its local path. M001, M002, M004 or P001."""
    run_id, artifact = split_run_uri(uri)
    mlflow_client = client(tracking_uri)
    run = get_run(mlflow_client, run_id, uri)
    Path(folder).mkdir(parents=True, exist_ok=True)
    try:
        return mlflow_client.download_artifacts(run.info.run_id, artifact, folder)
    except Exception as error:
        if not_found(error) or isinstance(error, FileNotFoundError):
            raise DiagnosticError(
                [
                    Diagnostic(
                        codes.MLFLOW_ARTIFACT_NOT_FOUND,
                        f"run {run_id} has no artifact {artifact!r}",
                        uri,
                        hint=f"list the run's artifacts with `mlflow artifacts list --run-id {run_id}`; the path "
                        "after the run id is relative to the run's artifact root",
                    )
                ]
            ) from None
        raise DiagnosticError([failed(error, f"download {artifact!r} from run {run_id}", uri)]) from None
