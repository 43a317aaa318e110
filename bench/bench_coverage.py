"""Coverage and false promotion of the sum-metric interval methods, with more data sets than the
suite's tests/stats/test_sum_coverage.py. Run by hand, once, with nice:

    .venv/bin/python bench/bench_coverage.py [--sets 4000] [--resamples 1000]

Prints Markdown for docs/statistics.md:

1. coverage of the two-sided 95% interval, per task kind, metric, method and size (the laws of
   test_sum_coverage.py: finitely many distinct units, so any size is drawn exactly);
2. false promotion of `mae beats b` at 95%, candidate and baseline exchangeable, absolute errors
   lognormal(0, 1) (heavily skewed, as bench_error_rates.py), at n = 200, 2,000 and 20,000, and of
   the one-sided `mae <= truth` gate on the same data (where skewness is not cancelled by pairing);
   each with the normal approximation of sums and (up to 2,000 rows, its cost is B x n per data
   set) with the row bootstrap.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hurdlelang.stats.bootstrap_means import sum_form  # noqa: E402
from hurdlelang.stats.intervals import beats, holds, interval  # noqa: E402
from hurdlelang.stats.moments import Moments  # noqa: E402
from tests.stats.test_sum_coverage import LAWS, METRICS, _key, _row_bootstrap  # noqa: E402


def binomial_interval(hits: int, sets: int) -> str:
    """95% Wilson interval of a rate, for the table."""
    p, z = hits / sets, 1.96
    centre = (p + z * z / (2 * sets)) / (1 + z * z / sets)
    half = z * math.sqrt(p * (1 - p) / sets + z * z / (4 * sets * sets)) / (1 + z * z / sets)
    return f"{centre - half:.1%} – {centre + half:.1%}"


def coverage(sets: int, resamples: int) -> None:
    print("| task | metric | n | method | data sets | coverage | 95% interval |")
    print("|---|---|---:|---|---:|---:|---|")
    for task in sorted(METRICS):
        data, p = LAWS[task]()
        forms = {m: sum_form(task, _key(m), data, data.parties["c"]) for m in METRICS[task]}
        for n in (500, 5_000, 200_000):
            rng = np.random.default_rng(n)
            methods = ["normal", "rows"] if n <= 500 else ["normal"]  # rows: B x n draws per set
            hits = {(method, m): 0 for method in methods for m in forms}
            for i in range(sets):
                counts = rng.multinomial(n, p)
                for metric, form in forms.items():
                    truth = float(form.combine((p @ form.columns)[None, :])[0])
                    terms = tuple(f"t{j}" for j in range(form.columns.shape[1]))
                    drawn = {
                        "normal": Moments.from_columns(terms, form.columns, multiplicity=counts).draw(
                            0, resamples, i, "c"
                        )
                    }
                    if "rows" in methods:
                        drawn["rows"] = _row_bootstrap(rng, counts, resamples) @ form.columns
                    for method, sums in drawn.items():
                        found = interval(form.combine(sums), 0.95, "two-sided")
                        hits[(method, metric)] += found.low <= truth <= found.high
            for (method, metric), h in hits.items():
                cells = [task, metric, f"{n:,}", method, f"{sets:,}", f"{h / sets:.1%}", binomial_interval(h, sets)]
                print(f"| {' | '.join(cells)} |", flush=True)


def false_promotion(sets: int, resamples: int) -> None:
    print("\n| condition at 95% | n | method | data sets | false promotion | 95% interval |")
    print("|---|---:|---|---:|---:|---|")
    truth = math.exp(0.5)
    for n in (200, 2_000, 20_000):
        rng = np.random.default_rng(n + 7)
        promoted = {(c, m): 0 for c in ("mae beats b", "mae <= true mae") for m in ("normal", "rows")}
        for i in range(sets):
            e_c, e_b = rng.lognormal(0, 1, n), rng.lognormal(0, 1, n)
            columns = np.column_stack([e_c, np.ones(n), e_b])
            moments = Moments.from_columns(("c", "w", "b"), columns)
            counts = np.ones(n, dtype=np.int64)
            for method in ("normal", "rows") if n <= 2_000 else ("normal",):
                if method == "normal":
                    sums = moments.draw(0, resamples, i, "fp")
                else:
                    sums = _row_bootstrap(rng, counts, resamples) @ columns
                mae_c, mae_b = sums[:, 0] / sums[:, 1], sums[:, 2] / sums[:, 1]
                promoted[("mae beats b", method)] += bool(beats(mae_c, mae_b, direction="lower").held)
                promoted[("mae <= true mae", method)] += bool(holds(mae_c, "<=", truth, 0.95).held)
        for (condition, method), h in promoted.items():
            if method == "rows" and n > 2_000:
                continue
            cells = [f"`{condition}`", f"{n:,}", method, f"{sets:,}", f"{h / sets:.1%}", binomial_interval(h, sets)]
            print(f"| {' | '.join(cells)} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=int, default=4000)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--part", choices=["coverage", "promotion", "both"], default="both")
    args = parser.parse_args()
    if args.part in ("coverage", "both"):
        coverage(args.sets, args.resamples)
    if args.part in ("promotion", "both"):
        false_promotion(args.sets, args.resamples)


if __name__ == "__main__":
    main()
