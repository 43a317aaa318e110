"""`hurdlec fmt`: the canonical layout of docs/fmt.md, comments kept, meaning unchanged.

- every bundled example, test spec and golden bad spec that parses: fmt is idempotent and the
  formatted text compiles to the same specs and diagnostics;
- a corpus under tests/corpus/fmt/ (NAME.hurdle -> NAME.expected, exactly), with comments in awkward places;
- a property test over random valid specs with random layout and comments;
- the command's modes (print, --check, --write, --diff), its exit codes, and its refusal to write
  output that does not mean what the input meant.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from hurdlelang.cli.fmt import fmt
from hurdlelang.core.source import Source
from hurdlelang.lang.compiler import compile_source
from hurdlelang.lang.fmt import verify as formatter
from tests.conftest import CORPUS, ROOT

FMT_CORPUS = CORPUS / "fmt"
EXAMPLES = sorted((ROOT / "specs" / "examples").glob("*.hurdle"))
TEST_SPECS = sorted((CORPUS / "specs").glob("*.hurdle"))
GOLDEN = sorted((CORPUS / "check").glob("*.hurdle"))
CASES = sorted(FMT_CORPUS.glob("*.hurdle"))


def run(*args, **kwargs):
    return CliRunner().invoke(fmt, [str(a) for a in args], catch_exceptions=False, **kwargs)


def formatted(text: str, tmp_path: Path, name: str = "spec.hurdle") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    result = run(path)
    assert result.exit_code == 0, result.stderr
    return result.stdout


# ---- what "the same meaning" is, written independently of hurdlelang/lang/fmt/verify.py ----

_STRING_OR_COMMENT = re.compile(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*|[\f\r]')


def _without_comments(text: str) -> str:
    return _STRING_OR_COMMENT.sub(lambda m: m.group() if m.group().startswith('"') else " " * len(m.group()), text)


def _comments(text: str) -> list[str]:
    return [m.group().rstrip() for m in _STRING_OR_COMMENT.finditer(text.replace("\r\n", "\n")) if m.group()[0] == "#"]


def _normal(value, key=None):
    if isinstance(value, dict):
        return {k: _normal(v, k) for k, v in value.items() if k not in ("span", "source", "line")}
    if isinstance(value, list):
        return [_normal(v) for v in value]
    return re.sub(r"\s+", "", value) if key in ("text", "message") else value


def meaning(text: str) -> tuple:
    """The specs (no positions, source hash, or whitespace in source texts and warnings) and diagnostics."""
    result = compile_source(Source("spec.hurdle", _without_comments(text)))
    specs = [_normal(s.model_dump()) for s in result.specs]
    return specs, sorted((d.code, re.sub(r"\s+", "", d.message)) for d in result.diagnostics)


def assert_faithful(before: str, after: str, tmp_path: Path) -> None:
    assert meaning(after) == meaning(before)
    assert _comments(after) == _comments(before), "every comment kept, in order"
    assert formatted(after, tmp_path, "again.hurdle") == after, "fmt(fmt(x)) == fmt(x)"


# ---- bundled specs ----


def _parses(path: Path) -> bool:
    try:
        source = Source.read(path)
        result = compile_source(source)
    except Exception:  # noqa: BLE001 - a file the compiler itself fails on is left to its own test
        return False
    return not any(d.code.startswith("E0") for d in result.diagnostics)


@pytest.mark.parametrize("path", EXAMPLES + TEST_SPECS, ids=lambda p: p.name)
def test_bundled_specs(path: Path, tmp_path: Path):
    text = path.read_text(encoding="utf-8")
    assert compile_source(Source(str(path), text)).ok
    assert_faithful(text, formatted(text, tmp_path), tmp_path)


def test_examples_are_already_canonical():
    result = run("--check", *EXAMPLES)
    assert (result.exit_code, result.stdout) == (0, "")


@pytest.mark.parametrize("path", [p for p in GOLDEN if _parses(p)], ids=lambda p: p.name)
def test_golden_specs_that_parse(path: Path, tmp_path: Path):
    text = path.read_text(encoding="utf-8")
    assert_faithful(text, formatted(text, tmp_path), tmp_path)


@pytest.mark.parametrize("path", [p for p in GOLDEN if not _parses(p)], ids=lambda p: p.name)
def test_golden_specs_with_syntax_errors_are_not_formatted(path: Path, tmp_path: Path):
    copy = tmp_path / path.name
    copy.write_bytes(path.read_bytes())
    result = run("-w", copy)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert str(copy) in result.stderr
    assert copy.read_bytes() == path.read_bytes()


# ---- the corpus: exact expected output ----


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_corpus(case: Path, tmp_path: Path):
    text = case.read_text(encoding="utf-8")
    expected = case.with_suffix(".expected").read_text(encoding="utf-8")
    result = run(case)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == expected
    assert_faithful(text, expected, tmp_path)


def test_corpus_is_complete():
    assert len(CASES) >= 5
    assert {p.stem for p in FMT_CORPUS.glob("*.expected")} == {p.stem for p in CASES}


def test_crlf_tabs_and_form_feeds(tmp_path: Path):
    text = (CORPUS / "specs" / "simple.hurdle").read_text(encoding="utf-8")
    messy = text.replace("\n", "\r\n").replace("  ", "\t").replace("\r\n\r\n", "\r\n\f\r\n")
    out = formatted(messy, tmp_path)
    assert out == text
    assert_faithful(messy, out, tmp_path)


def test_blank_file_and_doc_example(tmp_path: Path):
    assert formatted("\n \n\t\n", tmp_path) == ""
    doc = (ROOT / "docs" / "fmt.md").read_text(encoding="utf-8")
    example = re.search(r"```\n(# Retargeting.*?)```", doc, re.S).group(1)
    assert formatted(example, tmp_path) == example, "docs/fmt.md shows the canonical layout"


# ---- random specs ----

WORD = st.from_regex(r"[a-z][a-z0-9]{0,5}", fullmatch=True)
COMMENT = st.builds(
    lambda text: "#" + text,
    st.text(st.sampled_from(list("abc xyz{}\"'#=%:;.,()-_0123456789é→")), max_size=20),
)


def _proportion(draw) -> str:
    """A level for a 0-1 metric: `0.35`, `35%`."""
    percent = draw(st.integers(1, 60))
    return draw(st.sampled_from([f"{percent}%", f"{percent / 100:.2f}"]))


def _count(draw) -> str:
    value = draw(st.integers(1, 20_000))
    return draw(st.sampled_from([str(value), f"{value:_}"]))


@st.composite
def condition(draw, ctx: dict, depth: int = 0) -> list[str]:
    shape = draw(st.sampled_from(["leaf"] * 4 + (["and", "or", "not", "paren"] if depth < 2 else [])))
    if shape in ("and", "or"):
        return [*draw(condition(ctx, depth + 1)), shape, *draw(condition(ctx, depth + 1))]
    if shape == "not":
        return ["not", *draw(condition(ctx, depth + 1))]
    if shape == "paren":
        return ["(", *draw(condition(ctx, depth + 1)), ")"]
    base = ctx["baseline"]
    metric = draw(st.sampled_from(["precision", "recall", "f1", "accuracy", "roc_auc", *ctx["metrics"]]))
    derived = metric in ctx["metrics"]
    kind = draw(st.sampled_from(["level", "beats", "no_worse", "against"]))
    if kind == "level":
        level = f"{draw(st.integers(0, 40))} GBP" if derived else _proportion(draw)
        pieces = [metric, draw(st.sampled_from([">=", ">"])), level]
    elif kind == "against":
        pieces = [metric, ">=", base, ".", metric]
    else:
        pieces = [metric, "beats"] if kind == "beats" else [metric, "no", "worse", "than"]
        pieces.append(base)
        margins = [None, f"{draw(st.integers(1, 30))}%", f"{draw(st.integers(1, 90))} GBP" if derived else "5 points"]
        if kind == "no_worse" and not derived:
            margins.append("1 point")
        margin = draw(st.sampled_from(margins))
        pieces += ["by", margin] if margin else []
    if ctx["slice"] and draw(st.booleans()):
        pieces += draw(st.sampled_from([["in", "every", ctx["slice"]], ["in", ctx["slice"], "=", '"app"']]))
    if draw(st.integers(0, 5)) == 0:
        pieces += ["at", "99", "%", "confidence"]
    return pieces


@st.composite
def money(draw) -> list[str]:
    """A derived metric's expression, in GBP."""
    terms = []
    for _ in range(draw(st.integers(1, 3))):
        count, price = draw(st.sampled_from(["tp", "fp", "tn", "fn"])), f"{draw(st.integers(1, 500))} GBP"
        term = [count, "*", price] if draw(st.booleans()) else [price, "*", count]
        terms.append(["-", *term] if draw(st.integers(0, 4)) == 0 else term)
    expr = terms[0]
    for term in terms[1:]:
        expr += [draw(st.sampled_from(["+", "-"])), *term]
    if draw(st.booleans()):
        expr = ["(", *expr, ")", "/", "n", "*", _count(draw)]
    return expr


