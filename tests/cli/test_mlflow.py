"""`hurdlec run` and MLflow, against a real local tracking store (SQLite in a temporary folder, the
store MLflow itself defaults to): the record logged as an artifact and read back, the decision as
tags, every metric under its documented name, data read from a run's artifact, an alias set or not
by the tier reached, and the diagnostics when something is missing."""

from __future__ import annotations

import json
import os

import pytest

from hurdlelang.core import codes
from hurdlelang.record.mlflow_names import record_metrics
from hurdlelang.record.model import DecisionRecord
from tests.conftest import EXAMPLE_DATA, EXAMPLE_SPEC, SIMPLE_SPEC, new_run

mlflow = pytest.importorskip("mlflow")


@pytest.fixture
def store(mlflow_store):
    return mlflow_store


def run_hurdlec(hurdlec, store, tmp_path, *extra, spec=SIMPLE_SPEC):
    out = tmp_path / "record.json"
    result = hurdlec("run", spec, "--data", EXAMPLE_DATA, "--out", out, "--mlflow-tracking-uri", store[0], *extra)
    return result, out


def downloaded_record(client, run_id, tmp_path) -> dict:
    got = client.download_artifacts(run_id, "hurdle/record.json", str(tmp_path / "back"))
    with open(got, encoding="utf-8") as handle:
        return json.load(handle)


def test_record_tags_and_metrics_are_logged_to_the_run(hurdlec, store, tmp_path):
    run_id, _ = new_run(store)
    result, out = run_hurdlec(hurdlec, store, tmp_path, "--mlflow-run", run_id, spec=EXAMPLE_SPEC)
    assert result.exit_code == 0, result.stderr
    assert f"mlflow: logged to run {run_id}" in result.stderr
    written = json.loads(out.read_text())
    assert written["mlflow"] == {
        "tracking_uri": store[0],
        "experiment_id": store[2],
        "run_id": run_id,
        "alias": None,
    }
    client = store[1]
    assert downloaded_record(client, run_id, tmp_path) == written
    run = client.get_run(run_id)
    tags = run.data.tags
    assert tags["hurdle.tier"] == "rollout"
    assert tags["hurdle.status"] == "decided"
    assert tags["hurdle.blocking"] == "false"
    assert tags["hurdle.exit_code"] == "0"
    assert tags["hurdle.tier.rollout"] == "held"
    assert tags["hurdle.record"] == "hurdle/record.json"
    assert tags["hurdle.spec_sha256"] == written["spec"]["sha256"]
    # every defined value and interval bound, read back from the store under its documented name
    record = DecisionRecord.model_validate(written)
    expected = record_metrics(record)
    assert run.data.metrics == pytest.approx(expected, rel=1e-12)
    cand = written["metrics"]["candidate"]
    assert run.data.metrics["candidate/precision"] == pytest.approx(cand["all"]["precision"]["value"])
    assert run.data.metrics["candidate/region/east/f1"] == pytest.approx(cand["region=east"]["f1"]["value"])
    low = cand["all"]["precision"]["interval"]["low"]
    assert run.data.metrics["candidate/precision/low"] == pytest.approx(low)
    # the names table says what each metric is
    names = client.download_artifacts(run_id, "hurdle/metric_names.json", str(tmp_path / "names"))
    with open(names, encoding="utf-8") as handle:
        table = json.load(handle)
    assert table["candidate/region/east/f1"] == {
        "party": "candidate",
        "scope": "region=east",
        "metric": "f1",
        "bound": None,
    }
    assert set(table) == set(expected)
    # how close each hurdle was: the first rollout condition's statistic, bound and hurdle, each guard
    first = written["tiers"][0]["conditions"][0]
    assert written["tiers"][0]["name"] == "rollout"
    for field in ("observed", "bound", "required"):
        assert run.data.metrics[f"tier-rollout/1/{field}"] == pytest.approx(first[field])
        assert table[f"tier-rollout/1/{field}"] == {
            "tier": "rollout",
            "condition": 1,
            "text": first["text"],
            "field": field,
        }
    assert run.data.metrics["require-1/value"] == pytest.approx(written["guards"][0]["value"])
    assert table["require-1/value"]["text"] == written["guards"][0]["text"]


