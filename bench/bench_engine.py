"""`hurdlec run` per task kind against the floor (bench/floor.py: read the same file, the same point
estimates with scikit-learn, no interval), both in a fresh interpreter, on the same machine in the
same run. Run by hand (not part of the test suite), once: the machine is shared.

    .venv/bin/python bench/bench_engine.py [--rows 1000000] [--tasks binary,multiclass] [--engine duckdb]

For each task it writes a seeded Parquet file (5-value region slice) and a spec at 95% confidence
whose tiers read the task's usual metrics against a column baseline; prints Markdown for
docs/performance.md: wall time and peak memory of the floor and of `hurdlec run` (1,000
resamples, every reported metric with its interval on every slice), and their ratio (target 1.5).
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
HURDLEC = Path(sys.executable).parent / "hurdlec"
REGIONS = np.array(["north", "south", "east", "west", "central"])
CLASSES = np.array(["billing", "technical", "account", "sales", "legal"])

HEAD = (
    'spec bench_{task} "bench_engine.py" {{\n  owner "bench"\n  task {kind}\n  data {{\n{data}    slice region\n  }}\n'
)
SPECS = {
    "binary": (
        "binary",
        "    label label\n    score p\n    predict p >= 0.35\n",
        '  baseline rule "rule" {\n    predict rule\n  }\n',
        "      f1 beats rule by 1 point\n      recall beats rule in every region\n      roc_auc >= 0.6\n",
    ),
    "binary_loss": (
        "binary",
        "    label label\n    score p\n    predict p >= 0.35\n",
        '  baseline rule "rule" {\n    predict rule\n  }\n',
        "      log_loss <= 0.6\n      brier <= 0.25\n      recall beats rule\n",
    ),
    "multiclass": (
        "multiclass",
        "    label label\n    score " + ", ".join(f'p_{c} for "{c}"' for c in CLASSES) + "\n",
        '  baseline rule "rule" {\n    predict rule\n  }\n',
        "      f1_macro beats rule by 1 point\n      accuracy beats rule in every region\n",
    ),
    "ranking": (
        "ranking",
        "    label bought\n    score model\n    group query\n",
        '  baseline pop "popularity" {\n    score pop\n  }\n',
        "      ndcg@5 beats pop\n      mrr beats pop\n      hit_rate@5 beats pop by 2 points\n",
    ),
    "regression": (
        "regression",
        "    label label\n    predict forecast\n",
        '  baseline naive "naive" {\n    predict naive\n  }\n',
        "      mae beats naive by 5%\n      rmse beats naive\n      bias <= 2\n",
    ),
}


def spec_text(task: str) -> str:
    kind, data, baseline, conditions = SPECS[task]
    return (
        HEAD.format(task=task, kind=kind, data=data)
        + baseline
        + '  hurdles at 95% confidence {\n    tier ship "ship" {\n'
        + conditions
        + '    }\n    otherwise keep "keep"\n  }\n}\n'
    )


def synthetic(task: str, rows: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    region = REGIONS[rng.integers(0, len(REGIONS), rows)]
    if task in ("binary", "binary_loss"):
        label = (rng.random(rows) < 0.2).astype(np.int8)
        signal = rng.normal(size=rows)
        p = 1 / (1 + np.exp(-(1.6 * label + signal - 2.0)))
        rule = (1.1 * label + 0.7 * signal + 0.7 * rng.normal(size=rows) >= 1.2).astype(np.int8)
        return pd.DataFrame({"label": label, "p": np.round(p, 6), "rule": rule, "region": region})
    if task == "multiclass":
        label = rng.choice(len(CLASSES), rows, p=[0.35, 0.3, 0.15, 0.12, 0.08])
        logits = rng.normal(size=(rows, len(CLASSES)))
        logits[np.arange(rows), label] += 2.0
        p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        rule = np.where(rng.random(rows) < 0.6, label, rng.integers(0, len(CLASSES), rows))
        frame = {"label": CLASSES[label], "rule": CLASSES[rule], "region": region}
        frame |= {f"p_{c}": np.round(p[:, i], 6) for i, c in enumerate(CLASSES)}
        return pd.DataFrame(frame)
    if task == "ranking":  # queries of 10 items (100,000 queries in 1M rows), one region each
        queries = rows // 10
        query = np.repeat(np.arange(queries), 10)
        taste = rng.normal(size=rows)
        bought = (taste + rng.normal(size=rows) > 1.6).astype(np.int8)
        return pd.DataFrame(
            {
                "query": query,
                "bought": bought,
                "model": np.round(taste + rng.normal(0, 0.8, rows), 5),
                "pop": np.round(taste + rng.normal(0, 1.5, rows), 5),
                "region": np.repeat(REGIONS[rng.integers(0, len(REGIONS), queries)], 10),
            }
        )
    label = rng.poisson(20, rows).astype(float)
    return pd.DataFrame(
        {
            "label": label,
            "forecast": np.round(label + rng.normal(0, 3, rows), 2),
            "naive": np.round(label + rng.normal(0, 5, rows), 2),
            "region": region,
        }
    )


LAUNCHER = """
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
seconds = time.perf_counter() - start
sys.stderr.write(done.stderr.decode(errors="replace"))
print(seconds, done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def timed(args: list[str]) -> tuple[float, float]:
    """Wall seconds (interpreter start included) and peak RSS in MiB of one fresh process."""
    done = subprocess.run([sys.executable, "-c", LAUNCHER, *map(str, args)], capture_output=True, text=True)
    seconds, code, rss = done.stdout.split()
    if int(code) not in (0, 1, 3):
        raise SystemExit(f"{' '.join(map(str, args))} failed with exit {code}:\n{done.stderr}")
    return float(seconds), int(rss) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--tasks", default="binary,multiclass")
    parser.add_argument("--engine", default="duckdb")
    parser.add_argument("--resamples", type=int, default=1000)
    args = parser.parse_args()
    print(f"{args.rows:,} rows, {args.resamples} resamples, 5-value slice, `--engine {args.engine}`, Parquet; ")
    print(f"{platform.processor() or platform.machine()}, Python {platform.python_version()}\n")
    print("| task | floor (s) | floor (MiB) | hurdlec run (s) | hurdlec run (MiB) | ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        for task in args.tasks.split(","):
            data = Path(folder) / f"{task}.parquet"
            synthetic(task, args.rows).to_parquet(data)
            spec = Path(folder) / f"{task}.hurdle"
            spec.write_text(spec_text(task))
            floor = timed([sys.executable, ROOT / "bench" / "floor.py", task, data])
            run = [HURDLEC, "run", spec, "--data", data, "--out", Path(folder) / "r.json", "--engine", args.engine]
            ours = timed([*run, "--resamples", str(args.resamples)])
            cells = [
                f"{floor[0]:.1f}",
                f"{floor[1]:.0f}",
                f"{ours[0]:.1f}",
                f"{ours[1]:.0f}",
                f"{ours[0] / floor[0]:.1f}x",
            ]
            print(f"| {task} | {' | '.join(cells)} |", flush=True)


if __name__ == "__main__":
    main()
