"""Stage 4b: check the predictions against the spec's bindings before any metric is
computed. Every problem is a diagnostic naming the file, the column and example rows; bad data
never reaches the evaluator."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from hurdlelang.core import codes
from hurdlelang.core.diagnostics import Diagnostic, DiagnosticError
from hurdlelang.core.names import CANDIDATE, WHOLE_DATA
from hurdlelang.core.operators import COMPARE
from hurdlelang.core.suggest import did_you_mean
from hurdlelang.data.bands import with_bands
from hurdlelang.data.errors import MAX_ROWS_SHOWN, count, examples, fail, first_rows, original_rows
from hurdlelang.data.prepared import PartyData, Prepared
from hurdlelang.data.read import Table
from hurdlelang.data.sniff import refuse_nested
from hurdlelang.data.volume import with_volumes
from hurdlelang.lang import ir


def _weights(table: Table, column: str, rows: np.ndarray) -> np.ndarray:
    series = table.frame[column].iloc[rows]
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
    text = np.isnan(values)
    if text.any():
        fail(
            codes.NOT_NUMERIC,
            f"column '{column}' (weight) must be numeric, but it has {examples(series[text])}",
            table.path,
            "remove text from the column",
            column,
            original_rows(rows, text),
        )
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        fail(
            codes.BAD_WEIGHTS,
            f"column '{column}' (weight) must hold finite weights of 0 or more, but it has {examples(series[bad])}",
            table.path,
            "a weight counts a row that many times",
            column,
            original_rows(rows, bad),
        )
    return values


# ---- what the spec binds ----


@dataclass(frozen=True)
class Bound:
    """A column the spec reads, the table it is read from, and its role (for messages)."""

    table: Table
    column: str
    role: str


def _bindings(spec: ir.Spec, main: Table, joined: dict[str, Table]) -> list[Bound]:
    d = spec.data
    bound = [Bound(main, d.label, "label")]
    bound += [Bound(main, s.column, f"score of {s.class_name}" if s.class_name else "score") for s in d.scores]
    if d.predict:
        bound.append(Bound(main, d.predict.column, "decisions of the candidate"))
    for column, role in ((d.weight, "weight"), (d.group, "query id"), (d.id, "id")):
        if column:
            bound.append(Bound(main, column, role))
    bound += [Bound(main, s, "slice") for s in d.slices]
    for b in spec.baselines:
        if isinstance(b, ir.ColumnBaseline):
            table = joined.get(b.name, main)
            if b.predict:
                bound.append(Bound(table, b.predict.column, f"decisions of baseline {b.name}"))
            bound += [Bound(table, s.column, f"score of baseline {b.name}") for s in b.scores]
    return bound


def _require_columns(bound: list[Bound]) -> None:
    problems = []
    for b in bound:
        present = list(b.table.frame.columns)
        if b.column not in present:
            hint = did_you_mean(b.column, present) or f"columns in the file: {', '.join(present[:12])}"
            problems.append(
                Diagnostic(
                    codes.MISSING_COLUMN,
                    f"column '{b.column}' ({b.role}) is not in the data",
                    b.table.path,
                    hint=hint,
                    column=b.column,
                )
            )
    if problems:
        first: dict[tuple, Diagnostic] = {}
        for d in problems:
            first.setdefault((d.path, d.column), d)
        raise DiagnosticError(list(first.values()))


def join_key(spec: ir.Spec, name: str, where: str) -> str:
    """The id column that joins baseline `name`'s own file (at `where`) to the predictions; a join
    diagnostic when `name` is no column baseline of the spec or the spec binds no id. Every engine
    asks this first, so the message is the same on all of them."""
    known = [b.name for b in spec.baselines if isinstance(b, ir.ColumnBaseline)]
    if name not in known:
        hint = did_you_mean(name, known) or f"column baselines: {', '.join(known) or 'none'}"
        fail(
            codes.JOIN_FAILED,
            f"--baseline-data names '{name}', which is not a column baseline of the spec",
            where,
            hint,
        )
    key = spec.data.id
    if key is None:
        fail(
            codes.JOIN_FAILED,
            f"baseline '{name}' comes from its own file, but the spec binds no id",
            where,
            "add `id COLUMN` to the data block: the column both files share",
        )
    return key


def join_baseline_tables(spec: ir.Spec, main: Table, extra: dict[str, Table]) -> dict[str, Table]:
    """Align each baseline's own file to the main file's rows through the spec's id column."""
    joined = {}
    for name, table in extra.items():
        key = join_key(spec, name, table.path)
        for t in (main, table):
            if key not in t.frame.columns:
                fail(
                    codes.JOIN_FAILED,
                    f"the id column '{key}' is not in this file",
                    t.path,
                    "both files need the id column",
                )
            duplicated = t.frame[key].duplicated(keep=False).to_numpy()
            if duplicated.any():
                fail(
                    codes.DUPLICATE_IDS,
                    f"{int(duplicated.sum())} rows share an id in column '{key}'",
                    t.path,
                    "each id must appear once to join the files",
                    key,
                    first_rows(duplicated),
                )
        aligned = table.frame.set_index(key).reindex(main.frame[key])
        # a row with an empty id is the missing-value policy's to judge, on the main file
        unmatched = (aligned.index.isin(table.frame[key]) == 0) & main.frame[key].notna().to_numpy()
        if unmatched.any():
            ids = ", ".join(str(v) for v in main.frame[key][unmatched].head(MAX_ROWS_SHOWN))
            fail(
                codes.JOIN_FAILED,
                f"{count(int(unmatched.sum()), 'row')} of the main data have no match in the file of baseline "
                f"'{name}' (ids {ids})",
                table.path,
                "give the baseline's decision for every row",
                key,
                first_rows(unmatched),
            )
        joined[name] = Table(table.path, aligned.reset_index(drop=True))
    return joined


