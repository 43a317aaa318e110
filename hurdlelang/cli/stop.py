"""How a command stops on a problem: its diagnostics on stderr and the documented exit code. Shared
by the commands in main.py and those in modules of their own (verify), without importing main."""

from __future__ import annotations

import sys

import click

from hurdlelang.core.diagnostics import Diagnostic
from hurdlelang.core.exit_codes import Exit
from hurdlelang.core.render_diagnostics import render_text, use_color
from hurdlelang.lang.compiler import CompileResult


def color_choice() -> str:
    """`hurdlec --color`, given before the command (auto when hurdlec is not run from its group)."""
    ctx = click.get_current_context(silent=True)
    return (ctx.find_root().params.get("color") if ctx is not None else None) or "auto"


def fail(diagnostics: list[Diagnostic], result: CompileResult | None, code: Exit) -> None:
    paint = use_color(color_choice(), sys.stderr)
    for d in diagnostics:
        click.echo(render_text(d, result.source if result else None, paint), err=True, color=paint)
    sys.exit(code)


def failure_exit(failure) -> Exit:
    """The exit code of a run that stopped before its record (docs/cli.md): one per kind of failure."""
    from hurdlelang.judging import failures

    codes = {failures.SpecFailure: Exit.SPEC_ERROR, failures.DataFailure: Exit.DATA_ERROR}
    return next((code for kind, code in codes.items() if isinstance(failure, kind)), Exit.OUTPUT_ERROR)


def need_run_stack(command: str) -> None:
    """numpy, pandas, scikit-learn and pyarrow, or a P001 diagnostic (hurdlelang-core alone lacks them)."""
    from hurdlelang.cli.needs import run_stack_problem

    problem = run_stack_problem(command)
    if problem is not None:
        fail([problem], None, Exit.USAGE)
