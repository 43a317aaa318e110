"""Record baselines may name only a regular file inside the project root (docs/security.md).

The checker refuses absolute paths and `..` escapes from the text (E122); `hurdlec run` follows
symlinks and refuses what resolves outside the root, in the same words whether or not a file is
there, and reads only regular files under the size limit (D017)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hurdlelang.judging import record_baselines
from hurdlelang.lang.check.record_paths import project_root, record_path_problem
from tests.conftest import CORPUS, invoke
from tests.hostile import changed, fifo, snapshot

BAD = CORPUS / "data"
GOOD = BAD / "binary_good.csv"
OUTSIDE = "the record path leads outside the project root"


def _project(tmp_path: Path, record: str = "records/prod.decision.json") -> Path:
    """A project (with a pyproject.toml) holding the record-baseline spec, pointing at `record`."""
    project = tmp_path / "project"
    (project / "specs" / "records").mkdir(parents=True)
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    spec = project / "specs" / "spec.hurdle"
    text = (BAD / "binary_record.hurdle").read_text()
    spec.write_text(text.replace('record "records/prod.decision.json"', f'record "{record}"'))
    return spec


def _a_record(path: Path) -> None:
    result = invoke("run", BAD / "binary.hurdle", "--data", GOOD, "--out", path)
    assert result.exit_code in (0, 1), result.stderr


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/etc/passwd", "is absolute"),
        ("C:\\records\\prod.json", "is absolute"),
        ("\\\\server\\share\\prod.json", "is absolute"),
        ("~/prod.json", "is absolute"),
        ("../../../../../../../../x.json", "leads outside the project root"),
        ("records/../../../x.json", "leads outside the project root"),
        ("..\\..\\..\\x.json", "leads outside the project root"),
        ("", "is empty"),
    ],
)
def test_the_checker_refuses_paths_that_leave_the_project(tmp_path, path, words):
    spec = _project(tmp_path, path.replace("\\", "\\\\"))
    result = invoke("check", spec)
    assert result.exit_code == 1
    assert "E122 baseline 'prod': the record path" in result.stdout, result.stdout
    assert words in result.stdout


def test_a_path_up_and_back_inside_the_root_is_fine(tmp_path):
    spec = _project(tmp_path, "../shared/prod.decision.json")  # specs/../shared: inside the project
    assert invoke("check", spec).exit_code == 0
    (spec.parent.parent / "shared").mkdir()
    _a_record(spec.parent.parent / "shared" / "prod.decision.json")
    result = invoke("run", spec, "--data", GOOD, "--out", tmp_path / "r.json")
    assert result.exit_code in (0, 1), result.stderr


def test_without_a_marker_the_root_is_the_specs_folder_and_root_widens_it(tmp_path):
    folder = tmp_path / "loose" / "specs"
    folder.mkdir(parents=True)
    assert project_root(str(folder / "s.hurdle")) == folder
    assert record_path_problem("../x.json", str(folder / "s.hurdle")) is not None
    assert record_path_problem("../x.json", str(folder / "s.hurdle"), str(tmp_path / "loose")) is None


def test_root_option_on_check_and_run(tmp_path):
    spec = _project(tmp_path, "../../shared/prod.decision.json")  # above the project
    assert invoke("check", spec).exit_code == 1
    assert invoke("run", spec, "--data", GOOD).exit_code == 4
    (tmp_path / "shared").mkdir()
    _a_record(tmp_path / "shared" / "prod.decision.json")
    assert invoke("check", "--root", tmp_path, spec).exit_code == 0
    result = invoke("run", spec, "--data", GOOD, "--root", tmp_path, "--out", tmp_path / "r.json")
    assert result.exit_code in (0, 1), result.stderr


@pytest.mark.parametrize("target_exists", [True, False])
def test_a_symlink_out_of_the_root_is_refused_without_saying_whether_the_target_exists(tmp_path, target_exists):
    spec = _project(tmp_path)
    secret = tmp_path / "elsewhere" / "prod.decision.json"
    secret.parent.mkdir()
    if target_exists:
        _a_record(secret)
    (spec.parent / "records" / "prod.decision.json").symlink_to(secret)
    before = snapshot(tmp_path)
    result = invoke("run", spec, "--data", GOOD, "--out", tmp_path / "r.json")
    assert result.exit_code == 5
    shown = spec.parent / "records" / "prod.decision.json"
    assert result.stderr.splitlines()[0] == f"{shown}: D017 baseline 'prod': {OUTSIDE}"
    assert changed(before, snapshot(tmp_path)) == set()


def test_a_fifo_record_is_refused_without_waiting(tmp_path):
    spec = _project(tmp_path)
    fifo(spec.parent / "records" / "prod.decision.json")
    result = invoke("run", spec, "--data", GOOD, "--out", tmp_path / "r.json")
    assert result.exit_code == 5
    assert "D017 baseline 'prod': cannot read the record: Is a FIFO, not a regular file" in result.stderr


def test_a_record_over_the_size_limit_is_refused(tmp_path, monkeypatch):
    spec = _project(tmp_path)
    record = spec.parent / "records" / "prod.decision.json"
    _a_record(record)
    monkeypatch.setattr(record_baselines, "MAX_RECORD_BYTES", record.stat().st_size - 1)
    result = invoke("run", spec, "--data", GOOD, "--out", tmp_path / "r.json")
    assert result.exit_code == 5
    assert f"the file is larger than the limit of {record.stat().st_size - 1:,} bytes" in result.stderr


def test_a_record_inside_the_root_still_works(tmp_path):
    spec = _project(tmp_path)
    _a_record(spec.parent / "records" / "prod.decision.json")
    shutil.copy(GOOD, tmp_path / "data.csv")
    result = invoke("run", spec, "--data", tmp_path / "data.csv", "--out", tmp_path / "r.json")
    assert result.exit_code in (0, 1), result.stderr
    assert "W401" in result.stderr  # made under another spec: read, and compared
