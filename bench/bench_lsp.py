"""How fast does `hurdlec lsp` answer on a large spec? Run by hand: `.venv/bin/python bench/bench_lsp.py`.

Starts the real server (`python -m hurdlelang lsp`) and talks to it over stdio as an editor does,
on the generated spec of about 5,000 lines of bench_check.py. With the debounce set to 0, it times,
from the moment the change is written to the pipe until the diagnostics of that version arrive:
a one-character change of a threshold (clean file), and a change that makes a typo (one E101).
Then a hover on a metric, completion after `rule_0.` and completion of a keyword at the end of
the file, and formatting. Each is the median of REPEATS. The floor, in the same run and process
kind: parsing the same text in-process with the compiler's parser (stage 1 alone), and compiling
it (parse, AST, checks). Prints a Markdown table for docs/performance.md.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_check import large_spec  # noqa: E402
from hurdlelang.core.source import Source  # noqa: E402
from hurdlelang.lang.compiler import compile_source  # noqa: E402
from hurdlelang.lang.parser import parse  # noqa: E402
from tests.lsp.client import Client  # noqa: E402

REPEATS = 7


def median_time(action) -> float:
    times = []
    for i in range(REPEATS):
        start = time.perf_counter()
        action(i)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def position(text: str, needle: str, after: int = 0) -> dict:
    offset = text.index(needle) + after
    return {"line": text.count("\n", 0, offset), "character": offset - (text.rfind("\n", 0, offset) + 1)}


def main() -> None:
    text = large_spec()
    n_lines = len(text.splitlines())
    parse_s = median_time(lambda i: parse(Source("large.hurdle", text)))
    compile_s = median_time(lambda i: compile_source(Source("large.hurdle", text)))

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "large.hurdle"
        path.write_text(text)
        client = Client(sys.executable, "-m", "hurdlelang", "lsp", cwd=ROOT)
        client.initialize(Path(tmp), {"debounceSeconds": 0})
        uri = client.open(path, text)
        assert client.diagnostics(uri, version=1) == []
        version = 1
        where = position(text, "precision >= 0.900", 17)  # the last digit of the first tier's level
        digit = {"start": where, "end": {**where, "character": where["character"] + 1}}

        def change(new: str, expect: int):
            nonlocal version
            version += 1
            client.change(uri, version, [{"range": digit, "text": new}])
            found = client.diagnostics(uri, version=version)
            assert len(found) == expect, [d["code"] for d in found][:5]

        clean_s = median_time(lambda i: change(str(i % 9 + 1), 0))  # 0.901 ... 0.909: still the highest
        word = position(text, "precision >= 0.9", 0)
        typo_range = {"start": word, "end": {**word, "character": word["character"] + 9}}

        def typo(i: int):
            nonlocal version
            version += 1
            client.change(uri, version, [{"range": typo_range, "text": "precisoin"}])
            assert [d["code"] for d in client.diagnostics(uri, version=version)] == ["E101"]
            version += 1
            client.change(uri, version, [{"range": typo_range, "text": "precision"}])
            client.diagnostics(uri, version=version)

        typo_s = median_time(typo) / 2  # a typo and its fix: two compiles per repeat

        current = path.read_text()  # the server's text is the original again after each fix
        doc = {"textDocument": {"uri": uri}}
        hover_s = median_time(
            lambda i: client.request("textDocument/hover", {**doc, "position": position(current, "recall >=", 2)})
        )
        end = {"line": n_lines - 3, "character": 4}  # before `otherwise`, inside hurdles
        complete_kw_s = median_time(lambda i: client.request("textDocument/completion", {**doc, "position": end}))
        format_s = median_time(
            lambda i: client.request(
                "textDocument/formatting", {**doc, "options": {"tabSize": 2, "insertSpaces": True}}
            )
        )
        client.close()

    rows = [
        (f"parse large.hurdle in-process ({n_lines:,} lines): the floor", parse_s),
        ("compile large.hurdle in-process (parse, AST, checks)", compile_s),
        ("**diagnostics after a change** (one digit of a threshold), to their arrival", clean_s),
        ("diagnostics after a change that makes a typo (one E101)", typo_s),
        ("hover on a metric (the analysis of that version is cached)", hover_s),
        ("completion of keywords at the end of the file (parses the prefix)", complete_kw_s),
        ("formatting (print, then verify: two parses, two compiles)", format_s),
    ]
    print(f"| what ({n_lines:,}-line spec, median of {REPEATS}) | seconds | ratio to parsing |")
    print("|---|---:|---:|")
    for what, seconds in rows:
        print(f"| {what} | {seconds:.3g} | {seconds / parse_s:.3g} |")


if __name__ == "__main__":
    main()
