"""The sums of per-row terms in DuckDB (hurdlelang/engine/terms.py renders them as SQL here): one
GROUP BY over the slice columns for the power sums, a second (regression) for r2's centred sum of
squares around each cell's mean; then, for regression, only the rows of the scopes too small for
the normal approximation (hurdlelang/stats/moments.py's ROW_BOOTSTRAP_BELOW) are fetched."""

from __future__ import annotations

import numpy as np

from hurdlelang.data.sum_table import SumTable
from hurdlelang.engine.columns import ident, quote
from hurdlelang.engine.terms import aggregates, cell_means, centred, centred_needed


class SqlOps:
    """engine/terms.py's Ops as SQL text (every row value already a DOUBLE)."""

    def num(self, value: float) -> str:
        return f"CAST({float(value)!r} AS DOUBLE)"

    def mul(self, a: str, b: str) -> str:
        return f"({a} * {b})"

    def sub(self, a: str, b: str) -> str:
        return f"({a} - {b})"

    def div(self, a: str, b: str) -> str:
        return f"({a} / {b})"

    def abs(self, a: str) -> str:
        return f"abs({a})"

    def neg(self, a: str) -> str:
        return f"(-{a})"

    def ln(self, a: str) -> str:
        return f"ln({a})"

    def clip(self, a: str, low: float, high: float) -> str:
        # numpy's clip: min(max(a, low), high)
        return f"least(greatest({a}, {self.num(low)}), {self.num(high)})"

    def where(self, cond: str, a: str, b: str) -> str:
        return f"(CASE WHEN {cond} THEN {a} ELSE {b} END)"

    def eq(self, a: str, b: str) -> str:
        return f"({a} = {b})"

    def positive(self, a: str) -> str:
        return f"({a} > 0)"

    def both(self, a: str, b: str) -> str:
        return f"({a} AND {b})"

    def sum(self, a: str) -> str:
        return f"sum({a})"

    def count_if(self, cond: str) -> str:
        return f"count(*) FILTER (WHERE {cond})"

    def min_if(self, a: str, cond: str) -> str:
        return f"min({a}) FILTER (WHERE {cond})"

    def max_if(self, a: str, cond: str) -> str:
        return f"max({a}) FILTER (WHERE {cond})"


_VALUES = ("decided:", "score:")  # a party's decisions and (binary) its score


def _keys(slices: list[str]) -> list[str]:
    return [f"__k{i}" for i in range(len(slices))]


def duck_sums(con, spec, want: dict[str, str], relation: str = "kept") -> SumTable:
    """The SumTable of the kept rows; `want` the engine's typed row expressions (engine/duck.py)."""
    o = SqlOps()
    row = {k: f"CAST({v} AS DOUBLE)" for k, v in want.items() if k in ("label", "weight") or k.startswith(_VALUES)}
    slices = list(spec.data.slices)
    keys = _keys(slices)
    found = aggregates(spec, o, row)
    head = [f"{want[f'slice:{s}']} AS {k}" for s, k in zip(slices, keys, strict=True)]
    select = ", ".join(head + [f"{sql} AS {ident(alias)}" for alias, sql in found.exprs.items()])
    group = f" GROUP BY {', '.join(keys)} ORDER BY {', '.join(keys)}" if keys else ""
    got = con.execute(f"SELECT {select} FROM {relation}{group}").fetchnumpy()
    got = {k: np.asarray(v) for k, v in got.items()}
    cells = {s: got[k].astype(str) for s, k in zip(slices, keys, strict=True)}
    table = found.read(cells, got, np.zeros(len(got["rows"])))
    if not centred_needed(spec):
        return table
    means = cell_means(table.sums, table.terms)
    return found.read(cells, got, _centred(con, o, row, want, slices, cells, means, relation))


def _centred(con, o, row, want, slices, cells, means, relation) -> np.ndarray:
    """sum w (y - cell mean)^2 per cell, the means joined to the rows by their slice values."""
    import pyarrow as pa

    keys = _keys(slices)
    table = pa.table({**{k: pa.array(cells[s]) for s, k in zip(slices, keys, strict=True)}, "__mean": means})
    con.register("__means", table)
    try:
        inner = ", ".join([f"{want[f'slice:{s}']} AS {k}" for s, k in zip(slices, keys, strict=True)] + ["*"])
        join = f"JOIN __means USING ({', '.join(keys)})" if keys else "CROSS JOIN __means"
        group = f" GROUP BY {', '.join(keys)}" if keys else ""
        head = "".join(f"{k}, " for k in keys)
        sql = f"SELECT {head}{centred(o, row, '__mean')} AS c FROM (SELECT {inner} FROM {relation}) {join}{group}"
        got = con.execute(sql).fetchall()
    finally:
        con.unregister("__means")
    by_cell = {tuple(str(x) for x in r[: len(keys)]): r[-1] for r in got}
    order = zip(*(cells[s] for s in slices), strict=True) if slices else [()]
    return np.array([float(by_cell.get(tuple(c), 0.0) or 0.0) for c in order])


def small_scopes_sql(spec, want: dict[str, str], table: SumTable, below: int) -> str | None:
    """The SQL of a row in a scope of fewer than `below` rows (None: no such scope)."""
    parts = []
    for s in spec.data.slices:
        small = [v for v in table.values(s) if table.scope_rows((s, v)) < below]
        if small:
            parts.append(f"{want[f'slice:{s}']} IN ({', '.join(quote(v) for v in small)})")
    return " OR ".join(parts) if parts else None
