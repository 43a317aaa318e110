"""A synthetic pilot whose point estimates are the values a team assumes (judging/assumptions.py).

The rows are laid out deterministically, so that every assumed share comes out as assumed up to
the rounding of counts: per slice cell, round(n * positive_rate) positives, and for each party
round(positives * recall) of them and round(negatives * false-positive rate) of the negatives
predicted positive. Which rows each party predicts positive comes from a Kronecker sequence of
its own (row i's key is frac(i * a_p), a_p the fractional part of the square root of the p-th
prime; the party takes the rows of smallest key): the parties' choices are then as independent
given the label as a random draw would make them on average, without a random draw's scatter, so
equal assumptions give equal numbers in every slice. Regression: each party's absolute errors are
the quantiles of a lognormal law with the assumed mae as its mean and rmse^2 - mae^2 as its
variance (mean corrected to the assumed mae exactly), with alternating signs, laid out in the
order of the party's own keys.
"""

from __future__ import annotations

import itertools
import math
from statistics import NormalDist

import numpy as np

from hurdlelang.core import codes
from hurdlelang.core.diagnostics import Diagnostic, DiagnosticError
from hurdlelang.core.names import CANDIDATE
from hurdlelang.data.prepared import PartyData, Prepared
from hurdlelang.judging.assumptions import (
    ASSUME,
    BASE_RATE,
    BINARY_RATES,
    PILOT_ROWS,
    Assumed,
    Assumption,
    used_by_spec,
)
from hurdlelang.lang import ir

_NORMAL = NormalDist()
TOLERANCE = 1e-6  # how far a third assumed rate may lie from what the first two imply


def _equation(metric: str, value: float, pi: float) -> tuple[float, float, float]:
    """The assumed rate as a linear equation a * tp + b * fp = c in the shares of true and false
    positives among the rows (pi: the share of positives)."""
    v = value
    return {
        "recall": (1.0, 0.0, pi * v),
        "precision": (1.0 - v, -v, 0.0),
        "specificity": (0.0, 1.0, (1.0 - pi) * (1.0 - v)),
        "predicted_positive_rate": (1.0, 1.0, v),
        "accuracy": (1.0, -1.0, v - 1.0 + pi),
        "f1": (2.0 - v, -v, v * pi),
    }[metric]


class _Values:
    """Assumed values by party, metric and slice cell: a slice value's own, else the whole's."""

    def __init__(self, assumed: Assumed):
        self.items: dict[tuple, Assumption] = {(a.party, a.metric, a.scope): a for a in assumed.values}

    def get(self, party: str, metric: str, cell: dict[str, str]) -> Assumption | None:
        for column, value in cell.items():
            found = self.items.get((party, metric, (column, value)))
            if found is not None:
                return found
        return self.items.get((party, metric, None))


def _where(spec: ir.Spec, party: str) -> ir.Condition | None:
    """The first comparison that reads `party` (any, for the candidate): where a missing value is shown."""
    for c in spec.comparisons():
        against = c.baseline if isinstance(c, ir.BeatsCondition) else c.against
        if party == CANDIDATE or against == party:
            return c
    return None


def _missing(spec: ir.Spec, party: str, message: str, hint: str) -> Diagnostic:
    c = _where(spec, party)
    return Diagnostic(
        codes.MISSING_ASSUMPTION,
        message,
        spec.source.path if c is not None else ASSUME,
        c.span if c is not None else None,
        hint,
        subject=party,
    )


def _cells(spec: ir.Spec, assumed: Assumed) -> list[tuple[dict[str, str], float]]:
    """The slice cells the plan needs (every slice column a condition or guard reads), with their shares."""
    scopes = [(c, c.scope) for c in spec.comparisons()] + [(g, g.scope) for g in spec.guards]
    columns: list[str] = []
    problems = []
    for owner, scope in scopes:
        if scope is None:
            continue
        given = assumed.slices.get(scope.slice)
        if given is None:
            problems.append(
                Diagnostic(
                    codes.MISSING_ASSUMPTION,
                    f"'{owner.text}' reads slice '{scope.slice}', whose values the plan is not given",
                    spec.source.path,
                    owner.span,
                    f"list them with --slice {scope.slice}=VALUE,VALUE,... (equal shares) or VALUE:30%,...",
                    subject=scope.slice,
                )
            )
        elif scope.value is not None and scope.value not in given:
            problems.append(
                Diagnostic(
                    codes.MISSING_ASSUMPTION,
                    f"'{owner.text}' reads {scope.slice} = \"{scope.value}\", not listed by --slice {scope.slice}",
                    spec.source.path,
                    owner.span,
                    f"add it: --slice {scope.slice}={','.join([*given, scope.value])}",
                    subject=scope.value,
                )
            )
        if scope.slice not in columns:
            columns.append(scope.slice)
    if problems:
        raise DiagnosticError(_unique(problems))
    columns = [c for c in columns if c in assumed.slices]
    cells = []
    for combination in itertools.product(*(assumed.slices[c].items() for c in columns)):
        cells.append(
            ({c: v for c, (v, _) in zip(columns, combination, strict=True)}, math.prod(s for _, s in combination))
        )
    return cells or [({}, 1.0)]


