"""How fast is `hurdlec run` with intervals, end to end? Run by hand (not part of the test suite):

    .venv/bin/python bench/bench_run.py [--rows 1000000] [--resamples 1000] [--repeats 3] [--naive-resamples 10]

In a temporary folder, generates (seeded) a binary predictions file: label, the candidate's probability,
the as-is rule's 0/1 decisions and a region slice with 5 values, written as CSV and as Parquet, and a
spec with `hurdles at 95% confidence` whose tiers use count metrics (precision, recall, f1, `beats as_is
by N points`, `in every region`), a derived metric in GBP and roc_auc. Then measures:

1. the real command in a fresh interpreter (`hurdlec run SPEC --data FILE --out RECORD --resamples N`),
   wall time of the subprocess, interpreter start included: median of --repeats, for CSV and Parquet,
   and the same spec without a confidence level (point estimates only) for reference;
2. where the time goes, in-process: `hurdlelang.judging.runner.execute` with its pieces (read, hash, prepare,
   evaluate, uncertainty by method, decide, record) wrapped by timers in this process only; nothing in
   hurdlelang/ is changed. Evaluation is lazy, so the bench forces the point estimates the record needs
   right after the evaluation is built and counts them as "evaluate";
3. the naive way, for comparison: per resample draw n row indices and call scikit-learn's
   precision_score, recall_score, f1_score, roc_auc_score (and confusion_matrix for the derived metric)
   for the candidate and the baseline, measured on --naive-resamples and extrapolated to --resamples.

Prints Markdown for docs/performance.md.
"""

from __future__ import annotations

import argparse
import functools
import inspect
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
HURDLEC = Path(sys.executable).parent / "hurdlec"
REGIONS = np.array(["north", "south", "east", "west", "central"])
TARGET_SECONDS = 15.0

SPEC = """\
spec bench_run "Generated spec for bench/bench_run.py" {{
  owner "bench"
  task  binary

  data {{
    label   bought_again
    score   p_buy
    predict p_buy >= 0.35
    slice   region
  }}

  baseline as_is "The rule run today" {{
    predict recency_rule
  }}

  metric net_value "Margin per 1,000 customers targeted"
    = (tp * 38 GBP - fp * 4 GBP) / n * 1000

  hurdles{level} {{
    require rows >= 1_000
    tier rollout "Roll out in every region" {{
      f1 beats as_is by 5 points
      precision >= 0.40
      recall beats as_is by 2 points in every region
      net_value beats as_is by 10%
      roc_auc >= 0.70
    }}
    tier pilot "One-region pilot" {{
      f1 beats as_is
      precision >= 0.30 in every region
    }}
    otherwise keep_as_is "Keep the rule"
  }}
}}
"""


# ---------------------------------------------------------------- data


def synthetic(rows: int, seed: int) -> pd.DataFrame:
    """20% positives; the candidate's probability from a logistic model of a latent signal; the as-is
    rule sees a noisier version of the same signal (so the two are positively associated)."""
    rng = np.random.default_rng(seed)
    label = (rng.random(rows) < 0.2).astype(np.int8)
    signal = rng.normal(size=rows)
    p_buy = 1 / (1 + np.exp(-(1.6 * label + signal - 2.0)))
    rule_signal = 1.1 * label + 0.7 * signal + 0.7 * rng.normal(size=rows) - 1.8
    return pd.DataFrame(
        {
            "bought_again": label,
            "p_buy": np.round(p_buy, 6),
            "recency_rule": (rule_signal >= -0.6).astype(np.int8),
            "region": REGIONS[rng.integers(0, len(REGIONS), rows)],
        }
    )


# ---------------------------------------------------------------- 1. the real command


