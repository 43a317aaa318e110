"""Colour in diagnostics: on a terminal unless NO_COLOR, and the .hurdle Pygments lexer."""

from __future__ import annotations

import io

from pygments import lex
from pygments.lexers import get_lexer_by_name
from pygments.token import Error, Keyword, Number

from hurdlelang.core.render_diagnostics import use_color
from tests.conftest import EXAMPLES, SIMPLE_SPEC


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_auto_colour_follows_the_terminal_and_no_color(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert use_color("auto", Terminal()) is True
    assert use_color("auto", io.StringIO()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color("auto", Terminal()) is False
    assert use_color("always", io.StringIO()) is True
    assert use_color("never", Terminal()) is False


def test_force_color_colours_a_pipe_unless_no_color(hurdlec, tmp_path, monkeypatch):
    bad = tmp_path / "bad.hurdle"
    bad.write_text(SIMPLE_SPEC.read_text().replace("precision >= 0.40", "precison >= 0.40"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert use_color("auto", io.StringIO()) is True
    assert hurdlec("check", bad).stdout.startswith("\x1b[1m\x1b[31m")  # stdout is not a terminal here
    assert "\x1b[" in hurdlec("run", bad, "--data", "x.csv").stderr  # the diagnostics of every command
    assert "\x1b[" not in hurdlec("check", "--color", "never", bad).stdout
    monkeypatch.setenv("FORCE_COLOR", "")
    assert use_color("auto", io.StringIO()) is False
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in hurdlec("check", bad).stdout


def test_colour_always_highlights_the_excerpt(hurdlec, tmp_path):
    bad = tmp_path / "bad.hurdle"
    bad.write_text(SIMPLE_SPEC.read_text().replace("precision >= 0.40", "precison >= 0.40"))
    plain = hurdlec("check", "--color", "never", bad).stdout
    coloured = hurdlec("check", "--color", "always", bad).stdout
    assert "\x1b[" not in plain
    assert coloured.startswith("\x1b[1m\x1b[31m") and "E101 unknown metric 'precison'" in coloured
    assert coloured.count("\n") == plain.count("\n")


def test_the_lexer_is_registered_and_reads_every_example_without_errors():
    lexer = get_lexer_by_name("hurdle")
    for path in EXAMPLES.glob("*.hurdle"):
        tokens = list(lex(path.read_text(), lexer))
        assert not [t for t in tokens if t[0] is Error], path
    tokens = list(lex("metric v = tp * 38 GBP", lexer))
    assert (Number, "38") in tokens and (Keyword.Type, "GBP") in tokens
    assert (Keyword.Declaration, "metric") in tokens


def test_the_global_colour_option_reaches_every_command(hurdlec, tmp_path, monkeypatch):
    bad = tmp_path / "bad.hurdle"
    bad.write_text(SIMPLE_SPEC.read_text().replace("precision >= 0.40", "precison >= 0.40"))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert "\x1b[" not in hurdlec("run", bad, "--data", "x.csv").stderr  # a pipe: auto is no colour
    run = hurdlec("--color", "always", "run", bad, "--data", "x.csv")
    assert run.stderr.startswith("\x1b[1m\x1b[31m") and "E101 unknown metric 'precison'" in run.stderr
    assert hurdlec("--color", "always", "check", bad).stdout.startswith("\x1b[1m\x1b[31m")
    # check's own option wins over the global one
    assert "\x1b[" not in hurdlec("--color", "always", "check", "--color", "never", bad).stdout
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert "\x1b[" not in hurdlec("--color", "never", "run", bad, "--data", "x.csv").stderr
