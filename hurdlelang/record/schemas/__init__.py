"""The JSON Schemas that ship with hurdlelang: one for the decision record, one for the IR.

`record_schema()` and `ir_schema()` generate them from the pydantic models; the checked-in copies
`record.schema.json` and `ir.schema.json` beside this file let tools without Python validate a
record or a compiled spec. Regenerate the copies after changing hurdlelang/record/model.py or
hurdlelang/lang/ir.py with `python -m hurdlelang.record.schemas`; tests/test_schemas.py fails until they match.

Only pydantic models are imported here (no pandas, numpy or scikit-learn), so this stays fast.
"""

from __future__ import annotations

import json
from pathlib import Path

from hurdlelang.lang import ir
from hurdlelang.record.model import DecisionRecord

HERE = Path(__file__).resolve().parent
FILES = {"record": HERE / "record.schema.json", "ir": HERE / "ir.schema.json"}


def record_schema() -> dict:
    """The JSON Schema of a decision record (the file `hurdlec run` writes)."""
    return DecisionRecord.model_json_schema(mode="serialization")


def ir_schema() -> dict:
    """The JSON Schema of one checked spec (what `hurdlec compile` prints for a one-spec file)."""
    return ir.Spec.model_json_schema(mode="serialization")


GENERATORS = {"record": record_schema, "ir": ir_schema}


def render(schema: dict) -> str:
    """The checked-in form: pretty-printed, keys sorted, a trailing newline."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def shipped(name: str) -> dict:
    """The checked-in copy of schema `name` ("record" or "ir"), as shipped in the package."""
    return json.loads(FILES[name].read_text(encoding="utf-8"))


def write_all() -> list[Path]:
    """Rewrite the checked-in copies from the models; returns the files that changed."""
    changed = []
    for name, path in FILES.items():
        text = render(GENERATORS[name]())
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed
