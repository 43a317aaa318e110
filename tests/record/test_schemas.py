"""The JSON Schemas shipped in hurdlelang/record/schemas/ are current, and real records and compiled specs
validate against them: tools without Python can rely on them.

If test_checked_in_schemas_are_current fails, you changed hurdlelang/record/model.py or hurdlelang/lang/ir.py:
regenerate the shipped copies with `.venv/bin/python -m hurdlelang.record.schemas` and commit them (and
consider whether the record change needs a new SCHEMA_VERSION: see docs/decision-record.md).
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import jsonschema
import pytest

from hurdlelang.record import schemas
from tests.conftest import EXAMPLES, invoke

NAMES = ["repeat_purchase", "fraud_blocking", "ticket_routing", "demand_forecast", "basket_recommendation"]
REGENERATE = "regenerate them with `.venv/bin/python -m hurdlelang.record.schemas`"


def _validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schemas.shipped(name))


def _problems(name: str, document) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _validator(name).iter_errors(document)]


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    folder = tmp_path_factory.mktemp("schema-records")
    out = {}
    for name in NAMES:
        path = folder / f"{name}.json"
        # 200 resamples: the record's shape does not depend on the number, and it keeps the test fast
        data = EXAMPLES / "data" / f"{name}.csv"
        result = invoke("run", EXAMPLES / f"{name}.hurdle", "--data", data, "--out", path, "--resamples", "200")
        assert result.exit_code in (0, 1, 3), result.stderr
        out[name] = json.loads(path.read_text(encoding="utf-8"))
    return out


# ---- the checked-in files ----


@pytest.mark.parametrize("name", ["record", "ir"])
def test_checked_in_schemas_are_current(name):
    path = schemas.FILES[name]
    assert path.exists(), f"{path} is missing: {REGENERATE}"
    generated = schemas.GENERATORS[name]()
    assert schemas.shipped(name) == generated, f"{path.name} is out of date with the models: {REGENERATE}"
    assert path.read_text(encoding="utf-8") == schemas.render(generated), (
        f"{path.name} is not laid out as generated: {REGENERATE}"
    )


@pytest.mark.parametrize("name", ["record", "ir"])
def test_schemas_are_valid_json_schemas(name):
    jsonschema.Draft202012Validator.check_schema(schemas.shipped(name))


def test_the_functions_return_the_models_schemas():
    from hurdlelang.lang import ir
    from hurdlelang.record.model import DecisionRecord

    assert schemas.record_schema() == DecisionRecord.model_json_schema(mode="serialization")
    assert schemas.ir_schema() == ir.Spec.model_json_schema(mode="serialization")


def test_regenerating_writes_the_files_and_then_changes_nothing(tmp_path, monkeypatch, capsys):
    from hurdlelang.record.schemas.__main__ import main

    for name in schemas.FILES:
        monkeypatch.setitem(schemas.FILES, name, tmp_path / f"{name}.schema.json")
    main()
    assert capsys.readouterr().out.count("rewrote") == 2
    for name, path in schemas.FILES.items():
        text = path.read_text(encoding="utf-8")
        assert text.endswith("}\n") and json.loads(text) == schemas.GENERATORS[name]()
        assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert schemas.write_all() == []


def test_schemas_import_no_heavy_libraries():
    code = (
        "import sys, hurdlelang.record.schemas as s; s.record_schema(); s.ir_schema(); "
        "print(','.join(m for m in ('numpy', 'pandas', 'sklearn', 'scipy') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "", f"importing hurdlelang.record.schemas imported {done.stdout.strip()}"


# ---- real documents validate ----


@pytest.mark.parametrize("name", NAMES)
def test_example_records_validate_against_the_shipped_schema(records, name):
    assert _problems("record", records[name]) == []


@pytest.mark.parametrize("name", NAMES)
def test_compiled_examples_validate_against_the_shipped_ir_schema(name):
    result = invoke("compile", EXAMPLES / f"{name}.hurdle")
    assert result.exit_code == 0, result.stderr
    assert _problems("ir", json.loads(result.stdout)) == []


# ---- broken documents do not ----


def _remove(path: list):
    def change(doc):
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        del parent[path[-1]]

    return change


def _set(path: list, value):
    def change(doc):
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = value

    return change


BROKEN_RECORDS = {
    "outcome removed": _remove(["outcome"]),
    "spec.sha256 removed": _remove(["spec", "sha256"]),
    "a condition's state removed": _remove(["tiers", 0, "conditions", 0, "state"]),
    "a metric's n removed": _remove(["metrics", "candidate", "all", "precision", "n"]),
    "rows_read as a string": _set(["data", "rows_read"], "24000"),
    "blocking as a string": _set(["outcome", "blocking"], "no"),
    "a metric value as a string": _set(["metrics", "candidate", "all", "precision", "value"], "high"),
    "an unknown status": _set(["outcome", "status"], "approved"),
    "an unknown condition state": _set(["tiers", 0, "conditions", 0, "state"], "passed"),
    "another schema version": _set(["schema_version"], "2"),
    "an unknown field": _set(["outcome", "approved_by"], "someone"),
    "tiers not a list": _set(["tiers"], {}),
}


@pytest.mark.parametrize("mutation", list(BROKEN_RECORDS))
def test_a_broken_record_fails_validation(records, mutation):
    record = copy.deepcopy(records["fraud_blocking"])
    BROKEN_RECORDS[mutation](record)
    assert _problems("record", record), f"a record with {mutation} validated"


def test_a_broken_compiled_spec_fails_validation():
    spec = json.loads(invoke("compile", EXAMPLES / "fraud_blocking.hurdle").stdout)
    for change in (_remove(["tiers"]), _set(["task"], "clustering"), _set(["tiers", 0, "conditions", 0, "kind"], "x")):
        broken = copy.deepcopy(spec)
        change(broken)
        assert _problems("ir", broken)
