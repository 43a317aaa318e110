"""Syntax-error recovery: report every syntax error of a file, not only the first.

After an error, the statement or block that holds it is blanked out (replaced by spaces, so every
other line and column stays where it was) and the file is parsed again. The checker then runs on
what remains, and only its local findings (an unknown name, a bad unit) are kept: structural ones
(a missing otherwise) could be caused by the blanking itself.
"""

from __future__ import annotations

import re

from hurdlelang.core import codes

STATEMENT = re.compile(
    r"^\s*(spec|owner|description|version|task|data|label|score|predict|weight|slice|group|id|missing|"
    r"baseline|record|strategy|metric|hurdles|require|tier|otherwise|example|given|expect)\b"
)
LOCAL_CODES = frozenset(
    {
        codes.UNKNOWN_METRIC,
        codes.UNKNOWN_BASELINE,
        codes.UNKNOWN_TASK,
        codes.UNKNOWN_SLICE,
        codes.UNKNOWN_STRATEGY,
        codes.UNKNOWN_MISSING_POLICY,
        codes.BAD_PARAMETER,
        codes.METRIC_WRONG_TASK,
        codes.OUT_OF_RANGE,
        codes.UNIT_MISMATCH,
        codes.POINTS_AS_THRESHOLD,
        codes.NO_DIRECTION,
        codes.EMPTY_BETWEEN,
        codes.DIFFERENT_UNITS,
        codes.BAD_CONFIDENCE,
        codes.AGAINST_DIRECTION,
    }
)
MAX_ERRORS = 20


def _braces(line: str) -> int:
    code = re.sub(r'"([^"\\]|\\.)*"', "", line).split("#", 1)[0]
    return code.count("{") - code.count("}")


def statement_lines(lines: list[str], error_line: int) -> tuple[int, int]:
    """0-based [start, end) of the statement or block around a 1-based error line."""
    start = error_line - 1
    while start > 0 and not STATEMENT.match(lines[start]) and _braces(lines[start]) <= 0:
        start -= 1
    end, depth = start, 0
    while end < len(lines):
        depth += _braces(lines[end])
        end += 1
        if depth <= 0:
            break
    # a statement continues on lines that start no new statement and close no block (`= expr`)
    while (
        depth <= 0
        and end < len(lines)
        and lines[end].strip()
        and not STATEMENT.match(lines[end])
        and "}" not in lines[end]
    ):
        end += 1
    return start, max(end, error_line)


def blank(text: str, error_line: int) -> tuple[str, str]:
    """The text with the statement around the error blanked out, and the text that was removed."""
    lines = text.split("\n")
    start, end = statement_lines(lines, min(error_line, len(lines)))
    removed = "\n".join(lines[start:end])
    for i in range(start, min(end, len(lines))):
        lines[i] = " " * len(lines[i])
    return "\n".join(lines), removed


def defined_in(diagnostic, removed: str) -> bool:
    """Is this 'unknown name' perhaps defined in text that recovery blanked out? Then it is no
    finding of the user's but an echo of the syntax error, and is not reported."""
    name = diagnostic.subject
    return name is not None and re.search(rf"\b{re.escape(name)}\b", removed) is not None
