"""The language server: pygls wiring between the editor's JSON-RPC and hurdlelang's front end.

Every answer is computed from an `Analysis` (hurdlelang/lsp/analysis.py) of the document's current
text, made by the compiler `hurdlec check` uses. Positions: spans are 1-based lines and columns in
code points; LSP wants 0-based positions in the client's units (UTF-16 by default), which pygls'
position codec converts.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import threading

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument

from hurdlelang.core.diagnostics import Diagnostic
from hurdlelang.core.source import Source, Span
from hurdlelang.core.version import __version__
from hurdlelang.lang.fmt.verify import format_source
from hurdlelang.lsp import hover as hovers
from hurdlelang.lsp.analysis import Analysis, analyse
from hurdlelang.lsp.complete import complete
from hurdlelang.lsp.outline import document_symbols

DEFAULT_DEBOUNCE = 0.3  # seconds of quiet after a keystroke before the file is compiled again
EXPLAIN_EXAMPLE = "hurdle.explainExample"

_KINDS = {
    "keyword": lsp.CompletionItemKind.Keyword,
    "metric": lsp.CompletionItemKind.Function,
    "baseline": lsp.CompletionItemKind.Class,
    "tier": lsp.CompletionItemKind.EnumMember,
    "slice": lsp.CompletionItemKind.Field,
    "value": lsp.CompletionItemKind.Value,
    "unit": lsp.CompletionItemKind.Unit,
    "class": lsp.CompletionItemKind.EnumMember,
}


class HurdleServer(LanguageServer):
    def __init__(self) -> None:
        # Full sync: pygls applies incremental edits on str.splitlines() lines, which also break at form
        # feeds and U+2028, where the protocol (and the compiler) count "\n" only: an edit after such a
        # character in a comment would land on the wrong line. A whole spec per change is cheap on stdio.
        super().__init__("hurdlec", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Full)
        self.debounce = DEFAULT_DEBOUNCE
        self._analyses: dict[str, tuple[int | None, str, Analysis]] = {}
        self._pending: dict[str, asyncio.Task] = {}

    def analysis(self, uri: str) -> tuple[TextDocument, Analysis]:
        """The analysis of the document's current text, made now if the text changed since."""
        doc = self.workspace.get_text_document(uri)
        cached = self._analyses.get(uri)
        if cached is not None and cached[0] == doc.version and cached[1] == doc.source:
            return doc, cached[2]
        made = analyse(doc.path or uri, doc.source)
        self._analyses[uri] = (doc.version, doc.source, made)
        return doc, made

    def forget(self, uri: str) -> None:
        self._analyses.pop(uri, None)
        _lines_of.pop(uri, None)
        task = self._pending.pop(uri, None)
        if task is not None:
            task.cancel()

    def publish(self, uri: str) -> None:
        doc, made = self.analysis(uri)
        diagnostics = [to_lsp_diagnostic(doc, d) for d in made.diagnostics]
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, version=doc.version, diagnostics=diagnostics)
        )

    def publish_later(self, uri: str) -> None:
        task = self._pending.pop(uri, None)
        if task is not None:
            task.cancel()
        self._pending[uri] = asyncio.ensure_future(self._publish_after(uri, self.debounce))

    async def _publish_after(self, uri: str, delay: float) -> None:
        await asyncio.sleep(delay)
        self._pending.pop(uri, None)
        self.publish(uri)


# ---- positions ----


_lines_of: dict[str, tuple[str, list[str]]] = {}


def lines(doc: TextDocument) -> list[str]:
    """The document's lines split at "\\n" only, as the compiler counts them (pygls' own split also
    breaks at form feeds and U+2028), made once per text: a file's hundreds of diagnostics all
    convert their positions with the same list."""
    source = doc.source
    cached = _lines_of.get(doc.uri)
    if cached is None or cached[0] is not source:
        cached = (source, source.split("\n"))
        _lines_of[doc.uri] = cached
    return cached[1]


def to_range(doc: TextDocument, span: Span | None) -> lsp.Range:
    if span is None:
        return lsp.Range(lsp.Position(0, 0), lsp.Position(0, 0))
    server = lsp.Range(
        lsp.Position(span.line - 1, span.column - 1), lsp.Position(span.end_line - 1, span.end_column - 1)
    )
    return doc.position_codec.range_to_client_units(lines(doc), server)


