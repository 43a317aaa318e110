"""The one writer of hurdlec's outputs (records, reports, formatted specs, `init`'s spec).

A reader never sees half a file and a special file is never clobbered:

- the text goes to a temporary file in the target's folder, is flushed and fsync'ed, then renamed
  over the target, and the folder is fsync'ed so the rename survives a crash;
- only a regular file (or a path that does not exist yet) is replaced. A device, a FIFO, a socket
  or a folder raises `NotARegularFile` and nothing is written: as root, renaming over `/dev/full`
  would turn the device node into a plain file;
- a symlink is followed: its target is replaced and the link stays, as an editor would do.
  A dangling link creates its target.

The new file gets what `open()` would give a new file (0666 less the umask), not mkstemp's private
0600; with `keep_mode` (hurdlec fmt -w rewriting a spec) it keeps the permission bits of the file it
replaces.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from hurdlelang.core.regular_files import NotARegularFile

__all__ = ["NotARegularFile", "WRITE_HINT", "write_atomically"]

WRITE_HINT = "check that the folder exists and is writable"


def resolve_target(path: str | Path) -> tuple[Path, int | None]:
    """The file that will really be replaced (symlinks followed) and its permission bits (None: new)."""
    target = Path(os.path.realpath(path)) if os.path.islink(path) else Path(path)
    try:
        info = os.stat(target)
    except FileNotFoundError:
        return target, None
    if not stat.S_ISREG(info.st_mode):
        error = NotARegularFile.of(path, info.st_mode)
        if stat.S_ISDIR(info.st_mode):
            error.hint = WRITE_HINT  # `--out folder/`: the usual slip, said as before
        raise error
    return target, stat.S_IMODE(info.st_mode)


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # a folder we cannot open for reading: the rename is still atomic, only less durable
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot fsync a folder (EINVAL); the write itself succeeded
    finally:
        os.close(fd)


def write_atomically(path: str | Path, text: str, keep_mode: bool = False) -> None:
    """Replace (or create) `path` with `text` in one step. Raises OSError (NotARegularFile for a
    device, FIFO, socket or folder) and then leaves everything as it was."""
    if str(path).endswith(os.sep) and not os.path.isdir(path):
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(path))
    target, mode = resolve_target(path)
    folder = target.parent
    if mode is None or not keep_mode:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        os.chmod(temp, mode)
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _fsync_folder(folder)
