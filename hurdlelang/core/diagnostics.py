"""Diagnostics: every problem a user can cause, with a stable code, a place and a hint.

The catalogue below is the single list of codes; docs/diagnostics.md documents each one and a
test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from hurdlelang.core.source import Span


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


CATALOGUE: dict[str, tuple[Severity, str]] = {
    # syntax
    "E001": (Severity.ERROR, "unexpected character"),
    "E002": (Severity.ERROR, "unexpected token"),
    "E003": (Severity.ERROR, "unexpected end of file"),
    "E004": (Severity.ERROR, "spec file cannot be read"),
    # limits (hurdlelang/core/limits.py, docs/security.md)
    "E005": (Severity.ERROR, "spec file too large"),
    "E006": (Severity.ERROR, "name too long"),
    "E007": (Severity.ERROR, "string too long"),
    "E008": (Severity.ERROR, "nesting too deep"),
    "E009": (Severity.ERROR, "too many tiers"),
    # names and structure
    "E101": (Severity.ERROR, "unknown metric"),
    "E102": (Severity.ERROR, "unknown baseline"),
    "E103": (Severity.ERROR, "duplicate name"),
    "E104": (Severity.ERROR, "unknown task kind"),
    "E105": (Severity.ERROR, "missing data binding"),
    "E106": (Severity.ERROR, "no tiers, or a tier without conditions"),
    "E107": (Severity.ERROR, "no otherwise tier"),
    "E108": (Severity.ERROR, "binding given twice"),
    "E109": (Severity.ERROR, "baseline is empty or mixes kinds"),
    "E110": (Severity.ERROR, "no spec in file"),
    "E111": (Severity.ERROR, "missing header field"),
    "E112": (Severity.ERROR, "block given twice"),
    "E113": (Severity.ERROR, "spec to run is ambiguous or absent"),
    "E114": (Severity.ERROR, "unknown slice"),
    "E115": (Severity.ERROR, "example expects an unknown tier"),
    "E116": (Severity.ERROR, "unknown dummy strategy"),
    "E117": (Severity.ERROR, "unknown missing-value policy"),
    "E118": (Severity.ERROR, "metric defined in terms of itself"),
    "E119": (Severity.ERROR, "metric parameter missing or invalid"),
    "E120": (Severity.ERROR, "binding does not fit the task"),
    "E121": (Severity.ERROR, "example has no single expected tier"),
    "E122": (Severity.ERROR, "record path outside the project"),
    "E125": (Severity.ERROR, "volume borrowed from a baseline without fixed decisions"),
    "E126": (Severity.ERROR, "abstain bands overlap or leave nothing undecided"),
    # classes and the cost matrix of a multiclass spec
    "E130": (Severity.ERROR, "unknown class"),
    "E131": (Severity.ERROR, "the spec declares no classes"),
    "E132": (Severity.ERROR, "cost matrix incomplete or malformed"),
    "E133": (Severity.ERROR, "cost not a finite amount of at least 0"),
    "E134": (Severity.ERROR, "cost metric without a cost matrix"),
    # types, units, ranges
    "E201": (Severity.ERROR, "metric not defined for this task"),
    "E202": (Severity.ERROR, "threshold outside the metric's range"),
    "E203": (Severity.ERROR, "unit does not fit the metric"),
    "E204": (Severity.ERROR, "points belong to margins, not thresholds"),
    "E205": (Severity.ERROR, "metric needs data that is not bound"),
    "E206": (Severity.ERROR, "metric has no better direction"),
    "E207": (Severity.ERROR, "figure baseline lacks a metric"),
    "E208": (Severity.ERROR, "empty range in between"),
    "E209": (Severity.ERROR, "quantities of different units"),
    "E210": (Severity.ERROR, "confidence level out of range"),
    "E211": (Severity.ERROR, "sample size given for a figure that is not a share"),
    "E212": (Severity.ERROR, "figure does not fit the interval reported with it"),
    "E215": (Severity.ERROR, "per-period condition without the spec's volume for that period"),
    "E216": (Severity.ERROR, "per-period condition on a metric that is not a total"),
    "E217": (Severity.ERROR, "per-period comparison with a baseline that has no rows to scale"),
    # static analysis of the hurdles
    "W301": (Severity.WARNING, "comparison runs against the metric's direction"),
    "W302": (Severity.WARNING, "tier can never be reached: a better tier is implied"),
    "W303": (Severity.WARNING, "tier's conditions contradict each other"),
    "W304": (Severity.WARNING, "tiers not staggered"),
    "W305": (Severity.WARNING, "figure without a sample size under a confidence level"),
    "W306": (Severity.WARNING, "guard cannot fail or cannot pass"),
    "W307": (Severity.WARNING, "baseline's metric is undefined by construction"),
    "W308": (Severity.WARNING, "figure of a total compared with a total over the rows judged"),
    # data
    "D001": (Severity.ERROR, "data file not found"),
    "D002": (Severity.ERROR, "data file is empty"),
    "D003": (Severity.ERROR, "data file cannot be parsed"),
    "D004": (Severity.ERROR, "missing column"),
    "D005": (Severity.ERROR, "label is not binary"),
    "D006": (Severity.ERROR, "missing values in a bound column"),
    "D007": (Severity.ERROR, "score is not a probability"),
    "D008": (Severity.ERROR, "decision column is not 0/1"),
    "D009": (Severity.ERROR, "class not among the scored classes"),
    "D010": (Severity.ERROR, "column is not numeric"),
    "D011": (Severity.ERROR, "relevance is negative"),
    "D012": (Severity.ERROR, "weights are negative or not finite"),
    "D013": (Severity.ERROR, "slice value has no rows"),
    "D014": (Severity.ERROR, "duplicate ids"),
    "D015": (Severity.ERROR, "baseline data cannot be joined"),
    "D016": (Severity.ERROR, "no rows left to evaluate"),
    "D017": (Severity.ERROR, "baseline record cannot be used"),
    "D018": (Severity.ERROR, "data file format not supported"),
    "D019": (Severity.ERROR, "slice value is reserved"),
    "D020": (Severity.ERROR, "data file is not a regular file"),
    "D021": (Severity.ERROR, "duplicate column names"),
    "D022": (Severity.ERROR, "data file too large"),
    "D023": (Severity.ERROR, "label has a single class"),
    "D024": (Severity.ERROR, "column holds nested values"),
    "W401": (Severity.WARNING, "baseline record made under another spec"),
    "W402": (Severity.WARNING, "slice value holding one class"),
    # output
    "O001": (Severity.ERROR, "record cannot be written"),
    # reports
    "R001": (Severity.ERROR, "record cannot be read"),
    # the installation
    "P001": (Severity.ERROR, "a package the command needs is not installed"),
    "P002": (Severity.ERROR, "no Spark session can be started"),
    # hurdlec verify
    "V001": (Severity.ERROR, "spec differs from the record's"),
    "V002": (Severity.ERROR, "data differs from the record's"),
    "V003": (Severity.ERROR, "re-derived value differs from the record"),
    "V004": (Severity.WARNING, "record made with other versions"),
    "V005": (Severity.ERROR, "decision log chain broken"),
    # MLflow
    "M001": (Severity.ERROR, "MLflow run not found"),
    "M002": (Severity.ERROR, "MLflow run artifact not found"),
    "M003": (Severity.ERROR, "registered model version not found"),
    "M004": (Severity.ERROR, "MLflow call failed"),
    # hurdlec plan --assume
    "A001": (Severity.ERROR, "assumed value cannot be read"),
    "A002": (Severity.ERROR, "assumption names something unknown"),
    "A003": (Severity.ERROR, "assumption the plan does not use"),
    "A004": (Severity.ERROR, "assumption missing"),
    "A005": (Severity.ERROR, "assumed values cannot all hold"),
    "A006": (Severity.ERROR, "cannot be planned from assumed values"),
    # editors (hurdlec lsp)
    "W501": (Severity.WARNING, "example does not reach its expected tier"),
}


@dataclass(frozen=True)
class Diagnostic:
    """One problem. `span` places it in a spec; `column`/`rows` place it in a data file. `subject` is
    the name the problem is about (an unknown metric, baseline, slice), so later stages read it
    instead of parsing the message."""

    code: str
    message: str
    path: str
    span: Span | None = None
    hint: str | None = None
    column: str | None = None
    rows: tuple[int, ...] = field(default=())
    subject: str | None = None

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
