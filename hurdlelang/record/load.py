"""Read a decision record file back (for `hurdlec report`), or say in one line, with a hint, why not."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from hurdlelang.core.limits import MAX_RECORD_BYTES
from hurdlelang.core.regular_files import TooLarge, read_regular
from hurdlelang.record.model import DecisionRecord


class RecordError(Exception):
    """The file is not a decision record this report can read: one line, with a hint."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message, self.hint = message, hint


def load_record(path: str | Path) -> DecisionRecord:
    try:
        text = read_regular(path, MAX_RECORD_BYTES).decode("utf-8")
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
    try:
        return DecisionRecord.model_validate(data)
    except ValidationError as error:
        problems = error.errors()
        first = problems[0]
        where = ".".join(str(p) for p in first["loc"]) or "the top level"
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        raise RecordError(
            f"not a valid decision record: {where}: {first['msg']}{more}",
            'give a record written by `hurdlec run` of a compatible version (schema_version "1")',
        ) from None
