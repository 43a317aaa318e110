"""'Did you mean' suggestions by edit distance, at a bounded cost.

A suggestion allows a third of the word's length in edits (at least 1, at most MAX_EDITS), so only
a band of 2k+1 cells per row of the edit-distance table can matter: a candidate whose length
differs by more than k is skipped without a look, and the rest cost O(len * k), not O(len²). On
top of that a budget of table cells bounds the total: `compile_source` grants one proportional to
the spec's size, so `hurdlec check` stays linear in the file however many misspelt names it holds;
once the budget is spent, diagnostics simply come without a suggestion.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from contextvars import ContextVar

MAX_EDITS = 8
CALL_BUDGET = 2_000_000  # cells for one suggestion outside a compile (e.g. a missing data column)
BASE_BUDGET = 1_000_000  # cells for a whole compile, plus CELLS_PER_CHAR for each character of the spec
CELLS_PER_CHAR = 20

_budget: ContextVar[list[int] | None] = ContextVar("suggestion_budget", default=None)


@contextlib.contextmanager
def suggestion_budget(chars: int) -> Iterator[None]:
    """Share one budget among the suggestions made inside (one compile of a `chars`-long spec)."""
    token = _budget.set([BASE_BUDGET + CELLS_PER_CHAR * chars])
    try:
        yield
    finally:
        _budget.reset(token)


def edit_distance(a: str, b: str, limit: int | None = None, spent: list[int] | None = None) -> int:
    """Damerau-Levenshtein distance (optimal string alignment): a swap of neighbours costs 1.

    With `limit`, any distance above it is returned as limit + 1, and only the band of cells within
    `limit` of the diagonal is computed. `spent`, when given, has the number of cells added to it."""
    n, m = len(a), len(b)
    if limit is None:
        limit = max(n, m)
    over = limit + 1
    if abs(n - m) > limit:
        return over
    before = None
    previous = [j if j <= limit else over for j in range(m + 1)]
    cells = 0
    for i in range(1, n + 1):
        low, high = max(1, i - limit), min(m, i + limit)
        row = [over] * (m + 1)
        row[0] = i if i <= limit else over
        best = row[0]
        ca = a[i - 1]
        for j in range(low, high + 1):
            cb = b[j - 1]
            value = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, before[j - 2] + 1)
            row[j] = value if value < over else over
            best = min(best, row[j])
        cells += high - low + 1
        if best > limit:  # every path through this row already costs too much
            break
        before, previous = previous, row
    else:
        if spent is not None:
            spent[0] += cells
        return min(previous[m], over)
    if spent is not None:
        spent[0] += cells
    return over


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The nearest candidate within a third of the word's length (at least 1 edit), if any; on a
    tie, the first in alphabetical order."""
    limit = min(MAX_EDITS, max(1, len(word) // 3))
    shared = _budget.get()
    budget = shared if shared is not None else [CALL_BUDGET]
    lowered = word.lower()
    best: tuple[int, str] | None = None
    for candidate in sorted(set(candidates)):
        if abs(len(candidate) - len(word)) > limit:
            continue
        if budget[0] <= 0:
            return None  # out of budget: no suggestion rather than an unbounded search
        spent = [0]
        distance = edit_distance(lowered, candidate.lower(), limit, spent)
        budget[0] -= spent[0]
        if distance <= limit and (best is None or distance < best[0]):
            best = (distance, candidate)
    return best[1] if best else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    match = closest(word, candidates)
    return f"did you mean '{match}'?" if match else None
