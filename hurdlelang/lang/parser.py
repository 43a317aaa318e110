"""Stage 1: source text -> Lark parse tree. Syntax errors become diagnostics."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from hurdlelang.core import codes
from hurdlelang.core.diagnostics import Diagnostic, DiagnosticError
from hurdlelang.core.source import Source, Span
from hurdlelang.core.suggest import did_you_mean
from hurdlelang.lang.catalogue import METRICS
from hurdlelang.lang.grammar import grammar_text


class UnitPostLexer:
    """A word right after a number, on the same line, is that number's unit (`38 GBP`).

    Units cannot be told from metric names by the lexer alone: in a tier, `0.45` may be followed
    by the next condition's metric on the next line. The line settles it.
    """

    always_accept = ("NAME",)
    # keywords that only ever follow a number (`5 points`, `from 12_000 rows`): on a later line they
    # are names, like a unit would be (`rows >= 5000` starting the next condition)
    AFTER_NUMBER = ("ROWS", "POINTS", "POINT")

    # keywords that open a statement of one block only: after a number on an earlier line the lexer
    # takes the word for the keyword wherever it stands (the state after a number is shared by every
    # context), so elsewhere it is a name again: a metric `cost` may start a condition
    BLOCK_KEYWORDS = {"COST": "SPEC", "CLASSES": "DATA"}
    OPENERS = frozenset({"SPEC", "DATA", "BASELINE", "HURDLES", "TIER", "EXAMPLE", "COST"})
    NOT_KEYWORDS = frozenset({"NAME", "NUMBER", "STRING", "UNIT", "DECIDED"})

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        previous: Token | None = None
        blocks: list[str | None] = []  # the keyword that opened each enclosing '{'
        opener: str | None = None
        for token in stream:
            after_number = previous is not None and previous.type == "NUMBER"
            if after_number and token.type == "NAME" and previous.end_line == token.line:
                token = Token.new_borrow_pos("UNIT", token.value, token)
            elif (
                after_number
                and token.type in self.AFTER_NUMBER
                and previous.end_line != token.line
                or (
                    token.type in self.BLOCK_KEYWORDS
                    and (blocks[-1] if blocks else None) != self.BLOCK_KEYWORDS[token.type]
                )
            ):
                token = Token.new_borrow_pos("NAME", token.value, token)
            elif (
                blocks
                and blocks[-1] == "COST"
                and token.type not in self.NOT_KEYWORDS
                and token.value.isidentifier()
                and not (after_number and previous.end_line == token.line)  # `5 points` stays a unit
            ):
                # a cost matrix holds classes and numbers only (after its `decided`): a class may be
                # called `in` or `and`, which after a number the lexer would take for the keyword
                token = Token.new_borrow_pos("NAME", token.value, token)
            if token.type in self.OPENERS:
                opener = token.type
            elif token.type == "LBRACE":
                blocks.append(opener)
                opener = None
            elif token.type == "RBRACE" and blocks:
                blocks.pop()
            previous = token
            yield token


def make_parser(**options) -> Lark:
    """The LALR parser. Tests build it with strict=True to keep the grammar free of conflicts."""
    return Lark(
        grammar_text(),
        parser="lalr",
        lexer="contextual",
        postlex=UnitPostLexer(),
        propagate_positions=True,
        maybe_placeholders=True,
        **options,
    )


@lru_cache(maxsize=1)
def _parser() -> Lark:
    return make_parser(cache=True)


_TERMINAL_WORDS = {
    "NAME": "a name",
    "NUMBER": "a number",
    "STRING": 'a quoted string ("...")',
    "CMP": "a comparison (>=, <=, >, <)",
    "UNIT": "a unit",
    "$END": "end of file",
}


def _describe(terminal: str) -> str:
    if terminal in _TERMINAL_WORDS:
        return _TERMINAL_WORDS[terminal]
    try:
        pattern = _parser().get_terminal(terminal).pattern
    except KeyError:
        return terminal
    return f"'{pattern.value}'"


def _keywords(names: set[str]) -> list[str]:
    words = []
    for name in names:
        try:
            value = _parser().get_terminal(name).pattern.value
        except KeyError:
            continue
        if isinstance(value, str) and value.isalpha():
            words.append(value)
    return words


def _expected(names: set[str]) -> str:
    words = sorted({_describe(n) for n in names})
    if len(words) > 6:
        words = words[:6] + ["..."]
    return ", ".join(words)


def _token_span(token: Token) -> Span:
    end_line = token.end_line if token.end_line is not None else token.line
    end_col = token.end_column if token.end_column is not None else token.column + 1
    return Span(token.line, token.column, end_line, end_col)


def _syntax_diagnostic(source: Source, error: UnexpectedInput) -> Diagnostic:
    if isinstance(error, UnexpectedCharacters):
        char = source.text[error.pos_in_stream] if error.pos_in_stream < len(source.text) else ""
        span = Span(error.line, error.column, error.line, error.column + 1)
        return Diagnostic(
            codes.UNEXPECTED_CHARACTER, f"unexpected character {char!r}", source.path, span, _CHARACTER_HINTS.get(char)
        )
    if isinstance(error, UnexpectedEOF) or (isinstance(error, UnexpectedToken) and error.token.type == "$END"):
        lines = source.text.rstrip().split("\n")
        line = len(lines)
        span = Span(line, len(lines[-1]) + 1, line, len(lines[-1]) + 2)
        return Diagnostic(
            codes.UNEXPECTED_END,
            f"the file ends too early; expected {_expected(set(error.expected))}",
            source.path,
            span,
            "is a closing '}' missing?",
        )
    assert isinstance(error, UnexpectedToken)
    token = error.token
    shown = "end of line" if token.type == "$END" else repr(str(token))
    before = source.line_text(token.line)[: token.column - 1]
    message = f"unexpected {shown}; expected {_expected(set(error.expected))}"
    hint = None
    unit = _swallowed_unit(before)
    keyword = did_you_mean(str(token), _keywords(set(error.expected))) if token.type in ("NAME", "UNIT") else None
    if keyword:
        hint = keyword
    elif unit:
        message = f"unexpected {shown}: '{unit}' right after a number was read as its unit"
        hint = "put each condition on its own line"
    elif token.type == "NAME" and "STRING" in error.expected:
        hint = "titles and descriptions are quoted strings"
    elif str(token) == "/" and "//" in source.line_text(token.line)[token.column - 2 : token.column + 1]:
        hint = "comments start with '#'"
    elif str(token) == "=" and "CMP" in error.expected:
        hint = "conditions compare with >=, <=, > or <"
    return Diagnostic(codes.UNEXPECTED_TOKEN, message, source.path, _token_span(token), hint)


_CHARACTER_HINTS = {
    "'": "strings use double quotes",
    '"': "the string is not closed: add its closing '\"' on the same line",
    "≥": "write >= (plain ASCII)",
    "≤": "write <= (plain ASCII)",
    ";": "a statement ends at the end of its line; remove the ';'",
    "/": "comments start with '#'",
}


def _swallowed_unit(before: str) -> str | None:
    """The word after a number on this line that the parser took as a unit, when that explains the
    error: the word right before it, or a word that names a metric (`0.95 recall beats ...`)."""
    words = _NUMBER_WORD.findall(before)
    if not words:
        return None
    if _ENDS_WITH_UNIT.search(before):
        return words[-1]
    return next((w for w in words if w in METRICS), None)


_ENDS_WITH_UNIT = re.compile(r"[0-9]\s+([A-Za-z_]\w*)\s*$")
_NUMBER_WORD = re.compile(r"[0-9]\s+([A-Za-z_]\w*)")


def parse(source: Source) -> Tree:
    """Parse one file. Raises DiagnosticError with the syntax error found."""
    try:
        return _parser().parse(source.text)
    except UnexpectedInput as error:
        raise DiagnosticError([_syntax_diagnostic(source, error)]) from None
