"""Benchmark of the confidence engine (run by hand; not part of the test suite).

    .venv/bin/python bench/bench_bootstrap.py [--rows 1000000] [--resamples 1000] [--repeats 3]

Synthetic data: label, candidate score and decision, a baseline score and decision, a slice column
with 5 values. Measures, each as the median of --repeats runs (time.perf_counter):

(a) count metrics (precision, recall, f1, accuracy) for candidate, baseline and their paired
    difference, on every slice and the whole, with intervals: multinomial over joint cells;
(b) roc_auc and pr_auc for candidate, baseline and their difference, with intervals: binned method
    on the whole data, binned per slice, and the exact method (row bootstrap) on fewer resamples,
    extrapolated to --resamples and labelled so;
(c) the naive way: draw row indices and call scikit-learn's metric functions per resample, measured on
    --naive-resamples and extrapolated.
Prints a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hurdlelang.stats.bootstrap import (  # noqa: E402
    ALL,
    JointCells,
    Slices,
    interval,
    paired_difference,
    resample_auc,
    resample_counts,
)

COUNT_METRICS = ("precision", "recall", "f1", "accuracy")
REGIONS = np.array(["north", "south", "east", "west", "central"])


def synthetic(rows: int, seed: int = 7) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    label = (rng.random(rows) < 0.2).astype(np.int8)
    signal = rng.normal(size=rows)
    cand_score = 1 / (1 + np.exp(-(1.6 * label + signal - 2.0)))
    base_score = 1 / (1 + np.exp(-(1.1 * label + 0.7 * signal + 0.7 * rng.normal(size=rows) - 1.8)))
    return {
        "label": label,
        "cand_score": cand_score,
        "cand_decision": (cand_score >= 0.35).astype(np.int8),
        "base_score": np.round(base_score, 4),
        "base_decision": (base_score >= 0.35).astype(np.int8),
        "region": REGIONS[rng.integers(0, len(REGIONS), rows)],
    }


def median_time(fn, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def counts_job(data, slices, resamples):
    def run():
        cells = JointCells.build(
            data["label"], {"candidate": data["cand_decision"], "as_is": data["base_decision"]}, slices
        )
        counts = resample_counts(cells, resamples, seed=1)
        bounds = {}
        for s in (ALL, *cells.slices):
            for m in COUNT_METRICS:
                c = counts.samples("candidate", m, s)
                b = counts.samples("as_is", m, s)
                bounds[(s, m)] = (
                    interval(c, 0.95, "two-sided"),
                    interval(b, 0.95, "two-sided"),
                    interval(paired_difference(c, b), 0.95, "lower"),
                )
        return bounds

    return run


def auc_job(data, resamples, method, slices=None):
    def run():
        auc = resample_auc(
            data["label"],
            {"candidate": data["cand_score"], "as_is": data["base_score"]},
            slices=slices,
            resamples=resamples,
            seed=1,
            method=method,
        )
        out = {}
        for (party, s), metrics in auc.samples.items():
            if party != "candidate":
                continue
            for m, c in metrics.items():
                b = auc.get("as_is", m, s)
                out[(s, m)] = (interval(c, 0.95, "two-sided"), interval(paired_difference(c, b), 0.95, "lower"))
        return auc, out

    return run


def naive_job(data, resamples, seed=3):
    from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score

    functions = (precision_score, recall_score, f1_score, accuracy_score)
    label, region = data["label"], data["region"]
    parties = (data["cand_decision"], data["base_decision"])

    def run():
        rng = np.random.default_rng(seed)
        rows = label.size
        for _ in range(resamples):
            idx = rng.integers(0, rows, rows)
            y, r = label[idx], region[idx]
            masks = [None] + [r == name for name in REGIONS]
            for decided in parties:
                d = decided[idx]
                for mask in masks:
                    ys, ds = (y, d) if mask is None else (y[mask], d[mask])
                    for fn in functions:
                        fn(ys, ds)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--exact-resamples", type=int, default=20)
    parser.add_argument("--naive-resamples", type=int, default=20)
    args = parser.parse_args()
    b = args.resamples

    data = synthetic(args.rows)
    print(
        f"# {args.rows:,} rows, {b:,} resamples, median of {args.repeats}; python {platform.python_version()}, "
        f"numpy {np.__version__}, {os.cpu_count()} CPUs, {platform.machine()} {platform.system()}"
    )
    table = []

    def add(task: str, seconds: float, how: str) -> None:
        table.append((task, seconds, how))

    t, slices = median_time(lambda: Slices.of(data["region"]), args.repeats)
    add("setup: factorise the text slice column (once per run, shared)", t, "measured")

    parties = {"candidate": data["cand_decision"], "as_is": data["base_decision"]}
    t, counts = median_time(counts_job(data, slices, b), args.repeats)
    add("(a) counts: cells + multinomial + 4 metrics x 2 parties + diff x 6 slices, intervals", t, "measured")
    t, _ = median_time(lambda: JointCells.build(data["label"], parties, slices), args.repeats)
    add("    of which building the joint cells (one O(n) pass)", t, "measured")

    t, (auc, auc_bounds) = median_time(auc_job(data, b, "binned"), args.repeats)
    add("(b) roc_auc + pr_auc, binned: 2 parties + diff, whole data, intervals", t, "measured")
    t, _ = median_time(auc_job(data, b, "binned", slices), 1)
    add("    binned, whole data and 5 slices (1 run)", t, "measured")
    k = args.exact_resamples
    t, _ = median_time(auc_job(data, k, "exact"), 1)
    add(f"    exact (row bootstrap), whole data: {k} resamples (1 run) x {b / k:g}", t * b / k, "extrapolated")

    k = args.naive_resamples
    t, _ = median_time(naive_job(data, k), 1)
    add(f"(c) naive: row indices + sklearn's 4 metrics, {k} resamples (1 run) x {b / k:g}", t * b / k, "extrapolated")

    print(f"\n| task | seconds for {b:,} resamples | |\n|---|---:|---|")
    for task, seconds, how in table:
        print(f"| {task} | {seconds:.3f} | {how} |")

    cand, base, diff = counts[(ALL, "precision")]
    print(
        f"\nprecision, whole data: candidate [{cand.low:.4f}, {cand.high:.4f}], as_is [{base.low:.4f}, "
        f"{base.high:.4f}], candidate - as_is >= {diff.low:.4f} at 95%"
    )
    for m in ("roc_auc", "pr_auc"):
        two, gain = auc_bounds[(ALL, m)]
        print(f"{m}, whole data: candidate [{two.low:.4f}, {two.high:.4f}], candidate - as_is >= {gain.low:.4f} at 95%")
    print("binned AUC on the whole data (bins used, binning error bound on the data, recentering shift):")
    for party in ("candidate", "as_is"):
        for m in ("roc_auc", "pr_auc"):
            key = (party, ALL)
            print(
                f"  {party:9s} {m:7s}: point {auc.point[key][m]:.5f}  bins {auc.bins[party]}  "
                f"bound {auc.error_bound[key][m]:.1e}  shift {auc.shift[key][m]:+.1e}"
            )
    print(f"  pairing: {auc.pairing}")


if __name__ == "__main__":
    main()
