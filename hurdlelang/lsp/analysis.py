"""One open document as the server knows it: compiled by the compiler `hurdlec check` uses, its
names indexed, its examples run. Plain Python without pygls, so it is tested and timed on its own."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from hurdlelang.core import codes
from hurdlelang.core.diagnostics import Diagnostic
from hurdlelang.core.source import Source, Span
from hurdlelang.lang.compiler import CompileResult, compile_source
from hurdlelang.lsp.symbols import SymbolIndex, index

_DID_YOU_MEAN = re.compile(r"^did you mean '([^']+)'\?$")
_WORD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class QuickFix:
    diagnostic: Diagnostic
    replacement: str

    @property
    def title(self) -> str:
        return f"Replace with '{self.replacement}'"


@dataclass(frozen=True)
class ExampleOutcome:
    """An example of a compiled spec and the tier its values reach."""

    spec: str
    name: str
    span: Span
    expected: str
    got: str
    explanation: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return self.got == self.expected

    @property
    def title(self) -> str:
        if self.passed:
            return f"✓ reaches '{self.got}'"
        return f"✗ expects '{self.expected}', reaches '{self.got}'"

    def diagnostic(self, path: str) -> Diagnostic:
        hint = None
        for line in (line.strip() for line in self.explanation):
            hint = line if hint is None else f"{hint}{' ' if hint.endswith(':') else '; '}{line}"
        message = f"example \"{self.name}\" expects '{self.expected}' but its values reach '{self.got}'"
        return Diagnostic(codes.EXAMPLE_FAILS, message, path, self.span, hint)


@dataclass
class Analysis:
    source: Source
    result: CompileResult
    index: SymbolIndex
    examples: list[ExampleOutcome] = field(default_factory=list)

    @cached_property
    def units(self) -> dict[str, str | None]:
        """Each derived metric's unit, as the checker worked it out."""
        return {m.name: m.unit for spec in self.result.specs for m in spec.metrics}

    @property
    def diagnostics(self) -> list[Diagnostic]:
        found = list(self.result.diagnostics)
        found += [e.diagnostic(self.source.path) for e in self.examples if not e.passed]
        return found

    def quick_fixes(self) -> list[QuickFix]:
        """A did-you-mean hint whose diagnostic points at exactly the misspelt word."""
        fixes = []
        for d in self.result.diagnostics:
            match = _DID_YOU_MEAN.match(d.hint or "")
            if match and d.span is not None and _WORD.match(self.source.span_text(d.span)):
                fixes.append(QuickFix(d, match.group(1)))
        return fixes


def analyse(path: str, text: str, run_examples: bool = True) -> Analysis:
    source = Source(path, text)
    result = compile_source(source)
    analysis = Analysis(source, result, index(result.ast))
    if run_examples and result.ok:
        analysis.examples = example_outcomes(result)
    return analysis


def example_outcomes(result: CompileResult) -> list[ExampleOutcome]:
    specs = [s for s in result.specs if s.examples]
    if not specs:
        return []
    try:  # imported here: the judging stack brings pandas, which only specs with examples need
        from hurdlelang.judging.examples import run_examples
    except ImportError:  # hurdlelang-core without the run extra: no example results, the rest works
        return []

    outcomes = []
    for r in run_examples(specs):
        span = r.example.span
        outcomes.append(
            ExampleOutcome(
                r.spec.name,
                r.example.name,
                Span(span.line, span.column, span.line, span.column + len("example")),
                r.example.expect,
                r.got,
                tuple(r.explanation()),
            )
        )
    return outcomes
