"""`hurdlec lsp` driven as an editor drives it: the real process, JSON-RPC over its stdin and stdout."""

from __future__ import annotations

import subprocess
import sys

import pytest

from hurdlelang.lang.fmt.verify import format_text
from tests.conftest import EXAMPLE_SPEC, EXAMPLES, ROOT, TEST_SPECS
from tests.lsp.client import Client, apply_edits

SPEC_TEXT = EXAMPLE_SPEC.read_text(encoding="utf-8")
TYPO = SPEC_TEXT.replace("precision >= 0.33", "precison >= 0.33")


def position(text: str, needle: str, after: int = 0) -> dict:
    """The LSP position of the first `needle` in an ASCII text (plus `after` characters)."""
    offset = text.index(needle) + after
    line = text.count("\n", 0, offset)
    return {"line": line, "character": offset - (text.rfind("\n", 0, offset) + 1)}


def doc(uri: str) -> dict:
    return {"textDocument": {"uri": uri}}


@pytest.fixture(scope="module")
def server():
    client = Client(sys.executable, "-m", "hurdlelang", "lsp", cwd=ROOT)
    capabilities = client.initialize(ROOT, {"debounceSeconds": 0})["capabilities"]
    client.capabilities = capabilities
    yield client
    assert client.close() == 0


def test_initialize_announces_the_features(server):
    caps = server.capabilities
    for feature in (
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "documentSymbolProvider",
        "documentFormattingProvider",
        "codeActionProvider",
        "codeLensProvider",
    ):
        assert caps[feature], feature
    assert "." in caps["completionProvider"]["triggerCharacters"]
    assert caps["textDocumentSync"]["change"] == 1  # full: see test_a_form_feed_in_a_comment_shifts_no_edit


def test_typo_gives_E101_on_the_word_and_the_quick_fix_repairs_it(server, tmp_path):
    uri = server.open(tmp_path / "typo.hurdle", TYPO)
    [found] = server.diagnostics(uri)
    start = position(TYPO, "precison >=")
    assert found["code"] == "E101"
    assert found["source"] == "hurdlec"
    assert found["severity"] == 1
    assert found["range"] == {"start": start, "end": {"line": start["line"], "character": start["character"] + 8}}
    assert found["message"] == "unknown metric 'precison'\nhint: did you mean 'precision'?"

    [action] = server.request(
        "textDocument/codeAction", {**doc(uri), "range": found["range"], "context": {"diagnostics": [found]}}
    )
    assert action["kind"] == "quickfix"
    assert action["title"] == "Replace with 'precision'"
    fixed = apply_edits(TYPO, action["edit"]["changes"][uri])
    assert fixed == SPEC_TEXT

    # the editor applies the edit and sends the change
    server.change(uri, 2, [{"range": found["range"], "text": "precision"}])
    assert server.diagnostics(uri, version=2) == []


def test_hover_on_a_built_in_metric_gives_its_definition(server, tmp_path):
    uri = server.open(tmp_path / "hover.hurdle", SPEC_TEXT)
    server.diagnostics(uri)
    result = server.request("textDocument/hover", {**doc(uri), "position": position(SPEC_TEXT, "precision >= 0.33", 3)})
    text = result["contents"]["value"]
    assert result["contents"]["kind"] == "markdown"
    assert text.startswith("**precision** (built-in metric): share of predicted positives that are positive")
    for fact in (
        "tasks: binary",
        "range: 0 to 1",
        "higher is better",
        "unit: a pure number",
        "computed from: decisions",
    ):
        assert fact in text
    start = position(SPEC_TEXT, "precision >= 0.33")
    assert result["range"]["start"] == start


def test_hover_on_baseline_tier_number_and_keyword(server, tmp_path):
    uri = server.open(tmp_path / "hover2.hurdle", SPEC_TEXT)
    server.diagnostics(uri)

    def hover(needle, after=0):
        result = server.request("textDocument/hover", {**doc(uri), "position": position(SPEC_TEXT, needle, after)})
        return result["contents"]["value"] if result else None

    assert hover("net_value beats as_is\n", 17) == (
        '**as_is** (baseline): "30-day recency rule run by the CRM today"\n\n'
        "- kind: a column of the same data, paired row by row with the candidate"
    )
    tier = hover("expect pilot", 8)
    assert tier.startswith("**pilot** (tier 2 of 2, best first)")
    assert "- action: One-region pilot for a month" in tier
    assert "- `precision >= q3_report.precision`" in tier
    assert hover("by 20%", 4).startswith("`20%`: 20%: relative, 0.2 of the baseline's value")
    assert hover("1_200 rows", 1).startswith("`1_200`: 1200, a pure number")
    assert hover("tp * 38 GBP", 5).startswith("`38 GBP`: 38 in GBP")
    assert "non-inferiority" in hover("beats as_is by", 1) or "strictly better" in hover("beats as_is by", 1)
    assert hover("# report, and gate", 10) is None  # a keyword in a comment means nothing
    assert hover('"Q3 business review"', 1) is None  # nor in a string
    assert hover("net_value beats as_is by", 3).startswith("**net_value** (derived metric)")
    assert "- unit: GBP" in hover("net_value beats as_is by", 3)


