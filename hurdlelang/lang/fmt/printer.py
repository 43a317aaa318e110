"""`hurdlec fmt`, the printer: a parse tree with every token, plus the comments, -> canonical text.

The tree comes from the project's grammar with `keep_all_tokens=True`, so keywords, parentheses and
signs are all in it and are printed exactly as written; only the whitespace between them is chosen
here. Comments are %ignore'd by the grammar: the lexer hands them over through a callback, and
they are attached to the printed rows by position (docs/fmt.md, "Comments").
"""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass, field
from functools import lru_cache

from lark import Lark, Token, Tree

from hurdlelang.lang.parser import make_parser

BLOCKS = frozenset({"spec", "data", "baseline", "hurdles", "tier", "example", "cost_matrix"})
TABLE_ROWS = frozenset({"cost_header", "cost_row"})  # a cost matrix's lines: printed as aligned columns
HEADER = frozenset({"owner", "description", "version", "task", "volume"})
STEP = 2  # spaces per block level
CONTINUATION = 2  # extra spaces of a derived metric's `= expr` line, beyond the `metric` line
COMMENT_COLUMN = 36  # 0-based column where trailing comments start, when the code leaves room
# tokens printed without a space after / before them
_GLUE_AFTER = frozenset({"(", "@", ".", "["})
_GLUE_BEFORE = frozenset({")", ",", "@", ".", ":", "%", "[", "]"})
_WORDS = frozenset({"NAME", "NUMBER", "STRING", "UNIT", "CMP"})
_UNARY = frozenset({"neg", "negative"})


class _CommentSink:
    """The lexer callback that keeps the comments the grammar ignores."""

    def __init__(self) -> None:
        self.comments: list[Token] = []

    def __call__(self, token: Token) -> Token:
        self.comments.append(token)
        return token


_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _parser() -> tuple[Lark, _CommentSink]:
    sink = _CommentSink()
    return make_parser(keep_all_tokens=True, lexer_callbacks={"COMMENT": sink}, cache=True), sink


def parse_with_comments(text: str) -> tuple[Tree, list[Token]]:
    """The full parse tree (every token kept) and the comments, in source order.

    Raises lark's UnexpectedInput on a syntax error."""
    parser, sink = _parser()
    with _LOCK:
        sink.comments = []
        try:
            tree = parser.parse(text)
        finally:
            comments, sink.comments = sink.comments, []
    return tree, sorted(comments, key=lambda c: c.start_pos)


# ---- rows: one printed line of code each ----


@dataclass
class Row:
    indent: int
    text: str
    first: Token  # the first and last source token printed on this row
    last: Token
    role: str = "line"  # line | open (ends with '{') | close ('}') | continue (a metric's '= expr')
    force_blank: bool = False  # a new kind of spec item starts here: separate it by a blank line
    leading: list[Token] = field(default_factory=list)  # comments printed on their own lines before
    trailing: Token | None = None  # the comment printed at the end of this row

    @property
    def comment_indent(self) -> int:
        if self.role == "close":
            return self.indent + STEP
        return self.indent


def _leaves(node: Tree | Token | None, rule: str) -> list[tuple[Token, str]]:
    """The tokens under a node in source order, each with the rule that holds it directly."""
    if node is None:
        return []
    if isinstance(node, Token):
        return [(node, rule)]
    out: list[tuple[Token, str]] = []
    for child in node.children:
        out.extend(_leaves(child, node.data))
    return out


def _glued(before: tuple[Token, str], after: tuple[Token, str]) -> bool:
    (a, a_rule), (b, _) = before, after
    if a.type not in _WORDS and (a.value in _GLUE_AFTER or (a.value == "-" and a_rule in _UNARY)):
        return True
    return b.type not in _WORDS and b.value in _GLUE_BEFORE


def join(leaves: list[tuple[Token, str]]) -> str:
    """Tokens as written, with single spaces except around `( ) [ ] , @ . : %` and a unary minus."""
    parts: list[str] = []
    for i, leaf in enumerate(leaves):
        if i and not _glued(leaves[i - 1], leaf):
            parts.append(" ")
        parts.append(leaf[0].value)
    return "".join(parts)


