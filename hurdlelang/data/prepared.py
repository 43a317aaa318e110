"""The arrays the evaluator reads, one per party, aligned row by row.

An engine may hand over *cells* instead of rows: one entry per distinct combination of every bound
value the evaluator reads, with ``multiplicity`` the number of rows it stands for (a GROUP BY with
COUNT(*), hurdlelang/engine/cells.py). Every statistic then counts an entry ``multiplicity`` times,
which is exactly what it would have computed from the rows. ``rows`` is always the number of rows;
``cells`` the number of entries. An engine may also hand over ``sums`` of per-row terms over every
row, with only the rows of small scopes in the arrays (hurdlelang/data/sum_table.py). The user's
weight column stays its own array: a weight is a value of the row, the multiplicity how many rows
carry it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from hurdlelang.data.sum_table import SumTable
from hurdlelang.lang import ir


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
        )
