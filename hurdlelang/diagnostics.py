"""Diagnostics: every problem a user can cause, with a stable code, a place and a hint.

The catalogue below is the single list of codes; docs/diagnostics.md documents each one and a
test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from hurdlelang.source import Span


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


CATALOGUE: dict[str, tuple[Severity, str]] = {
    # syntax
    "E001": (Severity.ERROR, "unexpected character"),
    "E002": (Severity.ERROR, "unexpected token"),
    "E003": (Severity.ERROR, "unexpected end of file"),
    "E004": (Severity.ERROR, "spec file cannot be read"),
    # names and structure
    "E101": (Severity.ERROR, "unknown metric"),
    "E102": (Severity.ERROR, "unknown baseline"),
    "E103": (Severity.ERROR, "duplicate name"),
    "E104": (Severity.ERROR, "unknown task kind"),
    "E105": (Severity.ERROR, "missing data binding"),
    "E106": (Severity.ERROR, "no tiers"),
    "E107": (Severity.ERROR, "no otherwise tier"),
    "E108": (Severity.ERROR, "binding given twice"),
    "E109": (Severity.ERROR, "baseline has no decisions"),
    "E110": (Severity.ERROR, "no spec in file"),
    "E111": (Severity.ERROR, "missing header field"),
    "E112": (Severity.ERROR, "block given twice"),
    "E113": (Severity.ERROR, "spec to run is ambiguous or absent"),
    # types, units, ranges
    "E201": (Severity.ERROR, "metric not defined for this task"),
    "E202": (Severity.ERROR, "threshold outside the metric's range"),
    "E203": (Severity.ERROR, "margin unit does not fit the metric"),
    "E204": (Severity.ERROR, "points belong to margins, not thresholds"),
    "E205": (Severity.ERROR, "metric needs scores but none are bound"),
    "W301": (Severity.WARNING, "comparison runs against the metric's direction"),
    # data
    "D001": (Severity.ERROR, "data file not found"),
    "D002": (Severity.ERROR, "data file is empty"),
    "D003": (Severity.ERROR, "data file cannot be parsed"),
    "D004": (Severity.ERROR, "missing column"),
    "D005": (Severity.ERROR, "label is not binary"),
    "D006": (Severity.ERROR, "missing values in a bound column"),
    "D007": (Severity.ERROR, "score is not a probability"),
    "D008": (Severity.ERROR, "decision column is not 0/1"),
    # output
    "O001": (Severity.ERROR, "record cannot be written"),
}


@dataclass(frozen=True)
class Diagnostic:
    """One problem. `span` places it in a spec; `column`/`rows` place it in a data file."""

    code: str
    message: str
    path: str
    span: Span | None = None
    hint: str | None = None
    column: str | None = None
    rows: tuple[int, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.code not in CATALOGUE:
            raise ValueError(f"diagnostic code {self.code} is not in the catalogue")

    @property
    def severity(self) -> Severity:
        return CATALOGUE[self.code][0]

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def sort_key(self) -> tuple:
        span = self.span or Span(0, 0, 0, 0)
        return (self.path, span.line, span.column, self.code)

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "path": self.path,
            "span": self.span.to_dict() if self.span else None,
            "hint": self.hint,
            "column": self.column,
            "rows": list(self.rows),
        }


class DiagnosticError(Exception):
    """Raised by a stage that cannot go on; carries every diagnostic found so far."""

    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("; ".join(f"{d.code} {d.message}" for d in diagnostics))
        self.diagnostics = diagnostics
