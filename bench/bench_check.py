"""How fast is `hurdlec check`? Run by hand: `.venv/bin/python bench/bench_check.py`.

Measures the wall time of the real command (a fresh interpreter each time, as a pre-commit hook
runs it) on the bundled examples and on a generated spec of about 5,000 lines, and the in-process
compile time of the large spec. Prints a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HURDLEC = Path(sys.executable).parent / "hurdlec"
REPEATS = 7


def large_spec(lines: int = 5000) -> str:
    """A valid binary spec with many baselines, derived metrics and tiers, about `lines` long."""
    out = [
        'spec large "A generated spec for benchmarks" {',
        '  owner "bench"',
        "  task binary",
        "  data {",
        "    label y",
        "    score p",
        "    predict p >= 0.5",
        "    slice region",
        "  }",
    ]
    baselines = 40
    for b in range(baselines):
        out += [f'  baseline rule_{b} "Rule {b}" {{', f"    predict rule_{b}", "  }"]
    for m in range(100):
        out += [f'  metric value_{m} "Value {m}"', f"    = (tp * {m + 1} GBP - fp * 2 GBP) / n * 1000"]
    out.append("  hurdles at 95% confidence {")
    out.append("    require rows >= 1_000")
    tier = 0
    while len(out) < lines - 12:
        out.append(f'    tier t{tier} "Tier {tier}" {{')
        for c in range(10):
            b = (tier + c) % baselines
            level = max(0.01, 0.9 - tier * 0.001)
            out.append(f"      precision >= {level:.3f}")
            out.append(f"      f1 beats rule_{b} by {max(0.1, 20 - tier * 0.01):.2f} points")
            out.append(f"      value_{c} beats rule_{b} by {max(0.1, 30 - tier * 0.01):.2f}%")
            out.append(f"      recall >= rule_{b}.recall in every region")
        out.append("    }")
        tier += 1
    out += ['    otherwise keep "Keep the rules"', "  }", "}"]
    return "\n".join(out) + "\n"


def wall(args: list[str]) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
        if result.returncode not in (0, 1):
            raise SystemExit(f"{args} failed: {result.stderr}")
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "large.hurdle"
        big.write_text(large_spec())
        n_lines = len(big.read_text().splitlines())
        examples = sorted((ROOT / "specs" / "examples").glob("*.hurdle"))
        rows = [
            ("`python -c pass` (interpreter start alone)", wall([sys.executable, "-c", "pass"])),
            (
                f"`hurdlec check specs/examples` ({len(examples)} specs)",
                wall([str(HURDLEC), "check", "specs/examples"]),
            ),
            (f"`hurdlec check large.hurdle` ({n_lines:,} lines)", wall([str(HURDLEC), "check", str(big)])),
        ]
        sys.path.insert(0, str(ROOT))
        from hurdlelang.lang.compiler import compile_path

        compile_path(big)  # warm the parser cache
        times = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            result = compile_path(big)
            times.append(time.perf_counter() - start)
        assert result.ok, [d.message for d in result.diagnostics][:3]
        rows.append((f"in-process compile of large.hurdle ({n_lines:,} lines)", statistics.median(times)))
    print("| what | median wall time |")
    print("|---|---|")
    for what, seconds in rows:
        print(f"| {what} | {seconds * 1000:.0f} ms |")


if __name__ == "__main__":
    main()
