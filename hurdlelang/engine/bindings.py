"""The columns a spec binds and the role each plays, in the order the pandas reader checks them:
what every engine reads from the source (DuckDB, Spark) and names in its diagnostics."""

from __future__ import annotations

from dataclasses import dataclass

from hurdlelang.lang import ir


@dataclass(frozen=True)
class Bound:
    column: str
    role: str


def bindings(spec: ir.Spec) -> list[Bound]:
    d = spec.data
    bound = [Bound(d.label, "label")]
    bound += [Bound(s.column, f"score of {s.class_name}" if s.class_name else "score") for s in d.scores]
    if d.predict:
        bound.append(Bound(d.predict.column, "decisions of the candidate"))
    for column, role in ((d.weight, "weight"), (d.group, "query id"), (d.id, "id")):
        if column:
            bound.append(Bound(column, role))
    bound += [Bound(s, "slice") for s in d.slices]
    for b in spec.baselines:
        if isinstance(b, ir.ColumnBaseline):
            if b.predict:
                bound.append(Bound(b.predict.column, f"decisions of baseline {b.name}"))
            bound += [Bound(s.column, f"score of baseline {b.name}") for s in b.scores]
    return bound
