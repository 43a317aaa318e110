"""Stage 4a: read a predictions file into a table (CSV, TSV or Parquet), or say why it cannot be read."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from hurdlelang.core import codes
from hurdlelang.data.errors import fail
from hurdlelang.data.sniff import sniff

PARQUET = (".parquet", ".pq")
NA_MARKERS = ["", "nan", "NaN", "NULL", "null"]


@dataclass(frozen=True)
class Table:
    path: str
    frame: pd.DataFrame


def _read_csv(file: Path) -> pd.DataFrame:
    # Text stays text: only an empty cell or a NaN/null marker is missing ("NA" may be a class, North
    # America), and every row must have
    # the header's number of fields: pandas would otherwise silently shift the columns.
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        try:
            return pd.read_csv(
                file,
                sep="\t" if file.suffix.lower() == ".tsv" else ",",
                index_col=False,
                keep_default_na=False,
                na_values=NA_MARKERS,
            )
        except pd.errors.ParserWarning as warning:
            raise pd.errors.ParserError(f"rows have more fields than the header ({warning})") from None


def read_table(path: str, option: str = "--data") -> Table:
    sniff(path, option)  # a regular file of a supported size that looks like what its name says
    file = Path(path)
    if not file.is_file():
        what = "is a directory" if file.is_dir() else "does not exist"
        fail(codes.DATA_NOT_FOUND, f"data file {what}", path, f"check the file given with {option}")
    if file.stat().st_size == 0:
        fail(codes.DATA_EMPTY, "data file is empty (0 bytes)", path, "expected a CSV with a header line and rows")
    suffix = file.suffix.lower()
    if suffix not in (".csv", ".txt", ".tsv", *PARQUET):
        fail(
            codes.FORMAT_NOT_SUPPORTED,
            f"cannot read '{suffix}' files",
            path,
            "give a CSV (.csv) or Parquet (.parquet) file",
        )
    try:
        frame = pd.read_parquet(file) if suffix in PARQUET else _read_csv(file)
    except pd.errors.EmptyDataError:
        fail(codes.DATA_EMPTY, "data file has no header line", path, "expected a CSV with a header line and rows")
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError, OSError, NotImplementedError, TypeError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        kind = "Parquet" if suffix in PARQUET else "CSV"
        hint = (
            "the file is not Parquet: check how it was written"
            if kind == "Parquet"
            else "check the delimiter, the quoting and that every row has the header's fields; CSV must be UTF-8"
        )
        fail(codes.DATA_UNPARSABLE, f"data file cannot be parsed as {kind}: {first_line}", path, hint)
    if frame.empty:
        fail(
            codes.DATA_EMPTY,
            "data file has a header but no rows",
            path,
            "the predictions file must hold at least one row",
        )
    frame.columns = [str(c) for c in frame.columns]
    return Table(path, frame)