# A small launcher times the command and reads its peak RSS: measured from this (large) process, a
# child's ru_maxrss would include the memory it inherited at fork.
LAUNCHER = """
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
seconds = time.perf_counter() - start
sys.stderr.write(done.stderr.decode(errors="replace"))
print(seconds, done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def run_command(args: list[str]) -> tuple[float, int, int]:
    """Wall seconds (interpreter start included), exit code and peak RSS (KiB) of one fresh process."""
    done = subprocess.run([sys.executable, "-c", LAUNCHER, *args], capture_output=True, text=True, cwd=ROOT)
    seconds, code, rss = done.stdout.split()
    if int(code) not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed with exit {code}:\n{done.stderr}")
    return float(seconds), int(code), int(rss)


def median_command(args: list[str], repeats: int) -> dict:
    runs = [run_command(args) for _ in range(repeats)]
    times = [r[0] for r in runs]
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "exit": runs[-1][1],
        "rss_mib": max(r[2] for r in runs) / 1024,
    }


# ---------------------------------------------------------------- 2. phases, in-process


class Timers:
    """Accumulates wall time per phase; wraps callables (only the outermost call of a recursion counts)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.order: list[str] = []

    def add(self, phase: str, seconds: float) -> None:
        if phase not in self.seconds:
            self.order.append(phase)
            self.seconds[phase] = 0.0
        self.seconds[phase] += seconds

    def wrap(self, phase: str, fn):
        depth = [0]

        @functools.wraps(fn)
        def timed(*args, **kwargs):
            depth[0] += 1
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                depth[0] -= 1
                if depth[0] == 0:
                    self.add(phase, time.perf_counter() - start)

        return timed


def force_point_estimates(ev) -> None:
    """What the record reports: every reported metric of every party, on the whole and on every slice."""
    scopes = [None] + [(column, value) for column in ev.data.slices for value in ev.slice_values(column)]
    for party in ev.parties:
        reported = ev.reported_for(party) if hasattr(ev, "reported_for") else ev.reported_metrics()
        for metric in reported:
            for scope in scopes:
                ev.value(party, metric, scope)


def uncertainty_methods(cls) -> list[str]:
    """The methods `Uncertainty.prepare` dispatches to (self._counts(by_method["counts"]) ...), then _derived."""
    try:
        source = inspect.getsource(cls.prepare)
    except (OSError, TypeError):
        source = ""
    found = re.findall(r"self\.(_\w+)\(by_method", source) or ["_counts", "_auc", "_rows", "_fixed"]
    return [*dict.fromkeys(found), "_derived"]


def phases(spec_path: Path, data_path: Path, out_path: Path, resamples: int) -> tuple[Timers, float, list[str]]:
    """Time one `execute` with its pieces wrapped. Returns the timers, the total and what could not be
    wrapped (a renamed function: its time then falls into "other")."""
    from hurdlelang.judging import runner
    from hurdlelang.judging import uncertainty as unc_module
    from hurdlelang.lang.compiler import compile_path

    timers = Timers()
    missing: list[str] = []
    start = time.perf_counter()
    result = compile_path(str(spec_path))
    timers.add("compile the spec", time.perf_counter() - start)

    patched: list[tuple[object, str, object]] = []

    def patch(owner, name: str, phase: str, make=None) -> None:
        original = getattr(owner, name, None)
        if original is None:
            missing.append(f"{getattr(owner, '__name__', owner)}.{name}")
            return
        patched.append((owner, name, original))
        setattr(owner, name, make(original) if make else timers.wrap(phase, original))

    def evaluation_factory(original):
        def build(*args, **kwargs):
            start = time.perf_counter()
            ev = original(*args, **kwargs)
            force_point_estimates(ev)
            timers.add("evaluate: point estimates", time.perf_counter() - start)
            return ev

        return build

    patch(runner, "read_table", "read the data file")
    patch(runner, "file_sha256", "SHA-256 of the data file")
    patch(runner, "load_records", "prepare: check bindings, typed arrays")
    patch(runner, "prepare", "prepare: check bindings, typed arrays")
    patch(runner, "Evaluation", "", evaluation_factory)
    for method in uncertainty_methods(unc_module.Uncertainty):
        patch(unc_module.Uncertainty, method, f"uncertainty: {method.lstrip('_')}")
    patch(runner, "_uncertainty", "uncertainty: planning (the rest)")
    patch(runner, "decide", "decide")
    patch(runner, "build_record", "record: build")
    patch(runner, "write_atomically", "record: write")
    patch(runner, "render_summary", "summary")
    try:
        options = runner.RunOptions(data_path=str(data_path), out_path=str(out_path), resamples=resamples)
        start = time.perf_counter()
        outcome = runner.execute(result, options)
        total = time.perf_counter() - start
    finally:
        for owner, name, original in reversed(patched):
            setattr(owner, name, original)
    if int(outcome.exit_code) not in (0, 1):
        raise SystemExit(f"in-process run ended with {outcome.exit_code!r}")
    # "_uncertainty" includes its methods: keep only its own share under "planning"
    methods = sum(v for k, v in timers.seconds.items() if k.startswith("uncertainty: ") and "planning" not in k)
    if "uncertainty: planning (the rest)" in timers.seconds:
        timers.seconds["uncertainty: planning (the rest)"] -= methods
    return timers, total + timers.seconds["compile the spec"], missing


