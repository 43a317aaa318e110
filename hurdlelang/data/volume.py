"""Decisions at a volume: `predict p top 10%`, `top 500`, `at the volume of as_is`.

One definition, used by every engine and by the bootstrap (hurdlelang/stats/bootstrap_volume.py):

- the volume k is a number of rows: `top 500` is min(500, n); `top 10%` is ceil(10% of n); `at the
  volume of B` is the number of rows baseline B flags. Rows, not weights: a mailing budget counts
  letters;
- the cut is the k-th highest value of the ranked column over all rows judged (the whole data, never
  per slice: one list is mailed); a slice's metrics count the rows of that slice the cut flags;
- every row at or above the cut is flagged, so rows tied with the k-th are all in, and a column with
  ties may flag more than k rows (never fewer). No tie-break depends on row order, so every engine
  and every partitioning flags the same rows; the record's note gives the cut and the rows flagged;
- k = 0 flags nothing.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from hurdlelang.core.names import CANDIDATE
from hurdlelang.data.prepared import PartyData
from hurdlelang.lang import ir


def volume_k(rule: ir.PredictRule, n: int, borrowed: int | None = None) -> int:
    """Rows to flag out of n; `borrowed` is the flagged rows of the baseline named by `volume_of`."""
    if rule.top_rows is not None:
        return min(rule.top_rows, n)
    if rule.top_share is not None:
        # round first: 10% of 2,330 is 233 exactly, not 233.00000000000003 -> 234
        return min(n, math.ceil(round(rule.top_share * n, 9)))
    return int(borrowed or 0)


def cut(values: np.ndarray, k: int) -> float | None:
    """The k-th highest value (None when k is 0: nothing is flagged)."""
    if k <= 0:
        return None
    return float(np.partition(values, len(values) - k)[len(values) - k])


def flag(values: np.ndarray, threshold: float | None) -> np.ndarray:
    if threshold is None:
        return np.zeros(len(values), dtype=np.int8)
    return (values >= threshold).astype(np.int8)


def describe(rule: ir.PredictRule, k: int, threshold: float | None, flagged: int, n: int) -> str:
    """The record's note on a party deciding at a volume."""
    if rule.top_rows is not None:
        volume = f"top {rule.top_rows:,} rows"
    elif rule.top_share is not None:
        volume = f"top {rule.top_share * 100:g}% ({k:,} of {n:,} rows)"
    else:
        volume = f"the volume of {rule.volume_of} ({k:,} rows)"
    if threshold is None:
        return f"decides at {volume}: nothing flagged"
    ties = f", {flagged - k:,} more tied at the cut" if flagged > k else ""
    return f"decides at {volume} by {rule.column} >= {threshold:.6g}: {flagged:,} rows flagged{ties}"


def rules_of(spec: ir.Spec) -> dict[str, ir.PredictRule]:
    """Every party's decision rule at a volume, the candidate's under its own name."""
    found = {CANDIDATE: spec.data.predict} if spec.data.predict is not None else {}
    found.update({b.name: b.predict for b in spec.baselines if isinstance(b, ir.ColumnBaseline) and b.predict})
    return {name: rule for name, rule in found.items() if rule.at_volume}


def with_volumes(spec: ir.Spec, parties: dict[str, PartyData]) -> dict[str, PartyData]:
    """Parties deciding at a volume come in with the values their rule ranks in `decided`; they
    leave with their 0/1 decisions, the ranked values kept for the bootstrap, and a note."""
    out = dict(parties)
    for name, rule in rules_of(spec).items():
        ranked = np.asarray(parties[name].decided, dtype=float)
        borrowed = int(parties[rule.volume_of].decided.sum()) if rule.volume_of else None
        n = len(ranked)
        k = volume_k(rule, n, borrowed)
        threshold = cut(ranked, k)
        decided = flag(ranked, threshold)
        note = describe(rule, k, threshold, int(decided.sum()), n)
        out[name] = replace(parties[name], decided=decided, note=note, volume=rule, ranked=ranked)
    return out
