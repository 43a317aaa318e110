"""`hurdlec fmt`: one canonical layout for .hurdle files, with every comment kept (docs/fmt.md).

`format_source` parses a file with its comments, prints it (hurdlelang/lang/fmt/printer.py) and then
proves the printed text means the same thing before anyone may write it:

- it parses, and holds the same comments, in the same order;
- its syntax tree equals the input's, ignoring source positions;
- it compiles to the same specs (`spec.model_dump()`) and the same diagnostics as the input.

The spec comparison ignores `span` (positions move), `source` (the path is the same, the SHA-256
of the text is not) and the whitespace inside `text` fields (the source text of a condition, guard,
margin or derived metric, as written: re-indenting changes it). Both texts are compiled with their
comments blanked out (see `code_only`), because a condition written over several lines with a
comment inside carries that comment in its `text`, and the formatter moves such a comment onto its
own line. What the text says is still compared, through the syntax tree.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from lark import Token
from lark.exceptions import UnexpectedInput

from hurdlelang.core import codes
from hurdlelang.core.diagnostics import Diagnostic, DiagnosticError
from hurdlelang.core.source import Source, Span
from hurdlelang.lang.ast_builder import build
from hurdlelang.lang.compiler import compile_source
from hurdlelang.lang.fmt.printer import comment_text, parse_with_comments, render
from hurdlelang.lang.input_limits import lexical_problems, tree_problems
from hurdlelang.lang.parser import parse

__all__ = ["Formatted", "format_source", "format_text", "verify"]


@dataclass
class Formatted:
    """The outcome for one file: its canonical text, or why it was not formatted."""

    source: Source
    text: str | None = None  # None: not formatted (syntax errors, or the output was refused)
    diagnostics: list[Diagnostic] = field(default_factory=list)  # the syntax errors, when there are some
    problem: str | None = None  # why the printed output was refused

    @property
    def ok(self) -> bool:
        return self.text is not None

    @property
    def changed(self) -> bool:
        return self.text is not None and self.text != self.source.text


def format_source(source: Source) -> Formatted:
    over_limits = lexical_problems(source)
    if over_limits:  # the printer recurses over the tree: nothing deeper than the limit reaches it
        return Formatted(source, diagnostics=over_limits)
    try:
        tree, comments = parse_with_comments(source.text)
    except UnexpectedInput as error:
        return Formatted(source, diagnostics=_syntax_errors(source, error))
    too_deep = tree_problems(tree, source)
    if too_deep:
        return Formatted(source, diagnostics=too_deep)
    text = render(tree, comments, source.text)
    problem = verify(source, comments, text)
    if problem is not None:
        return Formatted(source, problem=problem)
    return Formatted(source, text=text)


def format_text(text: str, path: str = "<text>") -> str:
    """The canonical text; raises ValueError when the text cannot be formatted."""
    result = format_source(Source(path, text))
    if result.text is None:
        raise ValueError(result.problem or "; ".join(f"{d.code} {d.message}" for d in result.diagnostics))
    return result.text


def _syntax_errors(source: Source, error: UnexpectedInput) -> list[Diagnostic]:
    found = compile_source(source).diagnostics
    if any(d.is_error for d in found):
        return found
    line, column = getattr(error, "line", 1) or 1, getattr(error, "column", 1) or 1
    return [
        Diagnostic(
            codes.UNEXPECTED_TOKEN, f"cannot parse the file: {error}", source.path, Span(line, column, line, column + 1)
        )
    ]


# ---- proving the output means the input ----


def verify(source: Source, comments: list[Token], text: str) -> str | None:
    """None when `text` is a faithful layout of `source`; otherwise what differs."""
    try:
        _, comments_out = parse_with_comments(text)
    except UnexpectedInput as error:
        return f"the formatted text does not parse (line {getattr(error, 'line', '?')})"
    before, after = [comment_text(c) for c in comments], [comment_text(c) for c in comments_out]
    if before != after:
        if len(before) != len(after):
            return f"{len(before)} comment(s) in the file, {len(after)} in the formatted text"
        return "a comment differs in the formatted text"
    # an exception of the compiler here is a bug of hurdlec, not a reason to refuse the file: it
    # propagates, and the command line reports it as an internal error (exit 70)
    return _same_meaning(source, Source(source.path, text))


def _same_meaning(source: Source, output: Source) -> str | None:
    if _syntax_tree(source) != _syntax_tree(output):
        return "the formatted text has a different syntax tree"
    compiled_in = compile_source(Source(source.path, code_only(source.text)))
    compiled_out = compile_source(Source(output.path, code_only(output.text)))
    if [_plain(s.model_dump()) for s in compiled_in.specs] != [_plain(s.model_dump()) for s in compiled_out.specs]:
        return "the formatted text compiles to a different spec"
    if _diagnostics(compiled_in.diagnostics) != _diagnostics(compiled_out.diagnostics):
        return "the formatted text compiles with different diagnostics"
    return None


def _syntax_tree(source: Source):
    try:
        return _without_spans(build(parse(source), source.path).specs)
    except DiagnosticError as error:
        return [(d.code, d.message) for d in error.diagnostics]


def _without_spans(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _without_spans(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not isinstance(getattr(value, f.name), Span)
        }
    if isinstance(value, list | tuple):
        return [_without_spans(v) for v in value]
    return value


_SPACE = re.compile(r"\s+")


def _plain(value, key: str | None = None):
    """A model_dump() without positions (spans, a warning's line) and the source's hash, and `text`
    (and a warning's message, which quotes condition text) without whitespace."""
    if isinstance(value, dict):
        return {k: _plain(v, k) for k, v in value.items() if k not in ("span", "source", "line")}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if key in ("text", "message") and isinstance(value, str):
        return _SPACE.sub("", value)
    return value


def _diagnostics(found: list[Diagnostic]) -> list[tuple]:
    return sorted((d.code, d.is_error, _SPACE.sub("", d.message), _SPACE.sub("", d.hint or "")) for d in found)


_STRING_OR_COMMENT = re.compile(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*|[\f\r]')


def code_only(text: str) -> str:
    """The text with its comments, form feeds and carriage returns replaced by spaces.

    Lines and columns stay where they were. Comments are compared on their own; without them, a
    condition's `text` no longer depends on where the formatter put them. Form feeds and carriage
    returns would shift the lines `Source.lines` (str.splitlines) reads `text` from."""
    return _STRING_OR_COMMENT.sub(lambda m: m.group() if m.group().startswith('"') else " " * len(m.group()), text)
