"""The outline (document symbols): each spec, and inside it its data block, baselines, derived
metrics, hurdles with their guards, tiers and fall-back, and its examples."""

from __future__ import annotations

from collections.abc import Callable

from lsprotocol import types as lsp

from hurdlelang.core.source import Span
from hurdlelang.lang import ast_nodes as ast
from hurdlelang.lsp.analysis import Analysis

Kind = lsp.SymbolKind


def document_symbols(made: Analysis, to_range: Callable[[Span], lsp.Range]) -> list[lsp.DocumentSymbol]:
    def symbol(name, detail, kind, span, name_span=None, children=()):
        return lsp.DocumentSymbol(
            name=name or "?",
            detail=detail or None,
            kind=kind,
            range=to_range(span),
            selection_range=to_range(name_span or span),
            children=list(children),
        )

    found = []
    for spec in made.result.ast.specs if made.result.ast else ():
        children = [symbol("data", None, Kind.Struct, block.span) for block in spec.data]
        children += [symbol(b.name.value, b.title, Kind.Class, b.span, b.name.span) for b in spec.baselines]
        children += [symbol(m.name.value, m.title, Kind.Function, m.span, m.name.span) for m in spec.metrics]
        for hurdles in spec.hurdles:
            parts = [symbol(made.source.span_text(g.span), None, Kind.Boolean, g.span) for g in hurdles.guards]
            parts += [_tier(symbol, made, t) for t in hurdles.tiers]
            parts += [symbol(o.name.value, o.title, Kind.EnumMember, o.span, o.name.span) for o in hurdles.otherwise]
            children.append(symbol("hurdles", None, Kind.Namespace, hurdles.span, children=parts))
        children += [symbol(e.name, _expects(e), Kind.Method, e.span) for e in spec.examples]
        found.append(symbol(spec.name.value, spec.title, Kind.Module, spec.span, spec.name.span, children))
    return found


def _tier(symbol, made: Analysis, tier: ast.Tier) -> lsp.DocumentSymbol:
    conditions = [symbol(made.source.span_text(c.span), None, Kind.Boolean, c.span) for c in tier.conditions]
    return symbol(tier.name.value, tier.title, Kind.Enum, tier.span, tier.name.span, conditions)


def _expects(example: ast.Example) -> str | None:
    return f"expect {example.expects[0].tier.value}" if example.expects else None
