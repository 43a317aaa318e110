"""The JSON Schemas that ship with hurdlelang: the decision record, the IR, and the JSON output of
`hurdlec check`, `hurdlec test` and `hurdlec plan` (record/outputs.py).

`record_schema()` and `ir_schema()` generate them from the pydantic models; the checked-in copies
`record.schema.json` and `ir.schema.json` beside this file let tools without Python validate a
record or a compiled spec. `record-N.schema.json` is the schema of record version N: the current
one is regenerated with the others, older ones are kept as they were released, so a record of
any version can be checked against its own. Regenerate the copies after changing
hurdlelang/record/model.py or hurdlelang/lang/ir.py with `python -m hurdlelang.record.schemas`;
tests/record/test_schemas.py fails until they match, and fails on any change to the record's fields
that does not come with a new SCHEMA_VERSION.

Only pydantic models are imported here (no pandas, numpy or scikit-learn), so this stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path

from hurdlelang.lang import ir
from hurdlelang.record.model import READABLE_VERSIONS, SCHEMA_VERSION, DecisionRecord
from hurdlelang.record.outputs import CHECK_VERSION, PLAN_VERSION, TEST_VERSION, CheckOutput, PlanOutput, TestOutput

HERE = Path(__file__).resolve().parent
FILES = {
    "record": HERE / "record.schema.json",
    "ir": HERE / "ir.schema.json",
    "check": HERE / "check.schema.json",
    "test": HERE / "test.schema.json",
    "plan": HERE / "plan.schema.json",
}
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def record_id(version: str = SCHEMA_VERSION) -> str:
    """The $id of the record schema of one version (a URN: the schemas are shipped, not served)."""
    return f"urn:hurdlelang:record:{version}"


def versioned(version: str) -> Path:
    """The shipped schema of one record version; older versions' files are kept, never changed."""
    return HERE / f"record-{version}.schema.json"


def record_schema() -> dict:
    """The JSON Schema of a decision record (the file `hurdlec run` writes), current version."""
    schema = DecisionRecord.model_json_schema(mode="serialization")
    return {"$schema": DRAFT, "$id": record_id(), **schema}


def ir_schema() -> dict:
    """The JSON Schema of one checked spec (what `hurdlec compile` prints for a one-spec file)."""
    return {"$schema": DRAFT, "$id": "urn:hurdlelang:ir", **ir.Spec.model_json_schema(mode="serialization")}


def check_schema() -> dict:
    """The JSON Schema of what `hurdlec check --format json` prints (its own schema_version)."""
    schema = CheckOutput.model_json_schema(mode="serialization")
    return {"$schema": DRAFT, "$id": f"urn:hurdlelang:check:{CHECK_VERSION}", **schema}


def test_schema() -> dict:
    """The JSON Schema of what `hurdlec test --format json` prints (its own schema_version)."""
    schema = TestOutput.model_json_schema(mode="serialization")
    return {"$schema": DRAFT, "$id": f"urn:hurdlelang:test:{TEST_VERSION}", **schema}


test_schema.__test__ = False  # a generator, not a pytest test


def plan_schema() -> dict:
    """The JSON Schema of what `hurdlec plan --format json` prints (its own schema_version)."""
    schema = PlanOutput.model_json_schema(mode="serialization")
    return {"$schema": DRAFT, "$id": f"urn:hurdlelang:plan:{PLAN_VERSION}", **schema}


GENERATORS = {
    "record": record_schema,
    "ir": ir_schema,
    "check": check_schema,
    "test": test_schema,
    "plan": plan_schema,
}


def render(schema: dict) -> str:
    """The checked-in form: pretty-printed, keys sorted, a trailing newline."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def shipped(name: str) -> dict:
    """The checked-in copy of schema `name` ("record" or "ir"), as shipped in the package."""
    return json.loads(FILES[name].read_text(encoding="utf-8"))


def shipped_version(version: str) -> dict:
    """The shipped record schema of `version` (one of READABLE_VERSIONS)."""
    if version not in READABLE_VERSIONS:
        raise KeyError(f"no record schema of version {version!r}: this hurdlec knows {', '.join(READABLE_VERSIONS)}")
    return json.loads(versioned(version).read_text(encoding="utf-8"))


def write_all() -> list[Path]:
    """Rewrite the checked-in copies from the models (and the current version's file); returns
    the files that changed. Older versions' files are never rewritten."""
    changed = []
    targets = [(path, GENERATORS[name]) for name, path in FILES.items()]
    targets.append((versioned(SCHEMA_VERSION), record_schema))
    for path, generate in targets:
        text = render(generate())
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed
