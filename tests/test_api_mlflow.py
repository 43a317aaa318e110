"""The Python API and MLflow (docs/api.md): judge() reads a run's artifact, log_to_mlflow() logs a
decision as `hurdlec run --mlflow-run` does, against a real local store (tests/conftest.py)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import hurdlelang
from hurdlelang.record.mlflow_names import record_metrics
from tests.conftest import EXAMPLE_DATA, SIMPLE_SPEC, new_run

pytest.importorskip("mlflow")


@pytest.fixture(scope="module")
def spec():
    return hurdlelang.load_spec(SIMPLE_SPEC)


def test_log_to_mlflow_logs_and_says_so_in_the_record(mlflow_store, spec, tmp_path):
    uri, client, _ = mlflow_store
    run_id, version = new_run(mlflow_store, "api-model")
    decision = hurdlelang.judge(spec, pd.read_csv(EXAMPLE_DATA), resamples=200)
    assert decision.record.mlflow is None
    logged = hurdlelang.log_to_mlflow(decision, run_id=run_id, alias="champion", tracking_uri=uri)
    assert logged.record.mlflow.run_id == run_id
    assert logged.record.mlflow.alias.set is True
    assert client.get_model_version_by_alias("api-model", "champion").version == version.version
    back = client.download_artifacts(run_id, f"hurdle/{spec.name}.decision.json", str(tmp_path))
    with open(back, encoding="utf-8") as handle:
        assert json.load(handle) == json.loads(logged.to_json())
    assert client.get_run(run_id).data.metrics == pytest.approx(record_metrics(logged.record), rel=1e-12)
    # the rest of the record is the decision's own
    assert logged.record.model_copy(update={"mlflow": None}) == decision.record


def test_judge_reads_a_run_artifact(mlflow_store, spec):
    uri, client, _ = mlflow_store
    run_id, _ = new_run(mlflow_store)
    client.log_artifact(run_id, str(EXAMPLE_DATA), "eval")
    artifact = f"runs:/{run_id}/eval/{EXAMPLE_DATA.name}"
    decision = hurdlelang.judge(spec, artifact, resamples=200, mlflow_tracking_uri=uri)
    local = hurdlelang.judge(spec, EXAMPLE_DATA, resamples=200)
    assert decision.record.data.files[0].path == artifact
    assert decision.record.data.files[0].sha256 == local.record.data.files[0].sha256
    assert decision.record.metrics == local.record.metrics


def test_api_errors_are_mlflow_errors_with_codes(mlflow_store, spec):
    decision = hurdlelang.judge(spec, EXAMPLE_DATA, resamples=200)
    with pytest.raises(hurdlelang.MlflowError) as caught:
        hurdlelang.log_to_mlflow(decision, run_id="0" * 32, tracking_uri=mlflow_store[0])
    assert caught.value.diagnostics[0].code == "M001"
    with pytest.raises(hurdlelang.DataError) as missing:
        hurdlelang.judge(spec, "runs:/" + "0" * 32 + "/p.csv", mlflow_tracking_uri=mlflow_store[0])
    assert missing.value.diagnostics[0].code == "M001"
    with pytest.raises(TypeError):
        hurdlelang.log_to_mlflow(decision)


def test_the_mlflow_example_in_docs_api_md_runs(mlflow_store, tmp_path, monkeypatch, capsys):
    import re

    from tests.conftest import EXAMPLE_SPEC, ROOT

    uri, client, _ = mlflow_store
    run_id, version = new_run(mlflow_store, "docs-retarget")
    client.log_artifact(run_id, str(EXAMPLE_DATA), "eval")
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "docs" / "api.md").read_text(), re.S)
    (block,) = [b for b in blocks if "log_to_mlflow" in b]
    code = (
        block.replace("runs:/3f1c.../eval/predictions.csv", f"runs:/{run_id}/eval/{EXAMPLE_DATA.name}")
        .replace('run_id="3f1c..."', f"run_id={run_id!r}")
        .replace("models:/retarget/7", f"models:/docs-retarget/{version.version}")
        .replace('"retarget.decision.json"', repr(str(tmp_path / "r.json")))
    )
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    exec(compile(code, "api.md", "exec"), {"hl": hurdlelang, "spec": hurdlelang.load_spec(EXAMPLE_SPEC)})
    assert capsys.readouterr().out.splitlines() == ["True"]
    assert json.loads((tmp_path / "r.json").read_text())["mlflow"]["run_id"] == run_id
    assert client.get_model_version_by_alias("docs-retarget", "champion").version == version.version
