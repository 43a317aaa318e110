"""A sample of the bad-data corpus (tests/data/test_bad_data.py) on the Spark engine: every case
gives the same exit code, first line (code, message, column), hint and example rows as the pandas
reader, and leaves no record. The differences are the parser's own words in D003, listed in
PARSER_WORDS. The sample (about a minute on a local session; the whole corpus passes too, in about
four, with HURDLE_SPARK_CORPUS=all): the first case of every code, every case about reading the file
(where the engines differ most), and every Parquet case."""

from __future__ import annotations

import os
import re

import pytest

from tests.data import test_bad_data as corpus

pytestmark = pytest.mark.spark

PARSER_WORDS = {
    "file-ragged-quoting": "{data}: D003 data file cannot be parsed as CSV: ",
}


def _on_spark(case: corpus.Case) -> corpus.Case:
    fields = dict(case.__dict__)
    if case.name in PARSER_WORDS:
        fields.update(first=PARSER_WORDS[case.name], prefix=PARSER_WORDS[case.name].endswith(": "))
    return corpus.Case(**fields)


def _sample() -> list[corpus.Case]:
    if os.environ.get("HURDLE_SPARK_CORPUS") == "all":
        return list(corpus.CASES)
    seen: set[str] = set()
    chosen = []
    for case in corpus.CASES:
        code = re.search(r"[A-Z]\d{3}", case.first).group(0)
        if code not in seen or case.name.startswith(("file-", "parquet-")):
            chosen.append(case)
        seen.add(code)
    return chosen


@pytest.mark.parametrize("case", [_on_spark(c).param() for c in _sample()])
def test_bad_data_on_spark(case, spark, tmp_path, monkeypatch):
    real = corpus._invoke
    monkeypatch.setattr(corpus, "_invoke", lambda args: real([*args, "--engine", "spark"]))
    corpus.test_bad_data(case, tmp_path)
