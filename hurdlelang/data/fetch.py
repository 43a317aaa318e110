"""Data that is not a local path: `-` (standard input) and `runs:/RUN_ID/path` (an MLflow run's
artifact), copied into a temporary folder so that every engine reads them as files, and named in the
record as given (`<stdin>`, the runs:/ URI) rather than by the temporary copy."""

from __future__ import annotations

import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from hurdlelang.core import codes
from hurdlelang.core.diagnostics import Diagnostic, DiagnosticError
from hurdlelang.core.limits import MAX_DATA_BYTES
from hurdlelang.core.regular_files import STDIN, STDIN_NAME
from hurdlelang.data.mlflow_store import download, is_run_uri

PARQUET_MAGIC = b"PAR1"


def is_fetched(path) -> bool:
    return path == STDIN or is_run_uri(path)


def _stdin_copy(folder: Path, stream=None) -> str:
    """Standard input copied to a file (Parquet when it starts with Parquet's magic bytes, else CSV),
    at most MAX_DATA_BYTES (D022 beyond)."""
    stream = stream if stream is not None else sys.stdin.buffer
    first = stream.read(len(PARQUET_MAGIC))
    target = folder / ("stdin.parquet" if first == PARQUET_MAGIC else "stdin.csv")
    size = len(first)
    with open(target, "wb") as out:
        out.write(first)
        for block in iter(lambda: stream.read(1 << 20), b""):
            size += len(block)
            if size > MAX_DATA_BYTES:
                raise DiagnosticError(
                    [
                        Diagnostic(
                            codes.DATA_TOO_LARGE,
                            f"standard input holds more than the limit of {MAX_DATA_BYTES:,} bytes",
                            STDIN_NAME,
                            hint="give the file by its path (--data FILE); see docs/security.md for the limit",
                        )
                    ]
                )
            out.write(block)
    return str(target)


@contextmanager
def local_copies(paths: dict, tracking_uri: str | None = None):
    """Each `-` or runs:/ path among `paths` (role -> path) copied into a temporary folder, kept for
    the block. Yields (the map with local paths, local path -> the name the record gives it)."""
    if not any(is_fetched(p) for p in paths.values()):
        yield paths, {}
        return
    if sum(p == STDIN for p in paths.values()) > 1:
        raise DiagnosticError(
            [
                Diagnostic(
                    codes.DATA_NOT_FOUND,
                    "standard input (-) can be read once",
                    STDIN_NAME,
                    hint="give at most one of --data and --baseline-data as -",
                )
            ]
        )
    with tempfile.TemporaryDirectory(prefix="hurdlec-data-") as folder:
        local, origin = {}, {}
        for n, (role, path) in enumerate(paths.items()):
            if not is_fetched(path):
                local[role] = path
                continue
            place = Path(folder) / str(n)
            place.mkdir()
            got = _stdin_copy(place) if path == STDIN else download(path, str(place), tracking_uri)
            origin[got] = STDIN_NAME if path == STDIN else path
            local[role] = got
        yield local, origin