def _children(node: Tree) -> list[Tree | Token]:
    return [c for c in node.children if c is not None]


def _kind(item: Tree) -> str:
    return "header" if item.data in HEADER else item.data


def _head_widths(block: Tree, items: list[Tree]) -> dict[int, int]:
    """The width each item's first word is padded to: header fields, data bindings, baseline lines."""
    if block.data == "spec":
        groups = [[i for i in items if i.data in HEADER]]
    elif block.data == "data":
        groups = [items]
    elif block.data == "baseline":
        groups = [[i for i in items if i.data == "figure"], [i for i in items if i.data != "figure"]]
    else:
        return {}
    widths: dict[int, int] = {}
    for group in groups:
        width = max((len(join(_leaves(_children(i)[0], i.data))) for i in group), default=0)
        widths.update({id(i): width for i in group})
    return widths


def _cells(node: Tree) -> list[str]:
    """A cost matrix line as its cells: the head (`decided`, or the actual class), then each value
    with the comma after it."""
    children = _children(node)
    cells, current = [join(_leaves(children[0], node.data))], []
    for child in children[1:]:
        current.append(child)
        if isinstance(child, Token) and child.value == ",":
            cells.append(join([leaf for c in current for leaf in _leaves(c, node.data)]))
            current = []
    if current:
        cells.append(join([leaf for c in current for leaf in _leaves(c, node.data)]))
    return cells


def _column_widths(items: list[Tree]) -> list[int]:
    rows = [_cells(i) for i in items if i.data in TABLE_ROWS]
    columns = max((len(r) for r in rows), default=0)
    return [max((len(r[i]) for r in rows if i < len(r)), default=0) for i in range(columns)]


class _Layout:
    def __init__(self) -> None:
        self.rows: list[Row] = []

    def row(self, indent: int, parts: list[Tree | Token], rule: str, role: str = "line", width: int = 0) -> Row:
        leaves = [leaf for part in parts for leaf in _leaves(part, rule)]
        if width and len(parts) > 1:
            head = _leaves(parts[0], rule)
            text = join(head).ljust(width) + " " + join(leaves[len(head) :])
        else:
            text = join(leaves)
        row = Row(indent, text, leaves[0][0], leaves[-1][0], role)
        self.rows.append(row)
        return row

    def table_row(self, indent: int, node: Tree, widths: list[int]) -> None:
        """One line of a cost matrix: each cell padded to its column's width, the last unpadded."""
        cells = _cells(node)
        texts = [t.ljust(w) for t, w in zip(cells[:-1], widths, strict=False)] + [cells[-1]]
        leaves = _leaves(node, node.data)
        self.rows.append(Row(indent, " ".join(texts), leaves[0][0], leaves[-1][0]))

    def statement(self, node: Tree, indent: int, force_blank: bool = False, width: int = 0) -> None:
        first = len(self.rows)
        if node.data in BLOCKS:
            self.block(node, indent)
        elif node.data == "metric_def":
            parts = _children(node)
            equals = next(i for i, p in enumerate(parts) if isinstance(p, Token) and p.value == "=")
            self.row(indent, parts[:equals], node.data)
            self.row(indent + CONTINUATION, parts[equals:], node.data, "continue")
        else:
            self.row(indent, _children(node), node.data, width=width)
        self.rows[first].force_blank = force_blank

    def block(self, node: Tree, indent: int) -> None:
        parts = _children(node)
        brace = next(i for i, p in enumerate(parts) if isinstance(p, Token) and p.value == "{")
        self.row(indent, parts[: brace + 1], node.data, "open")
        items = [p for p in parts[brace + 1 : -1] if isinstance(p, Tree)]
        widths = _head_widths(node, items)
        columns = _column_widths(items)
        previous = None
        for item in items:
            if item.data in TABLE_ROWS:
                self.table_row(indent + STEP, item, columns)
                continue
            kind = _kind(item)
            force = node.data == "spec" and previous is not None and kind != previous
            self.statement(item, indent + STEP, force, widths.get(id(item), 0))
            previous = kind
        self.row(indent, parts[-1:], node.data, "close")


