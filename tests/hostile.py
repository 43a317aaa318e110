"""Helpers of the hostile-input tests: what a folder holds, so a test can prove nothing was touched.

Special files are made in a temporary folder (a FIFO with os.mkfifo, symlinks); a real device is
never used, so the tests run unprivileged and cannot harm the machine.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry under `folder` (links not followed): its kind, and its content or link target."""
    found = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = Path(root) / name
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                found[str(path.relative_to(folder))] = ("link", os.readlink(path))
            elif stat.S_ISREG(info.st_mode):
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                found[str(path.relative_to(folder))] = ("file", digest, stat.S_IMODE(info.st_mode))
            else:
                found[str(path.relative_to(folder))] = (stat.S_IFMT(info.st_mode), info.st_ino)
    return found


def changed(before: dict[str, tuple], after: dict[str, tuple]) -> set[str]:
    """The entries added, removed or changed between two snapshots."""
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path