def _missing(bound: list[Bound], policy: str, n: int) -> tuple[np.ndarray, dict[str, int]]:
    """Rows to keep, and how many were dropped for each column (policy `drop`)."""
    keep = np.ones(n, dtype=bool)
    dropped: dict[str, int] = {}
    for b in bound:
        mask = b.table.frame[b.column].isna().to_numpy()
        if not mask.any():
            continue
        if policy == "error":
            fail(
                codes.MISSING_VALUES,
                f"{int(mask.sum())} empty or NaN cell(s) in column '{b.column}' ({b.role})",
                b.table.path,
                "fill or drop those rows, or add `missing drop` to the data block; a missing value is never "
                "silently skipped",
                b.column,
                first_rows(mask),
            )
        newly = mask & keep
        if newly.any():
            dropped[f"empty {b.column} ({b.role})"] = int(newly.sum())
        keep &= ~mask
    return keep, dropped


# ---- typed columns ----


def _numeric(table: Table, column: str, role: str, rows: np.ndarray) -> np.ndarray:
    series = table.frame[column].iloc[rows]
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(values) | np.isinf(values)
    if bad.any():
        fail(
            codes.NOT_NUMERIC,
            f"column '{column}' ({role}) must be numeric, but it has {examples(series[bad])}",
            table.path,
            "remove text and infinities from the column",
            column,
            original_rows(rows, bad),
        )
    return values


def _binary(table: Table, column: str, role: str, code: str, rows: np.ndarray) -> np.ndarray:
    series = table.frame[column].iloc[rows]
    if series.dtype == bool:
        return series.to_numpy().astype(np.int8)
    values = pd.to_numeric(series, errors="coerce")
    bad = ~values.isin([0, 1]).to_numpy()
    if bad.any():
        fail(
            code,
            f"column '{column}' ({role}) must hold 0/1, but it has {examples(series[bad])}",
            table.path,
            "encode the positive class as 1 and the negative as 0",
            column,
            original_rows(rows, bad),
        )
    return values.to_numpy().astype(np.int8)