def _unique(problems: list[Diagnostic]) -> list[Diagnostic]:
    seen, out = set(), []
    for d in problems:
        key = (d.code, d.message)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


def _where_text(cell: dict[str, str]) -> str:
    return "" if not cell else " in " + ", ".join(f"{c}={v}" for c, v in cell.items())


def _binary_shares(spec, values: _Values, party: str, cell: dict[str, str], pi: float) -> tuple[float, float]:
    """The party's shares of true and false positives in one cell."""
    given = [a for a in (values.get(party, m, cell) for m in BINARY_RATES) if a is not None]
    names = ", ".join(BINARY_RATES)
    who = "the candidate" if party == CANDIDATE else f"baseline '{party}'"
    solved = None
    for first, second in itertools.combinations(given, 2):
        (a1, b1, c1), (a2, b2, c2) = (_equation(g.metric, g.value, pi) for g in (first, second))
        det = a1 * b2 - a2 * b1
        if abs(det) > 1e-12:
            solved = ((c1 * b2 - c2 * b1) / det, (a1 * c2 - a2 * c1) / det, first, second)
            break
    if solved is None:
        shown = ", ".join(g.text for g in given) or "none"
        raise DiagnosticError(
            [
                _missing(
                    spec,
                    party,
                    f"the plan needs two of {names} for {who}{_where_text(cell)} to know its confusion table "
                    f"(given: {shown})",
                    f"add one, e.g. --assume {'' if party == CANDIDATE else party + '.'}recall=0.6",
                )
            ]
        )
    tp, fp, first, second = solved
    pair = f"'{first.text}' and '{second.text}'"
    if not (-TOLERANCE <= tp <= pi + TOLERANCE and -TOLERANCE <= fp <= 1 - pi + TOLERANCE):
        raise DiagnosticError(
            [
                Diagnostic(
                    codes.IMPOSSIBLE_ASSUMPTION,
                    f"{pair} cannot both hold for {who}{_where_text(cell)} with positive_rate {pi:g}: they need "
                    f"{tp:.4g} true and {fp:.4g} false positives per row, outside [0, {pi:g}] and [0, {1 - pi:g}]",
                    ASSUME,
                    second.span,
                    "check the values (a precision above the base rate needs a recall that leaves room for it)",
                )
            ]
        )
    tp, fp = min(max(tp, 0.0), pi), min(max(fp, 0.0), 1 - pi)
    for other in given:
        a, b, c = _equation(other.metric, other.value, pi)
        if abs(a * tp + b * fp - c) > TOLERANCE:
            raise DiagnosticError(
                [
                    Diagnostic(
                        codes.IMPOSSIBLE_ASSUMPTION,
                        f"'{other.text}' disagrees with {pair} for {who}{_where_text(cell)}, which fix its confusion "
                        "table already",
                        ASSUME,
                        other.span,
                        "give two of the rates per party (a third only if it agrees with them)",
                    )
                ]
            )
    return tp, fp


def _regression_moments(spec, values: _Values, party: str, cell: dict[str, str]) -> tuple[float, float]:
    """The party's mean and variance of absolute errors in one cell."""
    who = "the candidate" if party == CANDIDATE else f"baseline '{party}'"
    prefix = "" if party == CANDIDATE else party + "."
    mae = values.get(party, "mae", cell)
    rmse, mse = values.get(party, "rmse", cell), values.get(party, "mse", cell)
    if mae is None or (rmse is None and mse is None):
        missing = "mae" if mae is None else "rmse (or mse): the spread of its errors"
        raise DiagnosticError(
            [
                _missing(
                    spec,
                    party,
                    f"the plan needs {who}'s mae and rmse (or mse){_where_text(cell)}; missing: {missing}",
                    f"add it, e.g. --assume {prefix}mae=1.9,{prefix}rmse=2.6 "
                    "(rmse^2 = mae^2 + the variance of the absolute errors)",
                )
            ]
        )
    second = rmse.value**2 if rmse is not None else mse.value
    spread = rmse or mse
    if rmse is not None and mse is not None and abs(rmse.value**2 - mse.value) > TOLERANCE * max(1.0, mse.value):
        raise DiagnosticError(
            [
                Diagnostic(
                    codes.IMPOSSIBLE_ASSUMPTION,
                    f"'{rmse.text}' and '{mse.text}' disagree (mse = rmse^2)",
                    ASSUME,
                    mse.span,
                    "give one of them",
                )
            ]
        )
    variance = second - mae.value**2
    if variance < -TOLERANCE * max(1.0, second):
        raise DiagnosticError(
            [
                Diagnostic(
                    codes.IMPOSSIBLE_ASSUMPTION,
                    f"'{spread.text}' is below '{mae.text}' for {who}{_where_text(cell)}: rmse is never below mae",
                    ASSUME,
                    spread.span,
                    "rmse^2 = mae^2 + the variance of the absolute errors, so rmse >= mae",
                )
            ]
        )
    return mae.value, max(variance, 0.0)


