"""The language server (`hurdlec lsp`): diagnostics, quick fixes, hover, completion, navigation, the
outline, formatting and example results for editors, over stdio (docs/editors.md).

It sits at the cli layer: it uses the compiler, the formatter and, for examples, the judging
stack. Its dependencies (pygls, lsprotocol) are the optional extra `hurdlelang[lsp]`; only
`hurdlec lsp` imports them, so `hurdlec check` stays light.
"""
