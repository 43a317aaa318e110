"""Reading only what hurdlec means to read: a regular file, up to a size limit.

A path given to hurdlec (a spec, a record baseline, a data file) may name a FIFO, which blocks a
plain open() for ever, or a device such as /dev/zero, which never ends. `read_regular` opens without
blocking, looks at what it opened and reads at most the limit, so the answer is a diagnostic, not a
hang or a MemoryError.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

__all__ = [
    "STDIN",
    "STDIN_NAME",
    "NotARegularFile",
    "TooLarge",
    "describe_kind",
    "open_regular",
    "read_regular",
    "read_stdin",
]

STDIN = "-"  # the path that means standard input (or output), as in most command-line tools
STDIN_NAME = "<stdin>"  # how diagnostics and records name it

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def describe_kind(mode: int) -> str:
    """'a FIFO', 'a character device', ... for what a stat() mode says is not a regular file."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


class NotARegularFile(OSError):
    """The path names a directory, device, FIFO or socket; nothing was read or written."""

    hint = "give the path of a regular file; hurdlec never reads or replaces a device, a FIFO or a folder"

    @classmethod
    def of(cls, path: str | Path, mode: int) -> NotARegularFile:
        if stat.S_ISDIR(mode):
            return cls(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        return cls(errno.EINVAL, f"Is {describe_kind(mode)}, not a regular file", str(path))


class TooLarge(OSError):
    """The file is larger than the limit hurdlec reads."""

    def __init__(self, path: str | Path, size: int, limit: int):
        super().__init__(errno.EFBIG, f"the file is larger than the limit of {limit:,} bytes", str(path))
        self.size, self.limit = size, limit


def open_regular(path: str | Path) -> tuple[int, os.stat_result]:
    """An open descriptor of a regular file, and its stat. Raises NotARegularFile or OSError."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # O_NONBLOCK: opening a FIFO must not wait for a writer
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise NotARegularFile.of(path, info.st_mode)
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd, info


def read_regular(path: str | Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes. Raises NotARegularFile, TooLarge or OSError."""
    fd, info = open_regular(path)
    with os.fdopen(fd, "rb") as handle:
        if info.st_size > limit:
            raise TooLarge(path, info.st_size, limit)
        data = handle.read(limit + 1)  # the file may have grown since fstat
    if len(data) > limit:
        raise TooLarge(path, len(data), limit)
    return data


def read_stdin(limit: int) -> bytes:
    """Standard input, at most `limit` bytes (TooLarge beyond: a stream has no size to look at first)."""
    import sys

    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(STDIN_NAME, len(data), limit)
    return data
