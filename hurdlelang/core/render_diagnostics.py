"""Diagnostics for people (text, with the source line and a caret) and machines (json, github)."""

from __future__ import annotations

import json
import os

from hurdlelang.core.diagnostics import Diagnostic
from hurdlelang.core.github import workflow_command
from hurdlelang.core.source import Source

RED, YELLOW, BOLD, DIM, RESET = "\033[31m", "\033[33m", "\033[1m", "\033[2m", "\033[0m"


def use_color(choice: str, stream) -> bool:
    """`always`/`never` say it; `auto` colours a terminal, except that a non-empty NO_COLOR
    (https://no-color.org) turns colour off and, failing that, a non-empty FORCE_COLOR
    (https://force-color.org) turns it on even in a pipe or a CI log. TERM=dumb is no colour."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("TERM") == "dumb":
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def _highlight(line: str) -> str:
    from pygments import highlight
    from pygments.formatters import TerminalFormatter

    from hurdlelang.core.highlight import HurdleLexer

    return highlight(line, HurdleLexer(), TerminalFormatter()).rstrip("\n")


def _paint(text: str, tone: str) -> str:
    """Colour the parts of a rendered diagnostic: the header, the source line, the caret."""
    lines = text.split("\n")
    out = [f"{BOLD}{tone}{lines[0]}{RESET}"]
    for line in lines[1:]:
        if line.lstrip().startswith("hint:"):
            out.append(f"{DIM}{line}{RESET}")
        elif set(line.split("|", 1)[-1].strip()) == {"^"}:
            gutter, caret = line.split("|", 1)
            out.append(f"{gutter}|{tone}{caret}{RESET}")
        elif "|" in line:
            gutter, code = line.split("|", 1)
            out.append(f"{gutter}|{_highlight(code)}")
        else:
            out.append(line)
    return "\n".join(out)


def render_text(diagnostic: Diagnostic, source: Source | None = None, color: bool = False) -> str:
    text = _plain(diagnostic, source)
    return _paint(text, RED if diagnostic.is_error else YELLOW) if color else text


def _plain(diagnostic: Diagnostic, source: Source | None) -> str:
    d = diagnostic
    if d.span is None:
        lines = [f"{d.path}: {d.code} {d.message}"]
        if d.rows:
            shown = ", ".join(str(r) for r in d.rows[:5]) + (", ..." if len(d.rows) > 5 else "")
            lines.append(f"  rows: {shown}")
    else:
        lines = [f"{d.path}:{d.span.line}:{d.span.column}: {d.code} {d.message}"]
        text = source.line_text(d.span.line) if source else ""
        if text:
            gutter = str(d.span.line)
            end = d.span.end_column if d.span.end_line == d.span.line else len(text) + 1
            width = max(1, end - d.span.column)
            lines.append(f" {gutter} | {text}")
            lines.append(f" {' ' * len(gutter)} | {' ' * (d.span.column - 1)}{'^' * width}")
    if d.hint:
        lines.append(f"  hint: {d.hint}")
    return "\n".join(lines)


def render_json(diagnostics: list[Diagnostic]) -> str:
    return json.dumps([d.to_dict() for d in diagnostics], indent=2)


def render_github(diagnostic: Diagnostic) -> str:
    """A GitHub Actions workflow command, shown as an annotation on the pull request diff. Every
    value is escaped (core/github.py): a file name or a message cannot inject a command of its own."""
    d = diagnostic
    span = d.span
    return workflow_command(
        "error" if d.is_error else "warning",
        d.message + (f" (hint: {d.hint})" if d.hint else ""),
        file=d.path,
        line=span.line if span else None,
        col=span.column if span else None,
        endLine=span.end_line if span else None,
        endColumn=span.end_column if span else None,
        title=d.code,
    )