def layout(tree: Tree) -> list[Row]:
    """The rows of a whole file, in source order."""
    out = _Layout()
    for spec in _children(tree):
        out.statement(spec, 0, force_blank=bool(out.rows))
    return out.rows


# ---- comments ----


def attach(rows: list[Row], comments: list[Token]) -> list[Token]:
    """Give each comment to a row; returns the comments left for the end of the file.

    A comment after a row's last token, on that token's line, is the row's trailing comment. Every
    other comment goes on its own line before the first row that ends after it: the next row, or,
    for a comment inside a statement written over several lines, that statement's row."""
    starts = [r.first.start_pos for r in rows]
    at_end: list[Token] = []
    for comment in comments:
        i = bisect.bisect_left(starts, comment.start_pos) - 1
        row = rows[i] if i >= 0 else None
        if row is not None and row.last.end_line == comment.line and row.last.end_pos <= comment.start_pos:
            row.trailing = comment  # a line holds one comment at most, so a row gets one at most
        elif row is not None and comment.start_pos < row.last.end_pos:
            row.leading.append(comment)
        elif i + 1 < len(rows):
            rows[i + 1].leading.append(comment)
        else:
            at_end.append(comment)
    return at_end


# ---- printing ----


@dataclass
class _Line:
    text: str
    first: int  # source lines this printed line came from
    last: int
    blank_allowed: bool  # may a blank line precede it
    opens: bool = False  # a block's opening line: no blank line after it
    blank: bool = False  # print a blank line before it


def comment_text(comment: Token) -> str:
    return comment.value.rstrip()


def _with_comment(code: str, comment: Token | None) -> str:
    if comment is None:
        return code
    return code + " " * max(1, COMMENT_COLUMN - len(code)) + comment_text(comment)


def _blank_lines(text: str) -> list[int]:
    """How many whitespace-only lines come before each line number (1-based; index 0 unused)."""
    counts = [0, 0]
    for line in text.split("\n"):
        counts.append(counts[-1] + (line.strip(" \t\f\r") == ""))
    return counts


def render_rows(rows: list[Row], at_end: list[Token], text: str) -> str:
    blanks = _blank_lines(text)

    def blank_between(first: int, last: int) -> bool:
        return last - first > 1 and blanks[last] - blanks[first + 1] > 0

    lines: list[_Line] = []
    groups: list[list[_Line]] = []  # the lines of each row that must be set apart from the row before
    for row in rows:
        group = []
        for comment in row.leading:
            line = _Line(" " * row.comment_indent + comment_text(comment), comment.line, comment.line, True)
            line.blank_allowed = row.role != "continue"
            group.append(line)
        code = _with_comment(" " * row.indent + row.text, row.trailing)
        group.append(_Line(code, row.first.line, row.last.end_line, row.role not in ("close", "continue")))
        if row.force_blank:
            groups.append(group)
        lines.extend(group)
        lines[-1].opens = row.role == "open"
    lines.extend(_Line(comment_text(c), c.line, c.line, True) for c in at_end)
    for before, line in zip(lines, lines[1:], strict=False):
        line.blank = line.blank_allowed and not before.opens and blank_between(before.last, line.first)
    for group in groups:
        if not any(line.blank for line in group):
            group[0].blank = True
    out: list[str] = []
    for i, line in enumerate(lines):
        if i and line.blank:
            out.append("")
        out.append(line.text)
    return "".join(f"{line}\n" for line in out)


def render(tree: Tree, comments: list[Token], text: str) -> str:
    """The canonical text of a parsed file. `text` is the source, read only for its blank lines."""
    rows = layout(tree)
    at_end = attach(rows, comments)
    return render_rows(rows, at_end, text)
