"""The server's analyses in-process: the name index against the source text, completion from the
parser state, example outcomes against `hurdlec test`, and W501 as docs/diagnostics.md shows it."""

from __future__ import annotations

import re

import pytest
from lark.exceptions import UnexpectedInput

from hurdlelang.judging.examples import run_examples
from hurdlelang.lang.compiler import compile_path
from hurdlelang.lang.fmt.verify import code_only
from hurdlelang.lang.parser import _parser
from hurdlelang.lsp.analysis import analyse
from hurdlelang.lsp.complete import complete
from tests.conftest import EXAMPLE_SPEC, EXAMPLES, ROOT, TEST_SPECS

SPECS = sorted(EXAMPLES.glob("*.hurdle")) + sorted(TEST_SPECS.glob("*.hurdle"))
TEXT = EXAMPLE_SPEC.read_text(encoding="utf-8")


def labels(text: str, needle: str, after: int | None = None) -> list[str]:
    offset = text.index(needle) + (len(needle) if after is None else after)
    made = analyse("t.hurdle", text, run_examples=False)
    return [c.label for c in complete(text, offset, made.index, text.count("\n", 0, offset) + 1)]


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_every_indexed_name_is_the_source_text_at_its_span(path):
    made = analyse(str(path), path.read_text(encoding="utf-8"), run_examples=False)
    assert made.index.occurrences
    for o in made.index.occurrences:
        assert made.source.span_text(o.span) in (o.name, f'"{o.name}"'), o
    for n in made.index.numbers:
        written = made.source.span_text(n.quantity.span).replace(" ", "")
        assert written.removesuffix("s") == n.quantity.text.replace(" ", "").removesuffix("s"), n  # 1 point(s)


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_every_use_of_a_declared_name_finds_its_definition(path):
    made = analyse(str(path), path.read_text(encoding="utf-8"), run_examples=False)
    declared = {(o.kind, o.name) for o in made.index.occurrences if o.definition}
    for o in made.index.occurrences:
        if o.kind in ("baseline", "tier", "slice") or (o.kind, o.name) in declared:
            target = made.index.definition(o)
            assert target is not None and target.name == o.name and target.kind == o.kind, o


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_example_outcomes_are_those_of_hurdlec_test(path):
    made = analyse(str(path), path.read_text(encoding="utf-8"))
    expected = [(r.example.name, r.got, r.passed) for r in run_examples(compile_path(path).specs)]
    assert [(e.name, e.got, e.passed) for e in made.examples] == expected


def test_completion_by_context():
    assert labels(TEXT, "  task  ") == ["binary", "multiclass", "regression", "ranking"]
    assert labels(TEXT, "recall >= as_is.recall in every ") == ["region"]
    assert labels(TEXT, "net_value beats ") == ["as_is", "q3_report"]
    assert labels(TEXT, "expect ") == ["rollout", "pilot", "keep_as_is"]
    given = labels(TEXT, "given as_is: ", after=len("given "))
    assert given[:2] == ["as_is", "q3_report"] and "precision" in given
    # the figures of a figure baseline, after its name and a dot
    assert labels(TEXT, "precision >= q3_report.") == ["precision"]


def test_completion_of_a_decision_at_a_volume():
    mailing = (EXAMPLES / "insurance_mailing.hurdle").read_text(encoding="utf-8")
    assert labels(mailing, "predict p_buy at the volume of ") == ["as_is"]
    at = mailing.index("predict p_buy at") + len("predict p_buy ")
    made = analyse("t.hurdle", mailing, run_examples=False)
    words = [c.label for c in complete(mailing, at, made.index, mailing.count("\n", 0, at) + 1)]
    assert {"top", "at"} <= set(words)
    assert "lift" in labels(mailing, "      lift", after=6)


def test_completion_of_a_period():
    text = TEXT.replace("  task  binary", "  task  binary\n  volume 4_000 customers per week", 1)
    text = text.replace("precision >= 0.33", "tp >= 100 per ", 1)
    assert labels(text, "tp >= 100 per ") == ["week"]


def test_completion_of_metrics_follows_the_task():
    regression = (EXAMPLES / "demand_forecast.hurdle").read_text(encoding="utf-8")
    found = labels(regression, "    otherwise", after=4)  # after a tier's closing brace: keywords only
    assert found == ["otherwise", "require", "tier"]
    metric_at = regression.index("require ") + len("require ")
    made = analyse("t.hurdle", regression, run_examples=False)
    names = [c.label for c in complete(regression, metric_at, made.index, regression.count("\n", 0, metric_at) + 1)]
    assert {"mae", "rmse", "bias", "rows"} <= set(names)
    assert not {"precision", "roc_auc", "ndcg"} & set(names)


