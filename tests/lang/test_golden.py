"""Golden files: every bad spec under tests/corpus/check checks to exactly the text a user should see.

Each `NAME.hurdle` triggers one primary diagnostic, the code its name starts with; `NAME.expected`
holds the exact output of `hurdlec check --format text NAME` run from inside tests/corpus/check.

To regenerate the expected files after a deliberate change of wording, run

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py

then read every changed file by eye (git diff): it must be what a user should see. Files listed in
KNOWN_BUGS are never rewritten: their expected text is written by hand, as the checker *should*
report, and their test is an expected failure until the bug is fixed (strict, so a fix shows up).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from hurdlelang.cli.main import cli
from hurdlelang.core.diagnostics import CATALOGUE
from tests.conftest import CORPUS, ROOT

GOLDEN = CORPUS / "check"
EXAMPLES = ROOT / "specs" / "examples"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

# `hurdlec check` reports syntax (E0xx), name and structure (E1xx), type and unit (E2xx) errors and the
# static analysis of the tiers (W3xx). Only `hurdlec run` can report E113 (which spec of a file to
# run), the data codes (D0xx), the
# baseline-record warnings (W4xx) and the output error (O001).
RUN_ONLY = {"E113"}
# a spec over the size limit (1 MiB) is too big for the corpus: tests/cli/test_hostile_outputs.py makes one
NOT_IN_CORPUS = {"E005"}
CHECKABLE = sorted(
    code for code in CATALOGUE if code[:2] in ("E0", "E1", "E2", "W3") and code not in RUN_ONLY | NOT_IN_CORPUS
)

# Golden files whose expected text is what the checker should print but does not yet (see the report
# of each bug in the reason). Remove an entry when its bug is fixed.
KNOWN_BUGS: dict[str, str] = {}

_REPORTED = re.compile(r"^[^\s:][^:]*:(?:\d+:\d+:)? ([EWDOR]\d{3}) ", re.MULTILINE)


def _specs() -> list[str]:
    return sorted(p.name for p in GOLDEN.glob("*.hurdle"))


def _params():
    for name in _specs():
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[name])] if name in KNOWN_BUGS else []
        yield pytest.param(name, marks=marks, id=name.removesuffix(".hurdle"))


def check_output(name: str, monkeypatch) -> tuple[int, str]:
    """`hurdlec check NAME` run inside tests/corpus/check: the exit code and what it prints."""
    monkeypatch.chdir(GOLDEN)
    result = CliRunner().invoke(cli, ["check", name])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout


def reported_codes(output: str) -> list[str]:
    return _REPORTED.findall(output)


@pytest.mark.parametrize("name", list(_params()))
def test_golden(name: str, monkeypatch) -> None:
    expected_path = GOLDEN / name.replace(".hurdle", ".expected")
    exit_code, output = check_output(name, monkeypatch)
    if UPDATE and name not in KNOWN_BUGS:
        expected_path.write_text(output, encoding="utf-8")
    assert expected_path.exists(), f"no {expected_path.name}: run with UPDATE_GOLDEN=1, then review it"
    expected = expected_path.read_text(encoding="utf-8")
    assert output == expected
    code = name.split("_", 1)[0]
    assert code in reported_codes(output)
    errors = any(c.startswith("E") for c in reported_codes(output))
    assert exit_code == (1 if errors else 0)


def test_every_checkable_code_has_a_golden_file() -> None:
    covered = {name.split("_", 1)[0] for name in _specs()}
    assert [code for code in CHECKABLE if code not in covered] == []


def test_golden_files_are_named_after_catalogue_codes() -> None:
    for name in _specs():
        assert name.split("_", 1)[0] in CHECKABLE, name
        assert (GOLDEN / name.replace(".hurdle", ".expected")).exists(), name
    orphans = {p.stem for p in GOLDEN.glob("*.expected")} - {p.stem for p in GOLDEN.glob("*.hurdle")}
    assert orphans == set()


def test_known_bugs_are_golden_files() -> None:
    assert set(KNOWN_BUGS) <= set(_specs())


def test_expected_outputs_name_their_own_file() -> None:
    """Every diagnostic line of an expected file points into that file, by its bare name."""
    for name in _specs():
        text = (GOLDEN / name.replace(".hurdle", ".expected")).read_text(encoding="utf-8")
        for line in text.splitlines():
            if _REPORTED.match(line):
                assert line.startswith(f"{name}:"), (name, line)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.hurdle")), ids=lambda p: p.stem)
def test_examples_check_clean(path: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "--strict", str(path)])
    assert (result.exit_code, result.stdout) == (0, "")


def test_there_are_examples() -> None:
    assert len(list(EXAMPLES.glob("*.hurdle"))) >= 5
