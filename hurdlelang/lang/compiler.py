"""The front end as one call: read -> parse -> AST -> checked spec, collecting diagnostics."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from hurdlelang.core import codes
from hurdlelang.core.diagnostics import Diagnostic, DiagnosticError
from hurdlelang.core.regular_files import STDIN, STDIN_NAME, TooLarge
from hurdlelang.core.source import Source, Span
from hurdlelang.core.suggest import suggestion_budget
from hurdlelang.lang import ast_nodes, ir
from hurdlelang.lang.ast_builder import build
from hurdlelang.lang.check.checker import check
from hurdlelang.lang.input_limits import lexical_problems, tree_problems
from hurdlelang.lang.parser import parse
from hurdlelang.lang.recovery import LOCAL_CODES, MAX_ERRORS, blank, defined_in


@dataclass
class CompileResult:
    path: str
    source: Source | None
    specs: list[ir.Spec] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # the syntax tree the specs were checked from; with syntax errors, that of the text left after
    # recovery blanked the broken statements (positions unchanged), for editors (hurdlelang/lsp)
    ast: ast_nodes.File | None = None

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


def compile_source(source: Source) -> CompileResult:
    over_limits = lexical_problems(source)
    if over_limits:  # nothing else is looked at: the limits keep every later stage bounded
        return CompileResult(source.path, source, [], over_limits)
    with suggestion_budget(len(source.text)):
        return _compile(source)


def _compile(source: Source) -> CompileResult:
    syntax: list[Diagnostic] = []
    text, tree, blanked = source.text, None, ""
    while tree is None and len(syntax) < MAX_ERRORS:
        try:
            tree = parse(Source(source.path, text))
        except DiagnosticError as error:
            problem = error.diagnostics[0]
            syntax.append(problem)
            if problem.code == codes.UNEXPECTED_END:
                break
            recovered, removed = blank(text, problem.span.line)
            if recovered == text:
                break
            text, blanked = recovered, blanked + removed
    too_deep = tree_problems(tree, source) if tree is not None else []
    if too_deep:
        return CompileResult(source.path, source, [], sorted(syntax + too_deep, key=Diagnostic.sort_key))
    if not syntax:
        file = build(tree, source.path)
        specs, diagnostics = check(file, source)
        return CompileResult(source.path, source, specs, diagnostics, file)
    found, file = list(syntax), None
    if tree is not None:
        file = build(tree, source.path)
        _, rest = check(file, Source(source.path, text, source.root))
        found += [d for d in rest if d.code in LOCAL_CODES and not defined_in(d, blanked)]
    return CompileResult(source.path, source, [], sorted(found, key=Diagnostic.sort_key), file)


def compile_path(path: str | Path, root: str | None = None) -> CompileResult:
    """Compile a spec file; `root` is the project root its record baselines must stay inside
    (default: the nearest folder above it with .git or pyproject.toml). `-` reads standard input."""
    shown = STDIN_NAME if str(path) == STDIN else str(path)
    try:
        source = Source.read(path, root)
    except TooLarge as error:
        problem = Diagnostic(
            codes.SPEC_TOO_LARGE,
            f"the spec file is larger than the limit of {error.limit:,} bytes",
            shown,
            None,
            "a spec holds the hurdles of one decision; split unrelated specs into files of their own",
        )
        return CompileResult(shown, None, diagnostics=[problem])
    except OSError as error:
        problem = Diagnostic(
            codes.UNREADABLE_SPEC,
            f"cannot read the spec: {error.strerror or error}",
            shown,
            None,
            getattr(error, "hint", "check the path"),
        )
        return CompileResult(shown, None, diagnostics=[problem])
    except UnicodeDecodeError as error:
        raw = error.object
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        problem = Diagnostic(
            codes.UNREADABLE_SPEC,
            f"cannot read the spec: byte 0x{raw[error.start]:02x} is not UTF-8",
            shown,
            Span(line, column, line, column + 1),
            "save the file as UTF-8 text",
        )
        return CompileResult(shown, None, diagnostics=[problem])
    return compile_source(source)
