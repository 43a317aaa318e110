"""Read a decision record file back (for `hurdlec report`), or say in one line, with a hint, why not."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from hurdlelang.core.limits import MAX_RECORD_BYTES
from hurdlelang.core.regular_files import STDIN, TooLarge, read_regular, read_stdin
from hurdlelang.core.version import __version__
from hurdlelang.record.model import READABLE_VERSIONS, DecisionRecord


class RecordError(Exception):
    """The file is not a decision record this report can read: one line, with a hint."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message, self.hint = message, hint


def load_record(path: str | Path) -> DecisionRecord:
    """`-` reads the record from standard input (`hurdlec run --out - | hurdlec report -`)."""
    try:
        raw = read_stdin(MAX_RECORD_BYTES) if str(path) == STDIN else read_regular(path, MAX_RECORD_BYTES)
        text = raw.decode("utf-8")
    except FileNotFoundError:
        raise RecordError("record file not found", "give the JSON file that `hurdlec run` wrote (--out)") from None
    except TooLarge as error:
        raise RecordError(
            f"record cannot be read: {error.strerror}", "give the JSON file that `hurdlec run` wrote"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        hint = getattr(error, "hint", "check the path and its permissions")
        raise RecordError(f"record cannot be read: {reason}", hint) from None
    try:
        data = json.loads(text)
    except RecursionError:
        raise RecordError(
            "record cannot be read: its JSON nests too deeply", "give the JSON file that `hurdlec run` wrote"
        ) from None
    except json.JSONDecodeError as error:
        raise RecordError(
            f"record is not JSON: {error.msg} at line {error.lineno}, column {error.colno}",
            "give the JSON file that `hurdlec run` wrote, not the spec or the data",
        ) from None
    version = data.get("schema_version") if isinstance(data, dict) else None
    if isinstance(version, str) and version not in READABLE_VERSIONS:
        raise RecordError(
            f"record has schema_version {version!r}, which this hurdlec ({__version__}) cannot read: "
            f"it reads versions {', '.join(READABLE_VERSIONS)}",
            "a newer hurdlec wrote it: upgrade with `pip install -U hurdlelang`",
        )
    try:
        return DecisionRecord.model_validate(data)
    except ValidationError as error:
        problems = error.errors()
        first = problems[0]
        where = ".".join(str(p) for p in first["loc"]) or "the top level"
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        raise RecordError(
            f"not a valid decision record: {where}: {first['msg']}{more}",
            f"give a record written by `hurdlec run` (schema_version {' or '.join(READABLE_VERSIONS)})",
        ) from None