def test_a_new_run_in_an_experiment_is_made_and_finished(hurdlec, store, tmp_path):
    result, out = run_hurdlec(hurdlec, store, tmp_path, "--mlflow-experiment", "gate-new-experiment")
    assert result.exit_code == 0, result.stderr
    info = json.loads(out.read_text())["mlflow"]
    client = store[1]
    experiment = client.get_experiment_by_name("gate-new-experiment")
    folder = store[0].removeprefix("sqlite:///").rsplit("/", 1)[0]
    assert experiment.artifact_location.removeprefix("file://").startswith(folder)  # not in the repository
    assert info["experiment_id"] == experiment.experiment_id
    run = client.get_run(info["run_id"])
    assert run.info.status == "FINISHED"
    assert run.info.run_name == "hurdle repeat_purchase"
    assert run.data.tags["hurdle.tier"] == "rollout"
    assert downloaded_record(client, info["run_id"], tmp_path)["outcome"]["tier"] == "rollout"


def test_the_alias_is_set_when_the_tier_ships(hurdlec, store, tmp_path):
    run_id, version = new_run(store, "retarget")
    result, out = run_hurdlec(hurdlec, store, tmp_path, "--mlflow-run", run_id, "--mlflow-alias", "champion")
    assert result.exit_code == 0, result.stderr
    alias = json.loads(out.read_text())["mlflow"]["alias"]
    assert alias == {
        "model": "retarget",
        "version": str(version.version),
        "name": "champion",
        "set": True,
        "reason": "set: tier 'rollout' was reached and does not block",
    }
    assert store[1].get_model_version_by_alias("retarget", "champion").version == version.version


def test_the_alias_is_left_alone_when_the_tier_blocks(hurdlec, store, tmp_path):
    run_id, first = new_run(store, "retarget-blocked")
    store[1].set_registered_model_alias("retarget-blocked", "champion", first.version)
    run_id, second = new_run(store, "retarget-blocked")
    result, out = run_hurdlec(
        hurdlec, store, tmp_path, "--mlflow-run", run_id, "--mlflow-alias", "champion", "--fail-on", "rollout"
    )
    assert result.exit_code == 1, result.stderr
    alias = json.loads(out.read_text())["mlflow"]["alias"]
    assert alias["set"] is False
    assert alias["version"] == str(second.version)
    assert alias["reason"] == "not set: tier 'rollout' is a --fail-on tier"
    # the alias still points at the version it pointed at before
    assert store[1].get_model_version_by_alias("retarget-blocked", "champion").version == first.version
    assert store[1].get_run(run_id).data.tags["hurdle.blocking"] == "true"


