"""Completion: what may be written at the cursor.

Keywords come from the LALR parser itself: the text before the cursor is fed to lark's interactive
parser (the same parser, lexer and unit post-lexer `hurdlec check` uses) and `accepts()` says which
terminals may come next. Where a name may come next, the tokens just before the cursor and the
block the cursor is in say which names: metrics of the spec's task, its baselines, tiers or slice
columns. After `BASELINE.`, the metrics that baseline has.

An error earlier in the file would stop the parser before the cursor: the statement holding it is
blanked out, as the compiler's recovery does, and the prefix parsed again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lark import Token
from lark.exceptions import UnexpectedInput

from hurdlelang.lang import ir
from hurdlelang.lang.catalogue import TASKS, UnitKind, lookup, names_for
from hurdlelang.lang.check.checker import POLICIES, STRATEGIES
from hurdlelang.lang.parser import UnitPostLexer, _parser
from hurdlelang.lang.recovery import blank
from hurdlelang.lsp.hover import task_of
from hurdlelang.lsp.symbols import SymbolIndex

_WORD_BEFORE = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z_][A-Za-z0-9_]*$")  # not the `_000` of `2_000`
_MEMBER = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*\.\s*$")
_BLOCKS = ("SPEC", "DATA", "BASELINE", "HURDLES", "TIER", "EXAMPLE", "COST")
MAX_RETRIES = 10


@dataclass(frozen=True)
class Candidate:
    label: str
    kind: str  # keyword, metric, baseline, tier, slice, value, unit, class
    detail: str = ""


@dataclass
class _Prefix:
    accepts: set[str]
    tokens: list[Token]
    blocks: list[str]


def _feed(text: str) -> _Prefix | None:
    parser = _parser()
    for _ in range(MAX_RETRIES):
        interactive = parser.parse_interactive(text)
        tokens: list[Token] = []
        blocks: list[str] = []
        opener = None
        try:
            for token in interactive.iter_parse():
                tokens.append(token)
                if token.type in _BLOCKS:
                    opener = token.type
                elif token.type == "LBRACE":
                    blocks.append(opener or "")
                elif token.type == "RBRACE" and blocks:
                    blocks.pop()
            return _Prefix(set(interactive.accepts()), tokens, blocks)
        except UnexpectedInput as error:
            line = getattr(error, "line", None)
            if not isinstance(line, int) or line < 1:
                return None
            recovered, _ = blank(text, line)
            if recovered == text:
                return None
            text = recovered
    return None


def _keyword(terminal: str) -> str | None:
    try:
        value = _parser().get_terminal(terminal).pattern.value
    except KeyError:
        return None
    return value if isinstance(value, str) and value.isalpha() else None


def complete(text: str, offset: int, index: SymbolIndex, line: int) -> list[Candidate]:
    """Candidates at a 0-based character offset into `text`; `line` is the cursor's 1-based line."""
    before = text[:offset]
    partial = _WORD_BEFORE.search(before)
    start = offset - (len(partial.group()) if partial else 0)
    spec = index.spec_at(line)
    task = task_of(spec)
    member = _MEMBER.search(text[:start])
    if member:
        return _baseline_metrics(member.group(1), spec, task)
    prefix = _feed(text[:start])
    if prefix is None:
        return []
    accepts = set(prefix.accepts)
    last = prefix.tokens[-1] if prefix.tokens else None
    if last is not None and last.type == "NUMBER" and last.end_line < line:
        # a unit, `points` or `rows` belongs to a number on its own line; on a later line the unit
        # post-lexer reads such a word as a name (the next statement's metric)
        accepts -= {"UNIT", *UnitPostLexer.AFTER_NUMBER}
    found = [Candidate(w, "keyword") for w in sorted(filter(None, map(_keyword, accepts)))]
    if "NAME" in accepts:
        found += _names(prefix, spec, task, index)
    if "UNIT" in accepts:
        units = sorted({n.quantity.unit for n in index.numbers if n.quantity.unit not in (None, "%", "points")})
        found += [Candidate(u, "unit") for u in units]
    return list(dict.fromkeys(found))


