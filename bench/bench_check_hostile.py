"""Is `hurdlec check` linear on hostile specs? Run by hand: `.venv/bin/python bench/bench_check_hostile.py`.

Generates specs full of long, misspelt names, the worst case of "did you mean" (before issue 12, a
10.5 KB spec with one 4,000-character misspelt baseline name took 44 s, and doubling the name
quadrupled it), at about 4 KB and about 100 times that, and times the in-process compile of each
(parser warmed, median of the repeats). Linear means the large one takes about 100 times the small
one: the ratio is printed next to the size ratio, as a Markdown table for docs/performance.md.

Each spec has B baselines whose names are 200 characters long and differ only near the end, and one
tier with 2B conditions `f1 beats NAME` naming them with one letter changed, so every reference is
an E102 whose suggestion is searched among B candidates of the same length; and a derived metric
misspelling a built-in one, `precison`, per baseline.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def hostile_spec(baselines: int) -> str:
    stem = "production_propensity_model_" * 7  # 196 characters
    names = [f"{stem}{i:04d}" for i in range(baselines)]
    out = [
        'spec hostile "Long misspelt names" {',
        '  owner "bench"',
        "  task binary",
        "  data {",
        "    label y",
        "    score p",
        "    predict p >= 0.5",
        "  }",
    ]
    for name in names:
        out += [f'  baseline {name} "b" {{', "    predict rule", "  }"]
    out += ["  hurdles {", '    tier go "Go" {']
    for i, name in enumerate(names):
        typo = name[:-6] + "x" + name[-5:]  # one substitution: a suggestion exists
        far = "q" + name[:0:-1]  # the same length, nothing near: every candidate is looked at
        out += [f"      f1 beats {typo}", f"      precison_{i} >= 0.5", f"      f1 beats {far}"]
    out += ["    }", '    otherwise keep "Keep"', "  }", "}"]
    return "\n".join(out) + "\n"


def compile_time(path: Path, repeats: int) -> tuple[float, tuple[int, int]]:
    from hurdlelang.lang.compiler import compile_path

    times, found = [], (0, 0)
    for _ in range(repeats):
        start = time.perf_counter()
        result = compile_path(path)
        times.append(time.perf_counter() - start)
        suggested = sum("did you mean" in (d.hint or "") for d in result.diagnostics)
        found = (len(result.diagnostics), suggested)
    return statistics.median(times), found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from hurdlelang.lang.compiler import compile_path

    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for baselines in (6, 575):  # about 4 KB and 400 KB
            path = Path(tmp) / f"hostile_{baselines}.hurdle"
            path.write_text(hostile_spec(baselines))
            compile_path(path)  # warm the parser cache
            seconds, found = compile_time(path, args.repeats)
            rows.append((baselines, path.stat().st_size, seconds, found))
    (_, size0, t0, _) = rows[0]
    print("| spec | size | diagnostics (with a suggestion) | median compile | ratio to the small spec |")
    print("|---|---|---|---|---|")
    for baselines, size, seconds, (found, suggested) in rows:
        print(
            f"| {baselines} baselines, {3 * baselines:,} misspelt names | {size / 1000:.1f} KB "
            f"| {found:,} ({suggested:,}) | {seconds * 1000:.0f} ms "
            f"| time x{seconds / t0:.1f}, size x{size / size0:.1f} |"
        )


if __name__ == "__main__":
    main()