# ---------------------------------------------------------------- 3. naive


def naive(frame: pd.DataFrame, resamples: int, seed: int) -> float:
    """Seconds for `resamples` naive resamples: what the spec needs, recomputed by scikit-learn per resample."""
    from sklearn.metrics import confusion_matrix, f1_score, precision_score, recall_score, roc_auc_score

    label = frame["bought_again"].to_numpy()
    score = frame["p_buy"].to_numpy()
    parties = {"candidate": (score >= 0.35).astype(np.int8), "as_is": frame["recency_rule"].to_numpy()}
    scores = {"candidate": score, "as_is": parties["as_is"].astype(float)}
    region = frame["region"].to_numpy()
    rng = np.random.default_rng(seed)
    n = len(label)
    start = time.perf_counter()
    for _ in range(resamples):
        rows = rng.integers(0, n, n)
        y, r = label[rows], region[rows]
        for party, decided in parties.items():
            d = decided[rows]
            precision_score(y, d), recall_score(y, d), f1_score(y, d)
            roc_auc_score(y, scores[party][rows])
            tn, fp, fn, tp = confusion_matrix(y, d, labels=[0, 1]).ravel()
            _ = (tp * 38 - fp * 4) / n * 1000
            for value in REGIONS:
                in_region = r == value
                precision_score(y[in_region], d[in_region]), recall_score(y[in_region], d[in_region])
    return time.perf_counter() - start


# ---------------------------------------------------------------- report


def machine() -> str:
    import sklearn

    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import pyarrow

        arrow = f", pyarrow {pyarrow.__version__}"
    except ImportError:
        arrow = ""
    return (
        f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), `{cpu}`, {platform.machine()}, "
        f"{platform.system()} {platform.release()}; Python {platform.python_version()}, numpy {np.__version__}, "
        f"pandas {pd.__version__}{arrow}, scikit-learn {sklearn.__version__}"
    )