def test_completion_after_a_baseline_and_a_dot(server, tmp_path):
    text = SPEC_TEXT.replace("recall >= as_is.recall in every region", "recall >= as_is.")
    uri = server.open(tmp_path / "complete.hurdle", text)
    server.diagnostics(uri)
    result = server.request(
        "textDocument/completion",
        {**doc(uri), "position": position(text, "as_is.\n", 6), "context": {"triggerKind": 2, "triggerCharacter": "."}},
    )
    labels = {item["label"] for item in result["items"]}
    assert {"recall", "precision", "net_value", "roc_auc"} <= labels
    assert not labels & {"mae", "ndcg", "top_k_accuracy", "as_is", "tier"}  # other tasks' metrics, non-metrics


def test_completion_of_keywords_from_the_parser_state(server, tmp_path):
    text = SPEC_TEXT.replace("    tier pilot", "    \n    tier pilot")
    uri = server.open(tmp_path / "keywords.hurdle", text)
    server.diagnostics(uri)
    where = position(text, "    \n    tier pilot", 4)
    result = server.request("textDocument/completion", {**doc(uri), "position": where})
    assert {item["label"] for item in result["items"]} == {"require", "tier", "otherwise"}
    assert all(item["kind"] == 14 for item in result["items"])  # CompletionItemKind.Keyword


def test_format_through_hurdlec_fmt(server, tmp_path):
    messy = SPEC_TEXT.replace('  owner "marketing-analytics"', 'owner      "marketing-analytics"').replace(
        "    tier pilot", "            tier pilot"
    )
    assert messy != SPEC_TEXT
    uri = server.open(tmp_path / "messy.hurdle", messy)
    server.diagnostics(uri)
    edits = server.request("textDocument/formatting", {**doc(uri), "options": {"tabSize": 2, "insertSpaces": True}})
    assert apply_edits(messy, edits) == format_text(messy) == SPEC_TEXT


def test_format_refuses_a_file_with_syntax_errors(server, tmp_path):
    broken = SPEC_TEXT.replace("precision >= 0.33", "precision >= ")
    uri = server.open(tmp_path / "broken.hurdle", broken)
    assert [d["code"] for d in server.diagnostics(uri)] == ["E002"]
    edits = server.request("textDocument/formatting", {**doc(uri), "options": {"tabSize": 2, "insertSpaces": True}})
    assert edits is None
    note = server.wait_for("window/showMessage", lambda p: "hurdlec fmt" in p["message"])
    assert note["message"] == "hurdlec fmt: the file has syntax errors"


def test_go_to_definition_and_find_references(server, tmp_path):
    uri = server.open(tmp_path / "nav.hurdle", SPEC_TEXT)
    server.diagnostics(uri)
    baseline = server.request(
        "textDocument/definition", {**doc(uri), "position": position(SPEC_TEXT, "net_value beats as_is\n", 17)}
    )
    assert baseline == {
        "uri": uri,
        "range": {
            "start": position(SPEC_TEXT, 'as_is "30-day'),
            "end": position(SPEC_TEXT, 'as_is "30-day', 5),
        },
    }
    metric = server.request("textDocument/definition", {**doc(uri), "position": position(SPEC_TEXT, "net_value beats")})
    assert metric["range"]["start"] == position(SPEC_TEXT, 'net_value "Margin')
    builtin = server.request(
        "textDocument/definition", {**doc(uri), "position": position(SPEC_TEXT, "precision >= 0.33")}
    )
    assert builtin is None  # a built-in metric is defined by the language, not in the file

    refs = server.request(
        "textDocument/references",
        {**doc(uri), "position": position(SPEC_TEXT, "tier pilot", 6), "context": {"includeDeclaration": True}},
    )
    lines = sorted(r["range"]["start"]["line"] for r in refs)
    assert lines == [position(SPEC_TEXT, "tier pilot")["line"], position(SPEC_TEXT, "expect pilot")["line"]]


def test_document_symbols_outline(server, tmp_path):
    uri = server.open(tmp_path / "outline.hurdle", SPEC_TEXT)
    server.diagnostics(uri)
    [spec] = server.request("textDocument/documentSymbol", doc(uri))
    assert spec["name"] == "repeat_purchase"
    names = [c["name"] for c in spec["children"]]
    assert names == [
        "data",
        "as_is",
        "q3_report",
        "net_value",
        "hurdles",
        "a clear win ships everywhere",
        "more value, but imprecise, is piloted",
    ]
    hurdles = spec["children"][4]["children"]
    assert [h["name"] for h in hurdles][-3:] == ["rollout", "pilot", "keep_as_is"]
    assert [c["name"] for c in hurdles[-3]["children"]] == [
        "net_value beats as_is by 20%",
        "precision >= 0.33",
        "recall >= as_is.recall in every region",
    ]


