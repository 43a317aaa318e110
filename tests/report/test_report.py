"""`hurdlec report`: a decision record as Markdown or a self-contained HTML page.

The records in tests/report are real, written by `hurdlec run` (fraud_blocking from the bundled
example; edge_cases from tests/corpus/report/edge_cases.hurdle, whose header says how). The Markdown
golden files are the exact output. After a deliberate change of wording, run

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_report.py

and read every changed file by eye (git diff).
"""

from __future__ import annotations

import ast
import json
import os
import re
import sys
import xml.etree.ElementTree as ET
from html import escape

import pytest
from click.testing import CliRunner

from hurdlelang.cli.report import report
from hurdlelang.record.model import ConditionEntry, DecisionRecord
from hurdlelang.report.phrasing import leaves, read, scope_title, scopes
from hurdlelang.report.render import render
from tests.conftest import CORPUS, ROOT

HERE = CORPUS / "report"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
RECORDS = ["fraud_blocking", "edge_cases"]


def _record(name: str) -> DecisionRecord:
    return DecisionRecord.model_validate_json((HERE / f"{name}.record.json").read_text())


def _data(name: str) -> dict:
    return json.loads((HERE / f"{name}.record.json").read_text())


def _invoke(*args) -> tuple[int, str, str]:
    result = CliRunner().invoke(report, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


# ---- Markdown ----


@pytest.mark.parametrize("name", RECORDS)
def test_markdown_matches_its_golden_file(name):
    golden = HERE / f"{name}.md"
    text = render(_record(name), "md")
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", RECORDS)
def test_markdown_tables_keep_their_columns(name):
    """Every row of every table has as many cells as its header: a `|` from a record is escaped."""
    lines = render(_record(name), "md").splitlines()
    cells = [len(re.findall(r"(?<!\\)\|", line)) for line in lines]
    for i, line in enumerate(lines):
        if line.startswith("|---"):
            width = cells[i - 1]
            j = i + 1
            while j < len(lines) and lines[j].startswith("|"):
                assert cells[j] == width, f"line {j + 1}: {lines[j]}"
                j += 1


def test_markdown_escapes_markup_from_the_record():
    text = render(_record("edge_cases"), "md")
    assert "\\<script\\>alert(1)\\</script\\>" in text
    assert "<script>" not in text.replace("`", "")  # only inside code spans, where it shows as typed
    assert "\\[link\\](javascript:alert(1))" in text


# ---- HTML ----


@pytest.mark.parametrize("name", RECORDS)
def test_html_is_self_contained(name):
    page = render(_record(name), "html")
    lowered = page.lower()
    assert "http://" not in lowered and "https://" not in lowered
    for forbidden in ("<script", "src=", "href=", "url(", "@import", "<link", "<img", "<iframe"):
        assert forbidden not in lowered, forbidden
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page


@pytest.mark.parametrize("name", RECORDS)
def test_html_has_one_chart_per_condition(name):
    record = _record(name)
    page = render(record, "html")
    expected = sum(len(leaves(t.conditions)) for t in record.tiers)
    assert page.count('<figure class="chart"') == expected
    assert page.count('<svg class="chart"') == expected


@pytest.mark.parametrize("name", RECORDS)
def test_html_charts_are_well_formed_svg(name):
    page = render(_record(name), "html")
    charts = re.findall(r"<svg .*?</svg>", page, flags=re.S)
    assert charts
    for svg in charts:
        root = ET.fromstring(svg)  # raises on a stray < or & that escaping missed
        assert root.tag == "svg"


def test_html_puts_the_decision_first():
    page = render(_record("fraud_blocking"), "html")
    decision = escape("Decision: review — Send the model's alerts to the manual-review queue")
    assert decision in page
    assert page.index(decision) < page.index("Tiers, best first") < page.index("Guards") < page.index("Provenance")
    assert "23786e0b4882755bd4a4932b7e83a13c1b53679a78493565845045f61b232808" in page  # spec SHA-256


def test_html_escapes_every_string_from_the_record():
    data = _data("fraud_blocking")
    evil = "<script>alert(1)</script>"
    data["spec"]["title"] = evil
    data["spec"]["owner"] = f'"><img src=x onerror=alert(1)> {evil}'
    data["model_id"] = evil
    data["tiers"][1]["action"] = evil
    data["outcome"]["action"] = evil
    data["baselines"][0]["title"] = evil
    data["tiers"][0]["conditions"][0]["text"] = f"precision >= 0.90 {evil}"
    data["tiers"][0]["conditions"][3]["slices"][0]["value"] = evil
    data["data"]["drop_reasons"] = {evil: 3}
    data["warnings"] = [{"code": "W401", "message": evil}]
    page = render(DecisionRecord.model_validate(data), "html")
    assert "<script" not in page.lower() and "<img" not in page.lower()
    assert escape(evil) in page
    for svg in re.findall(r"<svg .*?</svg>", page, flags=re.S):
        ET.fromstring(svg)


def test_html_and_markdown_say_when_the_decision_was_overridden():
    data = _data("fraud_blocking")
    data["outcome"] |= {
        "tier": "block",
        "action": "Block automatically on every channel",
        "reason": "overridden by Jo Bloggs: board decision (the hurdles gave: every condition of tier 'review' held)",
        "computed_tier": "review",
        "override": {"tier": "block", "reason": "board decision", "by": "Jo Bloggs"},
    }
    record = DecisionRecord.model_validate(data)
    for fmt in ("md", "html"):
        text = render(record, fmt)
        assert "Decision: block — Block automatically on every channel" in text
        assert "Overridden by Jo Bloggs" in text and "board decision" in text
        assert "the hurdles gave" in text


def test_the_fall_back_is_called_blocking():
    data = _data("fraud_blocking")
    data["tiers"][1]["state"] = "failed"
    data["outcome"] |= {
        "tier": "keep_rules",
        "action": "Keep the rules engine as it is",
        "blocking": True,
        "reason": "no tier's conditions all held",
    }
    record = DecisionRecord.model_validate(data)
    for fmt in ("md", "html"):
        text = render(record, fmt)
        assert "Decision: keep_rules — Keep the rules engine as it is" in text
        assert "fall-back applies" in text and "blocking" in text


def test_an_inconclusive_outcome_gives_its_reason():
    record = _record("edge_cases")
    assert record.outcome.status == "inconclusive"
    for fmt in ("md", "html"):
        text = render(record, fmt)
        assert "Decision: inconclusive" in text
        assert "no predicted positives" in text


# ---- reading conditions ----


def _condition(text: str, kind: str, formula: str, op: str, required: float, baseline: str | None = "base"):
    return ConditionEntry(
        text=text, kind=kind, line=1, state="held", metric=text.split()[0], baseline=baseline, formula=formula, op=op,
        required=required, confidence=0.95,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "kind", "formula", "op", "required", "sentence"),
    [
        ("precision >= 0.90", "compare", "precision >= 0.9", ">=", 0.9, "precision must be at least 0.9"),
        ("bias <= 1.5", "compare", "bias <= 1.5", "<=", 1.5, "bias must be at most 1.5"),
        (
            "recall beats base by 10 points",
            "beats",
            "candidate - baseline >= 0.1",
            ">=",
            0.1,
            "recall must be at least 10 points higher than base",
        ),
        (
            "mae beats base by 15%",
            "beats",
            "(baseline - candidate) / |baseline| >= 0.15",
            ">=",
            0.15,
            "mae must be at least 15% lower than base",
        ),
        ("bias beats base", "beats", "|baseline| - |candidate| > 0", ">", 0.0, "bias must be closer to zero than base"),
        (
            "precision no worse than base by 5 points",
            "beats",
            "candidate - baseline >= -0.05",
            ">=",
            -0.05,
            "precision must be no more than 5 points lower than base",
        ),
        (
            "mae no worse than base",
            "beats",
            "baseline - candidate >= -0",
            ">=",
            0.0,
            "mae must be no higher than base",
        ),
        (
            "net_value beats base by 2 GBP",
            "beats",
            "candidate - baseline >= 2",
            ">=",
            2.0,
            "net_value must be at least 2 GBP higher than base",
        ),
        (
            "hit_rate@5 >= base.hit_rate@1",
            "compare",
            "candidate hit_rate@5 - base.hit_rate@1 >= 0",
            ">=",
            0.0,
            "hit_rate@5 must be at least base.hit_rate@1",
        ),
    ],
)
def test_each_form_of_condition_reads_as_a_sentence(text, kind, formula, op, required, sentence):
    baseline = "base" if kind == "beats" or "base." in text else None
    reading = read(_condition(text, kind, formula, op, required, baseline))
    assert reading is not None
    assert reading.requirement(level=0.95) == sentence


