"""What hurdlec prints for CI systems: the decision as a GitHub annotation on the tier's line, the
job summary, JUnit XML for check, test and run; and the composite action's scripts, run as GitHub
would run them (inputs through the environment, outputs to $GITHUB_OUTPUT)."""

from __future__ import annotations

import os
import re
import subprocess
import xml.etree.ElementTree as ET

import pytest
import yaml

from tests.conftest import EXAMPLES, ROOT, TEST_SPECS, invoke

FRAUD = EXAMPLES / "fraud_blocking.hurdle"
FRAUD_DATA = EXAMPLES / "data" / "fraud_blocking.csv"
ANNOTATION = re.compile(r"^::(notice|warning|error) ([^:]*)::(.*)$")


def _line_of(path, text: str) -> int:
    lines = path.read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.strip().startswith(text))


def _annotations(stdout: str) -> list[tuple[str, dict, str]]:
    found = []
    for line in stdout.splitlines():
        match = ANNOTATION.match(line)
        if match:
            props = dict(p.split("=", 1) for p in match[2].split(","))
            found.append((match[1], props, match[3]))
    return found


def _run(tmp_path, *args):
    return invoke("run", FRAUD, "--data", FRAUD_DATA, "--out", tmp_path / "r.json", "--resamples", "200", *args)