def _probability(table: Table, column: str, role: str, rows: np.ndarray) -> np.ndarray:
    series = table.frame[column].iloc[rows]
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
    bad = np.isnan(values) | (values < 0) | (values > 1)
    if bad.any():
        fail(
            codes.NOT_A_PROBABILITY,
            f"column '{column}' ({role}) must hold probabilities in [0, 1], but it has {examples(series[bad])}",
            table.path,
            "bind the model's probability, not a raw score or a class label",
            column,
            original_rows(rows, bad),
        )
    return values


def as_text(series: pd.Series) -> np.ndarray:
    """Values as text, whole-number floats without a ".0": a column of classes 1, 2, 3 with one
    empty cell reads as floats, but its classes are still "1", "2", "3"."""
    if pd.api.types.is_float_dtype(series):
        values = series.to_numpy()
        if (np.isfinite(values) & (values == np.round(values))).all():
            return values.astype(np.int64).astype(str)
    return series.astype(str).to_numpy()


_SCORED = ("the scored classes", "add a score column for that class, or fix the label")


def _classes(
    table: Table, column: str, role: str, rows: np.ndarray, classes: tuple[str, ...] | None, words=_SCORED
) -> np.ndarray:
    values = as_text(table.frame[column].iloc[rows])
    if classes is not None:
        bad = ~np.isin(values, classes)
        if bad.any():
            what, hint = words
            fail(
                codes.UNSCORED_CLASS,
                f"column '{column}' ({role}) holds {examples(pd.Series(values[bad]))}, not among {what} "
                f"({', '.join(classes)})",
                table.path,
                hint,
                column,
                original_rows(rows, bad),
            )
    return values


def _decisions(task: str, table: Table, rule: ir.PredictRule, role: str, rows, classes, words=_SCORED) -> np.ndarray:
    if task == "regression":
        return _numeric(table, rule.column, role, rows)
    if task == "multiclass":
        return _classes(table, rule.column, role, rows, classes, words)
    if rule.at_volume or rule.abstain:  # values data/volume.py and data/bands.py turn into decisions
        return _numeric(table, rule.column, role, rows)
    if rule.op is None:
        return _binary(table, rule.column, role, codes.DECISION_NOT_BINARY, rows)
    values = _numeric(table, rule.column, role, rows)
    compare = COMPARE[rule.op]
    return compare(values, rule.threshold).astype(np.int8)


def _scores(task: str, table: Table, scores: list[ir.ClassScore], role: str, rows) -> np.ndarray | None:
    if not scores:
        return None
    if task == "ranking":
        return _numeric(table, scores[0].column, role, rows)
    if task == "multiclass":
        return np.column_stack([_probability(table, s.column, f"{role} of {s.class_name}", rows) for s in scores])
    return _probability(table, scores[0].column, role, rows)


def _scope_values(spec: ir.Spec) -> set[tuple[str, str]]:
    """The (slice, value) pairs that conditions and guards name with `in SLICE = "VALUE"`."""
    scopes = [c.scope for c in spec.comparisons()] + [g.scope for g in spec.guards]
    return {(s.slice, s.value) for s in scopes if s is not None and s.value is not None}


def prepare(spec: ir.Spec, main: Table, extra: dict[str, Table] | None = None) -> Prepared:
    """Check every bound column, then turn the tables into arrays for evaluation. Dummy baselines are
    not here: they are fit on these arrays afterwards (judging/dummies.py)."""
    joined = join_baseline_tables(spec, main, extra or {})
    bound = _bindings(spec, main, joined)
    _require_columns(bound)
    for path in dict.fromkeys(b.table.path for b in bound):
        refuse_nested(path, [(b.column, b.role) for b in bound if b.table.path == path])
    n = len(main.frame)
    keep, dropped = _missing(bound, spec.data.missing, n)
    rows = np.flatnonzero(keep)
    if len(rows) == 0:
        fail(
            codes.NO_ROWS_LEFT, f"no rows left: all {n} rows had an empty bound cell", main.path, "fill the empty cells"
        )
    task, d = spec.task, spec.data
    classes = d.declared_classes if task == "multiclass" else None
    words = d.class_words()
    label = _label(task, main, d.label, rows, classes, words)
    more_than_one_class(task, main.path, d.label, label)
    parties = {CANDIDATE: _candidate(task, main, d, rows, classes)}
    weight = _weights(main, d.weight, rows) if d.weight else None
    if d.id:
        _unique_ids(main, d.id, rows)
    group = as_text(main.frame[d.group].iloc[rows]) if d.group else None
    slices = _slices(spec, main, rows)
    for b in spec.baselines:
        if isinstance(b, ir.ColumnBaseline):
            table = joined.get(b.name, main)
            role = f"decisions of baseline {b.name}"
            decisions = _decisions(task, table, b.predict, role, rows, classes, words) if b.predict else None
            parties[b.name] = PartyData(decisions, _scores(task, table, b.scores, f"score of baseline {b.name}", rows))
    parties = with_bands(spec, with_volumes(spec, parties))
    return Prepared(task, label, parties, classes, weight, group, slices, n, dropped)


