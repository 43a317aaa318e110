"""File-level checks of a predictions file, before any reader opens it (docs/security.md).

A reader (pandas today, an engine tomorrow) should only ever see a regular file of a supported
size whose first bytes look like what its name says. Everything found here is a data diagnostic
with a hint, instead of a hang (a FIFO), a MemoryError (a 2 GB file, a Parquet file that expands
to more than memory) or a raw codec message (a gzip or xlsx file named .csv):

- not a regular file: D001 for a missing path or a folder, D020 for a FIFO, a device or a socket,
  which are never opened;
- over MAX_DATA_BYTES on disk, or, for Parquet, uncompressed as its metadata declares: D022;
- compressed or binary content under a CSV name (gzip, zip/xlsx, bzip2, xz, zstd, Parquet, an old
  .xls, NUL bytes): D018, saying what the file is;
- a CSV sample that is not UTF-8, or a header that looks semicolon- or tab-separated: D003 with
  the delimiter or the encoding in the hint;
- duplicate column names in the header or the Parquet schema: D021 (pandas would rename the
  second `y` to `y.1` and use the first one silently).

`refuse_nested` is the one check that needs the spec: a list, struct or map column of a Parquet
file is fine until a binding reads it (D024).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import stat
from collections import Counter
from pathlib import Path

from hurdlelang.core import codes
from hurdlelang.core.diagnostics import Diagnostic, DiagnosticError
from hurdlelang.core.limits import MAX_DATA_BYTES
from hurdlelang.core.regular_files import describe_kind, open_regular

SAMPLE_BYTES = 64 * 1024
PARQUET = (".parquet", ".pq")
TEXT = (".csv", ".txt", ".tsv")

# the first bytes of formats that are not text, what they are, and what to do instead
_MAGIC = (
    (b"\x1f\x8b", "gzip-compressed data", "decompress it first (gunzip -k FILE), then give the .csv"),
    (b"PK\x03\x04", "a zip archive (an .xlsx workbook is one)", "export the sheet as CSV (UTF-8)"),
    (b"BZh", "bzip2-compressed data", "decompress it first (bunzip2 -k FILE)"),
    (b"\xfd7zXZ\x00", "xz-compressed data", "decompress it first (unxz -k FILE)"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data", "decompress it first (unzstd FILE)"),
    (b"PAR1", "a Parquet file", "name it .parquet"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel (.xls) workbook", "export the sheet as CSV (UTF-8)"),
)


def fail(code: str, message: str, path: str, hint: str, column: str | None = None) -> None:
    # as data/errors.py says it, without importing pandas: the DuckDB engine calls this module too
    raise DiagnosticError([Diagnostic(code, message, path, hint=hint, column=column)])


def sniff(path: str, option: str = "--data", limited: bool = True) -> None:
    """Raise a data diagnostic when the file cannot be what its name says; return when it may be read.

    The size limit (`limited`) is for readers that hold the whole table in memory (pandas); the
    DuckDB engine streams the file and passes False."""
    max_bytes = MAX_DATA_BYTES if limited else None
    try:
        info = os.stat(path)
    except FileNotFoundError:
        fail(codes.DATA_NOT_FOUND, "data file does not exist", path, f"check the file given with {option}")
    except OSError as error:
        fail(codes.DATA_NOT_FOUND, f"data file cannot be read: {error.strerror}", path, "check its permissions")
    if stat.S_ISDIR(info.st_mode):
        fail(codes.DATA_NOT_FOUND, "data file is a directory", path, f"check the file given with {option}")
    if not stat.S_ISREG(info.st_mode):
        fail(
            codes.DATA_NOT_REGULAR,
            f"data file is {describe_kind(info.st_mode)}, not a regular file",
            path,
            "write the predictions to a file first; hurdlec does not read from pipes or devices",
        )
    if max_bytes is not None and info.st_size > max_bytes:
        _too_large(path, f"{info.st_size:,} bytes", max_bytes)
    suffix = Path(path).suffix.lower()
    if info.st_size == 0 or suffix not in TEXT + PARQUET:
        return  # the reader says D002 (empty) or D018 (unsupported name) as it always did
    if suffix in PARQUET:
        _sniff_parquet(path, max_bytes)
    else:
        _sniff_text(path, _sample(path), "\t" if suffix == ".tsv" else ",")


def _too_large(path: str, size: str, limit: int) -> None:
    fail(
        codes.DATA_TOO_LARGE,
        f"data file is too large: {size}, over the limit of {limit:,} bytes",
        path,
        "the default engine, DuckDB, reads it out of core (drop --engine pandas); or evaluate a sample of the rows",
    )


def _sample(path: str) -> bytes:
    fd, _ = open_regular(path)
    with os.fdopen(fd, "rb") as handle:
        return handle.read(SAMPLE_BYTES)


def _sniff_text(path: str, sample: bytes, delimiter: str) -> None:
    for magic, what, hint in _MAGIC:
        if sample.startswith(magic):
            fail(codes.FORMAT_NOT_SUPPORTED, f"the file holds {what}, not CSV text", path, hint)
    if b"\0" in sample:
        fail(
            codes.FORMAT_NOT_SUPPORTED,
            "the file holds binary data (NUL bytes), not CSV text",
            path,
            "give the predictions as CSV text (UTF-8) or as Parquet",
        )
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        text = decoder.decode(sample, final=len(sample) < SAMPLE_BYTES)
    except UnicodeDecodeError as error:
        line = sample.count(b"\n", 0, error.start) + 1
        fail(
            codes.DATA_UNPARSABLE,
            f"data file is not UTF-8 text: byte 0x{sample[error.start]:02x} on line {line} (counting the header)",
            path,
            "save it as UTF-8 (a spreadsheet's 'CSV UTF-8'); a file in Latin-1 or Windows-1252 cannot be read",
        )
    header_line = text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    if delimiter not in header_line:
        for other, name, hint in (
            (";", "semicolon", "hurdlec reads comma-separated CSV: export with ',' as the separator"),
            ("\t", "tab", "name the file .tsv, or export with ',' as the separator"),
        ):
            if other in header_line:
                fail(
                    codes.DATA_UNPARSABLE,
                    f"the header line has no '{delimiter}' but {header_line.count(other)} {name}(s): "
                    f"the file looks {name}-separated",
                    path,
                    hint,
                )
    header = next(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter), [])
    _refuse_duplicates(path, header)


def _refuse_duplicates(path: str, names: list[str]) -> None:
    twice = [name for name, n in Counter(names).items() if n > 1]
    if twice:
        shown = ", ".join(f"'{name}'" for name in twice[:5])
        fail(
            codes.DUPLICATE_COLUMNS,
            f"the header names {shown} more than once",
            path,
            "give every column its own name: which of the two would be the one meant is not knowable",
            column=twice[0],
        )


def _parquet_schema(path: str):
    import pyarrow.parquet as pq

    try:
        meta = pq.read_metadata(path)
    except Exception:  # not Parquet, or damaged: the reader reports it as D003, as before
        return None, None
    return meta, meta.schema.to_arrow_schema()


def _sniff_parquet(path: str, max_bytes: int | None) -> None:
    meta, schema = _parquet_schema(path)
    if meta is None:
        return
    declared = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if max_bytes is not None and declared > max_bytes:
        _too_large(path, f"{declared:,} bytes uncompressed, as its metadata declares", max_bytes)
    _refuse_duplicates(path, list(schema.names))


def nested_columns(path: str) -> dict[str, str]:
    """The Parquet columns holding lists, structs or maps, with their type; {} for other files."""
    if Path(path).suffix.lower() not in PARQUET:
        return {}
    import pyarrow as pa

    _, schema = _parquet_schema(path)
    if schema is None:
        return {}
    return {
        f.name: str(f.type)
        for f in schema
        if pa.types.is_nested(f.type) or pa.types.is_dictionary(f.type) and pa.types.is_nested(f.type.value_type)
    }


def refuse_nested(path: str, bound: list[tuple[str, str]]) -> None:
    """D024 when a bound (column, role) of this file holds nested values: one value per cell is needed."""
    nested = nested_columns(path)
    for column, role in bound:
        if column in nested:
            fail(
                codes.NESTED_COLUMN,
                f"column '{column}' ({role}) holds nested values (Parquet type {nested[column]}), "
                "not one value per row",
                path,
                "flatten the column when writing the file: one number or label per row",
                column=column,
            )
