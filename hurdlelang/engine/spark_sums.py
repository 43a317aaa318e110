"""The sums of per-row terms in Spark: hurdlelang/engine/terms.py's aggregates rendered as Columns,
one groupBy over the slice columns, a second (regression; joined to each cell's mean of the label)
for r2's centred sum of squares, as hurdlelang/engine/duck_sums.py does in SQL."""

from __future__ import annotations

import numpy as np

from hurdlelang.data.sum_table import SumTable
from hurdlelang.engine import spark_columns as sc
from hurdlelang.engine.terms import aggregates, cell_means, centred, centred_needed


class ColumnOps:
    """engine/terms.py's Ops as Spark Columns (every row value already a double)."""

    def __init__(self):
        self.f = sc.F()

    def num(self, value: float):
        return self.f.lit(float(value))

    def mul(self, a, b):
        return a * b

    def sub(self, a, b):
        return a - b

    def div(self, a, b):
        return a / b

    def abs(self, a):
        return self.f.abs(a)

    def neg(self, a):
        return -a

    def ln(self, a):
        return self.f.log(a)

    def clip(self, a, low: float, high: float):
        # numpy's clip: min(max(a, low), high)
        return self.f.least(self.f.greatest(a, self.num(low)), self.num(high))

    def where(self, cond, a, b):
        return self.f.when(cond, a).otherwise(b)

    def eq(self, a, b):
        return a == b

    def positive(self, a):
        return a > self.f.lit(0.0)

    def both(self, a, b):
        return a & b

    def sum(self, a):
        return self.f.sum(a)

    def count_if(self, cond):
        return self.f.count(self.f.when(cond, self.f.lit(1)))

    def min_if(self, a, cond):
        return self.f.min(self.f.when(cond, a))

    def max_if(self, a, cond):
        return self.f.max(self.f.when(cond, a))


def spark_sums(kept, spec, want: dict) -> SumTable:
    """The SumTable of the kept rows; `want` the engine's typed row Columns (engine/spark.py)."""
    o = ColumnOps()
    f = o.f
    row = {
        k: v.cast("double")
        for k, v in want.items()
        if k in ("label", "weight") or k.startswith(("decided:", "score:"))  # a score: binary's losses
    }
    slices = list(spec.data.slices)
    keys = [f"__k{i}" for i in range(len(slices))]
    found = aggregates(spec, o, row)
    aliases = {alias: f"a{i}" for i, alias in enumerate(found.exprs)}
    grouped = kept.groupBy(*[want[f"slice:{s}"].alias(k) for s, k in zip(slices, keys, strict=True)])
    table = grouped.agg(*[e.alias(aliases[a]) for a, e in found.exprs.items()]).toArrow()
    got = {a: np.asarray(table.column(alias).to_numpy(zero_copy_only=False)) for a, alias in aliases.items()}
    cells = {
        s: np.asarray(table.column(k).to_numpy(zero_copy_only=False)).astype(str)
        for s, k in zip(slices, keys, strict=True)
    }
    first = found.read(cells, got, np.zeros(table.num_rows))
    if not centred_needed(spec):
        return first
    means = cell_means(first.sums, found.terms)
    if slices:
        spark = kept.sparkSession
        rows = [(*(str(cells[s][i]) for s in slices), float(means[i])) for i in range(table.num_rows)]
        frame = spark.createDataFrame(rows, schema=[*keys, "__mean"])
        typed = kept.select(*[want[f"slice:{s}"].alias(k) for s, k in zip(slices, keys, strict=True)], "*")
        joined = typed.join(f.broadcast(frame), on=keys)
        back = joined.groupBy(*keys).agg(centred(o, row, f.col("__mean")).alias("c")).collect()
        by_cell = {tuple(str(r[k]) for k in keys): r["c"] for r in back}
        order = zip(*(cells[s] for s in slices), strict=True)
        sst = np.array([float(by_cell.get(tuple(c)) or 0.0) for c in order])
    else:
        sst = np.array([float(kept.agg(centred(o, row, f.lit(float(means[0])))).collect()[0][0] or 0.0)])
    return found.read(cells, got, sst)