def test_the_alias_version_may_be_given_as_a_models_uri(hurdlec, store, tmp_path):
    _, version = new_run(store, "by-uri")
    run_id, _ = new_run(store)
    result, out = run_hurdlec(
        hurdlec,
        store,
        tmp_path,
        "--mlflow-run",
        run_id,
        "--mlflow-alias",
        "staging",
        "--model-id",
        f"models:/by-uri/{version.version}",
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(out.read_text())["mlflow"]["alias"]["set"] is True
    assert store[1].get_model_version_by_alias("by-uri", "staging").version == version.version


def test_predictions_are_read_from_a_run_artifact(hurdlec, store, tmp_path, monkeypatch):
    run_id, _ = new_run(store)
    store[1].log_artifact(run_id, str(EXAMPLE_DATA), "eval")
    uri = f"runs:/{run_id}/eval/{EXAMPLE_DATA.name}"
    out = tmp_path / "record.json"
    result = hurdlec("run", SIMPLE_SPEC, "--data", uri, "--out", out, "--mlflow-tracking-uri", store[0])
    assert result.exit_code == 0, result.stderr
    from_file = hurdlec("run", SIMPLE_SPEC, "--data", EXAMPLE_DATA, "--out", tmp_path / "local.json")
    record, local = json.loads(out.read_text()), json.loads((tmp_path / "local.json").read_text())
    assert record["data"]["files"][0]["path"] == uri
    assert record["data"]["files"][0]["sha256"] == local["data"]["files"][0]["sha256"]
    assert record["metrics"] == local["metrics"] and from_file.exit_code == 0
    assert f"data: {uri} (4,000 rows)" in result.stdout
    # verify downloads it again, from --mlflow-tracking-uri or MLflow's default store
    verified = hurdlec("verify", out, "--mlflow-tracking-uri", store[0])
    assert verified.exit_code == 0, verified.stdout + verified.stderr
    monkeypatch.setenv("MLFLOW_TRACKING_URI", store[0])
    verified = hurdlec("verify", out)
    assert verified.exit_code == 0, verified.stdout + verified.stderr


@pytest.mark.parametrize(
    ("args", "code", "exit_code"),
    [
        (("--mlflow-run", "0123456789abcdef0123456789abcdef"), codes.MLFLOW_RUN_NOT_FOUND, 2),
        (("--data", "runs:/0123456789abcdef0123456789abcdef/p.csv"), codes.MLFLOW_RUN_NOT_FOUND, 5),
        (("--data", "runs:/RUN/eval/missing.csv"), codes.MLFLOW_ARTIFACT_NOT_FOUND, 5),
        (("--data", "runs:/RUN"), codes.MLFLOW_ARTIFACT_NOT_FOUND, 5),
        (("--mlflow-run", "RUN", "--mlflow-alias", "champion"), codes.MLFLOW_MODEL_NOT_FOUND, 2),
        (("--mlflow-experiment", "gate", "--mlflow-alias", "x"), codes.MLFLOW_MODEL_NOT_FOUND, 2),
        (
            ("--mlflow-run", "RUN", "--mlflow-alias", "x", "--model-id", "models:/nobody/3"),
            codes.MLFLOW_MODEL_NOT_FOUND,
            2,
        ),
    ],
)
def test_what_is_missing_is_a_diagnostic(hurdlec, store, tmp_path, args, code, exit_code):
    run_id, _ = new_run(store)
    args = tuple(a.replace("RUN", run_id) if "RUN" in a else a for a in args)
    if "--data" not in args:
        args += ("--data", str(EXAMPLE_DATA))
    out = tmp_path / "record.json"
    result = hurdlec("run", SIMPLE_SPEC, "--out", out, "--mlflow-tracking-uri", store[0], *args)
    assert result.exit_code == exit_code, result.stderr
    assert f" {code} " in result.stderr and "hint:" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_a_store_that_does_not_answer_is_m004(hurdlec, tmp_path, monkeypatch):
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_TIMEOUT", "2")
    result, out = run_hurdlec(
        hurdlec, ("http://127.0.0.1:9",), tmp_path, "--mlflow-run", "0123456789abcdef0123456789abcdef"
    )
    assert result.exit_code == 2
    assert f" {codes.MLFLOW_FAILED} MLflow could not read run" in result.stderr
    assert not out.exists()


def test_options_that_do_not_go_together_are_usage_errors(hurdlec, tmp_path):
    both = hurdlec("run", SIMPLE_SPEC, "--data", EXAMPLE_DATA, "--mlflow-run", "a", "--mlflow-experiment", "b")
    assert both.exit_code == 2 and "not both" in both.stderr
    alone = hurdlec("run", SIMPLE_SPEC, "--data", EXAMPLE_DATA, "--mlflow-alias", "champion")
    assert alone.exit_code == 2 and "--mlflow-alias needs --mlflow-run" in alone.stderr


def test_without_mlflow_installed_it_is_p001(tmp_path):
    """A Python in which mlflow cannot be imported (None in sys.modules blocks an import)."""
    import subprocess
    import sys

    code = "import sys; sys.modules['mlflow'] = None\nfrom hurdlelang.cli.main import main; main()\n"
    for extra in (["--mlflow-run", "x"], ["--mlflow-experiment", "x"]):
        args = ["run", str(SIMPLE_SPEC), "--data", str(EXAMPLE_DATA), *extra]
        done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=tmp_path)
        assert done.returncode == 2, done.stderr
        assert f"{codes.PACKAGE_MISSING} MLflow support needs mlflow-skinny (or mlflow)" in done.stderr
        assert "pip install 'hurdlelang[mlflow]'" in done.stderr
    args = ["run", str(SIMPLE_SPEC), "--data", "runs:/abc/p.csv"]
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert codes.PACKAGE_MISSING in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_mlflow_says_nothing_of_its_own_on_a_new_store(tmp_path):
    """MLflow logs at INFO when it makes a SQLite store's tables; hurdlec -q prints nothing at all."""
    import subprocess
    import sys

    args = ["run", str(SIMPLE_SPEC), "--data", str(EXAMPLE_DATA), "-q", "--mlflow-experiment", "fresh"]
    args += ["--mlflow-tracking-uri", f"sqlite:///{tmp_path / 'new.db'}"]
    env = {k: v for k, v in os.environ.items() if k != "MLFLOW_LOGGING_LEVEL"}
    code = "from hurdlelang.cli.main import main; main()"
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert json.loads((tmp_path / "repeat_purchase.decision.json").read_text())["mlflow"]["run_id"]
