"""`hurdlec plan SPEC --data PILOT [--power 80%]`: how many rows each tier needs, if the pilot's
effects are the truth; `hurdlec plan SPEC --assume precision=0.35,as_is.precision=0.30 ...`: the
same from assumed values, before any model exists. Text for people, `--format json` for machines.
Exit 0 when every tier can be reached at some size, 1 when some tier cannot, 4 on a spec error, 5
on a data error or assumed values that do not fit the spec."""

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


def _fail(diagnostics, result, code: Exit, flags: dict | None = None) -> None:
    """Print the diagnostics, each under the line it points into: the spec's, or the text of
    --assume / --slice (`flags`: option -> its text), then exit."""
    from hurdlelang.cli.stop import color_choice
    from hurdlelang.core.render_diagnostics import render_text as render_diagnostic
    from hurdlelang.core.render_diagnostics import use_color
    from hurdlelang.core.source import Source

    paint = use_color(color_choice(), sys.stderr)
    for d in diagnostics:
        source = result.source if result else None
        if flags and d.path in flags:
            source = Source(d.path, flags[d.path])
        click.echo(render_diagnostic(d, source, paint), err=True, color=paint)
    sys.exit(code)


def _head(plan) -> list[str]:
    if plan.assumed is None:
        return [
            f"{plan.spec}: rows needed for each tier at {plan.power:.0%} power, if the pilot's effects are the truth",
            f"pilot: {plan.pilot_rows:,} rows",
        ]
    lines = [
        f"{plan.spec}: rows needed for each tier at {plan.power:.0%} power, if the assumed values are the truth",
        f"assumed: {', '.join(plan.assumed)}",
    ]
    for column, shares in (plan.slices or {}).items():
        lines.append(f"slices: {column} " + ", ".join(f"{v} {s:.0%}" for v, s in shares.items()))
    lines.append(f"taken as: {plan.pairing} (models that agree more need fewer rows)")
    return lines


def _size(plan, t) -> str:
    if plan.assumed is not None:
        at = "" if t.power_now is None else f"; power with {plan.rows:,} rows {t.power_now:.0%}"
        return f"tier {t.name}: {t.rows:,} rows{at}"
    more = "already enough" if t.rows <= plan.pilot_rows else f"{t.rows / plan.pilot_rows:.1f}x the pilot"
    return f"tier {t.name}: {t.rows:,} rows ({more}); power with the pilot's rows {t.power_now:.0%}"


def render_text(plan) -> str:
    # the statistic in the summary's own terms (points, percent, the metric's unit per period)
    from hurdlelang.core.operators import SIGNS
    from hurdlelang.judging.plan import Units

    lines = _head(plan)
    now = "now" if plan.assumed is None else f"with {plan.rows:,} rows" if plan.rows else None
    for t in plan.tiers:
        lines.append("")
        if t.reachable:
            lines.append(_size(plan, t))
            for column, values in t.slice_rows.items():
                per = ", ".join(f"{v} {n:,}" for v, n in values.items())
                lines.append(f"  rows per {column}: {per}")
        elif not t.planned:
            lines.append(f"tier {t.name}: cannot be planned from assumed values: {t.why_unreachable}")
            lines.append("  plan it from a pilot's predictions (--data)")
        else:
            lines.append(f"tier {t.name}: cannot be reached at any size: {t.why_unreachable}")
        if t.hardest:
            lines.append(f"  needs the most data: {t.hardest}")
        for c in t.conditions:
            alone = "never" if c["rows_alone"] is None else f"{c['rows_alone']:,} rows"
            where = "" if c["scope"] == "all" else f" [{c['scope']}]"
            show = Units(c["kind"], c["unit"], c["scale"]).show
            sign = SIGNS[c["op"]]
            detect = c["detectable_now"]
            shown = "" if detect is None else f"; detectable {now} if truly {sign} {show(detect)}"
            lines.append(
                f"  {c['condition']}{where}: estimate {show(c['estimate'])} (needs {sign} {show(c['required'])}), "
                f"alone {alone}{shown}"
            )
    return "\n".join(lines)


@click.command()
@click.argument("spec_path", metavar="SPEC", type=click.Path())
@click.option("--data", "data_path", type=click.Path(), help="A pilot's predictions (CSV or Parquet).")
@click.option(
    "--assume",
    "assume",
    multiple=True,
    help="Instead of --data: assumed values, e.g. precision=0.35,as_is.precision=0.30,positive_rate=10%.",
)
@click.option("--slice", "slices", multiple=True, help="With --assume: a slice's values, e.g. region=north,south.")
@click.option("--rows", "rows", type=click.IntRange(min=1), help="With --assume: the size to give the power at.")
@click.option("--power", "power_text", default="80%", show_default=True, help="Chance of reaching each tier.")
@click.option("--spec", "spec_name", help="Which spec of the file, when it holds several.")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="text or json."
)
@click.option("--seed", default=0, show_default=True, type=int, help="Seed of the bootstrap of the pilot.")
@click.option(
    "--resamples",
    type=click.IntRange(min=100),
    help="Bootstrap resamples behind the standard errors [default: 2000 with --data, 10000 with --assume].",
)
def plan(
    spec_path: str,
    data_path: str | None,
    assume: tuple[str, ...],
    slices: tuple[str, ...],
    rows: int | None,
    power_text: str,
    spec_name: str | None,
    fmt: str,
    seed: int,
    resamples: int | None,
):
    """How many rows each tier needs to be reached with the given power, all its conditions together,
    if the effects seen in the pilot (--data) or the values assumed (--assume) are the truth; the
    condition that needs the most data; what each condition could detect at the pilot's size (or
    at --rows); and which tiers no size can reach."""
    if (data_path is None) == (not assume):
        raise click.UsageError("give a pilot's predictions with --data, or assumed values with --assume (one of them)")
    if data_path is not None and (slices or rows):
        raise click.UsageError("--slice and --rows go with --assume (a pilot has its own slices and rows)")
    from hurdlelang.cli.needs import run_stack_problem
    from hurdlelang.lang.compiler import compile_path

    power = _power(power_text)
    problem = run_stack_problem("plan")
    if problem is not None:
        _fail([problem], None, Exit.USAGE)
    from hurdlelang.core.diagnostics import DiagnosticError
    from hurdlelang.judging.assumptions import ASSUME, SLICE, parse_assumptions
    from hurdlelang.judging.failures import DataFailure, RunFailure
    from hurdlelang.judging.plan import plan_assumed, plan_data
    from hurdlelang.judging.runner import pick_spec

    result = compile_path(spec_path)
    if not result.ok:
        _fail(result.diagnostics, result, Exit.SPEC_ERROR)
    flags = {ASSUME: ",".join(assume), SLICE: " ".join(slices)}
    try:
        spec = pick_spec(result, spec_name)
        if data_path is not None:
            planned = plan_data(spec, data_path, power, seed, resamples or 2000)
        else:
            try:
                assumed = parse_assumptions(spec, assume, slices)
            except DiagnosticError as error:
                raise DataFailure(error.diagnostics) from None
            planned = plan_assumed(spec, assumed, power, seed, resamples or 10_000, rows)
    except RunFailure as failure:
        code = Exit.DATA_ERROR if isinstance(failure, DataFailure) else Exit.SPEC_ERROR
        _fail(failure.diagnostics, result, code, flags)
    if fmt == "json":
        click.echo(json.dumps(planned.to_dict(), indent=2))
    else:
        click.echo(render_text(planned))
    sys.exit(Exit.OK if all(t.reachable for t in planned.tiers) else Exit.BLOCKING)
