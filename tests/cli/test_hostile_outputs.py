"""Hostile output and input paths on the command line: a FIFO, a symlink, a folder, a huge file.

Each case asserts the code, the exit status and that nothing in the folder changed except the one
output file meant to change. A FIFO stands in for a device (as root, `--out /dev/full` used to turn
the device node into a regular file); no real device is touched.
"""

from __future__ import annotations

import os
import shutil
import stat

import pytest

from hurdlelang.core.limits import MAX_SPEC_BYTES
from tests.conftest import CORPUS, EXAMPLE_DATA, SIMPLE_SPEC, invoke
from tests.hostile import changed, fifo, snapshot

RECORD = CORPUS / "report" / "fraud_blocking.record.json"


@pytest.fixture
def workdir(tmp_path):
    shutil.copy(SIMPLE_SPEC, tmp_path / "simple.hurdle")
    shutil.copy(EXAMPLE_DATA, tmp_path / "data.csv")
    return tmp_path


def _out_cases(workdir):
    return {
        "run": ["run", workdir / "simple.hurdle", "--data", workdir / "data.csv", "--out"],
        "report": ["report", RECORD, "--out"],
        "init": ["init", "--data", workdir / "data.csv", "--force", "--out"],
    }


@pytest.mark.parametrize("command", ["run", "report", "init"])
@pytest.mark.parametrize("through_link", [False, True])
def test_out_a_fifo_is_o001_and_the_fifo_stays(workdir, command, through_link):
    pipe = fifo(workdir / "pipe")
    out = pipe
    if through_link:
        out = workdir / "out.link"
        out.symlink_to(pipe)
    before = snapshot(workdir)
    result = invoke(*_out_cases(workdir)[command], out)
    assert result.exit_code == 6, result.stderr
    assert f"{out}: O001 cannot write the " in result.stderr
    assert "Is a FIFO, not a regular file" in result.stderr
    assert "hint: give the path of a regular file" in result.stderr
    assert "Traceback" not in result.stderr
    assert changed(before, snapshot(workdir)) == set()
    assert stat.S_ISFIFO(pipe.lstat().st_mode)


@pytest.mark.parametrize("command", ["run", "init"])
def test_out_a_folder_is_o001_and_nothing_changes(workdir, command):
    (workdir / "out").mkdir()
    before = snapshot(workdir)
    result = invoke(*_out_cases(workdir)[command], workdir / "out")
    assert result.exit_code == 6, result.stderr
    assert "O001" in result.stderr and "Is a directory" in result.stderr
    assert changed(before, snapshot(workdir)) == set()


def test_report_out_a_folder_is_bad_usage_and_nothing_changes(workdir):
    (workdir / "out").mkdir()
    before = snapshot(workdir)
    result = invoke("report", RECORD, "--out", workdir / "out")
    assert result.exit_code == 2 and "is a directory" in result.stderr
    assert changed(before, snapshot(workdir)) == set()


@pytest.mark.parametrize("command", ["run", "report", "init"])
def test_out_a_symlink_replaces_its_target_and_keeps_the_link(workdir, command):
    (workdir / "kept").mkdir()
    real = workdir / "kept" / "real.out"
    real.write_text("old")
    link = workdir / "latest.out"
    link.symlink_to(real)
    before = snapshot(workdir)
    result = invoke(*_out_cases(workdir)[command], link)
    assert result.exit_code in (0, 1), result.stderr
    assert changed(before, snapshot(workdir)) == {"kept/real.out"}
    assert link.is_symlink() and real.read_text() != "old"


def test_fmt_write_through_a_symlink_rewrites_the_target(workdir):
    real = workdir / "real.hurdle"
    real.write_text(SIMPLE_SPEC.read_text().replace("  task  binary", "  task binary"))
    link = workdir / "link.hurdle"
    link.symlink_to("real.hurdle")
    before = snapshot(workdir)
    result = invoke("fmt", "-w", link)
    assert result.exit_code == 0, result.stderr
    assert changed(before, snapshot(workdir)) == {"real.hurdle"}
    assert os.readlink(link) == "real.hurdle"
    assert "  task  binary" in real.read_text()


@pytest.mark.parametrize("command", ["check", "compile", "fmt", "test"])
def test_a_spec_that_is_a_fifo_is_e004_without_waiting(workdir, command):
    pipe = fifo(workdir / "spec.hurdle")  # nobody writes: reading it naively blocks for ever
    before = snapshot(workdir)
    result = invoke(command, pipe)
    assert result.exit_code == 1, result.stderr
    assert f"{pipe}: E004 cannot read the spec: Is a FIFO, not a regular file" in result.stdout + result.stderr
    assert changed(before, snapshot(workdir)) == set()


def test_run_with_a_fifo_spec_is_a_spec_error(workdir):
    pipe = fifo(workdir / "spec.hurdle")
    result = invoke("run", pipe, "--data", workdir / "data.csv", "--out", workdir / "r.json")
    assert result.exit_code == 4
    assert "E004 cannot read the spec: Is a FIFO" in result.stderr
    assert not (workdir / "r.json").exists()


def test_a_spec_over_the_size_limit_is_e005(workdir):
    big = workdir / "big.hurdle"
    big.write_text("# padding\n" * (MAX_SPEC_BYTES // 10 + 1))
    result = invoke("check", big)
    assert result.exit_code == 1
    assert f"{big}: E005 the spec file is larger than the limit of {MAX_SPEC_BYTES:,} bytes" in result.stdout


def test_report_of_a_fifo_is_r001(workdir):
    pipe = fifo(workdir / "record.json")
    result = invoke("report", pipe)
    assert result.exit_code == 1
    assert f"{pipe}: R001 record cannot be read: Is a FIFO, not a regular file" in result.stderr


def test_report_of_a_record_nested_too_deep_is_r001(workdir):
    deep = workdir / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    result = invoke("report", deep)
    assert result.exit_code == 1
    assert "R001" in result.stderr and "Traceback" not in result.stderr
