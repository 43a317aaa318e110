"""`hurdlec plan SPEC --data PILOT [--power 80%]`: how many rows each tier needs, if the pilot's
effects are the truth. Text for people, `--format json` for machines. Exit 0 when every tier can
be reached at some size, 1 when some tier cannot, 4 on a spec error, 5 on a data error."""

from __future__ import annotations

import json
import sys

import click

from hurdlelang.core.exit_codes import Exit


def _power(value: str) -> float:
    text = value.strip().removesuffix("%")
    try:
        number = float(text)
    except ValueError:
        raise click.BadParameter(f"expected a percentage such as 80%, got {value!r}") from None
    number = number / 100 if value.strip().endswith("%") or number > 1 else number
    if not 0.5 <= number < 1:
        raise click.BadParameter(f"power must lie in [50%, 100%), got {value!r}")
    return number


def _fail(diagnostics, result, code: Exit) -> None:
    from hurdlelang.core.render_diagnostics import render_text as render_diagnostic
    from hurdlelang.core.render_diagnostics import use_color

    paint = use_color("auto", sys.stderr)
    for d in diagnostics:
        click.echo(render_diagnostic(d, result.source if result else None, paint), err=True, color=paint)
    sys.exit(code)


def render_text(plan) -> str:
    lines = [
        f"{plan.spec}: rows needed for each tier at {plan.power:.0%} power, if the pilot's effects are the truth",
        f"pilot: {plan.pilot_rows:,} rows",
    ]
    for t in plan.tiers:
        lines.append("")
        if t.reachable:
            more = "already enough" if t.rows <= plan.pilot_rows else f"{t.rows / plan.pilot_rows:.1f}x the pilot"
            lines.append(f"tier {t.name}: {t.rows:,} rows ({more}); power with the pilot's rows {t.power_now:.0%}")
            for column, values in t.slice_rows.items():
                per = ", ".join(f"{v} {n:,}" for v, n in values.items())
                lines.append(f"  rows per {column}: {per}")
        else:
            lines.append(f"tier {t.name}: cannot be reached at any size: {t.why_unreachable}")
        if t.hardest:
            lines.append(f"  needs the most data: {t.hardest}")
        for c in t.conditions:
            alone = "never" if c["rows_alone"] is None else f"{c['rows_alone']:,} rows"
            where = "" if c["scope"] == "all" else f" [{c['scope']}]"
            detect = c["detectable_now"]
            shown = "" if detect is None else f"; detectable now if truly {c['op']} {detect:.4g}"
            lines.append(
                f"  {c['condition']}{where}: estimate {c['estimate']:.4g} (needs {c['op']} {c['required']:g}), "
                f"alone {alone}{shown}"
            )
    return "\n".join(lines)


@click.command()
@click.argument("spec_path", metavar="SPEC", type=click.Path())
@click.option("--data", "data_path", required=True, type=click.Path(), help="A pilot's predictions (CSV or Parquet).")
@click.option("--power", "power_text", default="80%", show_default=True, help="Chance of reaching each tier.")
@click.option("--spec", "spec_name", help="Which spec of the file, when it holds several.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="text or json."
)
@click.option("--seed", default=0, show_default=True, type=int, help="Seed of the bootstrap of the pilot.")
@click.option(
    "--resamples",
    default=2000,
    show_default=True,
    type=click.IntRange(min=100),
    help="Bootstrap resamples of the pilot's standard errors.",
)
def plan(spec_path: str, data_path: str, power_text: str, spec_name: str | None, fmt: str, seed: int, resamples: int):
    """How many rows each tier needs to be reached with the given power, all its conditions together,
    if the effects seen in the pilot are the truth; the condition that needs the most data; what
    each condition could detect at the pilot's size; and which tiers no size can reach."""
    from hurdlelang.cli.needs import run_stack_problem
    from hurdlelang.lang.compiler import compile_path

    power = _power(power_text)
    problem = run_stack_problem("plan")
    if problem is not None:
        _fail([problem], None, Exit.USAGE)
    from hurdlelang.judging.failures import DataFailure, RunFailure
    from hurdlelang.judging.plan import plan_data
    from hurdlelang.judging.runner import pick_spec

    result = compile_path(spec_path)
    if not result.ok:
        _fail(result.diagnostics, result, Exit.SPEC_ERROR)
    try:
        spec = pick_spec(result, spec_name)
        planned = plan_data(spec, data_path, power, seed, resamples)
    except RunFailure as failure:
        _fail(failure.diagnostics, result, Exit.DATA_ERROR if isinstance(failure, DataFailure) else Exit.SPEC_ERROR)
    if fmt == "json":
        click.echo(json.dumps(planned.to_dict(), indent=2))
    else:
        click.echo(render_text(planned))
    sys.exit(Exit.OK if all(t.reachable for t in planned.tiers) else Exit.BLOCKING)
