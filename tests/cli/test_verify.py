"""`hurdlec verify`: a record re-derived from its spec and data, each kind of change reported with
its own code; the decision log's hash chain catches an edited, removed, moved or cut-off entry."""

from __future__ import annotations

import json
import shutil

import pytest

from hurdlelang.record.decision_log import append, check
from tests.conftest import EXAMPLE_DATA, SIMPLE_SPEC, invoke


@pytest.fixture
def made(tmp_path, monkeypatch):
    """A spec, its data and the record of a run, in a folder of their own (paths as recorded)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    shutil.copy(SIMPLE_SPEC, "s.hurdle")
    shutil.copy(EXAMPLE_DATA, "d.csv")
    result = invoke("run", "s.hurdle", "--data", "d.csv", "--out", "r.json", "--log", "log.jsonl")
    assert result.exit_code == 0, result.stderr
    return tmp_path


def _codes(result) -> list[str]:
    return [d["code"] for d in json.loads(result.stdout)["findings"]]


def test_an_untouched_record_is_verified(made):
    result = invoke("verify", "r.json")
    assert result.exit_code == 0, result.stdout
    assert result.stdout.strip() == "verified: record r.json"
    payload = json.loads(invoke("verify", "r.json", "--format", "json").stdout)
    assert payload["verified"] is True and payload["findings"] == []


def test_a_changed_spec(made):
    spec = made / "s.hurdle"
    spec.write_text(spec.read_text().replace("precision >= 0.40", "precision >= 0.45"))
    result = invoke("verify", "r.json", "--format", "json")
    assert result.exit_code == 1
    assert _codes(result)[0] == "V001"
    found = json.loads(result.stdout)["findings"]
    assert any("tiers[0].conditions[1].required: recorded 0.4, re-derived 0.45" in d["message"] for d in found)


def test_changed_data(made):
    lines = (made / "d.csv").read_text().splitlines()
    header, first = lines[0].split(","), lines[1].split(",")
    label = header.index("bought_again")
    first[label] = "0" if first[label] == "1" else "1"
    (made / "d.csv").write_text("\n".join([lines[0], ",".join(first), *lines[2:]]) + "\n")
    result = invoke("verify", "r.json", "--format", "json")
    assert result.exit_code == 1
    found = _codes(result)
    assert found[0] == "V002" and "V003" in found  # the file, and the counts that moved with it
    assert "V001" not in found


def test_a_number_edited_in_the_record(made):
    record = json.loads((made / "r.json").read_text())
    true_value = record["tiers"][0]["conditions"][1]["candidate_value"]
    record["tiers"][0]["conditions"][1]["candidate_value"] = 0.99
    (made / "r.json").write_text(json.dumps(record, indent=2))
    result = invoke("verify", "r.json")
    assert result.exit_code == 1
    assert f"V003 tiers[0].conditions[1].candidate_value: recorded 0.99, re-derived {true_value}" in result.stdout
    assert result.stdout.strip().endswith("differs: record r.json")


def test_an_edited_decision_is_called_out(made):
    record = json.loads((made / "r.json").read_text())
    record["outcome"]["tier"] = "pilot"
    (made / "r.json").write_text(json.dumps(record, indent=2))
    result = invoke("verify", "r.json")
    assert "V003 outcome.tier: recorded pilot, re-derived rollout" in result.stdout
    assert "hint: the decision changed" in result.stdout


def test_another_tool_version_is_a_warning(made):
    record = json.loads((made / "r.json").read_text())
    record["tool"]["version"] = "0.0.9"
    record["run"]["versions"]["numpy"] = "1.0.0"
    (made / "r.json").write_text(json.dumps(record, indent=2))
    result = invoke("verify", "r.json", "--format", "json")
    assert result.exit_code == 0
    messages = [d["message"] for d in json.loads(result.stdout)["findings"]]
    assert messages[0] == "the record was made by hurdlec 0.0.9, this is hurdlec 0.1.0"
    assert messages[1].startswith("the libraries differ: numpy 1.0.0 -> ")


def test_other_files_given_explicitly(made, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("moved")
    shutil.move(made / "s.hurdle", elsewhere / "spec.hurdle")
    shutil.move(made / "d.csv", elsewhere / "data.csv")
    assert invoke("verify", "r.json").exit_code == 4  # the recorded spec path is gone: E004
    result = invoke("verify", "r.json", "--spec", elsewhere / "spec.hurdle", "--data", elsewhere / "data.csv")
    assert result.exit_code == 0, result.stdout


def test_junit_has_a_case_per_check(made):
    (made / "s.hurdle").write_text((made / "s.hurdle").read_text() + "\n# a comment changes the hash\n")
    result = invoke("verify", "r.json", "--log", "log.jsonl", "--format", "junit")
    assert '<testcase classname="hurdlec.verify" name="the spec is the recorded one">' in result.stdout
    assert result.stdout.count("<testcase") == 5 and result.stdout.count("<failure") == 1


# ---- the decision log ----


def _log(tmp_path, n=4):
    path = tmp_path / "decisions.jsonl"
    entries = [append(path, {"spec": "s", "tier": f"t{i}", "record_sha256": "ab" * 32}) for i in range(n)]
    return path, entries


def _write(path, entries):
    path.write_text("".join(json.dumps(e, sort_keys=True) + "\n" for e in entries))


def test_a_log_of_runs_holds(made):
    assert invoke("run", "s.hurdle", "--data", "d.csv", "--out", "r2.json", "--log", "log.jsonl").exit_code == 0
    lines = [json.loads(line) for line in (made / "log.jsonl").read_text().splitlines()]
    assert [e["seq"] for e in lines] == [1, 2] and lines[1]["prev"] == lines[0]["hash"]
    assert lines[1]["tier"] == "rollout" and lines[1]["record"] == "r2.json"
    result = invoke("verify", "--log", "log.jsonl")
    assert result.exit_code == 0 and "log log.jsonl (2 entries)" in result.stdout


def test_an_edited_entry(tmp_path):
    path, entries = _log(tmp_path)
    entries[1]["tier"] = "rollout"
    _write(path, entries)
    result = invoke("verify", "--log", path)
    assert result.exit_code == 1
    assert "V005 line 2: entry 2 was edited" in result.stdout


def test_an_edited_entry_with_its_hash_recomputed_breaks_the_next_link(tmp_path):
    path, entries = _log(tmp_path)
    from hurdlelang.record.decision_log import _digest

    entries[1]["tier"] = "rollout"
    entries[1]["hash"] = _digest(entries[1])
    _write(path, entries)
    _, problems = check(path)
    assert [p.line for p in problems] == [3] and "does not follow" in problems[0].message


def test_a_removed_entry(tmp_path):
    path, entries = _log(tmp_path)
    _write(path, entries[:1] + entries[2:])
    _, problems = check(path)
    assert [p.line for p in problems] == [2, 2]
    assert "does not follow" in problems[0].message and "entry number 3 where 2" in problems[1].message


def test_moved_entries(tmp_path):
    path, entries = _log(tmp_path)
    _write(path, [entries[0], entries[2], entries[1], entries[3]])
    assert check(path)[1]


def test_a_cut_off_tail_needs_the_head(tmp_path):
    path, entries = _log(tmp_path)
    _write(path, entries[:3])
    assert check(path)[1] == []  # a shorter log is still a valid chain
    result = invoke("verify", "--log", path, "--log-head", entries[-1]["hash"])
    assert result.exit_code == 1 and "entries were cut from the end" in result.stdout
    assert invoke("verify", "--log", path, "--log-head", entries[2]["hash"]).exit_code == 0


def test_verify_needs_something_to_verify():
    assert invoke("verify").exit_code == 2
