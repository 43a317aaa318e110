from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from hurdlelang.cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "specs" / "examples"
EXAMPLE_SPEC = EXAMPLES / "repeat_purchase.hurdle"
CORPUS = ROOT / "tests" / "corpus"
SIMPLE_SPEC = CORPUS / "specs" / "simple.hurdle"
EXAMPLE_DATA = EXAMPLES / "data" / "repeat_purchase.csv"
TEST_SPECS = CORPUS / "specs"


@dataclass
class Invocation:
    exit_code: int
    stdout: str
    stderr: str


def invoke(*args: str) -> Invocation:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Invocation(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def hurdlec():
    return invoke


@pytest.fixture(scope="session")
def mlflow_store(tmp_path_factory):
    """A real MLflow tracking store for the session: SQLite in a temporary folder (MLflow's own default
    kind of store; making its tables takes seconds), artifacts beside it. (uri, client, experiment id)."""
    import contextlib

    from mlflow.tracking import MlflowClient

    folder = tmp_path_factory.mktemp("mlflow")
    uri = f"sqlite:///{folder / 'mlflow.db'}"
    # MLflow keeps one store per URI, made on first use, whose default artifact root is ./mlruns then:
    # make it here, so that a new experiment's artifacts land in the temporary folder too
    with contextlib.chdir(folder):
        client = MlflowClient(tracking_uri=uri)
        experiment = client.create_experiment("gate", artifact_location=(folder / "artifacts").as_uri())
    return uri, client, experiment


def new_run(store, model: str | None = None):
    """A run in the store's experiment; with `model`, a version of that registered model made from it."""
    uri, client, experiment = store
    run = client.create_run(experiment)
    version = None
    if model is not None:
        if not client.search_registered_models(f"name = '{model}'"):
            client.create_registered_model(model)
        version = client.create_model_version(model, f"runs:/{run.info.run_id}/model", run_id=run.info.run_id)
    return run.info.run_id, version


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`make test` runs on every core (pytest-xdist, `-n auto`); every Spark test goes to one worker,
    so a run starts one JVM, not one per worker, and its local[2] session does not fight a second one
    for the cores. xdist's own `--dist loadgroup` cannot do this on pytest 9.2 (it renames node ids
    through an attribute pytest no longer reads), so the group is told by the node id: a Spark test
    says "spark" in its name, which the hook below enforces."""
    from xdist.scheduler import LoadScopeScheduling

    class SparkOnOneWorker(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return "spark" if "spark" in nodeid else nodeid

    return SparkOnOneWorker(config, log)


def pytest_collection_modifyitems(items):
    unnamed = [item.nodeid for item in items if item.get_closest_marker("spark") and "spark" not in item.nodeid]
    if unnamed:
        raise pytest.UsageError("a test marked spark must say spark in its file or test name: " + ", ".join(unnamed))