def more_than_one_class(task: str, path: str, column: str, label: np.ndarray) -> None:
    """A binary or multiclass label of one class cannot tell a model from a constant: every
    comparison would be judged on half a confusion table (docs/diagnostics.md, D023)."""
    if task in ("binary", "multiclass") and len(np.unique(label)) == 1:
        fail(
            codes.SINGLE_CLASS,
            f"column '{column}' (label) holds only the class {label[0]!s} in the rows evaluated",
            path,
            "evaluate on data with both outcomes (a longer period, or a sample that includes the rare class)",
            column,
        )


def _label(task: str, main: Table, column: str, rows: np.ndarray, classes, words=_SCORED) -> np.ndarray:
    if task == "binary":
        return _binary(main, column, "label", codes.LABEL_NOT_BINARY, rows)
    if task == "multiclass":
        return _classes(main, column, "label", rows, classes, words)
    label = _numeric(main, column, "label", rows)
    if task == "ranking" and (label < 0).any():
        fail(
            codes.NEGATIVE_RELEVANCE,
            f"column '{column}' (relevance label) must be 0 or more",
            main.path,
            "use 0 for irrelevant items",
            column,
            original_rows(rows, label < 0),
        )
    return label


def _candidate(task: str, main: Table, d: ir.DataBindings, rows: np.ndarray, classes) -> PartyData:
    scores = _scores(task, main, d.scores, "score", rows)
    if d.predict:
        decided = _decisions(task, main, d.predict, "decisions of the candidate", rows, classes, d.class_words())
    elif task == "multiclass" and scores is not None:
        decided = np.asarray(classes)[np.argmax(scores, axis=1)]  # no rule: the most likely class
    else:
        decided = None
    return PartyData(decided, scores)


def _unique_ids(main: Table, column: str, rows: np.ndarray) -> None:
    duplicated = main.frame[column].iloc[rows].duplicated(keep=False).to_numpy()
    if duplicated.any():
        fail(
            codes.DUPLICATE_IDS,
            f"{int(duplicated.sum())} rows share an id in column '{column}'",
            main.path,
            "each row must be one case: remove the duplicates",
            column,
            original_rows(rows, duplicated),
        )


def _slices(spec: ir.Spec, main: Table, rows: np.ndarray) -> dict[str, np.ndarray]:
    """Each slice column as text; no value may be 'all', and every value a condition names must occur."""
    slices = {s: as_text(main.frame[s].iloc[rows]) for s in spec.data.slices}
    for column, values in slices.items():
        reserved = values == WHOLE_DATA
        if reserved.any():
            fail(
                codes.RESERVED_SLICE_VALUE,
                f"column '{column}' (slice) has the value 'all', which names the whole data in records",
                main.path,
                "rename that value in the data, e.g. to 'all_regions'",
                column,
                original_rows(rows, reserved),
            )
    for column, value in sorted(_scope_values(spec)):
        if not (slices[column] == value).any():
            present = sorted(set(slices[column]))
            fail(
                codes.SLICE_VALUE_ABSENT,
                f'slice {column} = "{value}" has no rows in the data',
                main.path,
                did_you_mean(value, present) or f"values present: {', '.join(present[:12])}",
                column,
            )
    return slices
