"""`hurdlec run` (DuckDB, the default engine) as the data grows: rows (1M, 10M, optionally 100M) and
slice values (5 against 500), on specs whose statistics are cells (engine/cells.py): binary with a
score on a 0.001 grid (count metrics and roc_auc, 95% intervals on every slice) and multiclass with
5 classes (the candidate's most probable class against a rule). Each run in a fresh interpreter,
wall time and peak RSS of the whole process tree. Run by hand, once, with `nice` (the machine is
shared); the Parquet files are written to a temporary folder and deleted at the end.

    nice .venv/bin/python bench/bench_scale.py [--rows 1000000,10000000] [--slices 5,500]
        [--tasks binary,multiclass] [--resamples 1000] [--folder /big/tmp] [--row-group 122880]
        [--repeats 7]

--repeats: runs of each file, one file after the other round after round; the table shows the
medians, and each row's wall time over the first slice count's (the 500 against 5 target).

--row-group: rows per Parquet row group. The default is DuckDB's own (122,880), what DuckDB and most
writers of large files produce; pyarrow's default (1,048,576) makes a 1M-row file one row group,
which DuckDB then reads on one thread, while a 10M-row file is read two row groups at a time: peak
memory is then about threads x one decoded row group, and a 1M/10M comparison measures the layout,
not the growth (docs/performance.md).

100M rows: `--rows 100000000 --tasks binary --slices 5` (about 1 GB of Parquet, written in parts).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_engine import CLASSES, HURDLEC, timed  # noqa: E402

PART = 5_000_000  # rows generated and written at a time, so the generator's memory stays bounded

SPECS = {
    "binary": (
        "binary",
        "    label label\n    score p\n    predict p >= 0.35\n    slice region\n",
        '  baseline rule "rule" {\n    predict rule\n  }\n',
        "      f1 beats rule by 1 point\n      recall beats rule in every region\n      roc_auc >= 0.6\n",
    ),
    "multiclass": (
        "multiclass",
        "    label label\n    score " + ", ".join(f'p_{c} for "{c}"' for c in CLASSES) + "\n    slice region\n",
        '  baseline rule "rule" {\n    predict rule\n  }\n',
        "      f1_macro beats rule by 1 point\n      accuracy beats rule in every region\n",
    ),
}


def spec_text(task: str) -> str:
    kind, data, baseline, conditions = SPECS[task]
    return (
        f'spec scale_{task} "bench_scale.py" {{\n  owner "bench"\n  task {kind}\n  data {{\n{data}  }}\n'
        + baseline
        + '  hurdles at 95% confidence {\n    tier ship "ship" {\n'
        + conditions
        + '    }\n    otherwise keep "keep"\n  }\n}\n'
    )


def part(task: str, rows: int, slices: int, rng) -> pa.Table:
    region = np.array([f"r{i:03d}" for i in range(slices)])[rng.integers(0, slices, rows)]
    if task == "binary":
        label = (rng.random(rows) < 0.2).astype(np.int8)
        signal = rng.normal(size=rows)
        p = 1 / (1 + np.exp(-(1.6 * label + signal - 2.0)))
        rule = (1.1 * label + 0.7 * signal + 0.7 * rng.normal(size=rows) >= 1.2).astype(np.int8)
        return pa.table({"label": label, "p": np.round(p, 3), "rule": rule, "region": region})
    label = rng.choice(len(CLASSES), rows, p=[0.35, 0.3, 0.15, 0.12, 0.08])
    logits = rng.normal(size=(rows, len(CLASSES)))
    logits[np.arange(rows), label] += 2.0
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    rule = np.where(rng.random(rows) < 0.6, label, rng.integers(0, len(CLASSES), rows))
    columns = {"label": CLASSES[label], "rule": CLASSES[rule], "region": region}
    columns |= {f"p_{c}": np.round(p[:, i], 6) for i, c in enumerate(CLASSES)}
    return pa.table(columns)


def write(task: str, rows: int, slices: int, path: Path, row_group: int, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    writer = None
    for start in range(0, rows, PART):
        table = part(task, min(PART, rows - start), slices, rng)
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table, row_group_size=row_group)
    writer.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="1000000,10000000")
    parser.add_argument("--slices", default="5,500")
    parser.add_argument("--tasks", default="binary,multiclass")
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--row-group", type=int, default=122_880, help="rows per Parquet row group")
    parser.add_argument(
        "--repeats", type=int, default=1, help="runs of each file, interleaved with the others' (medians shown)"
    )
    parser.add_argument("--folder", default=None, help="where the Parquet files go (deleted at the end)")
    args = parser.parse_args()
    print(
        f"`hurdlec run` (DuckDB), {args.resamples} resamples, 95% intervals on every reported metric and slice, "
        f"Parquet row groups of {args.row_group:,} rows, median of {args.repeats} interleaved run(s)\n"
    )
    print("| task | rows | slice values | Parquet (MB) | wall (s) | peak RSS (MiB) | wall / first slice count's |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    folder = Path(tempfile.mkdtemp(dir=args.folder))
    try:
        for task in args.tasks.split(","):
            spec = folder / f"{task}.hurdle"
            spec.write_text(spec_text(task))
            for rows in map(int, args.rows.split(",")):
                files = {}
                for slices in map(int, args.slices.split(",")):
                    files[slices] = folder / f"{task}_{rows}_{slices}.parquet"
                    write(task, rows, slices, files[slices], args.row_group)
                runs: dict[int, list[tuple[float, float]]] = {slices: [] for slices in files}
                # one file after the other, round after round: the machine's drift (shared, noisy)
                # falls on every slice count alike, and the ratio is read within one run
                for _ in range(args.repeats):
                    for slices, data in files.items():
                        run = [HURDLEC, "run", spec, "--data", data, "--out", folder / "r.json"]
                        runs[slices].append(timed([*run, "--resamples", str(args.resamples)]))
                first = statistics.median(s for s, _ in next(iter(runs.values())))
                for slices, data in files.items():
                    seconds = statistics.median(s for s, _ in runs[slices])
                    rss = statistics.median(r for _, r in runs[slices])
                    size = data.stat().st_size / 1e6
                    row = [task, f"{rows:,}", str(slices), f"{size:.0f}", f"{seconds:.2f}", f"{rss:.0f}"]
                    print(f"| {' | '.join(row)} | {seconds / first:.2f}x |", flush=True)
                    data.unlink()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
