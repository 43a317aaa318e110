"""Source text and the spans that point into it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from hurdlelang.core.limits import MAX_SPEC_BYTES
from hurdlelang.core.regular_files import STDIN, STDIN_NAME, read_regular, read_stdin


@dataclass(frozen=True, slots=True)
class Span:
    """A region of a source file; lines and columns are 1-based, end_column is exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int

    def to_dict(self) -> dict[str, int]:
        return {
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
        }


@dataclass(frozen=True)
class Source:
    """One spec file as read: its display path and its text; `root`, when given (--root), is the
    project root its record baselines must stay inside."""

    path: str
    text: str
    root: str | None = None

    @classmethod
    def read(cls, path: str | Path, root: str | None = None) -> Source:
        """Raises OSError (NotARegularFile for a FIFO or device, TooLarge over MAX_SPEC_BYTES) or
        UnicodeDecodeError."""
        if str(path) == STDIN:  # `hurdlec check -`: the spec on standard input
            return cls(STDIN_NAME, read_stdin(MAX_SPEC_BYTES).decode("utf-8"), root)
        raw = read_regular(path, MAX_SPEC_BYTES)
        return cls(str(path), raw.decode("utf-8"), root)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @cached_property
    def lines(self) -> list[str]:
        # split at "\n" only, as the parser counts lines: a form feed or U+2028 in a comment must not
        # shift the line shown under a diagnostic; a Windows line end loses its "\r"
        return [line.removesuffix("\r") for line in self.text.split("\n")]

    def line_text(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""

    def span_text(self, span: Span) -> str:
        """The source text of a span, folded onto one line."""
        lines = self.lines[span.line - 1 : span.end_line]
        if not lines:
            return ""
        if len(lines) == 1:
            return lines[0][span.column - 1 : span.end_column - 1]
        lines = [lines[0][span.column - 1 :], *lines[1:-1], lines[-1][: span.end_column - 1]]
        return " ".join(line.strip() for line in lines)
