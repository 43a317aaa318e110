"""`hurdlec lsp`: the language server for editors, over stdin and stdout (docs/editors.md)."""

from __future__ import annotations

import sys

import click

from hurdlelang.core.exit_codes import Exit


@click.command(name="lsp")
@click.option("--stdio", is_flag=True, help="Talk over stdin and stdout (the default and only transport).")
def lsp(stdio: bool) -> None:
    """Run the language server for editors: diagnostics, hover, completion, formatting.

    Needs the optional extra: pip install 'hurdlelang[lsp]'.
    """
    try:
        from hurdlelang.lsp.server import run_stdio
    except ImportError as error:
        click.echo(f"hurdlec lsp: the language server needs pygls and lsprotocol ({error.name} is missing)", err=True)
        click.echo("  hint: pip install 'hurdlelang[lsp]'", err=True)
        sys.exit(Exit.USAGE)
    run_stdio()
