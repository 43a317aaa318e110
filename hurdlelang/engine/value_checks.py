"""The value checks every engine makes on the bound columns, written once: which D-code, on which
column, with which message and hint, in the order the pandas reader makes them. Each engine gives
the expressions of a failing row in its own terms (DuckDB SQL text, Spark Columns) through a
`Dialect`; engine/duck.py and engine/spark.py run the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from hurdlelang.core import codes
from hurdlelang.lang import ir


@dataclass(frozen=True)
class Check:
    """A condition that must hold on every kept row: `bad` is the engine's expression of a failing
    row, `examples` that of the value the message shows (None: it shows none)."""

    code: str
    column: str
    bad: Any
    message: str  # with {examples} where the bad values go
    hint: str
    examples: Any = None


class Dialect(Protocol):
    """One engine's expressions: `number`/`text` type a column, the rest say when a row fails."""

    def raw(self, column: str) -> Any: ...
    def number(self, column: str) -> Any: ...
    def text(self, column: str) -> Any: ...
    def never(self) -> Any: ...
    def not_numeric(self, v: Any) -> Any: ...
    def not_binary(self, v: Any) -> Any: ...
    def not_probability(self, v: Any) -> Any: ...
    def not_in(self, t: Any, classes: tuple[str, ...]) -> Any: ...
    def negative(self, v: Any) -> Any: ...
    def missing_number(self, v: Any) -> Any: ...
    def bad_weight(self, w: Any) -> Any: ...
    def duplicated_id(self) -> Any: ...
    def is_all(self, t: Any) -> Any: ...


def value_checks(spec: ir.Spec, kinds: dict, classes: tuple[str, ...] | None, x: Dialect) -> tuple[list[Check], int]:
    """Every value check, and the index where the baselines' checks start (the checks before it are
    made before the scopes' values are read)."""
    task, d = spec.task, spec.data

    def showing(code: str, column: str, role: str, bad, must: str, hint: str) -> Check:
        """A check whose message shows the column's failing values."""
        return Check(
            code, column, bad, f"column '{column}' ({role}) must {must}, but it has {{examples}}", hint, x.raw(column)
        )

    def numeric(column: str, role: str) -> Check:
        bad = x.not_numeric(x.number(column))
        return showing(codes.NOT_NUMERIC, column, role, bad, "be numeric", "remove text and infinities from the column")

    def binary(column: str, role: str, code: str) -> Check:
        bad = x.never() if kinds[column].name == "bool" else x.not_binary(x.number(column))
        return showing(code, column, role, bad, "hold 0/1", "encode the positive class as 1 and the negative as 0")

    def probability(column: str, role: str) -> Check:
        bad = x.not_probability(x.number(column))
        hint = "bind the model's probability, not a raw score or a class label"
        return showing(codes.NOT_A_PROBABILITY, column, role, bad, "hold probabilities in [0, 1]", hint)

    def known_class(column: str, role: str) -> list[Check]:
        if classes is None:
            return []
        t = x.text(column)
        return [
            Check(
                codes.UNSCORED_CLASS,
                column,
                x.not_in(t, classes),
                f"column '{column}' ({role}) holds {{examples}}, not among {d.class_words()[0]} ({', '.join(classes)})",
                d.class_words()[1],
                t,
            )
        ]

    def decisions(rule: ir.PredictRule, role: str) -> list[Check]:
        if task == "regression":
            return [numeric(rule.column, role)]
        if task == "multiclass":
            return known_class(rule.column, role)
        if not rule.reads_numbers:
            return [binary(rule.column, role, codes.DECISION_NOT_BINARY)]
        return [numeric(rule.column, role)]

    def scores(scores: list[ir.ClassScore], role: str) -> list[Check]:
        if not scores:
            return []
        if task == "ranking":
            return [numeric(scores[0].column, role)]
        if task == "multiclass":
            return [probability(s.column, f"{role} of {s.class_name}") for s in scores]
        return [probability(scores[0].column, role)]

    checks: list[Check] = []
    if task == "binary":
        checks.append(binary(d.label, "label", codes.LABEL_NOT_BINARY))
    elif task == "multiclass":
        checks += known_class(d.label, "label")
    else:
        checks.append(numeric(d.label, "label"))
        if task == "ranking":
            checks.append(
                Check(
                    codes.NEGATIVE_RELEVANCE,
                    d.label,
                    x.negative(x.number(d.label)),
                    f"column '{d.label}' (relevance label) must be 0 or more",
                    "use 0 for irrelevant items",
                )
            )
    checks += scores(d.scores, "score")
    if d.predict:
        checks += decisions(d.predict, "decisions of the candidate")
    if d.weight:
        w = x.number(d.weight)
        checks.append(
            showing(
                codes.NOT_NUMERIC, d.weight, "weight", x.missing_number(w), "be numeric", "remove text from the column"
            )
        )
        must = "hold finite weights of 0 or more"
        hint = "a weight counts a row that many times"
        checks.append(showing(codes.BAD_WEIGHTS, d.weight, "weight", x.bad_weight(w), must, hint))
    if d.id:
        checks.append(
            Check(
                codes.DUPLICATE_IDS,
                d.id,
                x.duplicated_id(),
                "{count} rows share an id in column '" + d.id + "'",
                "each row must be one case: remove the duplicates",
            )
        )
    for s in d.slices:
        checks.append(
            Check(
                codes.RESERVED_SLICE_VALUE,
                s,
                x.is_all(x.text(s)),
                f"column '{s}' (slice) has the value 'all', which names the whole data in records",
                "rename that value in the data, e.g. to 'all_regions'",
            )
        )
    scope_checks_at = len(checks)
    for b in spec.baselines:
        if isinstance(b, ir.ColumnBaseline):
            if b.predict:
                checks += decisions(b.predict, f"decisions of baseline {b.name}")
            checks += scores(b.scores, f"score of baseline {b.name}")
    return checks, scope_checks_at
