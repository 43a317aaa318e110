"""One command line: `-` for standard input and output, `-q`, `--format json` everywhere with shipped
schemas for check and test, a one-line help for every command and option, and shell completion."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys

import click
import jsonschema
import pandas as pd
import pytest
from click.testing import CliRunner

from hurdlelang.cli.main import SUMMARIES, cli
from hurdlelang.record import schemas
from tests.conftest import CORPUS, EXAMPLE_DATA, EXAMPLE_SPEC, SIMPLE_SPEC, TEST_SPECS, Invocation

WRONG = TEST_SPECS / "wrong_example.hurdle"
BROKEN = SIMPLE_SPEC.read_text().replace("precision >= 0.40", "precison >= 0.40")


def feed(*args, input: str | bytes | None = None) -> Invocation:
    result = CliRunner().invoke(cli, [str(a) for a in args], input=input)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Invocation(result.exit_code, result.stdout, result.stderr)


# ---- `-`: standard input and output ----


def test_check_and_compile_read_a_spec_on_stdin():
    bad = feed("check", "-", input=BROKEN)
    assert bad.exit_code == 1
    assert bad.stdout.startswith("<stdin>:28:7: E101 unknown metric 'precison'")
    assert feed("check", "-", input=SIMPLE_SPEC.read_text()).exit_code == 0
    compiled = feed("compile", "-", input=SIMPLE_SPEC.read_text())
    assert compiled.exit_code == 0 and json.loads(compiled.stdout)["name"] == "repeat_purchase"


def test_fmt_reads_stdin_and_prints_the_layout():
    messy = SIMPLE_SPEC.read_text().replace("  owner", "        owner", 1)
    done = feed("fmt", "-", input=messy)
    assert done.exit_code == 0 and done.stdout == SIMPLE_SPEC.read_text()
    checked = feed("fmt", "--check", "-", input=messy)
    assert checked.exit_code == 1 and checked.stdout == "<stdin>\n"
    refused = feed("fmt", "-w", "-", input=messy)
    assert refused.exit_code == 2 and "cannot rewrite standard input" in refused.stderr


def test_run_reads_csv_and_parquet_on_stdin_with_the_numbers_of_the_file(tmp_path):
    from_file = feed("run", SIMPLE_SPEC, "--data", EXAMPLE_DATA, "--out", tmp_path / "file.json")
    assert from_file.exit_code == 0
    file_record = json.loads((tmp_path / "file.json").read_text())
    parquet = io.BytesIO()
    pd.read_csv(EXAMPLE_DATA).to_parquet(parquet)
    for data in (EXAMPLE_DATA.read_bytes(), parquet.getvalue()):
        out = tmp_path / "stdin.json"
        done = feed("run", SIMPLE_SPEC, "--data", "-", "--out", out, input=data)
        assert done.exit_code == 0, done.stderr
        record = json.loads(out.read_text())
        (predictions,) = record["data"]["files"]
        assert predictions["path"] == "<stdin>" and predictions["sha256"] == hashlib.sha256(data).hexdigest()
        assert record["metrics"] == file_record["metrics"]
        assert "data: <stdin> (4,000 rows)" in done.stdout
    # verify cannot re-read standard input: it says so, and takes the data as a file instead
    told = feed("verify", out)
    assert told.exit_code == 1 and "read on standard input" in told.stdout
    assert feed("verify", out, "--data", EXAMPLE_DATA, "-q").exit_code == 1  # the file's SHA-256 is not the stdin's


def test_run_out_dash_prints_the_record_and_writes_no_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    done = feed("run", SIMPLE_SPEC, "--data", EXAMPLE_DATA, "--out", "-")
    assert done.exit_code == 0
    record = json.loads(done.stdout)  # nothing but the record on stdout
    assert record["outcome"]["tier"] == "rollout"
    assert "decision: rollout" in done.stderr and "record:" not in done.stderr
    assert list(tmp_path.iterdir()) == []
    for fmt in ("github", "junit"):
        refused = feed("run", SIMPLE_SPEC, "--data", EXAMPLE_DATA, "--out", "-", "--format", fmt)
        assert refused.exit_code == 2 and "--out -" in refused.stderr
    both = feed("run", "-", "--data", "-", input="")
    assert both.exit_code == 2 and "both come from standard input" in both.stderr


def test_run_out_dash_pipes_into_report_dash(tmp_path):
    record = feed("run", SIMPLE_SPEC, "--data", EXAMPLE_DATA, "--out", "-", "-q").stdout
    page = feed("report", "-", "--out", "-", input=record)
    assert page.exit_code == 0 and "**Decision: rollout" in page.stdout
    html = feed("report", "-", "--format", "html", input=record)
    assert html.stdout.startswith("<!DOCTYPE html>")


def test_init_out_dash_prints_the_spec(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    done = feed("init", "--data", EXAMPLE_DATA, "--out", "-")
    assert done.exit_code == 0 and "spec " in done.stdout and list(tmp_path.iterdir()) == []


# ---- -q ----


def test_quiet_prints_only_what_fails(tmp_path):
    warned = CORPUS / "check" / "W302_unreachable_tier.hurdle"  # a warning, no error
    assert "W302" in feed("check", warned).stdout
    assert feed("check", "-q", warned).stdout == ""
    assert "W302" in feed("check", "-q", "--strict", warned).stdout  # with --strict it fails, so it shows
    assert feed("check", "-q", "-v", warned).exit_code == 2
    run = feed("run", "-q", SIMPLE_SPEC, "--data", EXAMPLE_DATA, "--out", tmp_path / "r.json")
    assert (run.exit_code, run.stdout, run.stderr) == (0, "", "")
    test = feed("test", "-q", WRONG)
    assert test.exit_code == 1 and "PASS" not in test.stdout and test.stdout.count("FAIL") == 2
    assert "passed" not in test.stdout
    messy = tmp_path / "messy.hurdle"
    messy.write_text(SIMPLE_SPEC.read_text().replace("  owner", "        owner", 1))
    assert feed("fmt", "--check", "-q", messy).stdout == "" and feed("fmt", "--check", "-q", messy).exit_code == 1
    verified = feed("verify", "-q", tmp_path / "r.json")
    assert (verified.exit_code, verified.stdout) == (0, "")


# ---- JSON ----


def test_run_format_json_and_json_print_the_same_record(tmp_path):
    a = feed("run", SIMPLE_SPEC, "--data", EXAMPLE_DATA, "--out", tmp_path / "a.json", "--format", "json")
    b = feed("run", SIMPLE_SPEC, "--data", EXAMPLE_DATA, "--out", tmp_path / "b.json", "--json")
    strip = lambda text: {k: v for k, v in json.loads(text).items() if k != "created_at"}  # noqa: E731
    assert strip(a.stdout) == strip(b.stdout) == strip((tmp_path / "a.json").read_text())


@pytest.mark.parametrize("which", ["check", "test", "plan", "record", "ir"])
def test_schema_prints_the_shipped_schema(which):
    printed = feed("schema", which)
    assert printed.exit_code == 0 and json.loads(printed.stdout) == schemas.shipped(which)


def _validator(which: str):
    return jsonschema.Draft202012Validator(json.loads(feed("schema", which).stdout))


def test_check_json_is_versioned_and_valid(tmp_path):
    bad = tmp_path / "bad.hurdle"
    bad.write_text(BROKEN)
    for paths, ok in (([SIMPLE_SPEC], True), ([SIMPLE_SPEC, bad], False)):
        done = feed("check", "--format", "json", *paths)
        payload = json.loads(done.stdout)
        _validator("check").validate(payload)
        assert payload["schema_version"] == "1" and payload["ok"] is ok and done.exit_code == (0 if ok else 1)
        assert payload["files"] == [str(p) for p in paths]
    assert (payload["errors"], payload["warnings"]) == (1, 0)
    assert payload["diagnostics"][0]["code"] == "E101" and payload["diagnostics"][0]["span"]["line"] == 28


def test_test_json_shows_why_a_spec_does_not_compile(tmp_path):
    bad = tmp_path / "bad.hurdle"
    bad.write_text(BROKEN)
    done = feed("test", "--format", "json", bad, WRONG)
    payload = json.loads(done.stdout)
    _validator("test").validate(payload)
    assert done.exit_code == 1 and payload["ok"] is False
    assert [d["code"] for d in payload["diagnostics"]] == ["E101"]
    assert payload["diagnostics"][0]["path"] == str(bad)
    assert (payload["passed"], payload["failed"]) == (2, 2)
    good = json.loads(feed("test", "--format", "json", EXAMPLE_SPEC).stdout)
    _validator("test").validate(good)
    assert good["ok"] is True and good["diagnostics"] == [] and good["failed"] == 0 and good["passed"] > 0


# The fields of check's, test's and plan's JSON, as a digest of their schemas without titles and
# descriptions: a change to them needs a new CHECK_VERSION / TEST_VERSION / PLAN_VERSION
# (record/outputs.py), and its digest here.
OUTPUT_DIGESTS = {
    ("check", "1"): "1612d96eed5afea46f7f27f028af2b8cf446a4436b9d7583ce56d7f831af6970",
    ("test", "1"): "17739fc5c27b8f51a29c953a8b177ba743d0bc64ba0f594d20b53db2e0229953",
    ("plan", "1"): "e543813d0cc83e84b7eee28ba38f1eeb8bd59052b08b76b0d839463dc4a9effa",
}


def _digest(schema: dict) -> str:
    def strip(node):
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if k not in ("title", "description", "$id")}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    return hashlib.sha256(json.dumps(strip(schema), sort_keys=True).encode()).hexdigest()


def test_a_change_to_the_json_outputs_fields_changes_their_version():
    from hurdlelang.record.outputs import CHECK_VERSION, PLAN_VERSION, TEST_VERSION

    for which, version in (("check", CHECK_VERSION), ("test", TEST_VERSION), ("plan", PLAN_VERSION)):
        generated = schemas.GENERATORS[which]()
        assert generated["$id"] == f"urn:hurdlelang:{which}:{version}"
        assert _digest(generated) == OUTPUT_DIGESTS[(which, version)], (
            f"the fields of {which}'s JSON changed: bump its version in hurdlelang/record/outputs.py, "
            "regenerate the schemas, and pin the new digest here"
        )


# ---- help and completion ----


def _commands():
    return sorted(cli.commands.items())


def test_every_command_and_option_has_a_one_line_help():
    assert sorted(SUMMARIES) == sorted(cli.commands)
    for name, command in _commands():
        assert command.help, name
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help and "\n" not in param.help.strip(), (name, param.opts)


def test_the_command_list_shows_each_summary_whole():
    listing = " ".join(feed("--help").stdout.split("Commands:")[1].split())
    for name, summary in SUMMARIES.items():
        assert f"{name} {summary}" in listing
    assert "..." not in listing  # click's mark of a cut description


@pytest.mark.parametrize(("name", "command"), _commands())
def test_each_command_has_its_help(name, command):
    shown = feed(name, "--help")
    usage = shown.stdout.splitlines()[0]
    assert shown.exit_code == 0 and usage.startswith("Usage: ") and f" {name} " in usage


def _complete(env: dict) -> str:
    done = subprocess.run(
        [sys.executable, "-c", "from hurdlelang.cli.main import main; main()"],
        env={**env, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_shell_completion_scripts_and_answers():
    assert "_hurdlec_completion()" in _complete({"_HURDLEC_COMPLETE": "bash_source"})
    assert "#compdef hurdlec" in _complete({"_HURDLEC_COMPLETE": "zsh_source"})
    assert "complete" in _complete({"_HURDLEC_COMPLETE": "fish_source"})
    words = {"_HURDLEC_COMPLETE": "bash_complete", "COMP_WORDS": "hurdlec ve", "COMP_CWORD": "1"}
    assert _complete(words).split() == ["plain,verify"]
    engines = {"_HURDLEC_COMPLETE": "bash_complete", "COMP_WORDS": "hurdlec run s --engine ", "COMP_CWORD": "4"}
    assert _complete(engines).split() == ["plain,duckdb", "plain,pandas", "plain,spark"]  # the default first
