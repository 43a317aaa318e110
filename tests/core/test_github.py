"""GitHub workflow commands cannot be injected through a file name, a message or a hint: every value
is escaped by GitHub's rules, and what the runner would parse back is exactly what was meant."""

from __future__ import annotations

import re

import pytest

from hurdlelang.core.diagnostics import Diagnostic
from hurdlelang.core.github import escape_data, escape_property, workflow_command
from hurdlelang.core.render_diagnostics import render_github
from hurdlelang.core.source import Span

HOSTILE_NAMES = [
    "a\n::error file=X,line=1::pwned.hurdle",
    "a,line=999,title=FAKE::.hurdle",
    "100%0A.hurdle",
    "c:\\specs\\r\r\nx.hurdle",
    "plain/specs/ok.hurdle",
]
COMMAND = re.compile(r"^::(notice|warning|error)(?: ([^:]*))?::(.*)$")


def _unescape(text: str) -> str:
    """What the runner does to a value (the inverse of the escaping, %25 last)."""
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(code, char)
    return text


def _parse(line: str) -> tuple[str, dict[str, str], str]:
    """A workflow command as the runner reads it: one line, properties split on `,` and the first `=`."""
    match = COMMAND.match(line)
    assert match, line
    props = dict(p.split("=", 1) for p in match[2].split(",")) if match[2] else {}
    return match[1], {k: _unescape(v) for k, v in props.items()}, _unescape(match[3])


def test_the_escaping_rules():
    assert escape_data("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b"
    assert escape_property("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext%3A a%2C b"


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_hostile_file_name_stays_one_annotation_with_its_own_properties(name):
    message = "unknown metric 'x'\n::error::second %0A command, with: colons"
    d = Diagnostic("E101", message, name, Span(3, 5, 4, 9), hint="did you mean\n'y'?")
    line = render_github(d)
    assert "\n" not in line and "\r" not in line
    level, props, text = _parse(line)
    assert level == "error"
    assert props == {"file": name, "line": "3", "col": "5", "endLine": "4", "endColumn": "9", "title": "E101"}
    assert text == message + " (hint: did you mean\n'y'?)"


def test_a_diagnostic_without_a_span_has_only_the_file_and_the_title():
    parsed = _parse(render_github(Diagnostic("D001", "data file not found", "d,1.csv")))
    assert parsed == ("error", {"file": "d,1.csv", "title": "D001"}, "data file not found")


def test_a_multi_line_span_keeps_its_end():
    _, props, _ = _parse(render_github(Diagnostic("E002", "unexpected token", "s.hurdle", Span(2, 3, 7, 1))))
    assert (props["line"], props["col"], props["endLine"], props["endColumn"]) == ("2", "3", "7", "1")


def test_unknown_levels_and_properties_are_refused():
    with pytest.raises(ValueError):
        workflow_command("debug", "x")
    with pytest.raises(ValueError):
        workflow_command("notice", "x", severity="high")
