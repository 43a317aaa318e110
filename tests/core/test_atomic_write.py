"""The one writer of outputs: regular files replaced atomically, symlinks followed, special files
refused with nothing touched."""

from __future__ import annotations

import os
import stat

import pytest

from hurdlelang.core.atomic_write import WRITE_HINT, write_atomically
from hurdlelang.core.regular_files import NotARegularFile, TooLarge, read_regular
from tests.hostile import changed, fifo, snapshot


def test_a_new_file_gets_the_text_and_the_default_mode(tmp_path):
    target = tmp_path / "out.json"
    write_atomically(target, "{}\n")
    assert target.read_text() == "{}\n"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no temporary file left


def test_a_regular_file_is_replaced_and_keeps_its_mode_only_when_asked(tmp_path):
    target = tmp_path / "spec.hurdle"
    target.write_text("old")
    target.chmod(0o600)
    write_atomically(target, "new", keep_mode=True)
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    write_atomically(target, "newer")  # a record gets a new file's mode, whatever it replaces
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


def test_a_symlink_stays_and_its_target_is_replaced(tmp_path):
    real = tmp_path / "records" / "real.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    write_atomically(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new"
    assert sorted(p.name for p in real.parent.iterdir()) == ["real.json"]


def test_a_relative_symlink_chain_is_followed_to_the_end(tmp_path):
    (tmp_path / "real.json").write_text("old")
    (tmp_path / "one.json").symlink_to("real.json")
    (tmp_path / "two.json").symlink_to("one.json")
    write_atomically(tmp_path / "two.json", "new")
    assert (tmp_path / "real.json").read_text() == "new"
    assert os.readlink(tmp_path / "two.json") == "one.json"
    assert os.readlink(tmp_path / "one.json") == "real.json"


def test_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "latest.json"
    link.symlink_to("made.json")
    write_atomically(link, "new")
    assert link.is_symlink()
    assert (tmp_path / "made.json").read_text() == "new"


@pytest.mark.parametrize("through_link", [False, True])
def test_a_fifo_is_refused_and_stays_a_fifo(tmp_path, through_link):
    pipe = fifo(tmp_path / "pipe")
    target = pipe
    if through_link:
        target = tmp_path / "link.json"
        target.symlink_to(pipe)
    before = snapshot(tmp_path)
    with pytest.raises(NotARegularFile) as raised:
        write_atomically(target, "text")
    assert raised.value.strerror == "Is a FIFO, not a regular file"
    assert "never reads or replaces a device, a FIFO or a folder" in raised.value.hint
    assert changed(before, snapshot(tmp_path)) == set()
    assert stat.S_ISFIFO(pipe.lstat().st_mode)


def test_a_folder_is_refused_with_the_usual_hint(tmp_path):
    folder = tmp_path / "out.json"
    folder.mkdir()
    before = snapshot(tmp_path)
    with pytest.raises(NotARegularFile) as raised:
        write_atomically(folder, "text")
    assert raised.value.strerror == "Is a directory"
    assert raised.value.hint == WRITE_HINT
    assert changed(before, snapshot(tmp_path)) == set()


def test_a_missing_folder_is_an_os_error_and_leaves_nothing(tmp_path):
    with pytest.raises(FileNotFoundError):
        write_atomically(tmp_path / "no" / "out.json", "text")
    assert list(tmp_path.iterdir()) == []


# ---- reading ----


def test_read_regular_refuses_a_fifo_without_blocking(tmp_path):
    pipe = fifo(tmp_path / "spec.hurdle")  # nobody writes to it: a plain open() would wait for ever
    with pytest.raises(NotARegularFile) as raised:
        read_regular(pipe, 100)
    assert raised.value.strerror == "Is a FIFO, not a regular file"


def test_read_regular_refuses_a_folder_and_a_file_over_the_limit(tmp_path):
    with pytest.raises(NotARegularFile):
        read_regular(tmp_path, 100)
    big = tmp_path / "big"
    big.write_bytes(b"x" * 101)
    with pytest.raises(TooLarge) as raised:
        read_regular(big, 100)
    assert raised.value.limit == 100
    assert read_regular(big, 101) == b"x" * 101
