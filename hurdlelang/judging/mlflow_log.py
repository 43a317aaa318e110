"""A decision logged to MLflow (docs/ci.md#mlflow): the record as an artifact of a run, the decision as
its tags, every metric and interval bound as its metrics (names: record/mlflow_names.py), and a
registered model's alias set only when the decision lets the model ship.

In three steps, so that nothing is left half done by a run that fails early: `prepare` (before
judging: the store answers, the run and the model version exist), `attach` (the decision known: the
new run created, the alias set or not, and the record told so before it is written), `log` (the
record written: the artifact, tags and metrics)."""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from hurdlelang.core import codes
from hurdlelang.core.diagnostics import Diagnostic, DiagnosticError
from hurdlelang.core.exit_codes import Exit
from hurdlelang.data.mlflow_store import client, failed, get_run, not_found, public_uri
from hurdlelang.record.mlflow_names import decision_entries, record_entries, record_metrics, record_tags
from hurdlelang.record.model import AliasInfo, DecisionRecord, MlflowInfo

ARTIFACT_DIR = "hurdle"
MODELS = "models:/"
BATCH_METRICS = 1000  # MLflow's limits on one log_batch call
BATCH_TAGS = 100


@dataclass(frozen=True)
class AliasPlan:
    model: str
    version: str
    alias: str


@dataclass
class Target:
    """Where a decision goes: an existing run, or a new one in an experiment (made by `attach`)."""

    client: object
    run_id: str | None
    experiment_id: str
    experiment_name: str | None  # set when the run is to be created
    alias: AliasPlan | None
    created: bool = False


def _where(option: str) -> str:
    return f"--{option}"


def _model_version(mlflow_client, alias: str, model_id: str | None, run_id: str | None) -> AliasPlan:
    """The registered model version an alias would point at: --model-id models:/NAME/VERSION, else the
    one version registered from the run."""
    if model_id and model_id.startswith(MODELS):
        name, _, version = model_id[len(MODELS) :].rpartition("/")
        try:
            found = mlflow_client.get_model_version(name, version)
        except Exception as error:
            if not_found(error) or not name:
                raise DiagnosticError(
                    [
                        Diagnostic(
                            codes.MLFLOW_MODEL_NOT_FOUND,
                            f"no version {version!r} of registered model {name!r}",
                            "--model-id",
                            hint="give an existing version as --model-id models:/NAME/VERSION (the MLflow UI's "
                            "Models page lists them)",
                        )
                    ]
                ) from None
            raise DiagnosticError([failed(error, f"read model {model_id}", "--model-id")]) from None
        return AliasPlan(found.name, str(found.version), alias)
    if run_id is None:
        raise DiagnosticError(
            [
                Diagnostic(
                    codes.MLFLOW_MODEL_NOT_FOUND,
                    "--mlflow-alias needs the registered model version to point at",
                    _where("mlflow-alias"),
                    hint="give it as --model-id models:/NAME/VERSION (a new run has no registered model yet)",
                )
            ]
        )
    try:
        versions = mlflow_client.search_model_versions(f"run_id = '{run_id}'")
    except Exception as error:
        raise DiagnosticError([failed(error, "search registered models", _where("mlflow-alias"))]) from None
    if len(versions) != 1:
        listed = ", ".join(f"{v.name} version {v.version}" for v in versions[:5])
        raise DiagnosticError(
            [
                Diagnostic(
                    codes.MLFLOW_MODEL_NOT_FOUND,
                    f"run {run_id} has no registered model version"
                    if not versions
                    else f"run {run_id} has {len(versions)} registered model versions ({listed}): which one?",
                    _where("mlflow-alias"),
                    hint="register the run's model (mlflow.register_model) or say which version with "
                    "--model-id models:/NAME/VERSION",
                )
            ]
        )
    return AliasPlan(versions[0].name, str(versions[0].version), alias)


def prepare(
    *,
    run_id: str | None = None,
    experiment: str | None = None,
    alias: str | None = None,
    model_id: str | None = None,
    tracking_uri: str | None = None,
) -> Target:
    """Check, before anything is judged, that the decision can be logged where it is asked to go."""
    if (run_id is None) == (experiment is None):
        raise TypeError("give either an MLflow run id or an experiment name")
    mlflow_client = client(tracking_uri)
    if run_id is not None:
        run = get_run(mlflow_client, run_id, _where("mlflow-run"))
        experiment_id = run.info.experiment_id
    else:
        try:
            found = mlflow_client.get_experiment_by_name(experiment)
        except Exception as error:
            raise DiagnosticError([failed(error, f"read experiment {experiment!r}", "--mlflow-experiment")]) from None
        experiment_id = found.experiment_id if found is not None else ""
    plan = _model_version(mlflow_client, alias, model_id, run_id) if alias else None
    return Target(mlflow_client, run_id, experiment_id, experiment if run_id is None else None, plan)