def _abs_errors(mean: float, variance: float, n: int) -> np.ndarray:
    if n == 0:
        return np.zeros(0)
    if variance <= 0 or mean <= 0:
        return np.full(n, mean)
    sigma2 = math.log(1.0 + variance / mean**2)
    mu = math.log(mean) - sigma2 / 2
    z = np.array([_NORMAL.inv_cdf((i + 0.5) / n) for i in range(n)])
    values = np.exp(mu + math.sqrt(sigma2) * z)
    return values * (mean / values.mean())


PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71)


def _order(size: int, party: int) -> np.ndarray:
    """The rows of a group in the order of a party's Kronecker keys (see the module docstring)."""
    step = math.sqrt(PRIMES[party % len(PRIMES)]) % 1.0 + 0.001 * (party // len(PRIMES))
    return np.argsort((np.arange(size) + 0.5) * step % 1.0, kind="stable")


def synthetic_pilot(spec: ir.Spec, assumed: Assumed, seed: int, rows: int | None = None) -> Prepared:
    """The rows a plan from assumptions judges; raises DiagnosticError (A004, A005) when the values
    do not fix them. Regression is resampled row by row, so it gets fewer rows (its means come out
    exact at any size; only the counts of a binary table need many rows to round well)."""
    rows = rows or (PILOT_ROWS if spec.task == "binary" else PILOT_ROWS // 8)
    values = _Values(assumed)
    _, compared = used_by_spec(spec)
    parties = [CANDIDATE, *[b.name for b in spec.baselines if b.name in compared]]
    cells = _cells(spec, assumed)
    sizes = [round(rows * share) for _, share in cells]
    n = sum(sizes)
    label_parts, slice_parts = [], {c: [] for c in cells[0][0]}
    decided: dict[str, list[np.ndarray]] = {p: [] for p in parties}
    # the whole's values first, so that a missing one is said once, for the whole data
    if spec.task == "binary":
        pi = values.get(CANDIDATE, BASE_RATE, {})
        if pi is None:
            raise DiagnosticError(
                [
                    _missing(
                        spec,
                        CANDIDATE,
                        "the plan needs the label's base rate: the share of rows whose label is positive",
                        "add it, e.g. --assume positive_rate=10%",
                    )
                ]
            )
        for p in parties:
            _binary_shares(spec, values, p, {}, pi.value)
    else:
        for p in parties:
            _regression_moments(spec, values, p, {})
    for (cell, _), size in zip(cells, sizes, strict=True):
        for column, value in cell.items():
            slice_parts[column].append(np.full(size, value, dtype=object))
        if spec.task == "binary":
            pi = values.get(CANDIDATE, BASE_RATE, cell).value
            positives = round(size * pi)
            label_parts.append(np.r_[np.ones(positives, dtype=np.int8), np.zeros(size - positives, dtype=np.int8)])
            for j, p in enumerate(parties):
                tp, fp = _binary_shares(spec, values, p, cell, pi)
                column = np.zeros(size, dtype=np.int8)
                hits = round(positives * tp / pi) if pi > 0 else 0
                false = round((size - positives) * fp / (1 - pi)) if pi < 1 else 0
                column[_order(positives, j)[:hits]] = 1
                column[positives + _order(size - positives, j)[:false]] = 1
                decided[p].append(column)
        else:
            z = np.array([_NORMAL.inv_cdf((i + 0.5) / size) for i in range(size)])
            label = 100.0 + 20.0 * z[_order(size, len(PRIMES) - 1)]
            label_parts.append(label)
            for j, p in enumerate(parties):
                mean, variance = _regression_moments(spec, values, p, cell)
                errors = _abs_errors(mean, variance, size) * np.where(np.arange(size) % 2 == 0, 1.0, -1.0)
                placed = np.empty(size)
                placed[_order(size, j)] = errors
                decided[p].append(label + placed)
    prepared_parties = {p: PartyData(np.concatenate(decided[p]), None) for p in parties}
    for b in spec.baselines:  # column baselines no condition compares: the candidate's rows stand in
        if isinstance(b, ir.ColumnBaseline) and b.name not in prepared_parties:
            prepared_parties[b.name] = prepared_parties[CANDIDATE]
    slices = {c: np.concatenate(parts) for c, parts in slice_parts.items()}
    return Prepared(spec.task, np.concatenate(label_parts), prepared_parties, None, None, None, slices, n, {})