@st.composite
def spec(draw) -> list[tuple[int, list[str]]]:
    """A valid binary spec, as (depth, pieces) statements.

    A piece is a token, or a number with the word that must stay on its line (`38 GBP`, `12 rows`)."""
    name = "s_" + draw(WORD)
    region = "c_" + draw(WORD) if draw(st.booleans()) else None
    ctx = {"baseline": "b_" + draw(WORD), "slice": region, "metrics": []}
    out = [(0, ["spec", name, *draw(st.sampled_from([[], ['"A title"']])), "{"])]
    out += [(1, ["owner", '"team"']), (1, ["task", "binary"])]
    monthly = draw(st.booleans())
    if monthly:
        out.append((1, ["volume", f"{_count(draw)} customers", "per", "month"]))
    if draw(st.booleans()):
        out.append((1, ["description", '"first"', *draw(st.sampled_from([[], ['"second"']]))]))
    out += [(1, ["data", "{"]), (2, ["label", "c_label"]), (2, ["score", "c_p"])]
    high, low = draw(st.integers(5, 9)), draw(st.integers(1, 4))
    decisions = [
        ["c_p", draw(st.sampled_from([">=", ">"])), f"0.{draw(st.integers(1, 9))}"],
        ["c_p", "top", draw(st.sampled_from([f"{draw(st.integers(1, 60))}%", _count(draw)]))],  # at a volume
        ["c_p", "at", "the", "volume", "of", ctx["baseline"]],
        [
            "c_p",
            ">=",
            f"0.{high}",
            "as",
            "block",
            ",",
            "c_p",
            "<",
            f"0.{low}",
            "as",
            "allow",
            ",",
            "otherwise",
            "review",
        ],
    ]
    out.append((2, ["predict", *draw(st.sampled_from(decisions))]))
    if region:
        out.append((2, ["slice", region, *draw(st.sampled_from([[], [",", '"sales region"']]))]))
    if draw(st.booleans()):
        out.append((2, ["missing", draw(st.sampled_from(["drop", "error"]))]))
    out += [(1, ["}"]), (1, ["baseline", ctx["baseline"], '"As is"', "{"]), (2, ["predict", "c_rule"]), (1, ["}"])]
    if draw(st.booleans()):
        rows = draw(st.sampled_from([[], ["from", f"{_count(draw)} rows"]]))
        out += [(1, ["baseline", "b_figures", "{"]), (2, ["precision", "=", _proportion(draw), *rows]), (1, ["}"])]
    for i in range(draw(st.integers(0, 2))):
        metric = f"m_{i}_" + draw(WORD)
        ctx["metrics"].append(metric)
        out.append((1, ["metric", metric, *draw(st.sampled_from([[], ['"Value"']])), "=", *draw(money())]))
    confidence = draw(st.sampled_from([[], ["at", "95", "%", "confidence"]]))
    out.append((1, ["hurdles", *confidence, "{"]))
    if draw(st.booleans()):
        out.append((2, ["require", "rows", ">=", _count(draw)]))
    if draw(st.booleans()):
        out.append((2, ["require", "positive_rate", "between", "1%", "and", f"{draw(st.integers(2, 60))}%"]))
    tiers = [f"t{i}_" + draw(WORD) for i in range(draw(st.integers(1, 3)))]
    for tier in tiers:
        out.append((2, ["tier", tier, *draw(st.sampled_from([[], ['"Ship"']])), "{"]))
        out += [(3, draw(condition(ctx))) for _ in range(draw(st.integers(1, 3)))]
        if monthly and draw(st.booleans()):  # a total judged per period
            out.append((3, ["tp", draw(st.sampled_from([">=", ">"])), _count(draw), "per", "month"]))
        out.append((2, ["}"]))
    out += [(2, ["otherwise", "keep", *draw(st.sampled_from([[], ['"Keep"']]))]), (1, ["}"])]
    if draw(st.booleans()):
        values = ["given", "precision", _proportion(draw), ",", "recall", f"0.{draw(st.integers(1, 9))}"]
        values += [x for m in ctx["metrics"] for x in (",", m, f"{draw(st.integers(-9, 9))} GBP")]
        out += [(1, ["example", '"one"', "{"]), (2, values), (2, ["expect", "keep"]), (1, ["}"])]
    return [*out, (0, ["}"])]