def test_examples_get_code_lenses_and_a_failing_one_a_diagnostic(server):
    path = TEST_SPECS / "wrong_example.hurdle"
    text = path.read_text(encoding="utf-8")
    uri = server.open(path, text)
    found = server.diagnostics(uri)
    assert [(d["code"], d["range"]["start"]) for d in found] == [
        ("W501", position(text, 'example "a small win"')),
        ("W501", position(text, 'example "too little data"')),
    ]
    assert found[0]["severity"] == 2
    assert found[0]["message"].startswith("example \"a small win\" expects 'rollout' but its values reach 'pilot'")
    lenses = server.request("textDocument/codeLens", doc(uri))
    assert [lens["command"]["title"] for lens in lenses] == [
        "✓ reaches 'rollout'",
        "✗ expects 'rollout', reaches 'pilot'",
        "✗ expects 'rollout', reaches 'inconclusive'",
        "✓ reaches 'rollout'",
    ]
    server.request("workspace/executeCommand", lenses[1]["command"])
    note = server.wait_for("window/showMessage", lambda p: p["message"].startswith("✗ expects 'rollout'"))
    assert "expected tier 'rollout' did not hold" in note["message"]


def test_positions_are_in_utf16_units(server, tmp_path):
    # a character outside the Basic Multilingual Plane is two UTF-16 units, one code point
    text = SPEC_TEXT.replace(
        '    tier pilot "One-region pilot for a month" {\n      net_value beats as_is\n',
        '    tier pilot "\U0001f680 pilot" { precison >= 0.3\n      net_value beats as_is\n',
    )
    uri = server.open(tmp_path / "utf16.hurdle", text)
    [found] = server.diagnostics(uri)
    line = text.split("\n")[position(text, "precison >= 0.3")["line"]]
    units = len(line[: line.index("precison")].encode("utf-16-le")) // 2
    assert found["range"]["start"]["character"] == units == line.index("precison") + 1


def test_a_form_feed_in_a_comment_shifts_no_edit(server, tmp_path):
    # str.splitlines() breaks at a form feed, the protocol and the compiler do not
    text = SPEC_TEXT.replace("# ground truth: bought", "# ground truth:\f bought")
    uri = server.open(tmp_path / "formfeed.hurdle", text)
    assert server.diagnostics(uri, version=1) == []
    start = position(text, "precision >= 0.33")
    server.change(
        uri, 2, [{"range": {"start": start, "end": {**start, "character": start["character"] + 9}}, "text": "precison"}]
    )
    [found] = server.diagnostics(uri, version=2)
    assert found["code"] == "E101" and found["range"]["start"] == start


def test_every_bundled_spec_opens_clean(server):
    for path in sorted(EXAMPLES.glob("*.hurdle")):
        uri = server.open(path, path.read_text(encoding="utf-8"))
        assert server.diagnostics(uri) == [], path.name


def test_changes_are_debounced(tmp_path):
    client = Client(sys.executable, "-m", "hurdlelang", "lsp", cwd=ROOT)
    try:
        client.initialize(ROOT, {"debounceSeconds": 1.0})
        uri = client.open(tmp_path / "debounce.hurdle", SPEC_TEXT)
        assert client.diagnostics(uri, version=1) == []
        start = position(SPEC_TEXT, "precision >= 0.33")
        end = {"line": start["line"], "character": start["character"] + 9}
        client.change(uri, 2, [{"range": {"start": start, "end": end}, "text": "precisio"}])
        client.change(
            uri, 3, [{"range": {"start": start, "end": {**end, "character": end["character"] - 1}}, "text": "recal"}]
        )
        found = client.diagnostics(uri)  # the first publication after the burst of changes
        assert [d["code"] for d in found] == ["E101"]
        assert "unknown metric 'recal'" in found[0]["message"]
    finally:
        assert client.close() == 0


def test_hurdlec_check_does_not_import_the_language_server():
    code = (
        "import sys\n"
        "from hurdlelang.cli.main import main\n"
        f"sys.argv = ['hurdlec', 'check', {str(EXAMPLES)!r}]\n"
        "try:\n    main()\n"
        "except SystemExit:\n    pass\n"
        "print(','.join(m for m in ('pygls', 'lsprotocol') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == ""


def test_without_the_lsp_extra_hurdlec_lsp_says_what_to_install():
    code = (
        "import sys\n"
        "sys.modules['pygls'] = None  # as if pygls were not installed: find_spec gives None\n"
        "from hurdlelang.cli.main import main\n"
        "sys.argv = ['hurdlec', 'lsp']\n"
        "main()\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, stdin=subprocess.DEVNULL
    )
    assert out.returncode == 2
    assert "P001 hurdlec lsp needs pygls, which is not installed" in out.stderr
    assert "pip install 'hurdlelang[lsp]'" in out.stderr
