"""How the data stage reports a problem: a diagnostic naming the file, the column and the first
offending data rows (1-based, header not counted), shown the same way by every check."""

from __future__ import annotations

import numpy as np
import pandas as pd

from hurdlelang.core.diagnostics import Diagnostic, DiagnosticError

MAX_ROWS_SHOWN = 5


def fail(code: str, message: str, path: str, hint: str | None = None, column=None, rows=()):
    raise DiagnosticError([Diagnostic(code, message, path, hint=hint, column=column, rows=tuple(rows))])


def count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def first_rows(mask) -> list[int]:
    """1-based data row numbers (the header line is not counted)."""
    return [int(i) + 1 for i in np.flatnonzero(np.asarray(mask))[:MAX_ROWS_SHOWN]]


def examples(series: pd.Series) -> str:
    return ", ".join(repr(v) if isinstance(v, str) else str(v) for v in pd.unique(series)[:MAX_ROWS_SHOWN])


def original_rows(rows: np.ndarray, mask: np.ndarray) -> list[int]:
    return [int(r) + 1 for r in rows[np.flatnonzero(mask)][:MAX_ROWS_SHOWN]]