def _alias_reason(record: DecisionRecord) -> tuple[bool, str]:
    outcome = record.outcome
    if outcome.status == "inconclusive":
        return False, f"not set: the decision is inconclusive ({outcome.reason})"
    if record.run.exit_code == Exit.OK:
        return True, f"set: tier {outcome.tier!r} was reached and does not block"
    why = "is a --fail-on tier" if outcome.tier in record.run.fail_on else "blocks (the fall-back)"
    return False, f"not set: tier {outcome.tier!r} {why}"


def attach(target: Target, record: DecisionRecord) -> DecisionRecord:
    """The decision is known: make the run if it is new, set the alias if the tier lets the model ship,
    and return the record saying so (it is written after this)."""
    mlflow_client = target.client
    try:
        if target.run_id is None:
            if not target.experiment_id:
                target.experiment_id = mlflow_client.create_experiment(target.experiment_name)
            run = mlflow_client.create_run(target.experiment_id, run_name=f"hurdle {record.spec.name}")
            target.run_id, target.created = run.info.run_id, True
    except Exception as error:
        raise DiagnosticError(
            [failed(error, f"create a run in experiment {target.experiment_name!r}", "--mlflow-experiment")]
        ) from None
    alias = None
    if target.alias is not None:
        plan = target.alias
        ship, reason = _alias_reason(record)
        if ship:
            try:
                mlflow_client.set_registered_model_alias(plan.model, plan.alias, plan.version)
            except Exception as error:
                raise DiagnosticError([failed(error, f"set alias {plan.alias!r}", "--mlflow-alias")]) from None
        alias = AliasInfo(model=plan.model, version=plan.version, name=plan.alias, set=ship, reason=reason)
    info = MlflowInfo(
        tracking_uri=public_uri(mlflow_client.tracking_uri),
        experiment_id=str(target.experiment_id),
        run_id=target.run_id,
        alias=alias,
    )
    return record.model_copy(update={"mlflow": info})


def _batches(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def names_table(record: DecisionRecord) -> dict[str, dict]:
    """What each logged metric name stands for in the record (logged beside it as metric_names.json):
    a metric's party, scope, metric and bound, or a condition's tier, number, text and field."""
    table = {
        name: {"party": party, "scope": scope, "metric": metric, "bound": bound}
        for name, party, scope, metric, bound, _ in record_entries(record)
    }
    table.update({name: meaning for name, meaning, _ in decision_entries(record)})
    return table


def log(target: Target, record: DecisionRecord, record_path: str) -> None:
    """The written record as an artifact of the run, the decision as tags, the metrics; a run this
    created is ended FINISHED."""
    from mlflow.entities import Metric, RunTag

    mlflow_client, run_id = target.client, target.run_id
    artifact = f"{ARTIFACT_DIR}/{Path(record_path).name}"
    stamp = int(time.time() * 1000)
    metrics = [Metric(k, v, stamp, 0) for k, v in record_metrics(record).items()]
    tags = [RunTag(k, v) for k, v in record_tags(record, artifact).items()]
    try:
        mlflow_client.log_artifact(run_id, record_path, ARTIFACT_DIR)
        with tempfile.TemporaryDirectory(prefix="hurdlec-mlflow-") as folder:
            table = os.path.join(folder, "metric_names.json")
            Path(table).write_text(json.dumps(names_table(record), indent=2, sort_keys=True) + "\n")
            mlflow_client.log_artifact(run_id, table, ARTIFACT_DIR)
        for batch in _batches(tags, BATCH_TAGS):
            mlflow_client.log_batch(run_id, tags=batch)
        for batch in _batches(metrics, BATCH_METRICS):
            mlflow_client.log_batch(run_id, metrics=batch)
        if target.created:
            mlflow_client.set_terminated(run_id, "FINISHED")
    except Exception as error:
        raise DiagnosticError([failed(error, f"log the decision to run {run_id}", record_path)]) from None