STARTS_WITH_KEYWORD = {"label", "score", "predict", "slice", "missing", "require", "tier", "otherwise", "given"}


@st.composite
def layout(draw, statements: list[tuple[int, list[str]]]) -> str:
    """Random whitespace, line breaks inside statements, comments at line ends and between lines."""

    def gap() -> str:
        return draw(st.sampled_from([" ", " ", "  ", "\t", "\n      ", f" {draw(COMMENT)}\n   "]))

    text = ""
    for depth, pieces in statements:
        joined = text and not text.endswith("\n") and (pieces[0] in STARTS_WITH_KEYWORD or pieces[0] == "}")
        if not (joined and draw(st.booleans())):
            if text:
                text += draw(st.sampled_from(["", f" {draw(COMMENT)}"])) + "\n"
            for _ in range(draw(st.integers(0, 2))):
                text += draw(st.sampled_from(["\n", f"{draw(COMMENT)}\n", f"   {draw(COMMENT)}\n"]))
            text += draw(st.sampled_from(["  " * depth, "", "\t" * depth, " "]))
        else:
            text += " "
        for i, piece in enumerate(pieces):
            spaced = piece if piece.startswith('"') else piece.replace(" ", draw(st.sampled_from([" ", "  ", "\t"])))
            text += (gap() if i else "") + spaced
    return text + draw(st.sampled_from(["", "\n", f"\n{draw(COMMENT)}\n", "\n\n\n"]))


