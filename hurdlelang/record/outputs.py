"""What `hurdlec check --format json` and `hurdlec test --format json` print, as pydantic models: the
schemas `hurdlec schema check|test` prints (and record/schemas/ ships) come from these, and the
command line builds its JSON through them, so the two cannot drift apart. Each output carries its
own `schema_version`, changed on any change to its required fields (docs/cli.md#json-output)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, WithJsonSchema

CHECK_VERSION = "1"
TEST_VERSION = "1"


class OutputModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_serialization_defaults_required=True)


class SpanOut(OutputModel):
    line: int
    column: int
    end_line: int
    end_column: int


class DiagnosticOut(OutputModel):
    """One diagnostic (docs/diagnostics.md): a place in a spec (span) or in a data file (column, rows)."""

    code: str
    severity: Literal["error", "warning"]
    message: str
    path: str
    span: SpanOut | None
    hint: str | None
    column: str | None
    rows: list[int]


class CheckOutput(OutputModel):
    """`hurdlec check --format json`: every diagnostic of every file checked."""

    schema_version: Annotated[Literal["1"], WithJsonSchema({"const": CHECK_VERSION, "type": "string"})] = CHECK_VERSION
    ok: bool  # what the exit code says: no errors (and, with --strict, no warnings)
    files: list[str]
    errors: int
    warnings: int
    diagnostics: list[DiagnosticOut]


class ExampleOut(OutputModel):
    spec: str
    path: str
    example: str
    line: int
    expected: str
    got: str  # the tier reached, or "inconclusive"
    passed: bool
    explanation: list[str]  # for a failure, the conditions that went the other way


class TestOutput(OutputModel):
    """`hurdlec test --format json`: each example's result, and the diagnostics of specs that do not
    compile (their examples cannot run: `ok` is then false whatever the examples say)."""

    __test__ = False  # not a pytest test class, whatever its name

    schema_version: Annotated[Literal["1"], WithJsonSchema({"const": TEST_VERSION, "type": "string"})] = TEST_VERSION
    ok: bool  # what the exit code says: every spec compiled and every example passed
    passed: int
    failed: int
    examples: list[ExampleOut]
    diagnostics: list[DiagnosticOut]  # of the specs that do not compile


PLAN_VERSION = "1"


class PlanConditionOut(OutputModel):
    """One gate of a tier: a comparison, on the whole data or one slice value. `estimate`,
    `required` and `detectable_now` are the condition's statistic, read by `kind`: `level` (the
    metric's value, in `unit`), `difference` (candidate minus baseline, or the improvement, in
    `unit`), `points` (a difference of two proportions as a fraction: 0.057 is 5.7 points) or
    `relative` (an improvement as a fraction of the baseline's value: 0.515 is +51.5%, no unit).
    `unit` is the metric's unit (null: none, or the label's unnamed unit); `scale` is `per month`
    (the spec's period) for a total judged at the business's volume, null on the rows judged."""

    condition: str
    scope: str  # "all" or "region=EU"
    estimate: float
    op: Literal[">=", ">", "<=", "<"]
    required: float
    level: float | None  # the level it is judged at; null: point estimates compared
    power_now: float | None
    rows_alone: int | None  # null: never reached on its own
    detectable_now: float | None
    kind: Literal["level", "difference", "points", "relative"]
    unit: str | None
    scale: str | None


class PlanTierOut(OutputModel):
    name: str
    reachable: bool
    rows: int | None  # null when unreachable
    slice_rows: dict[str, dict[str, int]]  # slice column -> value -> rows, for `in every` conditions
    power_now: float | None
    hardest: str | None
    conditions: list[PlanConditionOut]
    why_unreachable: str | None
    planned: bool  # false: the tier reads what assumed values do not fix (why_unreachable says)


class PlanOutput(OutputModel):
    """`hurdlec plan --format json`: each tier's rows, from a pilot (`pilot_rows`) or from assumed
    values (`assumed`, `pairing`, `slices`, `rows`; null for a pilot)."""

    schema_version: Annotated[Literal["1"], WithJsonSchema({"const": PLAN_VERSION, "type": "string"})] = PLAN_VERSION
    spec: str
    pilot_rows: int | None
    power: float
    assumed: list[str] | None
    pairing: str | None
    slices: dict[str, dict[str, float]] | None
    rows: int | None
    tiers: list[PlanTierOut]