def code_version() -> str:
    """The commit measured, and whether hurdlelang/ had uncommitted changes."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT)
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "hurdlelang"], capture_output=True, text=True, cwd=ROOT
        )
    except OSError:
        return "unknown (no git)"
    if commit.returncode != 0:
        return "unknown (not a git checkout)"
    return commit.stdout.strip() + (" with uncommitted changes in hurdlelang/" if dirty.stdout.strip() else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each command; the median is reported")
    parser.add_argument("--naive-resamples", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-naive", action="store_true")
    args = parser.parse_args()

    version_at_start = code_version()
    with tempfile.TemporaryDirectory(prefix="bench_run_") as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        frame = synthetic(args.rows, args.seed)
        csv, parquet = folder / "predictions.csv", folder / "predictions.parquet"
        frame.to_csv(csv, index=False)
        frame.to_parquet(parquet, index=False)
        spec = folder / "bench_run.hurdle"
        spec.write_text(SPEC.format(level=" at 95% confidence"))
        points = folder / "bench_run_points.hurdle"
        points.write_text(SPEC.format(level=""))
        print(
            f"generated {args.rows:,} rows in {time.perf_counter() - start:.1f} s: "
            f"CSV {csv.stat().st_size / 1e6:.1f} MB, Parquet {parquet.stat().st_size / 1e6:.1f} MB",
            file=sys.stderr,
        )
        out = folder / "record.json"

        def hurdlec(spec_file: Path, data: Path) -> list[str]:
            return [str(HURDLEC), "run", str(spec_file), "--data", str(data), "--out", str(out)] + [
                "--resamples",
                str(args.resamples),
            ]

        commands = [
            ("`python -c pass` (interpreter start alone)", [sys.executable, "-c", "pass"]),
            (
                "`python -c 'import hurdlelang.cli.main, hurdlelang.judging.runner'` (start + imports)",
                [sys.executable, "-c", "import hurdlelang.cli.main, hurdlelang.judging.runner"],
            ),
            ("**`hurdlec run` with intervals, CSV input**", hurdlec(spec, csv)),
            ("**`hurdlec run` with intervals, Parquet input**", hurdlec(spec, parquet)),
            ("`hurdlec run` without a confidence level (point estimates), Parquet", hurdlec(points, parquet)),
        ]
        load_before = os.getloadavg()
        measured = []
        for what, command in commands:
            print(f"timing {what} ...", file=sys.stderr)
            measured.append((what, median_command(command, args.repeats)))

        print("timing the phases in-process (Parquet) ...", file=sys.stderr)
        timers, total, missing = phases(spec, parquet, out, args.resamples)
        print("timing the phases in-process (CSV read only) ...", file=sys.stderr)
        from hurdlelang.data.read import read_table

        start = time.perf_counter()
        read_table(str(csv))
        csv_read = time.perf_counter() - start

        naive_seconds = None
        if not args.skip_naive and args.naive_resamples > 0:
            print(f"timing the naive way on {args.naive_resamples} resamples ...", file=sys.stderr)
            naive_seconds = naive(frame, args.naive_resamples, args.seed)

    load_after = os.getloadavg()
    print(f"Machine: {machine()}.\n")
    version = code_version()
    if version == version_at_start:
        print(f"Code: {version}.\n")
    else:
        print(f"Code: **changed during the run** ({version_at_start} at the start, {version} at the end): rerun.\n")
    print(
        f"Load average (1 min) before the commands {load_before[0]:.2f}, after everything {load_after[0]:.2f} "
        f"(this bench accounts for about 1 of it; more means other work shared the CPUs).\n"
    )
    print(f"`{args.rows:,}` rows, `{args.resamples:,}` resamples, median of {args.repeats} runs.\n")
    print("| command | median wall | min - max | exit | peak RSS |")
    print("|---|---:|---:|---:|---:|")
    for what, m in measured:
        print(
            f"| {what} | {m['median']:.2f} s | {m['min']:.2f} - {m['max']:.2f} s | {m['exit']} "
            f"| {m['rss_mib']:.0f} MiB |"
        )
    parquet_run = measured[3][1]["median"]
    csv_run = measured[2][1]["median"]
    worst = max(parquet_run, csv_run)
    verdict = "met" if worst < TARGET_SECONDS else f"NOT met: {worst - TARGET_SECONDS:.1f} s over"
    if (args.rows, args.resamples) != (1_000_000, 1000):
        verdict += " (but the target is set for 1,000,000 rows and 1,000 resamples)"
    print(f"\nTarget < {TARGET_SECONDS:.0f} s (both inputs): {verdict}.\n")

    print(f"Phases, in-process, Parquet input, 1 run (total {total:.2f} s, without interpreter start and imports):\n")
    print("| phase | seconds | share |")
    print("|---|---:|---:|")
    accounted = 0.0
    for phase in timers.order:
        seconds = timers.seconds[phase]
        accounted += seconds
        print(f"| {phase} | {seconds:.3f} | {seconds / total:.0%} |")
    other = total - accounted
    print(f"| other (record JSON serialisation, glue) | {other:.3f} | {other / total:.0%} |")
    print(f"| *(for comparison: reading the CSV instead of the Parquet file)* | {csv_read:.3f} | |")
    if missing:
        print(f"\nnot wrapped (renamed?), their time is in 'other': {', '.join(missing)}")

    if naive_seconds is not None:
        per = naive_seconds / args.naive_resamples
        print(
            f"\nNaive way: {args.naive_resamples} resamples took {naive_seconds:.1f} s ({per:.2f} s each); "
            f"**extrapolated** to {args.resamples:,} resamples: {per * args.resamples:,.0f} s "
            f"({per * args.resamples / 60:.0f} min), against {worst:.1f} s for the whole `hurdlec run`."
        )


if __name__ == "__main__":
    main()