def test_completion_after_a_syntax_error_earlier_in_the_file():
    broken = TEXT.replace('owner "marketing-analytics"', "owner marketing-analytics")  # not a string: E002
    assert [d.code for d in analyse("t.hurdle", broken).diagnostics] == ["E002"]
    assert labels(broken, "net_value beats ") == ["as_is", "q3_report"]


KEYWORDS = sorted(
    {t.pattern.value for t in _parser().terminals if t.pattern.type == "str" and t.pattern.value.isalpha()}
)


def _accepted(prefix: str, word: str) -> bool:
    """Does the parser take `word` right after `prefix` as a keyword (no error up to it, and not read as
    a name or a unit, as a word is where the grammar expects no keyword)?"""
    try:
        tokens = list(_parser().parse_interactive(prefix + word + " ").iter_parse())
    except UnexpectedInput:
        return False
    return tokens[-1].type not in ("NAME", "UNIT")


@pytest.mark.parametrize(
    "cursor",
    ["      precision ", "    tier pilot ", "    require rows >= 2_000\n    ", "  data {\n    label "],
    ids=["after a metric", "after a tier name", "after a guard", "in the data block"],
)
def test_the_keywords_offered_are_exactly_those_the_parser_takes_next(cursor):
    text = TEXT.replace("      precision >= 0.33\n", "      precision \n") if cursor == "      precision " else TEXT
    offset = text.index(cursor) + len(cursor)
    made = analyse("t.hurdle", text, run_examples=False)
    found = complete(text, offset, made.index, text.count("\n", 0, offset) + 1)
    offered = sorted(c.label for c in found if c.kind == "keyword")
    assert offered == [w for w in KEYWORDS if _accepted(text[:offset], w)]
    assert offered or cursor.endswith("label ")  # a column name comes after `label`, no keyword


def test_a_number_before_the_cursor_is_no_word_being_typed():
    # `2_000` ends in `_000`, which looks like a name: the cursor after it starts no word
    text = TEXT.replace("    require rows >= 2_000\n", "    require rows >= 2_000 \n")
    offset = text.index("require rows >= 2_000") + len("require rows >= 2_000")
    made = analyse("t.hurdle", text, run_examples=False)
    found = {c.label for c in complete(text, offset, made.index, text.count("\n", 0, offset) + 1)}
    assert {"in", "points"} <= found


def test_w501_is_documented_as_the_server_reports_it():
    text = TEXT.replace("given precision 0.36", "given precision 0.25")
    [d] = analyse("t.hurdle", text).diagnostics
    docs = (ROOT / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    assert f"{d.code} {d.message}\n  hint: {d.hint}\n" in docs
    assert "given precision 0.25, recall 0.70, net_value 7.0 GBP" in docs


@pytest.mark.parametrize("path", SPECS, ids=lambda p: p.name)
def test_references_of_a_built_in_metric_are_its_words_in_the_code(path):
    text = path.read_text(encoding="utf-8")
    made = analyse(str(path), text, run_examples=False)
    code = re.sub(r'"(?:[^"\\]|\\.)*"', lambda m: " " * len(m.group()), code_only(text))  # no strings either
    for name in ("precision", "recall", "rows", "mae", "hit_rate"):
        uses = [o for o in made.index.occurrences if o.kind == "metric" and o.name == name]
        if not uses:
            continue
        found = made.index.references(uses[0])
        words = [
            m.start()
            for m in re.finditer(rf"(?<!\w){name}\b", code)
            if not re.search(r"[0-9][ \t]+$", code[: m.start()])  # `from 1_200 rows` is the keyword
        ]
        assert len(found) == len(words), (name, found)


def test_figures_with_their_reported_interval_are_indexed_and_scoped():
    from tests.lsp.test_textmate import expected_scope, lexed, scopes_at, tokenize

    text = TEXT.replace(
        "    precision = 0.30 from 1_200 rows\n",
        "    precision = 0.30 from 1_200 rows\n"
        "    recall = 0.5 +- 0.05 at 90% confidence\n"
        "    f1 = 0.4 between 0.35 and 0.45\n",
    )
    made = analyse("t.hurdle", text, run_examples=False)
    assert made.result.ok, made.result.diagnostics
    roles = [(n.quantity.text, n.role) for n in made.index.numbers]
    for expected in [("0.05", "figure interval"), ("0.35", "figure interval"), ("0.45", "figure interval")]:
        assert expected in roles
    scoped = tokenize(text)
    for token in lexed(text):
        if token.type in ("PLUS_MINUS", "NUMBER"):
            want = expected_scope(token, None)
            assert any(s.startswith(want) for s in scopes_at(scoped, token.line, token.column - 1)), token