def from_position(doc: TextDocument, position: lsp.Position) -> tuple[int, int]:
    """A client position as the 1-based line and column of spans."""
    server = doc.position_codec.position_from_client_units(lines(doc), position)
    return server.line + 1, server.character + 1


def offset_of(doc: TextDocument, position: lsp.Position) -> int:
    """A client position as an offset into the document's text."""
    line, column = from_position(doc, position)
    return sum(len(text) + 1 for text in lines(doc)[: line - 1]) + column - 1


def to_lsp_diagnostic(doc: TextDocument, d: Diagnostic) -> lsp.Diagnostic:
    severity = lsp.DiagnosticSeverity.Error if d.is_error else lsp.DiagnosticSeverity.Warning
    message = d.message + (f"\nhint: {d.hint}" if d.hint else "")
    return lsp.Diagnostic(
        range=to_range(doc, d.span),
        message=message,
        severity=severity,
        code=d.code,
        source="hurdlec",
        data={"hint": d.hint} if d.hint else None,
    )


def _overlaps(a: lsp.Range, b: lsp.Range) -> bool:
    return (a.start.line, a.start.character) <= (b.end.line, b.end.character) and (
        b.start.line,
        b.start.character,
    ) <= (a.end.line, a.end.character)


def _whole(doc: TextDocument) -> lsp.Range:
    every = lines(doc)
    whole = lsp.Range(lsp.Position(0, 0), lsp.Position(len(every) - 1, len(every[-1])))
    return doc.position_codec.range_to_client_units(every, whole)


# ---- the features ----

server = HurdleServer()


@server.feature(lsp.INITIALIZE)
def initialize(ls: HurdleServer, params: lsp.InitializeParams) -> None:
    options = params.initialization_options or {}
    if isinstance(options, dict) and isinstance(options.get("debounceSeconds"), int | float):
        ls.debounce = max(0.0, float(options["debounceSeconds"]))


@server.feature(lsp.INITIALIZED)
def initialized(ls: HurdleServer, params: lsp.InitializedParams) -> None:
    # the first example run imports the evaluation stack (pandas, about a second): do it now, aside
    threading.Thread(target=_warm_up, daemon=True).start()


def _warm_up() -> None:
    with contextlib.suppress(ImportError):
        import hurdlelang.judging.examples  # noqa: F401


@server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: HurdleServer, params: lsp.DidOpenTextDocumentParams) -> None:
    ls.publish(params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: HurdleServer, params: lsp.DidChangeTextDocumentParams) -> None:
    ls.publish_later(params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: HurdleServer, params: lsp.DidSaveTextDocumentParams) -> None:
    ls.publish(params.text_document.uri)


@server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: HurdleServer, params: lsp.DidCloseTextDocumentParams) -> None:
    ls.forget(params.text_document.uri)
    ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))


@server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]))
def code_action(ls: HurdleServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    doc, made = ls.analysis(params.text_document.uri)
    actions = []
    for fix in made.quick_fixes():
        where = to_range(doc, fix.diagnostic.span)
        if not _overlaps(where, params.range):
            continue
        edit = lsp.WorkspaceEdit(changes={doc.uri: [lsp.TextEdit(range=where, new_text=fix.replacement)]})
        actions.append(
            lsp.CodeAction(
                title=fix.title,
                kind=lsp.CodeActionKind.QuickFix,
                diagnostics=[to_lsp_diagnostic(doc, fix.diagnostic)],
                edit=edit,
                is_preferred=True,
            )
        )
    return actions


@server.feature(lsp.TEXT_DOCUMENT_HOVER)
def hover(ls: HurdleServer, params: lsp.HoverParams) -> lsp.Hover | None:
    doc, made = ls.analysis(params.text_document.uri)
    line, column = from_position(doc, params.position)
    occurrence = made.index.at(line, column)
    text, span = None, None
    if occurrence is not None:
        text, span = hovers.occurrence_markdown(occurrence, made.index, made.source, made.units), occurrence.span
    else:
        number = made.index.number_at(line, column)
        if number is not None:
            text, span = hovers.number_markdown(number), number.quantity.span
        else:
            word, span = _word_at(made.source, line, column)
            text = hovers.KEYWORDS.get(word) if word else None
    if text is None:
        return None
    return lsp.Hover(
        contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text),
        range=to_range(doc, span),
    )


