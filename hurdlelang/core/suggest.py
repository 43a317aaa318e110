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
BASE_BUDGET = 200_000  # cells for a whole compile, plus CELLS_PER_CHAR for each character of the spec
CELLS_PER_CHAR = 2

_budget: ContextVar[list[int] | None] = ContextVar("suggestion_budget", default=None)


@contextlib.contextmanager
def suggestion_budget(chars: int) -> Iterator[None]:
    """Share one budget among the suggestions made inside (one compile of a `chars`-long spec)."""
    token = _budget.set([BASE_BUDGET + CELLS_PER_CHAR * chars])
    try:
        yield
    finally:
        _budget.reset(token)


def _strip_common(a: str, b: str) -> tuple[str, str]:
    """Both words without their common prefix and suffix, which no optimal alignment edits."""
    start, short = 0, min(len(a), len(b))
    while start < short and a[start] == b[start]:
        start += 1
    end = 0
    while end < short - start and a[-1 - end] == b[-1 - end]:
        end += 1
    return a[start : len(a) - end], b[start : len(b) - end]


def edit_distance(a: str, b: str, limit: int | None = None, spent: list[int] | None = None) -> int:
    """Damerau-Levenshtein distance (optimal string alignment): a swap of neighbours costs 1.

    With `limit`, any distance above it is returned as limit + 1, and only the band of cells within
    `limit` of the diagonal is computed. `spent`, when given, has the number of cells added to it."""
    if limit is None:
        limit = max(len(a), len(b))
    elif a[:1] == b[:1] or a[-1:] == b[-1:]:
        a, b = _strip_common(a, b)  # generated names share long stems: only the rest costs cells
    n, m = len(a), len(b)
    over = limit + 1
    if abs(n - m) > limit:
        return over
    before: list[int] = []
    previous = [j if j <= limit else over for j in range(m + 1)]
    cells = 0
    for i in range(1, n + 1):
        low, high = max(1, i - limit), min(m, i + limit)
        row = [over] * (m + 1)
        row[0] = best = i if i <= limit else over
        ca = a[i - 1]
        swap = a[i - 2] if i > 1 else None
        for j in range(low, high + 1):  # plain comparisons, not min(): this loop is the whole cost
            cb = b[j - 1]
            value = previous[j - 1] + (ca != cb)
            other = previous[j] + 1
            if other < value:
                value = other
            other = row[j - 1] + 1
            if other < value:
                value = other
            if j > 1 and swap == cb and ca == b[j - 2]:
                other = before[j - 2] + 1
                if other < value:
                    value = other
            if value > over:
                value = over
            row[j] = value
            if value < best:
                best = value
        cells += high - low + 1
        if best > limit:  # every path through this row already costs too much
            if spent is not None:
                spent[0] += cells
            return over
        before, previous = previous, row
    if spent is not None:
        spent[0] += cells
    return min(previous[m], over)


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The nearest candidate within a third of the word's length (at least 1 edit), if any; on a
    tie, the first in alphabetical order."""
    limit = min(MAX_EDITS, max(1, len(word) // 3))
    shared = _budget.get()
    budget = shared if shared is not None else [CALL_BUDGET]
    if budget[0] <= 0:
        return None
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
        if distance <= limit:
            best = (distance, candidate)
            # candidates come in alphabetical order, so a later one must be strictly nearer to win:
            # the band narrows, and the many near-identical names of a generated spec cost little
            limit = distance - 1
            if limit < 0:
                break
    return best[1] if best else None


def listing(names: Iterable[str], most: int = 12) -> str:
    """Names for a hint, at most `most` of them: a spec with thousands of baselines must not make
    every diagnostic list them all."""
    names = list(names)
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most:,} more" if len(names) > most else "")


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    match = closest(word, candidates)
    return f"did you mean '{match}'?" if match else None
