"""The bad-data corpus (tests/data/test_bad_data.py) on the DuckDB engine: every case gives the same
exit code, the same first line (code, message, column), the same hint and the same example rows as
the pandas reader, and leaves no record. The only differences are the parser's own words in D003
(and one D002), listed in PARSER_WORDS with what DuckDB says instead. (A file that is not UTF-8 is
found by data/sniff.py before either reader, so both say the same.)"""

from __future__ import annotations

import pytest

from tests.data import test_bad_data as corpus

PARSER_WORDS = {
    "file-ragged-quoting": "{data}: D003 data file cannot be parsed as CSV: ",
}


def _on_duckdb(case: corpus.Case) -> corpus.Case:
    fields = dict(case.__dict__)
    if case.name in PARSER_WORDS:
        fields.update(first=PARSER_WORDS[case.name], prefix=PARSER_WORDS[case.name].endswith(": "))
    return corpus.Case(**fields)


@pytest.mark.parametrize("case", [_on_duckdb(c).param() for c in corpus.CASES])
def test_bad_data_on_duckdb(case, tmp_path, monkeypatch):
    real = corpus._invoke
    monkeypatch.setattr(corpus, "_invoke", lambda args: real([*args, "--engine", "duckdb"]))
    corpus.test_bad_data(case, tmp_path)
