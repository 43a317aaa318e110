"""The TextMate grammar (editors/hurdle.tmLanguage.json) on every bundled spec, checked against the
compiler's own lexer: wherever the parser reads a keyword, a number, a unit, a string, a comment or
a name, the grammar must scope it so.

The grammar uses only `match` rules (no begin/end: no token of the language spans lines) with
`captures` and `include`, and regexes whose Oniguruma and Python meanings agree (classes, \\b,
look-around). A small interpreter of exactly that subset runs it here, so `make test` needs no
node; `test_grammar_uses_only_the_interpreted_subset` keeps the grammar within it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pytest
from lark import Token

from hurdlelang.lang.catalogue import names_for
from hurdlelang.lang.fmt.printer import parse_with_comments
from hurdlelang.lang.parser import _parser
from tests.conftest import CORPUS, EXAMPLES, ROOT

GRAMMAR = json.loads((ROOT / "editors" / "hurdle.tmLanguage.json").read_text(encoding="utf-8"))
SPECS = sorted(EXAMPLES.glob("*.hurdle")) + sorted((CORPUS / "specs").glob("*.hurdle"))
RULE_KEYS = {"match", "name", "captures", "include", "comment"}


@dataclass(frozen=True)
class Scoped:
    line: int  # 1-based
    start: int  # 0-based column
    end: int
    scope: str


def _rules(patterns: list[dict]) -> list[dict]:
    found = []
    for rule in patterns:
        if "include" in rule:
            found += _rules([GRAMMAR["repository"][rule["include"].removeprefix("#")]])
        else:
            found.append(rule)
    return found


RULES = [(re.compile(r["match"]), r) for r in _rules(GRAMMAR["patterns"])]


def tokenize_line(text: str, line: int) -> list[Scoped]:
    """TextMate's loop on one line: at each position the rule matching earliest wins (the first
    listed on a tie); an empty match would not advance and is skipped."""
    found, pos = [], 0
    while pos < len(text):
        best = None
        for pattern, rule in RULES:
            m = pattern.search(text, pos)
            if m and m.end() > m.start() and (best is None or m.start() < best[0].start()):
                best = (m, rule)
        if best is None:
            break
        m, rule = best
        if "name" in rule:
            found.append(Scoped(line, m.start(), m.end(), rule["name"]))
        for group, capture in rule.get("captures", {}).items():
            if m.group(int(group)) is not None and m.end(int(group)) > m.start(int(group)):
                found.append(Scoped(line, m.start(int(group)), m.end(int(group)), capture["name"]))
        pos = m.end()
    return found


def scopes_at(tokens: list[Scoped], line: int, column: int) -> list[str]:
    return [t.scope for t in tokens if t.line == line and t.start <= column < t.end]


def tokenize(text: str) -> list[Scoped]:
    return [t for i, line in enumerate(text.split("\n"), 1) for t in tokenize_line(line, i)]


def lexed(text: str) -> list[Token]:
    """Every token as the compiler's parser reads it (contextual lexer and unit post-lexer), and the
    comments it skips."""
    interactive = _parser().parse_interactive(text)
    tokens = list(interactive.iter_parse())
    _, comments = parse_with_comments(text)
    return tokens + list(comments)


KEYWORD_WORDS = {t.pattern.value for t in _parser().terminals if t.pattern.type == "str" and t.pattern.value.isalpha()}


def expected_scope(token: Token, previous: Token | None) -> str:
    """The scope prefix a token must have, by its terminal."""
    after_number = previous is not None and previous.type == "NUMBER" and previous.end_line == token.line
    if token.type == "COMMENT":
        return "comment.line.number-sign"
    if token.type == "STRING":
        return "string.quoted.double"
    if token.type == "NUMBER":
        return "constant.numeric"
    if token.type == "UNIT" or (token.type in ("PERCENT", "POINTS", "POINT") and after_number):
        return "keyword.other.unit"
    if token.value in KEYWORD_WORDS and token.type != "NAME":
        return "keyword"  # keyword.control, keyword.other, or storage.type for the blocks
    if token.type == "NAME":
        return "name"
    if token.type in ("CMP", "PLUS_MINUS") or token.value in ("=", "+", "-", "*", "/", "@"):
        return "keyword.operator"
    return "punctuation"


NAME_SCOPES = ("entity.name.", "variable.", "support.function.metric", "support.constant.task")


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_grammar_scopes_every_token_as_the_compiler_reads_it(path):
    text = path.read_text(encoding="utf-8")
    scoped = tokenize(text)
    wrong = []
    tokens = sorted(lexed(text), key=lambda t: (t.line, t.column))
    previous = None
    for token in tokens:
        want = expected_scope(token, previous)
        got = scopes_at(scoped, token.line, token.column - 1)
        if want == "keyword":
            ok = any(s.startswith(("keyword.", "storage.type.")) and "unit" not in s for s in got)
        elif want == "name":
            ok = any(s.startswith(NAME_SCOPES) for s in got)
        else:
            ok = any(s.startswith(want) for s in got)
        if not ok:
            wrong.append(f"{token.line}:{token.column} {token.type} {token.value!r}: want {want}, got {got}")
        if token.type != "COMMENT":
            previous = token
    assert wrong == []


def test_metric_names_are_the_catalogues():
    match = GRAMMAR["repository"]["metric"]["match"]
    listed = set(re.fullmatch(r"\\b\(\?:(.*)\)\\b", match).group(1).split("|"))
    assert listed == set(names_for(None))


def test_every_keyword_of_the_grammar_is_scoped_somewhere():
    text = json.dumps(GRAMMAR)
    missing = [w for w in sorted(KEYWORD_WORDS) if not re.search(r"[(|]" + w + r"(?:s\?|\?)?[|)\\]", text)]
    assert missing == []


def test_grammar_uses_only_the_interpreted_subset():
    repository = GRAMMAR["repository"]
    for rule in [*GRAMMAR["patterns"], *repository.values()]:
        assert set(rule) <= RULE_KEYS, rule
        assert ("include" in rule) != ("match" in rule), rule
        if "include" in rule:
            assert rule["include"].removeprefix("#") in repository
    assert GRAMMAR["scopeName"] == "source.hurdle"


def test_scopes_of_a_few_lines():
    def scopes(line: str) -> list[tuple[str, str]]:
        return [(line[t.start : t.end], t.scope) for t in tokenize_line(line, 1)]

    assert scopes("  net_value beats as_is by 20%  # a fifth more") == [
        ("net_value", "variable.other.hurdle"),
        ("beats", "keyword.control.hurdle"),
        ("as_is", "variable.other.hurdle"),
        ("by", "keyword.control.hurdle"),
        ("20", "constant.numeric.hurdle"),
        ("%", "keyword.other.unit.percent.hurdle"),
        ("# a fifth more", "comment.line.number-sign.hurdle"),
        ("#", "punctuation.definition.comment.hurdle"),
    ]
    assert ("38", "constant.numeric.hurdle") in scopes("  = (tp * 38 GBP - fp * 4 GBP) / n")
    assert ("GBP", "keyword.other.unit.hurdle") in scopes("  = (tp * 38 GBP - fp * 4 GBP) / n")
    assert ("tp", "support.function.metric.hurdle") in scopes("  = (tp * 38 GBP - fp * 4 GBP) / n")
    assert scopes('  tier pilot "One region" {')[:2] == [
        ("tier", "storage.type.hurdle"),
        ("pilot", "entity.name.type.hurdle"),
    ]
    assert ("rows", "support.function.metric.hurdle") in scopes("  require rows >= 2_000")
    assert ("rows", "keyword.other.rows.hurdle") in scopes("  precision = 0.30 from 1_200 rows")
    assert ("+-", "keyword.operator.hurdle") in scopes("  mae = 1.9 +- 0.2 at 90% confidence")
    assert ("±", "keyword.operator.hurdle") in scopes("  mae = 1.9 ± 0.2")
