"""Where a record baseline may point: a file inside the project, named relative to the spec.

A spec is often reviewed less carefully than code, yet `record "PATH"` makes hurdlec open a file.
So the path is relative to the spec's own folder and must stay inside the project root: the nearest
folder above the spec holding `.git` or `pyproject.toml` (or the one given with `--root`; without
either, the spec's own folder). The checker rejects absolute paths and `..` escapes by looking at
the text alone (E122); `hurdlec run` then follows symlinks and refuses a file that resolves outside
the root (D017) without saying whether it exists.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath, PureWindowsPath

MARKERS = (".git", "pyproject.toml")
ROOT_HINT = "a record baseline lives inside the project: the folder with .git or pyproject.toml, or --root"


def spec_folder(spec_path: str) -> Path:
    """The folder a spec's relative paths start from (the current one for a spec given as text)."""
    return Path(os.path.abspath(Path(spec_path).parent))


def project_root(spec_path: str, root: str | None = None) -> Path:
    if root is not None:
        return Path(os.path.abspath(root))
    start = spec_folder(spec_path)
    for folder in (start, *start.parents):
        if any((folder / marker).exists() for marker in MARKERS):
            return folder
    return start


def _is_absolute(text: str) -> bool:
    # `C:\x`, `\\server\share` and `~/x` are refused on every platform: the spec must mean the same
    # file wherever it is checked
    return (
        PurePosixPath(text).is_absolute()
        or PureWindowsPath(text).is_absolute()
        or bool(PureWindowsPath(text).drive)
        or text.startswith("~")
    )


def record_path_problem(text: str, spec_path: str, root: str | None = None) -> tuple[str, str] | None:
    """(message, hint) when a record path as written is absolute or leaves the project root."""
    if not text.strip():
        return "the record path is empty", 'give the path of a decision record, e.g. record "prod.decision.json"'
    if "\0" in text:
        return "the record path holds a NUL character", "give the path of a decision record"
    if _is_absolute(text):
        return (
            f"the record path '{text}' is absolute; record paths are relative to the spec's folder",
            'give the path from the spec\'s folder, e.g. record "records/prod.decision.json"',
        )
    target = os.path.normpath(spec_folder(spec_path) / re.sub(r"[\\/]+", "/", text))
    top = project_root(spec_path, root)
    if os.path.commonpath([top, target]) != str(top):
        return f"the record path '{text}' leads outside the project root", ROOT_HINT
    return None


def resolve_record(text: str, spec_path: str, root: str | None = None) -> Path | None:
    """The record file a checked path names, with symlinks followed; None when it resolves outside
    the project root (through a symlink: the checker has refused the textual escapes)."""
    top = Path(os.path.realpath(project_root(spec_path, root)))
    target = Path(os.path.realpath(spec_folder(spec_path) / text))
    if os.path.commonpath([top, target]) != str(top):
        return None
    return target
