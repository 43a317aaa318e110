"""Where the predictions are, as DuckDB reads them: a file (CSV, TSV, Parquet, gzip-compressed CSV),
a glob of files, a folder of (Hive-partitioned) Parquet files, or a pandas DataFrame or Arrow table
handed to the Python API, which DuckDB queries in place. Problems with the file itself (missing,
empty, unreadable, of an unknown kind) are diagnostics D001, D002, D003 and D018, as with the
pandas reader (hurdlelang/data/prepare.py), never a traceback.

Text stays text: CSV cells are read as text and typed per role later (hurdlelang/engine/validate.py),
with the pandas reader's rules: only an empty cell or a NaN/null marker is missing ("NA" may be a
class), and a row with more fields than the header is an error.
"""

from __future__ import annotations

import glob
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from hurdlelang.core import codes
from hurdlelang.data.errors import fail
from hurdlelang.data.sniff import sniff

NA_MARKERS = ("", "nan", "NaN", "NULL", "null")
CSV_SUFFIXES = (".csv", ".txt", ".tsv", ".csv.gz", ".txt.gz", ".tsv.gz")
PARQUET_SUFFIXES = (".parquet", ".pq")
GLOB_CHARS = "*?["


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def suffix_of(path: str) -> str:
    name = Path(path).name.lower()
    for suffix in (*CSV_SUFFIXES, *PARQUET_SUFFIXES):
        if name.endswith(suffix):
            return suffix
    return Path(path).suffix.lower()


@dataclass(frozen=True)
class Source:
    """A table DuckDB can scan: `scan` is the FROM expression; `frame` an object to register."""

    label: str  # how diagnostics and the record name it: the path, the pattern or <DataFrame>
    kind: str  # "csv", "parquet" or "frame"
    scan: str
    files: tuple[str, ...] = ()
    frame: object | None = None
    # a relation made in an open connection (engine/duck_join.py: the predictions joined to a
    # baseline's own file): the connection, and the column holding the predictions' row numbers
    row: str | None = None
    con: object | None = None

    def sha256(self) -> str | None:
        """One file: its SHA-256; several: the SHA-256 of their names and digests, in order."""
        if not self.files:
            return None
        digests = []
        for name in self.files:
            h = hashlib.sha256()
            with open(name, "rb") as f:
                for block in iter(lambda f=f: f.read(1 << 20), b""):
                    h.update(block)
            digests.append(h.hexdigest())
        if len(self.files) == 1:
            return digests[0]
        joined = "\n".join(
            f"{os.path.relpath(n, os.path.commonpath(self.files))} {d}"
            for n, d in zip(self.files, digests, strict=True)
        )
        return hashlib.sha256(joined.encode()).hexdigest()


def _csv_scan(files: list[str], suffix: str) -> str:
    delimiter = "\\t" if suffix.startswith(".tsv") else ","
    names = "[" + ", ".join(_quote(f) for f in files) + "]"
    markers = "[" + ", ".join(_quote(m) for m in NA_MARKERS) + "]"
    return (
        f"read_csv({names}, header = true, all_varchar = true, delim = E'{delimiter}', quote = '\"', "
        f"escape = '\"', nullstr = {markers}, null_padding = true, strict_mode = true, union_by_name = false)"
    )


def _parquet_scan(files: list[str], hive: bool) -> str:
    names = "[" + ", ".join(_quote(f) for f in files) + "]"
    return f"read_parquet({names}, hive_partitioning = {'true' if hive else 'false'})"


def _files_of(path: str, option: str) -> tuple[list[str], bool]:
    """The files a path names, in sorted order, and whether they come from a partitioned folder."""
    if any(c in path for c in GLOB_CHARS):
        files = sorted(f for f in glob.glob(path, recursive=True) if os.path.isfile(f))
        if not files:
            fail(
                codes.DATA_NOT_FOUND,
                "no data file matches this pattern",
                path,
                f"check the pattern given with {option}",
            )
        return files, False
    p = Path(path)
    if p.is_dir():
        files = sorted(str(f) for f in p.rglob("*") if f.is_file() and suffix_of(str(f)) in PARQUET_SUFFIXES)
        if not files:
            fail(
                codes.DATA_NOT_FOUND,
                "data file is a directory",
                path,
                f"check the file given with {option}; a folder is read when it holds Parquet files",
            )
        return files, True
    if not p.is_file():
        fail(codes.DATA_NOT_FOUND, "data file does not exist", path, f"check the file given with {option}")
    return [path], False


def header_fields(path: str, delimiter: str) -> int | None:
    """How many fields the header line has (None if it cannot be read: the scan says why)."""
    import csv
    import gzip

    opener = gzip.open if path.lower().endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8", newline="") as f:
            for row in csv.reader(f, delimiter=delimiter):
                if row:
                    return len(row)
    except (OSError, EOFError, UnicodeDecodeError, csv.Error):
        return None
    return None


def _blank(path: str) -> bool:
    """Only blank lines (pandas: no columns to parse); read until the first other character."""
    import gzip

    opener = gzip.open if path.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 16), b""):
                if block.strip():
                    return False
    except (OSError, EOFError):
        return False  # unreadable: the scan says why (D003)
    return True


def open_source(path: str, option: str = "--data") -> Source:
    """A path, a glob or a folder, checked before any cell is read."""
    # data/sniff.py: a regular file whose content fits its name (no size limit: DuckDB streams)
    single = not any(c in path for c in GLOB_CHARS) and not os.path.isdir(path)
    if single:
        sniff(path, option, limited=False)
    files, partitioned = _files_of(path, option)
    for f in () if single else files:
        sniff(f, option, limited=False)
    suffixes = {suffix_of(f) for f in files}
    for suffix in suffixes:
        if suffix not in (*CSV_SUFFIXES, *PARQUET_SUFFIXES):
            fail(
                codes.FORMAT_NOT_SUPPORTED,
                f"cannot read '{suffix}' files",
                path,
                "give a CSV (.csv) or Parquet (.parquet) file",
            )
    kinds = {"parquet" if s in PARQUET_SUFFIXES else "csv" for s in suffixes}
    if len(kinds) > 1:
        fail(
            codes.FORMAT_NOT_SUPPORTED,
            "the pattern matches both CSV and Parquet files",
            path,
            "read one kind of file at a time",
        )
    for f in files:
        if os.path.getsize(f) == 0:
            fail(codes.DATA_EMPTY, "data file is empty (0 bytes)", f, "expected a CSV with a header line and rows")
    kind = kinds.pop()
    if kind == "csv":
        for f in files:
            if _blank(f):
                fail(codes.DATA_EMPTY, "data file has no header line", f, "expected a CSV with a header line and rows")
    if kind == "parquet":
        return Source(path, "parquet", _parquet_scan(files, partitioned), tuple(files))
    delimiters = {"\t" if s.startswith(".tsv") else "," for s in suffixes}
    if len(delimiters) > 1:
        fail(
            codes.FORMAT_NOT_SUPPORTED,
            "the pattern matches both CSV and TSV files",
            path,
            "read one kind of file at a time",
        )
    return Source(path, "csv", _csv_scan(files, sorted(suffixes)[0]), tuple(files))


def frame_source(frame, label: str = "<DataFrame>") -> Source:
    """A pandas DataFrame, an Arrow table or anything DuckDB can scan in place."""
    return Source(label, "frame", "__frame", frame=frame)
