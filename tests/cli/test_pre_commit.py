"""The pre-commit hooks, run by the real pre-commit on a temporary repository, as a user's project
would: the manifest validates, a good spec passes, a typo and a messy layout fail, the fixing hook
rewrites the file. The hooks' environment is built once for the module from a copy of this
repository's working tree (so uncommitted changes are what is tested), which also proves that
`check` and `fmt` work with the light hurdlelang-core alone: pre-commit installs only the root.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, SIMPLE_SPEC

# what `pip install .` of the root needs; the rest of the tree is not part of the hook
SHIPPED = ["pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "grammar", "hurdlelang"]
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
}
HOOKS = ["hurdlec-check", "hurdlec-fmt", "hurdlec-fmt-fix"]


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, env={**os.environ, **GIT_ENV}, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def _copy_hooks_repository(target: Path) -> str:
    """A git repository holding the shipped files as they are on disk now; returns its commit."""
    tracked = _git(ROOT, "ls-files", "-co", "--exclude-standard", "--", *SHIPPED).splitlines()
    for name in tracked:
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    _git(target, "init", "-q")
    _git(target, "add", "-A")
    _git(target, "commit", "-q", "-m", "hooks")
    return _git(target, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A user's project whose .pre-commit-config.yaml pins the hooks repository by commit."""
    base = tmp_path_factory.mktemp("pre-commit")
    hooks_repo, project, home = base / "hooks", base / "project", base / "cache"
    hooks_repo.mkdir()
    project.mkdir()
    rev = _copy_hooks_repository(hooks_repo)
    config = {"repos": [{"repo": str(hooks_repo), "rev": rev, "hooks": [{"id": h} for h in HOOKS]}]}
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    _git(project, "init", "-q")
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(home)}
    env.pop("VIRTUAL_ENV", None)

    def pre_commit(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", *args], cwd=project, env=env, capture_output=True, text=True
        )

    installed = pre_commit("install-hooks")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return project, pre_commit, home


def _run_hook(project, hook: str, name: str, text: str) -> tuple[subprocess.CompletedProcess, Path]:
    root, pre_commit, _ = project
    path = root / name
    path.write_text(text)
    _git(root, "add", name)
    return pre_commit("run", hook, "--files", name), path


def test_the_manifest_validates():
    done = subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-manifest", str(ROOT / ".pre-commit-hooks.yaml")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    ids = [hook["id"] for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())]
    assert ids == HOOKS


def test_a_good_spec_passes_every_check(project):
    for hook in ("hurdlec-check", "hurdlec-fmt"):
        done, _ = _run_hook(project, hook, "good.hurdle", SIMPLE_SPEC.read_text())
        assert done.returncode == 0, done.stdout
        assert "Passed" in done.stdout


def test_a_typo_fails_the_check_with_its_diagnostic(project):
    text = SIMPLE_SPEC.read_text().replace("precision >= 0.40", "precison >= 0.40")
    done, _ = _run_hook(project, "hurdlec-check", "typo.hurdle", text)
    assert done.returncode == 1
    assert "typo.hurdle:28:7: E101 unknown metric 'precison'" in done.stdout
    assert "did you mean 'precision'?" in done.stdout


def test_a_messy_layout_fails_the_format_check_and_is_left_alone(project):
    messy = (
        SIMPLE_SPEC.read_text().replace("  owner ", "      owner    ").replace("f1 beats as_is\n", "f1  beats as_is\n")
    )
    done, path = _run_hook(project, "hurdlec-fmt", "messy.hurdle", messy)
    assert done.returncode == 1
    assert "messy.hurdle" in done.stdout
    assert path.read_text() == messy


def test_the_fixing_hook_rewrites_the_file_in_place(project):
    messy = SIMPLE_SPEC.read_text().replace("  owner ", "      owner    ")
    done, path = _run_hook(project, "hurdlec-fmt-fix", "fixme.hurdle", messy)
    assert done.returncode == 1  # pre-commit stops the commit when a hook changed a file
    assert "files were modified by this hook" in done.stdout
    assert path.read_text() == SIMPLE_SPEC.read_text()
    again, _ = _run_hook(project, "hurdlec-fmt-fix", "fixme.hurdle", path.read_text())
    assert again.returncode == 0, again.stdout


def test_the_hook_environment_holds_only_the_light_core(project):
    _, _, home = project
    (python,) = home.glob("repo*/py_env-*/bin/python")
    code = "import importlib.util as u; print([m for m in ('numpy', 'pandas', 'sklearn', 'pyarrow') if u.find_spec(m)])"
    done = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_run_without_the_numerical_stack_says_what_to_install(project, tmp_path):
    _, _, home = project
    (hurdlec,) = home.glob("repo*/py_env-*/bin/hurdlec")
    data = tmp_path / "d.csv"
    data.write_text("bought_again,p_buy,recency_rule\n1,0.9,1\n")
    done = subprocess.run([str(hurdlec), "run", str(SIMPLE_SPEC), "--data", str(data)], capture_output=True, text=True)
    assert done.returncode == 2, done.stderr
    assert "P001 hurdlec run needs numpy, pandas, scikit-learn, pyarrow, which are not installed" in done.stderr
    assert "pip install hurdlelang" in done.stderr
    assert "Traceback" not in done.stderr
