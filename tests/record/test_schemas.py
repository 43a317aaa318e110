"""The JSON Schemas shipped in hurdlelang/record/schemas/ are current, and real records and compiled specs
validate against them: tools without Python can rely on them.

If test_checked_in_schemas_are_current fails, you changed hurdlelang/record/model.py or hurdlelang/lang/ir.py:
regenerate the shipped copies with `.venv/bin/python -m hurdlelang.record.schemas` and commit them (and
consider whether the record change needs a new SCHEMA_VERSION: see docs/decision-record.md).
"""

from __future__ import annotations

import copy
import hashlib
import json
import subprocess
import sys

import jsonschema
import pytest

from hurdlelang.record import schemas
from tests.conftest import EXAMPLES, ROOT, invoke

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


@pytest.mark.parametrize("name", ["record", "ir", "check", "test", "plan"])
def test_checked_in_schemas_are_current(name):
    path = schemas.FILES[name]
    assert path.exists(), f"{path} is missing: {REGENERATE}"
    generated = schemas.GENERATORS[name]()
    assert schemas.shipped(name) == generated, f"{path.name} is out of date with the models: {REGENERATE}"
    assert path.read_text(encoding="utf-8") == schemas.render(generated), (
        f"{path.name} is not laid out as generated: {REGENERATE}"
    )


@pytest.mark.parametrize("name", ["record", "ir", "check", "test", "plan"])
def test_schemas_are_valid_json_schemas(name):
    jsonschema.Draft202012Validator.check_schema(schemas.shipped(name))


def test_the_functions_return_the_models_schemas_with_their_dialect_and_id():
    from hurdlelang.lang import ir
    from hurdlelang.record.model import SCHEMA_VERSION, DecisionRecord

    record, spec = schemas.record_schema(), schemas.ir_schema()
    assert record.pop("$schema") == spec.pop("$schema") == "https://json-schema.org/draft/2020-12/schema"
    assert record.pop("$id") == f"urn:hurdlelang:record:{SCHEMA_VERSION}"
    assert spec.pop("$id") == "urn:hurdlelang:ir"
    assert record == DecisionRecord.model_json_schema(mode="serialization")
    assert spec == ir.Spec.model_json_schema(mode="serialization")


# ---- versions: a record of any version is checked against its own version's schema ----

# The fields of each record version, as a digest of its schema without titles and descriptions.
# A change to the record's fields (one added, removed, renamed, retyped, made optional) changes the
# digest: that needs a new SCHEMA_VERSION in hurdlelang/record/model.py (the old version's schema
# file stays as it is), a line here, and a paragraph in docs/decision-record.md. Never edit a line.
FIELDS_DIGEST = {
    "1": "204c32ffa226ee38d0c748f7cf0838bfaa7ff3f88ac3aa84f8ad106d3c16b8c5",
    "2": "8401da3e834ec45dc4fcd98a1c5591d5a1c3ad708ffdb336f929616d35a67c65",
    "3": "8172f6282b6843e5d0b493801dc896f73ac645020bc9a37c69ae4b47067b8658",
}


def _fields_digest(schema: dict) -> str:
    def strip(node):
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k not in ("title", "description", "$id")}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    return hashlib.sha256(json.dumps(strip(schema), sort_keys=True).encode()).hexdigest()


def test_every_readable_version_ships_its_schema_unchanged():
    from hurdlelang.record.model import READABLE_VERSIONS, SCHEMA_VERSION

    assert list(FIELDS_DIGEST) == list(READABLE_VERSIONS) and READABLE_VERSIONS[-1] == SCHEMA_VERSION
    for version in READABLE_VERSIONS:
        schema = schemas.shipped_version(version)
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["$id"] == f"urn:hurdlelang:record:{version}"
        assert schema["properties"]["schema_version"]["const"] == version
        assert _fields_digest(schema) == FIELDS_DIGEST[version], f"record-{version}.schema.json changed"


def test_a_change_to_the_records_fields_needs_a_new_schema_version():
    from hurdlelang.record.model import SCHEMA_VERSION

    assert _fields_digest(schemas.record_schema()) == FIELDS_DIGEST[SCHEMA_VERSION], (
        f"the record's fields changed under schema_version {SCHEMA_VERSION!r}: bump SCHEMA_VERSION "
        "(hurdlelang/record/model.py), regenerate the schemas, and add the new version's digest here"
    )
    assert schemas.shipped_version(SCHEMA_VERSION) == schemas.record_schema()


def _tracked_json() -> list:
    """The repository's own JSON files: tracked by git when it is a checkout, so a record that
    `make run` writes at the top does not count as one the repository holds."""
    try:
        listed = subprocess.run(["git", "ls-files", "*.json"], cwd=ROOT, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return sorted(ROOT.rglob("*.json"))
    return sorted(ROOT / line for line in listed.stdout.splitlines() if line)


def _repository_records() -> list:
    found = []
    for path in _tracked_json():
        if ".venv" in path.parts or "node_modules" in path.parts or path.name.endswith(".schema.json"):
            continue
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue
        if isinstance(document, dict) and "schema_version" in document and "outcome" in document:
            found.append(path)
    return found


def test_the_repository_holds_records_of_every_version():
    # one checked-in record per readable version, so that a later hurdlec is tested on each
    from hurdlelang.record.model import READABLE_VERSIONS

    versions = {json.loads(p.read_text())["schema_version"] for p in _repository_records()}
    assert versions == set(READABLE_VERSIONS) == {"1", "2", "3"}


@pytest.mark.parametrize("path", _repository_records(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_record_in_the_repository_validates_against_its_versions_schema(path):
    document = json.loads(path.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schemas.shipped_version(document["schema_version"]))
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(document)]
    assert problems == []


def test_regenerating_writes_the_files_and_then_changes_nothing(tmp_path, monkeypatch, capsys):
    from hurdlelang.record.schemas.__main__ import main

    for name in schemas.FILES:
        monkeypatch.setitem(schemas.FILES, name, tmp_path / f"{name}.schema.json")
    monkeypatch.setattr(schemas, "HERE", tmp_path)
    main()
    assert capsys.readouterr().out.count("rewrote") == len(schemas.FILES) + 1  # and the versioned record schema
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
    "another schema version": _set(["schema_version"], "1"),
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
