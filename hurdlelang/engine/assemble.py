"""The evaluator's arrays from the typed columns an engine fetched (DuckDB or Spark alike): the label,
each party's decisions and scores, weights, groups and slices, typed as the pandas reader types them.
The columns are rows, or cells with a multiplicity (hurdlelang/engine/cells.py): then multiclass
scores are absent and the most probable class comes decided by the engine."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from hurdlelang.core.names import CANDIDATE
from hurdlelang.data.bands import describe as describe_bands
from hurdlelang.data.prepare import more_than_one_class
from hurdlelang.data.prepared import PartyData, Prepared
from hurdlelang.data.volume import describe
from hurdlelang.engine.cells import MULTIPLICITY, group
from hurdlelang.lang import ir


def assemble(
    spec: ir.Spec, got: dict[str, np.ndarray], parties, classes, n: int, dropped, label_path: str, cuts=None
) -> Prepared:
    """The evaluator's arrays, typed as the pandas reader types them. `cuts`: (k, cut) of each party
    deciding at a volume, chosen by the engine; its ranked values come as `ranked:NAME`."""
    task, d = spec.task, spec.data

    def as_str(a: np.ndarray) -> np.ndarray:
        return a.astype(str, copy=False)  # (a slice's text from its codes is str already: no second copy)

    label = got["label"]
    label = as_str(label) if task == "multiclass" else label.astype(float, copy=False)
    if task == "binary":
        label = label.astype(np.int8)
    more_than_one_class(task, label_path, d.label, label)  # D023, as the pandas reader
    built: dict[str, PartyData] = {}
    rows_per = got[MULTIPLICITY].astype(np.int64) if MULTIPLICITY in got else None
    for name, rule, scores in parties:  # a decision rule's outcome is already in got
        score = None
        if scores and f"score:{name}:0" in got:
            if task == "multiclass":
                score = np.column_stack([got[f"score:{name}:{i}"].astype(float) for i in range(len(scores))])
            else:
                score = got[f"score:{name}:0"].astype(float)
        decided = None
        if f"decided:{name}" in got:
            decided = got[f"decided:{name}"]
            if task == "multiclass":
                decided = as_str(decided)
            elif task == "binary":
                decided = decided.astype(np.int8, copy=False)
            else:
                decided = decided.astype(float)
        elif name == CANDIDATE and task == "multiclass" and score is not None:
            decided = np.asarray(classes)[np.argmax(score, axis=1)]
        built[name] = PartyData(decided, score)
        if f"abstained:{name}" in got:
            abstained = got[f"abstained:{name}"].astype(np.int8)
            sent = abstained if rows_per is None else abstained * rows_per  # cells count their rows
            note = describe_bands(rule, int(sent.sum()), len(sent) if rows_per is None else int(rows_per.sum()))
            built[name] = PartyData(decided, score, note, abstained=abstained)
        if cuts and name in cuts:
            ranked = got[f"ranked:{name}"].astype(float)
            k, threshold = cuts[name]
            note = describe(rule, k, threshold, int(decided.sum()), len(ranked))
            built[name] = PartyData(decided, score, note, rule, ranked)
    prepared = Prepared(
        task,
        label,
        {CANDIDATE: built[CANDIDATE]},
        classes,
        got["weight"].astype(float) if d.weight else None,
        as_str(got["group"]) if d.group else None,
        {s: as_str(got[f"slice:{s}"]) for s in d.slices},
        n,
        dropped,
    )
    for b in spec.baselines:
        if isinstance(b, ir.ColumnBaseline):
            prepared.parties[b.name] = built[b.name]
    if MULTIPLICITY in got:  # cells: in the canonical order every engine gives (and the pandas reader's rows)
        prepared = group(replace(prepared, multiplicity=got[MULTIPLICITY].astype(np.int64)))
    return prepared
