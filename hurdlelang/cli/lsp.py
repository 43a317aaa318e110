"""`hurdlec lsp`: the language server for editors, over stdin and stdout (docs/editors.md)."""

from __future__ import annotations

import sys

import click

from hurdlelang.cli.needs import missing
from hurdlelang.core import codes
from hurdlelang.core.diagnostics import Diagnostic
from hurdlelang.core.exit_codes import Exit
from hurdlelang.core.render_diagnostics import render_text

LSP_STACK = {"pygls": "pygls", "lsprotocol": "lsprotocol"}


@click.command(name="lsp")
@click.option("--stdio", is_flag=True, help="Talk over stdin and stdout (the default, and the only transport).")
def lsp(stdio: bool) -> None:
    """Run the language server for editors: diagnostics, hover, completion, formatting (docs/editors.md).

    Needs the optional extra: pip install 'hurdlelang[lsp]'.
    """
    absent = missing(LSP_STACK)
    if absent:
        problem = Diagnostic(
            codes.PACKAGE_MISSING,
            f"hurdlec lsp needs {', '.join(absent)}, which {'is' if len(absent) == 1 else 'are'} not installed",
            "hurdlec",
            hint="install the language server's extra: pip install 'hurdlelang[lsp]'",
        )
        click.echo(render_text(problem, None), err=True)
        sys.exit(Exit.USAGE)
    from hurdlelang.lsp.server import run_stdio

    run_stdio()