def test_a_lower_is_better_hurdle_is_carried_onto_the_metric():
    c = _condition("mae beats base by 15%", "beats", "(baseline - candidate) / |baseline| >= 0.15", ">=", 0.15)
    reading = read(c)
    assert reading.hurdle_on_metric(10.0) == pytest.approx(8.5)
    assert reading.metric_op() == "<="


# ---- the command ----


def test_report_prints_markdown_to_stdout():
    code, out, err = _invoke(HERE / "fraud_blocking.record.json")
    assert code == 0, err
    assert out == (HERE / "fraud_blocking.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(("suffix", "fmt", "start"), [("md", None, "# "), ("html", None, "<!DOCTYPE html>")])
def test_report_writes_out_and_picks_the_format_from_the_suffix(tmp_path, suffix, fmt, start):
    out = tmp_path / f"report.{suffix}"
    code, stdout, err = _invoke(HERE / "fraud_blocking.record.json", "--out", out)
    assert code == 0, err
    assert stdout == ""
    assert out.read_text(encoding="utf-8").startswith(start)
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # atomically: no temporary file left


def test_report_format_option_wins_over_the_suffix(tmp_path):
    out = tmp_path / "report.txt"
    code, _, err = _invoke(HERE / "fraud_blocking.record.json", "--format", "html", "--out", out)
    assert code == 0, err
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "R001 record file not found"),
        ("{not json", "R001 record is not JSON"),
        ('{"schema_version": "1"}', "R001 not a valid decision record: tool: Field required"),
        ("[1, 2]", "R001 not a valid decision record"),
        ("spec x {}\n", "R001 record is not JSON"),
    ],
)
def test_an_unreadable_or_invalid_record_is_one_line_and_exit_1(tmp_path, content, message):
    path = tmp_path / "record.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    code, out, err = _invoke(path)
    assert code == 1
    assert out == ""
    first, hint = err.splitlines()
    assert first.startswith(f"{path}: {message}")
    assert hint.startswith("  hint: ")
    assert "Traceback" not in err