def _metrics(spec, task: str | None) -> list[Candidate]:
    derived = [Candidate(m.name.value, "metric", m.title or "derived metric") for m in spec.metrics] if spec else []
    known = {c.label for c in derived}
    priced = bool(spec and spec.costs)  # `cost` and `total_cost` need the spec's cost matrix
    builtin = [
        Candidate(n, "metric", _title(lookup(n, task)))
        for n in names_for(task)
        if n not in known and (priced or lookup(n, task).unit is not UnitKind.COST)
    ]
    return derived + builtin


def _title(info) -> str:
    return f"{info.title}; of one class: {info.name}[CLASS]" if info.per_class else info.title


def _classes(spec) -> list[Candidate]:
    """A spec's declared classes: those of its per-class scores, or of its `classes` line."""
    if spec is None:
        return []
    found: list[str] = []
    for block in spec.data:
        for binding in block.bindings:
            if binding.kind == "score":
                found += [ir.class_text(s.class_name) for s in binding.value if s.class_name is not None]
            elif binding.kind == "classes":
                found += [c.text for c in binding.value]
    return [Candidate(c, "class", "a class of the spec") for c in dict.fromkeys(found)]


def _baselines(spec) -> list[Candidate]:
    return [Candidate(b.name.value, "baseline", b.title or "") for b in spec.baselines] if spec else []


def _tiers(spec) -> list[Candidate]:
    if spec is None:
        return []
    found = []
    for hurdles in spec.hurdles:
        found += [Candidate(t.name.value, "tier", t.title or "") for t in hurdles.tiers]
        found += [Candidate(o.name.value, "tier", o.title or "otherwise") for o in hurdles.otherwise]
    return found


def _slices(spec) -> list[Candidate]:
    if spec is None:
        return []
    return [
        Candidate(column.name, "slice", "slice column")
        for block in spec.data
        for binding in block.bindings
        if binding.kind == "slice"
        for column in binding.value
    ]


def _names(prefix: _Prefix, spec, task: str | None, index: SymbolIndex) -> list[Candidate]:
    last = prefix.tokens[-1] if prefix.tokens else None
    kind = last.type if last is not None else None
    block = prefix.blocks[-1] if prefix.blocks else None
    if kind == "TASK":
        return [Candidate(t, "value", "task kind") for t in TASKS]
    if kind == "STRATEGY":
        return [Candidate(s, "value", "dummy strategy") for s in STRATEGIES.get(task or "", ())]
    if kind == "MISSING":
        return [Candidate(p, "value", "missing-value policy") for p in POLICIES]
    if kind in ("BEATS", "THAN", "OF"):  # `beats B`, `no worse than B`, `at the volume of B`
        return _baselines(spec)
    if kind == "EXPECT":
        return _tiers(spec)
    if kind == "PER":  # `... per month`: the period of the spec's volume
        periods = [v.period.value for v in spec.volumes] if spec else []
        return [Candidate(p, "value", "the period of the spec's volume") for p in periods]
    if kind in ("EVERY", "IN"):
        return _slices(spec)
    if kind == "LSQB" or block == "COST":
        return _classes(spec)  # `recall[` and the cost matrix's rows and columns name classes
    if kind == "CMP" and block == "TIER":
        return _baselines(spec)  # `recall >= as_is.recall`; a number needs no completion
    if kind in ("SPEC", "BASELINE", "METRIC", "TIER", "OTHERWISE", "EXAMPLE") or block == "DATA":
        return []  # a new name, or a column of the user's data
    if kind == "GIVEN":
        return _baselines(spec) + _metrics(spec, task)
    return _metrics(spec, task)


def _baseline_metrics(name: str, spec, task: str | None) -> list[Candidate]:
    baseline = next((b for b in spec.baselines if b.name.value == name), None) if spec else None
    if baseline is None:
        return []
    figures = [i.value.metric.text for i in baseline.items if i.kind == "figure"]
    if figures:
        return [Candidate(f, "metric", f"a figure of {name}") for f in figures]
    return _metrics(spec, task)
