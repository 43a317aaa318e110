"""The arrays the evaluator reads, one per party, aligned row by row.

An engine may hand over *cells* instead of rows: one entry per distinct combination of every bound
value the evaluator reads, with ``multiplicity`` the number of rows it stands for (a GROUP BY with
COUNT(*), hurdlelang/engine/cells.py). Every statistic then counts an entry ``multiplicity`` times,
which is exactly what it would have computed from the rows. ``rows`` is always the number of rows;
``cells`` the number of entries. An engine may also hand over ``sums`` of per-row terms over every
row, with only the rows of small scopes in the arrays (hurdlelang/data/sum_table.py). The user's
weight column stays its own array: a weight is a value of the row, the multiplicity how many rows
carry it. A slice column may come factorised by the engine too (``coded_slices``: its codes into its
sorted values), so that the evaluator does not factorise its text again.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from hurdlelang.core.names import WHOLE_DATA
from hurdlelang.data.sum_table import SumTable
from hurdlelang.lang import ir


@dataclass(frozen=True)
class Slices:
    """A slice column factorised once: ``codes[i]`` indexes ``names`` for row i."""

    codes: np.ndarray
    names: tuple[str, ...]

    @classmethod
    def of(cls, values) -> Slices:
        """Factorise any 1-D array of slice values (text, numbers, categories)."""
        array = np.asarray(values)
        if array.ndim != 1:
            raise ValueError("slice values must be a 1-D array")
        # by hash first (pandas.factorize: one pass), then sort only the distinct values: the codes
        # and names of np.unique over the whole column (of its text, when the column holds Python
        # objects), a tenth of its time on 10^6 entries
        if array.dtype == object:
            array = array.astype(str)  # None and NaN stay two values, as their text
        first, distinct = pd.factorize(array, use_na_sentinel=False)
        return cls.from_distinct(first, np.asarray(distinct, dtype=array.dtype))

    @classmethod
    def from_distinct(cls, first: np.ndarray, distinct: np.ndarray) -> Slices:
        """From codes into the distinct values in any order (a hash table's, an Arrow dictionary's):
        only the distinct values are sorted (text as text, numbers as numbers), the codes renumbered."""
        if distinct.dtype == object:
            distinct = distinct.astype(str)
        uniques, rank = np.unique(distinct, return_inverse=True)
        codes = rank.ravel()[first]
        names = tuple(str(u) for u in uniques)
        if WHOLE_DATA in names:
            raise ValueError(f"a slice is named '{WHOLE_DATA}', which is reserved for the whole data; rename it")
        return cls(codes.astype(np.int64, copy=False).ravel(), names)

    @property
    def text(self) -> np.ndarray:
        """The value of each row as text, as `np.asarray(values).astype(str)` gives it."""
        return np.asarray(self.names, dtype=str)[self.codes]


@dataclass(frozen=True)
class PartyData:
    """What one party (the candidate, a column baseline, a dummy) predicted, row by row."""

    decided: np.ndarray | None
    score: np.ndarray | None
    note: str | None = None
    # a decision at a volume (`predict p top 10%`): the rule and the values it ranks, so that the
    # bootstrap re-chooses the cut in each resample (hurdlelang/data/volume.py)
    volume: ir.PredictRule | None = None
    ranked: np.ndarray | None = None
    # abstain bands (`predict p >= 0.8 as block, p < 0.2 as allow, otherwise review`): 1 for a row
    # sent to the otherwise band, whose `decided` is then 0 (hurdlelang/data/bands.py)
    abstained: np.ndarray | None = None

    @property
    def rank_score(self) -> np.ndarray | None:
        """What ranks a binary party's rows for roc_auc and pr_auc: its score, or for a hard rule its
        0/1 decisions; None when it has neither."""
        if self.score is not None:
            return self.score
        return None if self.decided is None else self.decided.astype(float)


@dataclass(frozen=True)
class Prepared:
    task: str
    label: np.ndarray
    parties: dict[str, PartyData]
    classes: tuple[str, ...] | None = None
    weight: np.ndarray | None = None
    group: np.ndarray | None = None
    slices: dict[str, np.ndarray] = field(default_factory=dict)
    rows_read: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    multiplicity: np.ndarray | None = None  # rows per entry (int64); None: one entry per row
    # sums of per-row terms an engine computed over every row (hurdlelang/data/sum_table.py): then
    # the arrays hold only the rows of the small scopes, which the row bootstrap still draws
    sums: SumTable | None = None
    # slice columns the engine factorised (each the same as Slices.of of its text in `slices`)
    coded_slices: dict[str, Slices] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        if self.sums is not None:
            return self.sums.total_rows
        return len(self.label) if self.multiplicity is None else int(self.multiplicity.sum())

    @property
    def cells(self) -> int:
        """How many entries the arrays hold (rows, or distinct cells with a multiplicity)."""
        return len(self.label)

    @property
    def frequency(self) -> np.ndarray | None:
        """What a metric weights each entry by: the user's weight times the multiplicity."""
        if self.multiplicity is None:
            return self.weight
        return self.multiplicity.astype(float) if self.weight is None else self.weight * self.multiplicity

    def factorised(self, column: str) -> Slices:
        """A slice column as codes and sorted names: the engine's, or factorised here."""
        coded = self.coded_slices.get(column)
        return coded if coded is not None else Slices.of(self.slices[column])

    def expanded(self) -> Prepared:
        """One entry per row again (each cell repeated by its multiplicity), for the few consumers
        that draw single rows; the rows come grouped by cell, not in file order."""
        if self.multiplicity is None:
            return self
        take = np.repeat(np.arange(self.cells), self.multiplicity)
        return replace(self.subset(take), multiplicity=None)

    def subset(self, mask: np.ndarray) -> Prepared:
        def cut(a):
            return None if a is None else a[mask]

        return replace(
            self,
            label=self.label[mask],
            parties={
                k: replace(
                    p, decided=cut(p.decided), score=cut(p.score), ranked=cut(p.ranked), abstained=cut(p.abstained)
                )
                for k, p in self.parties.items()
            },
            weight=cut(self.weight),
            group=cut(self.group),
            slices={k: v[mask] for k, v in self.slices.items()},
            multiplicity=cut(self.multiplicity),
            sums=None,  # a subset is its rows
            coded_slices={},  # a subset may lack some of the values
        )
