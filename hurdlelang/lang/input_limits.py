"""The limits of a spec's text (hurdlelang/core/limits.py), checked before anything recursive runs.

The parser is iterative, but building the AST, checking, printing and serialising walk the tree by
recursion: a condition under 500 `not`s used to end in a RecursionError. So before any of that:

- `lexical_problems` scans the text once (strings and comments skipped) for over-long names and
  numbers (E006), over-long strings (E007) and parentheses nested too deep (E008);
- `tree_problems` walks a parse tree without recursion for conditions and formulas nested too deep
  (E008: operators on the way down, plus the parentheses open where a node starts) and specs with
  too many tiers (E009).

Both find the same problems in the plain parse tree of `hurdlec check` and in the token-keeping tree
of `hurdlec fmt`: only operator nodes are counted in the tree, and parentheses (which only the second
tree has as nodes) are counted on the text.
"""

from __future__ import annotations

import bisect
import re

from lark import Tree

from hurdlelang.core import codes
from hurdlelang.core.diagnostics import Diagnostic
from hurdlelang.core.limits import MAX_NAME_CHARS, MAX_NESTING, MAX_STRING_CHARS, MAX_TIERS
from hurdlelang.core.source import Source, Span

MAX_REPORTED = 20  # as for syntax errors: enough to see the pattern

# strings and comments first, so that their insides are skipped; then words and parentheses
_TOKENS = re.compile(r'"(?:[^"\\\n]|\\.)*"?|#[^\n]*|[A-Za-z0-9_]+|[()]')
# the rules whose nodes nest: arithmetic and the boolean operators of conditions
OPERATORS = frozenset({"add", "sub", "mul", "div", "neg", "any_of", "all_of", "negate"})

NESTING_HINT = (
    f"at most {MAX_NESTING} levels: each 'and', 'or', 'not', arithmetic sign and pair of parentheses is one; "
    "split the formula into derived metrics, or the condition into several lines of the tier"
)


class _Lines:
    """Offsets -> 1-based line and column, for a few offsets of a long text."""

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def span(self, start: int, length: int) -> Span:
        line = bisect.bisect_right(self.starts, start)
        column = start - self.starts[line - 1] + 1
        return Span(line, column, line, column + length)


def lexical_problems(source: Source) -> list[Diagnostic]:
    text, found, depth, lines = source.text, [], 0, None
    for match in _TOKENS.finditer(text):
        token = match.group()
        problem = None
        if token == "(":
            depth += 1
            if depth == MAX_NESTING + 1:
                problem = (codes.NESTING_TOO_DEEP, f"parentheses nest more than {MAX_NESTING} deep", NESTING_HINT)
        elif token == ")":
            depth = max(0, depth - 1)
        elif token[0] == '"':
            if len(token) - 2 > MAX_STRING_CHARS:
                problem = (
                    codes.STRING_TOO_LONG,
                    f"this string has {len(token) - 2:,} characters; at most {MAX_STRING_CHARS:,} are allowed",
                    "shorten it: a title or description says what the spec decides, the rest belongs in a document",
                )
        elif token[0] != "#" and len(token) > MAX_NAME_CHARS:
            problem = (
                codes.NAME_TOO_LONG,
                f"this name has {len(token):,} characters; at most {MAX_NAME_CHARS} are allowed",
                "use a shorter name (a column with a longer name can be renamed in the data, or quoted)",
            )
        if problem:
            lines = lines or _Lines(text)
            code, message, hint = problem
            span = lines.span(match.start(), min(len(token), 80))
            found.append(Diagnostic(code, message, source.path, span, hint))
            if len(found) == MAX_REPORTED:
                break
    return found


def _parentheses(text: str) -> tuple[list[int], list[int]]:
    """The offset of every parenthesis outside strings and comments, and the depth just after it."""
    positions, depths, depth = [], [], 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in ("(", ")"):
            depth = depth + 1 if token == "(" else max(0, depth - 1)
            positions.append(match.start())
            depths.append(depth)
    return positions, depths


def _meta_span(node: Tree) -> Span:
    meta = node.meta
    if getattr(meta, "empty", True):
        return Span(1, 1, 1, 2)
    return Span(meta.line, meta.column, meta.line, meta.column + 1)


def _tiers(spec: Tree) -> list[Tree]:
    blocks = [c for c in spec.children if isinstance(c, Tree) and c.data == "hurdles"]
    return [t for b in blocks for t in b.children if isinstance(t, Tree) and t.data == "tier"]


def tree_problems(tree: Tree, source: Source) -> list[Diagnostic]:
    """Operators nested deeper than MAX_NESTING (E008), specs with more than MAX_TIERS tiers (E009)."""
    found: list[Diagnostic] = []
    for spec in (c for c in tree.children if isinstance(c, Tree) and c.data == "spec"):
        tiers = _tiers(spec)
        if len(tiers) > MAX_TIERS:
            found.append(
                Diagnostic(
                    codes.TOO_MANY_TIERS,
                    f"this spec has {len(tiers):,} tiers; at most {MAX_TIERS} are allowed",
                    source.path,
                    _meta_span(tiers[MAX_TIERS]),
                    "a decision has a few outcomes: merge the tiers that lead to the same action",
                )
            )
    positions, depths = _parentheses(source.text)
    stack: list[tuple[Tree, int]] = [(tree, 0)]
    while stack and len(found) < MAX_REPORTED:
        node, depth = stack.pop()
        if node.data in OPERATORS:
            depth += 1
        meta = node.meta
        if depth and not getattr(meta, "empty", True):
            # the parentheses still open where this node starts enclose it: each is a level too
            opened = bisect.bisect_left(positions, meta.start_pos)
            levels = depth + (depths[opened - 1] if opened else 0)
            if levels > MAX_NESTING:
                found.append(
                    Diagnostic(
                        codes.NESTING_TOO_DEEP,
                        f"this formula or condition nests more than {MAX_NESTING} levels deep",
                        source.path,
                        _meta_span(node),
                        NESTING_HINT,
                    )
                )
                continue  # one report per too-deep branch
        stack.extend((child, depth) for child in node.children if isinstance(child, Tree))
    return sorted(found, key=Diagnostic.sort_key)
