"""Where a run was made: the git checkout holding the spec, and the CI run, for the record's `run`.

Read from git itself (a subprocess, with a short timeout) and from the variables CI systems set;
anything that cannot be found is None rather than a guess. Nothing here can fail a run."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

from hurdlelang.record.model import CiInfo, GitInfo


def _git(folder: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _ci_branch(environ: Mapping[str, str]) -> str | None:
    """CI checkouts are often a detached HEAD; the CI system still knows the branch."""
    for name in ("GITHUB_HEAD_REF", "GITHUB_REF_NAME", "CI_COMMIT_REF_NAME", "BRANCH_NAME", "GIT_BRANCH"):
        if environ.get(name):
            return environ[name]
    return None


def git_info(path: str | Path, environ: Mapping[str, str] = os.environ) -> GitInfo | None:
    """The checkout holding `path` (a spec file): HEAD, its branch, whether tracked files changed."""
    folder = Path(path).resolve().parent
    if not folder.is_dir():
        return None
    commit = _git(folder, "rev-parse", "--verify", "-q", "HEAD")
    if not commit:
        return None
    branch = _git(folder, "symbolic-ref", "--short", "-q", "HEAD") or _ci_branch(environ)
    status = _git(folder, "status", "--porcelain", "--untracked-files=no")
    return GitInfo(commit=commit, branch=branch, dirty=bool(status))


def ci_info(environ: Mapping[str, str] = os.environ) -> CiInfo | None:
    e = environ
    if e.get("GITHUB_ACTIONS") == "true":
        run_id = e.get("GITHUB_RUN_ID")
        url = None
        if run_id and e.get("GITHUB_REPOSITORY"):
            url = f"{e.get('GITHUB_SERVER_URL', 'https://github.com')}/{e['GITHUB_REPOSITORY']}/actions/runs/{run_id}"
            if e.get("GITHUB_RUN_ATTEMPT"):
                url += f"/attempts/{e['GITHUB_RUN_ATTEMPT']}"
        return CiInfo(system="github-actions", run_id=run_id, run_url=url, job=e.get("GITHUB_JOB"))
    if e.get("GITLAB_CI") == "true":
        return CiInfo(
            system="gitlab-ci", run_id=e.get("CI_PIPELINE_ID"), run_url=e.get("CI_JOB_URL"), job=e.get("CI_JOB_NAME")
        )
    if e.get("JENKINS_URL"):
        return CiInfo(system="jenkins", run_id=e.get("BUILD_NUMBER"), run_url=e.get("BUILD_URL"), job=e.get("JOB_NAME"))
    if e.get("CI", "").lower() in ("true", "1"):
        return CiInfo(system="ci", run_id=None, run_url=None, job=None)
    return None
