"""False-promotion rates of single conditions, by simulation (run by hand; not part of the suite).

    .venv/bin/python bench/bench_error_rates.py [--sets 2000] [--sizes 200,2000,20000] [--workers 2]
        [--metrics mae,roc_auc] [--chunk 100]

For each metric and size, --sets data sets are drawn in which the candidate and the baseline are
exchangeable (same error rates, independent errors given the label, so every true difference is
0), and each is judged by the real evaluation, bootstrap and decision (hurdlelang.judging) for
`METRIC beats b` at 95%. The share of data sets that promote is the false-promotion rate: nominal
is 5%; the brief accepts 3.5% to 6.0%. Prints a Markdown table for docs/statistics.md, with each
rate's 95% binomial (Wilson) interval and the method the record names. Each cell runs in chunks of
--chunk data sets (chunk k of a cell draws from the generator seeded with (cell seed, k)), spread
over the workers; after every chunk a line on stderr gives the cell's running count, so a run cut
short still says how far it got.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hurdlelang import api  # noqa: E402
from hurdlelang.data.prepare import prepare  # noqa: E402
from hurdlelang.data.read import Table  # noqa: E402
from hurdlelang.judging.decide import decide  # noqa: E402
from hurdlelang.judging.evaluate import Evaluation  # noqa: E402
from hurdlelang.judging.uncertainty import Uncertainty, requested  # noqa: E402

BINARY = """
spec s {{
  owner "bench"
  task binary
  data {{ label y  score s  predict s >= 0.5 }}
  baseline b {{ score sb  predict sb >= 0.5 }}
  metric net_value "value per 1,000 rows" = (tp * 38 GBP - fp * 4 GBP) / n * 1000
  hurdles at 95% confidence {{
    tier t {{ {condition} }}
    otherwise keep
  }}
}}
"""
REGRESSION = """
spec s {{
  owner "bench"
  task regression
  data {{ label y  predict f }}
  baseline b {{ predict fb }}
  hurdles at 95% confidence {{
    tier t {{ {condition} }}
    otherwise keep
  }}
}}
"""
CASES = {
    "precision": (BINARY, "precision beats b"),
    "recall": (BINARY, "recall beats b"),
    "roc_auc": (BINARY, "roc_auc beats b"),
    "net_value (derived)": (BINARY, "net_value beats b"),
    "mae": (REGRESSION, "mae beats b"),
}


def simulate(rng: np.random.Generator, task: str, n: int) -> pd.DataFrame:
    if task == "binary":
        y = (rng.random(n) < 0.3).astype(int)
        # two exchangeable scorers: the same signal, independent noise
        s = 1 / (1 + np.exp(-(1.2 * (y - 0.5) * 2 + rng.normal(0, 1.3, n))))
        sb = 1 / (1 + np.exp(-(1.2 * (y - 0.5) * 2 + rng.normal(0, 1.3, n))))
        return pd.DataFrame({"y": y, "s": s, "sb": sb})
    y = rng.normal(100, 20, n)
    # skewed errors, as forecasts have: a lognormal absolute error with a random sign
    error = lambda: rng.choice([-1, 1], n) * rng.lognormal(1.0, 0.8, n)  # noqa: E731
    return pd.DataFrame({"y": y, "f": y + error(), "fb": y + error()})


def promoted(spec, frame: pd.DataFrame, seed: int, resamples: int) -> tuple[bool, str]:
    ev = Evaluation(spec, prepare(spec, Table("<sim>", frame), {}))
    unc = Uncertainty(ev, resamples, seed)
    unc.prepare(requested(ev))
    outcome = decide(spec, ev, unc)[2]
    return outcome.tier == "t", unc.methods.get(f"candidate.{spec.tiers[0].conditions[0].metric.key}", "")


def run_case(args: tuple[str, int, int, int, int, int]) -> tuple[str, int, int, int, str, float]:
    name, n, sets, resamples, seed, chunk = args
    template, condition = CASES[name]
    spec = api.load_spec(text=template.format(condition=condition))
    rng = np.random.default_rng([seed, chunk])
    task = "binary" if template is BINARY else "regression"
    start = time.perf_counter()
    hits, method = 0, ""
    for i in range(sets):
        hit, method = promoted(spec, simulate(rng, task, n), chunk * sets + i, resamples)
        hits += hit
    return name, n, sets, hits, method, time.perf_counter() - start


def wilson(k: int, r: int, z: float = 1.96) -> tuple[float, float]:
    p = k / r
    centre = (p + z * z / (2 * r)) / (1 + z * z / r)
    half = z * math.sqrt(p * (1 - p) / r + z * z / (4 * r * r)) / (1 + z * z / r)
    return centre - half, centre + half


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", type=int, default=2000)
    parser.add_argument("--sizes", default="200,2000,20000")
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--metrics", default=",".join(CASES))
    parser.add_argument("--chunk", type=int, default=100)
    args = parser.parse_args()
    cells = [
        (name, int(n), 1000 * list(CASES).index(name) + j)
        for name in args.metrics.split(",")
        for j, n in enumerate(args.sizes.split(","))
    ]
    chunks = -(-args.sets // args.chunk)
    jobs = [(name, n, args.chunk, args.resamples, seed, k) for k in range(chunks) for name, n, seed in cells]
    done = {(name, n): [0, 0, "", 0.0] for name, n, _ in cells}  # sets, hits, method, seconds
    with ProcessPoolExecutor(args.workers) as pool:
        for name, n, sets, hits, method, seconds in pool.map(run_case, jobs):
            cell = done[name, n]
            cell[0] += sets
            cell[1] += hits
            cell[2] = method
            cell[3] += seconds
            print(
                f"{name} n={n}: {cell[1]} of {cell[0]} promoted ({cell[1] / cell[0]:.2%})", file=sys.stderr, flush=True
            )
    print("| condition at 95% | n | data sets | false promotion | 95% interval | method | seconds |")
    print("|---|---|---|---|---|---|---|")
    for (name, n), (sets, hits, method, seconds) in done.items():
        low, high = wilson(hits, sets)
        print(
            f"| `{CASES[name][1]}` | {n:,} | {sets:,} | {hits / sets:.1%} | {max(low, 0):.1%} – {high:.1%} "
            f"| {method} | {seconds:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
