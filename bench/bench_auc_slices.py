"""The AUC bootstrap alone (hurdlelang/stats/bootstrap_auc.resample_auc) as slice values grow: how
much of its time is drawing (numpy's multinomial and integers) and how much the AUCs of every
scope. Run by hand, once, with `nice` (not part of the test suite):

    nice .venv/bin/python bench/bench_auc_slices.py [--rows 1000000] [--slices 1,5,500] [--resamples 100]

Two parties as in bench_scale.py's binary spec (a score on a 0.001 grid and a 0/1 rule), given as
the cells of a GROUP BY (slice, label, score, rule) with their row counts, as the DuckDB engine
hands them over; and, with `--rows-path`, the same as rows with the score at 6 decimals (as
bench_engine.py's binary spec). CPU seconds (`time.process_time`), one run each.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import hurdlelang.stats.bootstrap_auc as bootstrap_auc
from hurdlelang.stats.bootstrap_auc import resample_auc


class _TimedDraws:
    """A Generator whose multinomial and integers calls add up their CPU time."""

    def __init__(self, rng):
        self.rng, self.seconds = rng, 0.0

    def __getattr__(self, name):
        draw = getattr(self.rng, name)

        def timed(*args, **kwargs):
            start = time.process_time()
            try:
                return draw(*args, **kwargs)
            finally:
                self.seconds += time.process_time() - start

        return timed


def data(rows: int, slices: int, grid: bool, seed: int = 0):
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, slices, rows)
    label = (rng.random(rows) < 0.2).astype(np.int64)
    signal = rng.normal(size=rows)
    p = 1 / (1 + np.exp(-(1.6 * label + signal - 2.0)))
    rule = (1.1 * label + 0.7 * signal + 0.7 * rng.normal(size=rows) >= 1.2).astype(np.int64)
    names = np.array([f"r{i:03d}" for i in range(slices)])
    if not grid:
        return label, {"candidate": np.round(p, 6), "rule": rule.astype(float)}, names[codes], None
    score = np.rint(p * 1000).astype(np.int64)
    key, count = np.unique(((codes * 2 + label) * 1001 + score) * 2 + rule, return_counts=True)
    rule_c, key = key % 2, key // 2
    score_c, key = key % 1001, key // 1001
    return key % 2, {"candidate": score_c / 1000, "rule": rule_c.astype(float)}, names[key // 2], count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--slices", default="1,5,500")
    parser.add_argument("--resamples", type=int, default=100)
    parser.add_argument("--rows-path", action="store_true", help="rows with a continuous score, not cells")
    args = parser.parse_args()
    make_rng = bootstrap_auc.make_rng
    drawn: list[_TimedDraws] = []
    bootstrap_auc.make_rng = lambda *a: drawn.append(_TimedDraws(make_rng(*a))) or drawn[-1]
    kind = "rows, score at 6 decimals" if args.rows_path else "cells of a 0.001-grid score"
    print(f"resample_auc, {args.rows:,} rows as {kind}, candidate and rule, {args.resamples} resamples\n")
    print("| slice values | entries | pairing | CPU (s) | of which drawing (s) | per resample (ms) |")
    print("|---:|---:|---|---:|---:|---:|")
    for slices in map(int, args.slices.split(",")):
        label, scores, names, count = data(args.rows, slices, not args.rows_path)
        start = time.process_time()
        res = resample_auc(
            label, scores, slices=names if slices > 1 else None, multiplicity=count, resamples=args.resamples, seed=1
        )
        seconds = time.process_time() - start
        pairing = res.pairing.split(" (")[0].split(",")[0]
        cells = [str(slices), f"{label.size:,}", pairing, f"{seconds:.2f}", f"{drawn[-1].seconds:.2f}"]
        print(f"| {' | '.join(cells)} | {1000 * seconds / args.resamples:.1f} |", flush=True)


if __name__ == "__main__":
    main()
