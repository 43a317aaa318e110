"""`hurdlec report RECORD.json`: a decision record as a page for people (Markdown or HTML).

Light: reads the JSON record with pydantic, never imports pandas, numpy or scikit-learn. Also runs
on its own as `python -m hurdlelang.cli.report RECORD.json ...`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from hurdlelang.core.exit_codes import Exit


def _format_for(fmt: str | None, out: str | None) -> str:
    if fmt:
        return fmt
    return "html" if out and Path(out).suffix.lower() in (".html", ".htm") else "md"


@click.command()
@click.argument("record_path", metavar="RECORD", type=click.Path())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html"]),
    help="Markdown or a self-contained HTML page [default: html when --out ends in .html, else md].",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write the report here [default: stdout].",
)
def report(record_path: str, fmt: str | None, out_path: str | None) -> None:
    """Turn a decision record (RECORD, or - for stdin) into a page a product owner can read.

    The decision first, then each tier's conditions with charts, the guards, the metrics per slice
    and the provenance."""
    from hurdlelang.core.atomic_write import WRITE_HINT, write_atomically
    from hurdlelang.record.load import RecordError, load_record
    from hurdlelang.report.render import render

    try:
        record = load_record(record_path)
    except RecordError as error:
        click.echo(f"{record_path}: R001 {error.message}", err=True)
        click.echo(f"  hint: {error.hint}", err=True)
        sys.exit(Exit.BLOCKING)
    text = render(record, _format_for(fmt, out_path))
    if out_path in (None, "-"):
        click.echo(text, nl=False)
        return
    try:
        write_atomically(out_path, text)
    except OSError as error:
        click.echo(f"{out_path}: O001 cannot write the report: {error.strerror or error}", err=True)
        click.echo(f"  hint: {getattr(error, 'hint', WRITE_HINT)}", err=True)
        sys.exit(Exit.OUTPUT_ERROR)


if __name__ == "__main__":  # pragma: no cover
    report(prog_name="hurdlec report")
