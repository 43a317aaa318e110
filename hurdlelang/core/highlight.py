"""A Pygments lexer for .hurdle files: syntax highlighting in docs, editors that use Pygments,
and hurdlec's own diagnostics on a colour terminal. Registered as the `hurdle` lexer through the
`pygments.lexers` entry point."""

from __future__ import annotations

from pygments.lexer import RegexLexer, bygroups, words
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, Text, Whitespace

BLOCKS = ("spec", "data", "baseline", "metric", "hurdles", "tier", "otherwise", "example", "require")
KEYWORDS = (
    "owner", "description", "version", "task", "label", "score", "predict", "weight", "slice", "group", "id",
    "missing", "record", "strategy", "for", "from", "rows", "higher", "lower", "is", "better", "at", "confidence",
    "between", "and", "or", "not", "beats", "no", "worse", "than", "by", "in", "every", "given", "expect",
    "points", "point",
)  # fmt: skip


class HurdleLexer(RegexLexer):
    name = "hurdle"
    aliases = ["hurdle", "hurdlelang"]
    filenames = ["*.hurdle"]
    mimetypes = ["text/x-hurdle"]

    tokens = {
        "root": [
            (r"\s+", Whitespace),
            (r"#.*$", Comment.Single),
            (r'"([^"\\\n]|\\.)*"', String.Double),
            (r"([0-9][0-9_]*(?:\.[0-9][0-9_]*)?(?:[eE][+-]?[0-9]+)?)(%)", bygroups(Number, Operator)),
            (
                r"([0-9][0-9_]*(?:\.[0-9][0-9_]*)?(?:[eE][+-]?[0-9]+)?)([ \t]+)(?!points?\b)([A-Za-z_]\w*)",
                bygroups(Number, Whitespace, Keyword.Type),
            ),
            (r"[0-9][0-9_]*(?:\.[0-9][0-9_]*)?(?:[eE][+-]?[0-9]+)?", Number),
            (words(BLOCKS, suffix=r"\b"), Keyword.Declaration),
            (words(KEYWORDS, suffix=r"\b"), Keyword),
            (r"(>=|<=|>|<|=|\+|-|\*|/|@)", Operator),
            (r"[{}(),.:]", Punctuation),
            (r"[A-Za-z_]\w*", Name),
            (r".", Text),
        ]
    }