def test_a_record_of_a_version_this_hurdlec_does_not_know_is_refused_with_why(tmp_path):
    data = _data("fraud_blocking")
    data["schema_version"] = "9"
    path = tmp_path / "record.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    code, _, err = _invoke(path)
    assert code == 1
    assert "R001 record has schema_version '9', which this hurdlec (0.1.0) cannot read: it reads versions 1, 2" in err
    assert "upgrade" in err


def test_a_version_1_record_is_still_read(tmp_path):
    old = CORPUS / "record" / "fraud_blocking.v1.record.json"
    assert json.loads(old.read_text())["schema_version"] == "1"
    code, out, err = _invoke(old)
    assert code == 0, err
    assert "record schema 1" in out and "`review`" in out


def test_a_version_3_record_is_still_read():
    # written by 0.1.0 on the insurance_mailing example: a decision at the volume of the as-is rule
    old = CORPUS / "record" / "insurance_mailing.v3.record.json"
    assert json.loads(old.read_text())["schema_version"] == "3"
    code, out, err = _invoke(old)
    assert code == 0, err
    assert "record schema 3" in out and "`rollout`" in out


def test_a_folder_is_not_a_record(tmp_path):
    code, _, err = _invoke(tmp_path)
    assert code == 1
    assert err.startswith(f"{tmp_path}: R001 record cannot be read")


def test_an_unwritable_out_path_is_reported(tmp_path):
    out = tmp_path / "missing" / "report.html"
    code, _, err = _invoke(HERE / "fraud_blocking.record.json", "--out", out)
    assert code == 6
    assert err.startswith(f"{out}: O001 cannot write the report")


# ---- weight ----


def test_the_report_modules_import_only_the_standard_library_and_pydantic():
    allowed = {"pydantic", "click", "hurdlelang"}
    stdlib = set(sys.stdlib_module_names)
    files = sorted((ROOT / "hurdlelang" / "report").glob("*.py")) + [ROOT / "hurdlelang" / "cli" / "report.py"]
    for file in files:
        tree = ast.parse(file.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                assert top in stdlib or top in allowed, f"{file.name} imports {module}"
                if top == "hurdlelang":
                    layer = module.split(".")[1] if "." in module else ""
                    assert layer in {"core", "record", "report"}, f"{file.name} imports {module}"


def test_html_opens_with_a_business_summary_and_has_one_metric_grid():
    page = render(_record("fraud_blocking"), "html")
    business = re.search(r'<p class="business">(.*?)</p>', page)[1]
    text = re.sub(r"<[^>]+>", "", business)
    assert text.startswith("The model earns tier review: Send the model")
    assert "with 95% confidence at least" in text
    assert page.index('class="business"') < page.index("Tiers, best first")
    metrics = page[page.index("<h2>Metrics per slice</h2>") : page.index("<h2>Provenance</h2>")]
    assert metrics.count("<table") == 1  # one slice x metric grid, not a table per slice
    record = _record("fraud_blocking")
    assert all(scope_title(s) in metrics for s in scopes(record))


def test_a_note_on_every_metric_of_a_party_is_said_once():
    # a party deciding at a volume (or by abstain bands) notes its cut on each of its metrics
    data = _data("fraud_blocking")
    note = "decides at the volume of rules (975 rows): 977 rows flagged"
    for entries in data["metrics"]["candidate"].values():
        for entry in entries.values():
            entry["note"] = note
    record = DecisionRecord.model_validate(data)
    markdown, html = render(record, "md"), render(record, "html")
    assert markdown.count(note) == html.count(note) == 1
    assert f"- `candidate` · every metric: {note}" in markdown
    one = json.loads(json.dumps(data))
    one["metrics"]["candidate"]["all"]["precision"]["note"] = "only here"
    assert "`candidate` · `precision`: only here" in render(DecisionRecord.model_validate(one), "md")