@st.composite
def spec_file(draw) -> str:
    return draw(layout(draw(spec())))


# Derandomized, so CI sees the same files on every run. No shrinking: each example costs ~60 ms, and
# shrinking a failure took minutes; a failure prints the generated file as it was found.
@pytest.mark.slow
@settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(text=spec_file())
def test_random_specs(text: str, tmp_path: Path):
    assert compile_source(Source("spec.hurdle", text)).ok, "the generator writes valid specs"
    assert_faithful(text, formatted(text, tmp_path), tmp_path)


# ---- the command ----


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    path = tmp_path / "specs" / "messy.hurdle"
    path.parent.mkdir()
    path.write_text((FMT_CORPUS / "messy_layout.hurdle").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "specs" / "nested").mkdir()
    (tmp_path / "specs" / "nested" / "clean.hurdle").write_text(EXAMPLES[0].read_text(encoding="utf-8"))
    return path


def test_check_lists_files_that_would_change(messy: Path):
    before = messy.read_text()
    result = run("--check", messy.parent)
    assert (result.exit_code, result.stdout) == (1, f"{messy}\n")
    assert messy.read_text() == before


def test_write_rewrites_in_place_and_lists_the_files_changed(messy: Path):
    messy.chmod(0o640)
    result = run("-w", messy.parent)
    assert (result.exit_code, result.stdout) == (0, f"{messy}\n")
    assert messy.read_text() == (FMT_CORPUS / "messy_layout.expected").read_text()
    assert stat.S_IMODE(messy.stat().st_mode) == 0o640
    assert sorted(p.name for p in messy.parent.iterdir()) == ["messy.hurdle", "nested"], "no temp file left"
    again = run("--write", messy.parent)
    assert (again.exit_code, again.stdout) == (0, "")
    assert run("--check", messy.parent).exit_code == 0


