"""docs/diagnostics.md documents every diagnostic code of the catalogue, and no other."""

from __future__ import annotations

import re

import pytest

from hurdlelang.core.diagnostics import CATALOGUE
from tests.conftest import ROOT
from tests.lang.test_golden import GOLDEN, KNOWN_BUGS

DOCS = ROOT / "docs" / "diagnostics.md"
CODE = re.compile(r"\b[EWDORPVMA]\d{3}\b")
SECTION = re.compile(r"^## ([EWDORPVMA]\d{3}) (.+)$", re.MULTILINE)
# "`hurdlec check NAME` ([the whole file](../tests/corpus/check/NAME)):" then the output, verbatim
GOLDEN_OUTPUT = re.compile(
    r"`hurdlec check (?P<name>\S+\.hurdle)` \(\[the whole file\]\(\.\./tests/corpus/check/(?P=name)\)\):\n\n"
    r"```text\n(?P<output>.*?)```",
    re.DOTALL,
)


@pytest.fixture(scope="module")
def docs() -> str:
    return DOCS.read_text(encoding="utf-8")


def test_every_code_has_a_section(docs):
    sections = dict(SECTION.findall(docs))
    assert [code for code in CATALOGUE if code not in sections] == []


def test_sections_are_titled_as_in_the_catalogue(docs):
    for code, title in SECTION.findall(docs):
        assert code in CATALOGUE, code
        assert title == CATALOGUE[code][1], code


def test_sections_follow_the_catalogue_order_once_each(docs):
    assert [code for code, _ in SECTION.findall(docs)] == list(CATALOGUE)


def test_docs_mention_only_catalogue_codes(docs):
    assert sorted(set(CODE.findall(docs)) - set(CATALOGUE)) == []


def test_outputs_quoted_from_the_golden_corpus_are_current(docs):
    quoted = list(GOLDEN_OUTPUT.finditer(docs))
    assert len(quoted) >= 40
    for match in quoted:
        name = match["name"]
        assert name not in KNOWN_BUGS, f"{name}: quote a golden file whose output is right"
        expected = (GOLDEN / name.replace(".hurdle", ".expected")).read_text(encoding="utf-8")
        assert match["output"] == expected, name


def test_every_code_has_one_named_constant_and_every_constant_is_in_the_catalogue():
    from hurdlelang.core import codes
    from hurdlelang.core.diagnostics import CATALOGUE

    named = {value: name for name, value in vars(codes).items() if name.isupper()}
    assert len(named) == len([n for n in vars(codes) if n.isupper()]), "two names for one code"
    assert set(named) == set(CATALOGUE)


def test_no_bare_code_literal_outside_the_catalogue():
    """Code that reports a problem names it (codes.UNKNOWN_METRIC), never a bare "E101"."""
    import re

    bare = re.compile(r'"[EWDORPVMA]\d{3}"')
    for path in (ROOT / "hurdlelang").rglob("*.py"):
        if path.name in ("codes.py", "diagnostics.py") and path.parent.name == "core":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not bare.search(line), f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
