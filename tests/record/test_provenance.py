"""The record's run.git and run.ci: read from a real git checkout and from CI variables."""

from __future__ import annotations

import json
import os
import subprocess

from hurdlelang.record.provenance import ci_info, git_info
from tests.conftest import EXAMPLE_DATA, SIMPLE_SPEC, invoke

ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e"}


def _git(cwd, *args) -> str:
    env = {**os.environ, **ENV, "GIT_CONFIG_GLOBAL": os.devnull}
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True).stdout.strip()


def _repo(tmp_path):
    _git(tmp_path, "init", "-q", "-b", "gate")
    spec = tmp_path / "s.hurdle"
    spec.write_text(SIMPLE_SPEC.read_text())
    _git(tmp_path, "add", "s.hurdle")
    _git(tmp_path, "commit", "-q", "-m", "spec")
    return spec, _git(tmp_path, "rev-parse", "HEAD")


def test_a_clean_checkout(tmp_path):
    spec, commit = _repo(tmp_path)
    info = git_info(spec, {})
    assert (info.commit, info.branch, info.dirty) == (commit, "gate", False)


def test_an_edited_spec_makes_it_dirty(tmp_path):
    spec, _ = _repo(tmp_path)
    spec.write_text(spec.read_text() + "\n# edited\n")
    assert git_info(spec, {}).dirty is True


def test_a_detached_head_takes_the_branch_from_ci(tmp_path):
    spec, commit = _repo(tmp_path)
    _git(tmp_path, "checkout", "-q", "--detach", commit)
    assert git_info(spec, {}).branch is None
    assert git_info(spec, {"GITHUB_HEAD_REF": "feature/x"}).branch == "feature/x"


def test_outside_a_repository_there_is_none(tmp_path, monkeypatch):
    spec = tmp_path / "s.hurdle"
    spec.write_text("x")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))  # do not look above tmp_path
    assert git_info(spec) is None


def test_ci_systems():
    github = ci_info(
        {
            "GITHUB_ACTIONS": "true",
            "GITHUB_RUN_ID": "42",
            "GITHUB_RUN_ATTEMPT": "2",
            "GITHUB_REPOSITORY": "o/r",
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_JOB": "gate",
        }
    )
    assert github.model_dump() == {
        "system": "github-actions",
        "run_id": "42",
        "run_url": "https://github.com/o/r/actions/runs/42/attempts/2",
        "job": "gate",
    }
    gitlab = ci_info({"GITLAB_CI": "true", "CI_PIPELINE_ID": "7", "CI_JOB_URL": "https://g/j/1", "CI_JOB_NAME": "h"})
    assert (gitlab.system, gitlab.run_id, gitlab.run_url, gitlab.job) == ("gitlab-ci", "7", "https://g/j/1", "h")
    jenkins = ci_info({"JENKINS_URL": "https://j", "BUILD_NUMBER": "9", "BUILD_URL": "https://j/9", "JOB_NAME": "m"})
    assert (jenkins.system, jenkins.run_id) == ("jenkins", "9")
    assert ci_info({"CI": "true"}).system == "ci"
    assert ci_info({}) is None


def test_the_record_carries_them(tmp_path, monkeypatch):
    spec, commit = _repo(tmp_path)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_RUN_ID", "5")
    monkeypatch.setenv("GITHUB_REPOSITORY", "o/r")
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    out = tmp_path / "r.json"
    assert invoke("run", spec, "--data", EXAMPLE_DATA, "--out", out).exit_code == 0
    run = json.loads(out.read_text())["run"]
    assert run["git"] == {"commit": commit, "branch": "gate", "dirty": False}
    assert run["ci"]["system"] == "github-actions" and run["ci"]["run_url"].endswith("/o/r/actions/runs/5")
