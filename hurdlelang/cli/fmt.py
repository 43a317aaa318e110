"""`hurdlec fmt`: print, check or rewrite .hurdle files in the canonical layout (docs/fmt.md)."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

import click

from hurdlelang.core import codes
from hurdlelang.core.atomic_write import write_atomically
from hurdlelang.core.exit_codes import Exit
from hurdlelang.core.render_diagnostics import render_text
from hurdlelang.core.source import Source
from hurdlelang.lang.compiler import compile_path
from hurdlelang.lang.fmt.verify import Formatted, format_source

SYNTAX_CODES = (codes.UNEXPECTED_CHARACTER, codes.UNEXPECTED_TOKEN, codes.UNEXPECTED_END)


def _files(paths: tuple[str, ...]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        if str(p) == "-":  # standard input
            files.append(p)
        elif p.is_dir():
            found = sorted(p.rglob("*.hurdle"))
            if not found:
                raise click.UsageError(f"no .hurdle files under {p}")
            files.extend(found)
        else:
            files.append(p)
    return list(dict.fromkeys(files))


def _lines(text: str) -> list[str]:
    """Lines ending with '\\n', split at '\\n' only (a form feed inside a line stays in it)."""
    parts = text.split("\n")
    lines = [line + "\n" for line in parts[:-1]]
    return lines + ([parts[-1]] if parts[-1] else [])


def _diff(result: Formatted) -> str:
    path = result.source.path
    diff = difflib.unified_diff(_lines(result.source.text), _lines(result.text or ""), path, path)
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in diff)


def _format(path: Path) -> Formatted | None:
    """The formatted file, or None after reporting why it cannot be formatted."""
    try:
        source = Source.read(path)
    except (OSError, UnicodeDecodeError):
        result = compile_path(path)  # reports E004 with the reason
        for d in result.diagnostics:
            click.echo(render_text(d, result.source), err=True)
        return None
    result = format_source(source)
    if result.diagnostics:
        for d in result.diagnostics:
            click.echo(render_text(d, source), err=True)
        syntax = any(d.code in SYNTAX_CODES for d in result.diagnostics)
        why = "the file has syntax errors" if syntax else "the file goes over a limit (docs/security.md)"
        click.echo(f"{path}: not formatted: {why}", err=True)
        return None
    if result.problem:
        click.echo(f"{path}: refusing to format: {result.problem}; the file is left as it is", err=True)
        return None
    return result


@click.command(name="fmt")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True))
@click.option("-w", "--write", is_flag=True, help="Rewrite the files in place and list the ones changed.")
@click.option("--check", is_flag=True, help="Write nothing; list the files that would change and exit 1 if any.")
@click.option("--diff", "show_diff", is_flag=True, help="Print a unified diff instead of the formatted text.")
@click.option("-q", "--quiet", is_flag=True, help="With -w or --check, do not list the files (the exit code says).")
def fmt(paths: tuple[str, ...], write: bool, check: bool, show_diff: bool, quiet: bool) -> None:
    """Lay out spec files (every *.hurdle under a folder; - for stdin) canonically, comments kept.

    Without options, prints the formatted text (several files: each after a `==> path <==` line).
    A file with syntax errors, or whose formatted text would not compile to the same spec, is
    reported and never written.
    """
    if write and check:
        raise click.UsageError("--write and --check cannot be used together")
    if write and "-" in paths:
        raise click.UsageError("-w cannot rewrite standard input: `hurdlec fmt - < in.hurdle > out.hurdle` prints it")
    files = _files(paths)
    failed = False
    changed: list[Path] = []
    for i, path in enumerate(files):
        result = _format(path)
        if result is None:
            failed = True
            continue
        if result.changed:
            changed.append(path)
        if show_diff:
            if result.changed:
                click.echo(_diff(result), nl=False)
        elif not write and not check:
            if len(files) > 1:
                click.echo(("\n" if i else "") + f"==> {path} <==")
            click.echo(result.text, nl=False)
        if write and result.changed:
            try:
                write_atomically(path, result.text, keep_mode=True)
            except OSError as error:
                click.echo(f"{path}: cannot write: {error.strerror or error}", err=True)
                failed = True
                continue
            if not quiet:
                click.echo(str(path))
    if check and not quiet:
        for path in changed:
            click.echo("<stdin>" if str(path) == "-" else str(path))
    sys.exit(Exit.BLOCKING if failed or (check and changed) else Exit.OK)
