"""docs/decision-record.md explains every field of the decision record, in the section of the model
that holds it, and the re-derivation code it gives an auditor reproduces real records' outcomes."""

from __future__ import annotations

import json
import re
import typing

import pytest
from pydantic import BaseModel

from hurdlelang.record.model import SCHEMA_VERSION, DecisionRecord
from tests.conftest import EXAMPLES, ROOT, invoke

DOC = ROOT / "docs" / "decision-record.md"
FENCE = re.compile(r"^\s*(```|~~~)")
HEADING = re.compile(r"^(#{1,6})\s+(.*)$")


def _nested_models(annotation) -> list[type[BaseModel]]:
    """The pydantic models inside an annotation: X, X | None, list[X], dict[str, dict[str, X]] ..."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _nested_models(arg)]


def record_models() -> list[type[BaseModel]]:
    """Every model reachable from DecisionRecord through its fields, DecisionRecord first."""
    found: list[type[BaseModel]] = []
    todo = [DecisionRecord]
    while todo:
        model = todo.pop(0)
        if model in found:
            continue
        found.append(model)
        for field in model.model_fields.values():
            todo.extend(_nested_models(field.annotation))
    return found


def _sections(text: str) -> dict[str, str]:
    """Heading text -> the section's text (up to the next heading of the same or a higher level).
    Lines inside fenced code blocks are never headings."""
    lines = text.splitlines()
    heads: list[tuple[int, int, str]] = []
    fenced = False
    for i, line in enumerate(lines):
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced and (m := HEADING.match(line)):
            heads.append((i, len(m.group(1)), m.group(2)))
    sections = {}
    for k, (start, level, title) in enumerate(heads):
        end = next((i for i, lvl, _ in heads[k + 1 :] if lvl <= level), len(lines))
        sections[title] = "\n".join(lines[start + 1 : end])
    return sections


def _model_section(model: type[BaseModel]) -> str | None:
    sections = _sections(DOC.read_text(encoding="utf-8"))
    return next((body for title, body in sections.items() if f"`{model.__name__}`" in title), None)


MODELS = record_models()


def test_the_walk_finds_the_nested_models():
    names = {m.__name__ for m in MODELS}
    assert {"DecisionRecord", "ConditionEntry", "SliceJudgement", "IntervalEntry", "MetricEntry"} <= names


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_field_is_documented_in_its_models_section(model):
    section = _model_section(model)
    assert section is not None, (
        f"docs/decision-record.md has no section for {model.__name__}: add a heading "
        f"'### `{model.__name__}`' with a table of its fields"
    )
    missing = [name for name in model.model_fields if f"`{name}`" not in section]
    assert not missing, (
        f"docs/decision-record.md, section `{model.__name__}`: fields not documented: "
        f"{', '.join(missing)} (write each as `name` in its table: what it holds, its unit, when it is null)"
    )


def test_every_field_is_mentioned_somewhere():
    text = DOC.read_text(encoding="utf-8")
    missing = sorted({f"{m.__name__}.{name}" for m in MODELS for name in m.model_fields if f"`{name}`" not in text})
    assert not missing, f"fields not mentioned in docs/decision-record.md: {', '.join(missing)}"


def test_the_doc_states_the_current_schema_version():
    assert f'"schema_version": "{SCHEMA_VERSION}"' in DOC.read_text(encoding="utf-8")


# ---- the re-derivation the doc gives auditors, run against real records ----


def _rederive_code() -> dict:
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"```python\n(# rederive\.py.*?)```", text, re.DOTALL)
    assert block, "docs/decision-record.md lost its '# rederive.py' code block"
    namespace: dict = {"__name__": "rederive"}
    exec(compile(block.group(1), str(DOC), "exec"), namespace)  # our own doc's code, not a spec
    return namespace


def _run(tmp_path, name: str, *extra: str, data=None):
    out = tmp_path / f"{name}-{len(list(tmp_path.iterdir()))}.json"
    data = data or EXAMPLES / "data" / f"{name}.csv"
    result = invoke("run", EXAMPLES / f"{name}.hurdle", "--data", data, "--out", out, "--resamples", "200", *extra)
    assert result.exit_code in (0, 1, 3), result.stderr
    return result.exit_code, json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rederive")
    lines = (EXAMPLES / "data" / "fraud_blocking.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    cut = folder / "fraud_3000.csv"
    cut.write_text("".join(lines[:3001]), encoding="utf-8")  # too few rows: the guards fail
    return {
        "fraud_blocking": (_run(folder, "fraud_blocking"), ()),
        "demand_forecast": (_run(folder, "demand_forecast"), ()),
        "fraud_blocking, 3,000 rows": (_run(folder, "fraud_blocking", data=cut), ()),
        "repeat_purchase, overridden": (
            _run(folder, "repeat_purchase", "--override", "pilot", "--reason", "frozen", "--by", "cto"),
            (),
        ),
        "repeat_purchase, --fail-on rollout": (_run(folder, "repeat_purchase", "--fail-on", "rollout"), ("rollout",)),
    }


@pytest.mark.parametrize(
    "case",
    [
        "fraud_blocking",
        "demand_forecast",
        "fraud_blocking, 3,000 rows",
        "repeat_purchase, overridden",
        "repeat_purchase, --fail-on rollout",
    ],
)
def test_the_documented_rederivation_reproduces_the_outcome_and_exit_code(runs, case):
    code = _rederive_code()
    (exit_code, record), fail_on = runs[case]
    code["check"](record)  # asserts every recorded state and the outcome
    assert code["exit_code"](record, fail_on) == exit_code


def test_the_cases_cover_every_outcome(runs):
    outcomes = {(r["outcome"]["status"], r["outcome"]["override"] is not None) for (_, r), _ in runs.values()}
    assert {("decided", False), ("inconclusive", False), ("decided", True)} <= outcomes
    cut = runs["fraud_blocking, 3,000 rows"][0][1]
    assert any(c["skipped_slices"] for t in cut["tiers"] for c in t["conditions"])
