"""How does `hurdlec run --engine spark` compare with the default engine on the same file, in the same
run? Run by hand (not part of the test suite; needs the spark extra and Java 17):

    .venv/bin/python bench/bench_spark.py [--rows 1000000] [--resamples 1000] [--repeats 1]

Generates (seeded) bench_run.py's binary predictions and spec (candidate, as-is rule, 5-value region
slice, 95% intervals on every reported metric) as Parquet in a temporary folder, then times three fresh
processes on it: the pandas engine (the floor), `--engine duckdb` and `--engine spark` (a local Spark
session on this machine's cores, JVM start included), and checks that the three records hold the same
numbers. Prints Markdown for docs/performance.md: wall time, its ratio to the floor, peak RSS of the
Python process (the JVM's memory is not in it; Spark's driver heap is its default, 1 GiB).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_run import HURDLEC, SPEC, code_version, machine, median_command, synthetic  # noqa: E402


def numbers(record: dict) -> dict:
    return {"metrics": record["metrics"], "outcome": record["outcome"], "rows": record["data"]["rows_used"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        spec = folder / "bench.hurdle"
        spec.write_text(SPEC.format(level=" at 95% confidence"))
        data = folder / "bench.parquet"
        synthetic(args.rows, args.seed).to_parquet(data)
        results, records = {}, {}
        for engine in ("pandas", "duckdb", "spark"):
            out = folder / f"{engine}.json"
            command = [str(HURDLEC), "run", str(spec), "--data", str(data), "--out", str(out)]
            command += ["--resamples", str(args.resamples), "--engine", engine]
            results[engine] = median_command(command, args.repeats)
            records[engine] = numbers(json.loads(out.read_text()))
        same = records["pandas"] == records["duckdb"] == records["spark"]
    floor = results["pandas"]["median"]
    print(f"Machine: {machine()}. Code at `{code_version()}`.\n")
    print(f"{args.rows:,} rows (Parquet), {args.resamples:,} resamples, median of {args.repeats} run(s).\n")
    print("| engine | wall | ratio to the pandas engine | exit | peak RSS (Python) |")
    print("|---|---:|---:|---:|---:|")
    for engine, r in results.items():
        ratio = r["median"] / floor
        print(f"| `--engine {engine}` | {r['median']:.2f} s | {ratio:.2f}x | {r['exit']} | {r['rss_mib']:.0f} MiB |")
    print(f"\nSame metrics, intervals and decision on the three engines: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