def test_diff(messy: Path):
    result = run("--diff", messy)
    assert result.exit_code == 0
    assert result.stdout.startswith(f"--- {messy}\n+++ {messy}\n@@ ")
    assert (
        '-      tier review "Review" { recall beats rules } otherwise keep_rules "Keep the rules"}\n' in result.stdout
    )
    assert '+    otherwise keep_rules "Keep the rules"\n' in result.stdout
    assert run("--diff", "--check", messy).exit_code == 1
    clean = messy.parent / "nested" / "clean.hurdle"
    assert run("--diff", clean).stdout == ""


def test_several_files_are_printed_with_headers(messy: Path):
    clean = messy.parent / "nested" / "clean.hurdle"
    result = run(messy, clean)
    assert result.exit_code == 0
    expected = (FMT_CORPUS / "messy_layout.expected").read_text()
    assert result.stdout == f"==> {messy} <==\n{expected}\n==> {clean} <==\n{clean.read_text()}"


def test_usage_errors(tmp_path: Path, messy: Path):
    assert run().exit_code == 2
    assert run(tmp_path / "missing.hurdle").exit_code == 2
    assert run("-w", "--check", messy).exit_code == 2
    (tmp_path / "empty").mkdir()
    assert run(tmp_path / "empty").exit_code == 2


def test_syntax_errors_are_reported_and_nothing_is_written(tmp_path: Path, messy: Path):
    broken = tmp_path / "broken.hurdle"
    broken.write_text('spec x "t" {\n  owner marketing\n}\n')
    result = run("-w", broken, messy)
    assert result.exit_code == 1
    assert "broken.hurdle:2:9: E002" in result.stderr
    assert f"{broken}: not formatted" in result.stderr
    assert broken.read_text() == 'spec x "t" {\n  owner marketing\n}\n'
    assert result.stdout == f"{messy}\n", "the other files are still formatted"


def test_unreadable_file(tmp_path: Path):
    path = tmp_path / "latin1.hurdle"
    path.write_bytes(b'# \xa3\nspec x "t" {\n}\n')
    result = run(path)
    assert result.exit_code == 1
    assert "E004" in result.stderr


def _dropping(line_text: str):
    real = formatter.render

    def broken(*args):
        return "".join(line for line in real(*args).splitlines(keepends=True) if line_text not in line)

    return broken


@pytest.mark.parametrize(
    ("dropped", "reason"),
    [
        ("precision >= 0.40", "different syntax tree"),
        ("# ground truth", "comment"),
        ("otherwise keep_as_is", "different syntax tree"),
    ],
)
def test_refuses_to_write_output_that_changes_the_meaning(tmp_path, monkeypatch, dropped, reason):
    path = tmp_path / "simple.hurdle"
    original = (CORPUS / "specs" / "simple.hurdle").read_text().replace("task  binary", "task binary")
    path.write_text(original)
    monkeypatch.setattr(formatter, "render", _dropping(dropped))
    for args in (["-w", path], ["--check", path], [path]):
        result = run(*args)
        assert result.exit_code == 1
        assert f"{path}: refusing to format" in result.stderr
        assert reason in result.stderr
        assert result.stdout == ""
    assert path.read_text() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["simple.hurdle"]


def test_a_warning_that_quotes_a_condition_does_not_block_formatting(tmp_path):
    """W304 quotes both conditions' text; the layout changes its spacing, not its meaning."""
    text = (
        'spec s "A title" {\n  owner "team"\n  task binary\n  data {\n    label y\n    score p\n'
        "    predict p > 0.6\n  }\n  baseline b { predict rule }\n  hurdles {\n"
        "    tier a {\n      f1  no worse than b by 18% at 99  % confidence\n    }\n"
        "    tier c {\n      f1 no worse  than b by 2% at 99  % confidence\n    }\n"
        "    otherwise keep\n  }\n}\n"
    )
    out = formatted(text, tmp_path)
    assert "f1 no worse than b by 2% at 99% confidence" in out
