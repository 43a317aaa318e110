"""Stage 4a: read the predictions file and check it against the spec's bindings before any
metric is computed. Every problem is a diagnostic naming the column and example rows."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from hurdlelang import ir
from hurdlelang.diagnostics import Diagnostic, DiagnosticError
from hurdlelang.suggest import did_you_mean

MAX_ROWS_SHOWN = 5


@dataclass(frozen=True)
class Table:
    path: str
    frame: pd.DataFrame


def _fail(code: str, message: str, path: str, hint: str | None = None, column=None, rows=()):
    raise DiagnosticError([Diagnostic(code, message, path, hint=hint, column=column, rows=tuple(rows))])


def read_table(path: str) -> Table:
    file = Path(path)
    if not file.is_file():
        what = "is a directory" if file.is_dir() else "does not exist"
        _fail("D001", f"data file {what}", path, "pass the predictions file with --data FILE.csv")
    if file.stat().st_size == 0:
        _fail("D002", "data file is empty (0 bytes)", path, "expected a CSV with a header line and rows")
    try:
        frame = pd.read_csv(file)
    except pd.errors.EmptyDataError:
        _fail("D002", "data file has no header line", path, "expected a CSV with a header line and rows")
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        _fail(
            "D003",
            f"data file cannot be parsed as CSV: {first_line}",
            path,
            "check the delimiter and quoting; the file must be UTF-8 CSV",
        )
    if frame.empty:
        _fail("D002", "data file has a header but no rows", path, "the predictions file must hold at least one row")
    return Table(path, frame)


def _bad_rows(mask: np.ndarray) -> list[int]:
    """1-based data row numbers (the header line is not counted)."""
    return [int(i) + 1 for i in np.flatnonzero(mask)[:MAX_ROWS_SHOWN]]


def _require_columns(table: Table, bound: dict[str, str]) -> None:
    present = [str(c) for c in table.frame.columns]
    problems = []
    for column, role in bound.items():
        if column not in present:
            hint = did_you_mean(column, present) or f"columns in the file: {', '.join(present[:12])}"
            problems.append(
                Diagnostic(
                    "D004", f"column '{column}' ({role}) is not in the data", table.path, hint=hint, column=column
                )
            )
    if problems:
        raise DiagnosticError(problems)


def _no_missing(table: Table, column: str, role: str) -> None:
    mask = table.frame[column].isna().to_numpy()
    if mask.any():
        _fail(
            "D006",
            f"{int(mask.sum())} empty or NaN cell(s) in the {role} column",
            table.path,
            "fill or drop those rows before evaluating; a missing value is never silently skipped",
            column,
            _bad_rows(mask),
        )


def _binary(table: Table, column: str, role: str, code: str) -> np.ndarray:
    series = table.frame[column]
    if series.dtype == bool:
        return series.to_numpy().astype(np.int8)
    values = pd.to_numeric(series, errors="coerce")
    bad = ~values.isin([0, 1]).to_numpy()
    if bad.any():
        examples = sorted({str(v) for v in series[bad].head(MAX_ROWS_SHOWN)})
        _fail(
            code,
            f"the {role} column must hold 0/1, but it has {', '.join(repr(v) for v in examples)}",
            table.path,
            "encode the positive class as 1 and the negative as 0",
            column,
            _bad_rows(bad),
        )
    return values.to_numpy().astype(np.int8)


def _probability(table: Table, column: str, role: str) -> np.ndarray:
    series = table.frame[column]
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(values) | (values < 0) | (values > 1)
    if bad.any():
        examples = sorted({str(v) for v in series[bad].head(MAX_ROWS_SHOWN)})
        _fail(
            "D007",
            f"the {role} column must hold probabilities in [0, 1], but it has {', '.join(examples)}",
            table.path,
            "bind the model's probability, not a raw score or a class label",
            column,
            _bad_rows(bad),
        )
    return values


@dataclass(frozen=True)
class Decisions:
    """0/1 decisions of one party (candidate or a baseline), with its score if it has one."""

    decided: np.ndarray
    score: np.ndarray | None


@dataclass(frozen=True)
class Prepared:
    label: np.ndarray
    candidate: Decisions
    baselines: dict[str, Decisions]
    rows: int


def _apply_rule(table: Table, rule: ir.PredictRule, role: str) -> np.ndarray:
    if rule.op is None:
        return _binary(table, rule.column, role, "D008")
    values = pd.to_numeric(table.frame[rule.column], errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(values)
    if bad.any():
        _fail(
            "D007",
            f"the {role} column is not numeric",
            table.path,
            "a decision rule compares a numeric score",
            rule.column,
            _bad_rows(bad),
        )
    compare = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less}[rule.op]
    return compare(values, rule.threshold).astype(np.int8)


def prepare(spec: ir.Spec, table: Table) -> Prepared:
    """Check every bound column, then turn the table into arrays for evaluation."""
    score_column = spec.data.scores[0].column if spec.data.scores else None
    bound: dict[str, str] = {spec.data.label: "label"}
    if score_column:
        bound.setdefault(score_column, "score")
    bound.setdefault(spec.data.predict.column, "candidate decision")
    for baseline in spec.baselines:
        bound.setdefault(baseline.predict.column, f"baseline {baseline.name}")
    _require_columns(table, bound)
    for column, role in bound.items():
        _no_missing(table, column, role)
    label = _binary(table, spec.data.label, "label", "D005")
    score = _probability(table, score_column, "score") if score_column else None
    candidate = Decisions(_apply_rule(table, spec.data.predict, "candidate decision"), score)
    baselines = {b.name: Decisions(_apply_rule(table, b.predict, f"baseline {b.name}"), None) for b in spec.baselines}
    return Prepared(label, candidate, baselines, len(table.frame))