def _word_at(source: Source, line: int, column: int) -> tuple[str | None, Span | None]:
    """The word under the cursor, outside strings and comments (where a keyword means nothing)."""
    code = source.line_text(line)
    for match in _STRING_OR_COMMENT.finditer(code):
        if match.start() < column and (match.group().startswith("#") or column - 1 < match.end()):
            return None, None
    start = end = column - 1
    while start > 0 and (code[start - 1].isalnum() or code[start - 1] == "_"):
        start -= 1
    while end < len(code) and (code[end].isalnum() or code[end] == "_"):
        end += 1
    if start == end:
        return None, None
    return code[start:end], Span(line, start + 1, line, end + 1)


_STRING_OR_COMMENT = re.compile(r'"(?:[^"\\]|\\.)*"|#.*')


@server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=["."]))
def completion(ls: HurdleServer, params: lsp.CompletionParams) -> lsp.CompletionList:
    doc, made = ls.analysis(params.text_document.uri)
    line, _ = from_position(doc, params.position)
    offset = offset_of(doc, params.position)
    items = [
        lsp.CompletionItem(label=c.label, kind=_KINDS.get(c.kind), detail=c.detail or c.kind)
        for c in complete(doc.source, offset, made.index, line)
    ]
    return lsp.CompletionList(is_incomplete=False, items=items)


@server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
def definition(ls: HurdleServer, params: lsp.DefinitionParams) -> lsp.Location | None:
    doc, made = ls.analysis(params.text_document.uri)
    occurrence = made.index.at(*from_position(doc, params.position))
    target = made.index.definition(occurrence) if occurrence else None
    return lsp.Location(uri=doc.uri, range=to_range(doc, target.span)) if target else None


@server.feature(lsp.TEXT_DOCUMENT_REFERENCES)
def references(ls: HurdleServer, params: lsp.ReferenceParams) -> list[lsp.Location]:
    doc, made = ls.analysis(params.text_document.uri)
    occurrence = made.index.at(*from_position(doc, params.position))
    if occurrence is None:
        return []
    found = made.index.references(occurrence, params.context.include_declaration)
    return [lsp.Location(uri=doc.uri, range=to_range(doc, o.span)) for o in found]


@server.feature(lsp.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
def symbols(ls: HurdleServer, params: lsp.DocumentSymbolParams) -> list[lsp.DocumentSymbol]:
    doc, made = ls.analysis(params.text_document.uri)
    return document_symbols(made, lambda span: to_range(doc, span))


@server.feature(lsp.TEXT_DOCUMENT_FORMATTING)
def formatting(ls: HurdleServer, params: lsp.DocumentFormattingParams) -> list[lsp.TextEdit] | None:
    doc = ls.workspace.get_text_document(params.text_document.uri)
    result = format_source(Source(doc.path or doc.uri, doc.source))
    if result.text is None:
        why = "the file has syntax errors" if result.diagnostics else f"refusing to format: {result.problem}"
        ls.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Warning, message=f"hurdlec fmt: {why}"))
        return None
    if not result.changed:
        return []
    return [lsp.TextEdit(range=_whole(doc), new_text=result.text)]


@server.feature(lsp.TEXT_DOCUMENT_CODE_LENS)
def code_lens(ls: HurdleServer, params: lsp.CodeLensParams) -> list[lsp.CodeLens]:
    doc, made = ls.analysis(params.text_document.uri)
    lenses = []
    for outcome in made.examples:
        command = lsp.Command(
            title=outcome.title, command=EXPLAIN_EXAMPLE, arguments=[outcome.title, *outcome.explanation]
        )
        lenses.append(lsp.CodeLens(range=to_range(doc, outcome.span), command=command))
    return lenses


@server.command(EXPLAIN_EXAMPLE)
def explain_example(ls: HurdleServer, *lines) -> None:
    text = "\n".join(str(line) for line in lines if line is not None)
    ls.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Info, message=text))


def run_stdio() -> None:
    server.start_io()