def test_run_github_puts_the_decision_on_the_tier_line(tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    result = _run(tmp_path, "--format", "github")
    assert result.exit_code == 0
    assert "decision: review" in result.stdout  # the summary is still there for the log
    ((level, props, message),) = _annotations(result.stdout)
    assert level == "notice"
    assert props["file"] == str(FRAUD) and props["line"] == str(_line_of(FRAUD, "tier review"))
    assert props["title"] == "hurdlec run%3A review"
    assert message.startswith("fraud_blocking: tier review (Send the model's alerts")


def test_a_blocking_decision_is_an_error_annotation(tmp_path):
    result = _run(tmp_path, "--format", "github", "--fail-on", "review")
    assert result.exit_code == 1
    ((level, props, message),) = _annotations(result.stdout)
    assert level == "error" and "[blocking]" in message
    assert props["line"] == str(_line_of(FRAUD, "tier review"))


def test_the_job_summary_is_appended_when_github_says_where(tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert _run(tmp_path).exit_code == 0
    text = summary.read_text()
    assert text.startswith("earlier step\n### ✅ fraud_blocking: tier **review**")
    assert "| `require rows >= 20_000` | ✓ held | 24,000 |" in text
    assert "| block | `precision >= 0.85 in every channel` | ✗ failed | app ✗ 0.8391" in text


def _junit(stdout: str) -> ET.Element:
    assert stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(stdout.split("\n", 1)[1])


def test_run_junit_has_the_guards_the_tiers_and_the_decision(tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    root = _junit(_run(tmp_path, "--format", "junit").stdout)
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == ("6", "0", "0", "1")
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert list(cases) == [
        "require rows >= 20_000",
        "require positive_rate between 0.1% and 5%",
        "require rows >= 2_000 in every channel",
        "tier block",
        "tier review",
        "decision",
    ]
    assert cases["tier block"].find("skipped").get("message") == "tier block: failed"
    assert cases["require rows >= 20_000"].get("line") == str(_line_of(FRAUD, "require rows >= 20_000"))
    blocked = _junit(_run(tmp_path, "--format", "junit", "--fail-on", "review").stdout)
    (failure,) = list(blocked.iter("failure"))
    assert "[blocking]" in failure.get("message")


def test_test_junit_one_case_per_example_and_an_error_for_a_broken_spec(tmp_path):
    broken = tmp_path / "broken.hurdle"
    broken.write_text((TEST_SPECS / "simple.hurdle").read_text().replace("precision >= 0.40", "precison >= 0.40"))
    result = invoke("test", "--format", "junit", TEST_SPECS / "wrong_example.hurdle", broken)
    assert result.exit_code == 1
    root = _junit(result.stdout)
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("5", "2", "1")
    (error,) = list(root.iter("error"))
    assert error.get("message") == "the spec does not compile: E101 unknown metric 'precison'"
    failed = [c for c in root.iter("testcase") if c.find("failure") is not None]
    assert failed[0].get("name") == "a small win"
    assert failed[0].find("failure").get("message") == "expected rollout, got pilot"


def test_test_github_annotates_the_failed_examples():
    result = invoke("test", "--format", "github", TEST_SPECS / "wrong_example.hurdle")
    found = _annotations(result.stdout)
    assert [level for level, _, _ in found] == ["error", "error"]
    assert found[0][1]["line"] == "31"
    assert found[0][2].startswith("expected rollout, got pilot%0A")


def test_check_junit_one_case_per_file(tmp_path):
    bad = tmp_path / "bad.hurdle"
    bad.write_text((TEST_SPECS / "simple.hurdle").read_text().replace("precision >= 0.40", "precison >= 0.40"))
    result = invoke("check", "--format", "junit", TEST_SPECS / "simple.hurdle", bad)
    assert result.exit_code == 1
    root = _junit(result.stdout)
    assert (root.get("tests"), root.get("failures")) == ("2", "1")
    (failure,) = list(root.iter("failure"))
    assert failure.get("message") == "1 problem(s): E101 unknown metric 'precison'"
    assert f"{bad}:28:7: E101" in failure.text


# ---- the composite action ----

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
STEPS = {s.get("id"): s for s in ACTION["runs"]["steps"]}
EXPRESSION = re.compile(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}")


def _step(step_id: str, inputs: dict, cwd, outputs) -> subprocess.CompletedProcess:
    """Run one step's script as the runner would: its env with the inputs filled in, in bash."""
    values = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()} | inputs
    step = STEPS[step_id]
    env = {k: EXPRESSION.sub(lambda m: values[m[1]], v) for k, v in step.get("env", {}).items()}
    assert EXPRESSION.search(step["run"]) is None, "inputs must reach scripts through the environment"
    path = f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}"
    env = {**os.environ, **env, "PATH": path, "GITHUB_OUTPUT": str(outputs), "GITHUB_ACTION_PATH": str(ROOT)}
    env.pop("GITHUB_STEP_SUMMARY", None)
    return subprocess.run(["bash", "-e", "-c", step["run"]], cwd=cwd, env=env, capture_output=True, text=True)


def test_the_action_declares_its_inputs_and_outputs():
    assert ACTION["runs"]["using"] == "composite"
    assert {"spec", "data", "fail-on"} <= set(ACTION["inputs"])
    assert set(ACTION["outputs"]) == {"status", "tier", "blocking", "record", "exit-code"}
    assert all(s.get("shell") == "bash" for s in ACTION["runs"]["steps"] if "run" in s)


def test_the_action_checks_tests_and_runs(tmp_path):
    outputs = tmp_path / "out.txt"
    inputs = {"spec": str(FRAUD), "data": str(FRAUD_DATA), "args": "--resamples 200"}
    assert _step("check", inputs, tmp_path, outputs).returncode == 0
    assert _step("test", inputs, tmp_path, outputs).returncode == 0
    done = _step("run", inputs, tmp_path, outputs)
    assert done.returncode == 0, done.stderr
    assert _annotations(done.stdout)[0][0] == "notice"
    assert outputs.read_text().splitlines() == [
        "exit-code=0",
        "record=hurdlec.decision.json",
        "status=decided",
        "tier=review",
        "blocking=false",
    ]
    assert (tmp_path / "hurdlec.decision.json").exists()


def test_the_action_fails_the_step_on_a_fail_on_tier(tmp_path):
    outputs = tmp_path / "out.txt"
    inputs = {"spec": str(FRAUD), "data": str(FRAUD_DATA), "args": "--resamples 200", "fail-on": "block review"}
    done = _step("run", inputs, tmp_path, outputs)
    assert done.returncode == 1
    assert "exit-code=1" in outputs.read_text() and "blocking=true" in outputs.read_text()


@pytest.mark.parametrize("hostile", ['x"; touch pwned; "', "$(touch pwned)", "`touch pwned`"])
def test_inputs_cannot_run_commands(tmp_path, hostile):
    outputs = tmp_path / "out.txt"
    done = _step("run", {"spec": hostile, "data": hostile}, tmp_path, outputs)
    assert done.returncode == 4  # the spec cannot be read: the value stayed a file name
    assert not (tmp_path / "pwned").exists()
    assert "exit-code=4" in outputs.read_text()
