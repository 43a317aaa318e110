"""`hurdlec check`: silent on clean specs, exact diagnostics on broken ones."""

from __future__ import annotations

import json
import subprocess
import sys

from hurdlelang.lang.parser import make_parser
from tests.conftest import EXAMPLES, ROOT, SIMPLE_SPEC


def _broken(tmp_path, old: str, new: str):
    path = tmp_path / "broken.hurdle"
    text = SIMPLE_SPEC.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    return path


def test_examples_check_clean_and_silently(hurdlec):
    result = hurdlec("check", EXAMPLES)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")


def test_verbose_says_what_was_checked(hurdlec):
    result = hurdlec("check", "-v", SIMPLE_SPEC)
    assert result.stdout == "checked 1 file(s): 0 error(s), 0 warning(s)\n"


def test_unknown_metric(hurdlec, tmp_path):
    path = _broken(tmp_path, "precision >= 0.40", "precison >= 0.40")
    result = hurdlec("check", path)
    assert result.exit_code == 1
    assert result.stdout == (
        f"{path}:28:7: E101 unknown metric 'precison'\n"
        " 28 |       precison >= 0.40\n"
        "    |       ^^^^^^^^\n"
        "  hint: did you mean 'precision'?\n"
    )


def test_syntax_error(hurdlec, tmp_path):
    path = _broken(tmp_path, 'owner "marketing-analytics"', "owner marketing-analytics")
    result = hurdlec("check", path)
    assert result.exit_code == 1
    assert result.stdout == (
        f"{path}:12:9: E002 unexpected 'marketing'; expected a quoted string (\"...\")\n"
        " 12 |   owner marketing-analytics\n"
        "    |         ^^^^^^^^^\n"
        "  hint: titles and descriptions are quoted strings\n"
    )


def test_two_conditions_on_one_line_explain_units(hurdlec, tmp_path):
    path = _broken(tmp_path, "precision >= 0.40", "precision >= 0.40 recall >= 0.3")
    result = hurdlec("check", path)
    assert result.exit_code == 1
    assert f"{path}:28:32: E002 unexpected '>=': 'recall' right after a number was read as its unit" in result.stdout
    assert "hint: put each condition on its own line" in result.stdout


def test_all_errors_of_a_file_in_one_run(hurdlec, tmp_path):
    path = tmp_path / "many.hurdle"
    text = SIMPLE_SPEC.read_text()
    text = text.replace("precision >= 0.40", "precison >= 0.40").replace("roc_auc >= 0.70", "roc_auc >= 1.2")
    text = text.replace("f1 beats as_is\n", "f1 beats as_iss\n")
    path.write_text(text)
    result = hurdlec("check", "--format", "json", path)
    found = [(d["code"], d["span"]["line"]) for d in json.loads(result.stdout)["diagnostics"]]
    assert found == [("E101", 28), ("E202", 29), ("E102", 32)]


def test_github_format_is_a_workflow_annotation(hurdlec, tmp_path):
    path = _broken(tmp_path, "precision >= 0.40", "precison >= 0.40")
    result = hurdlec("check", "--format", "github", path)
    assert result.stdout == (
        f"::error file={path},line=28,col=7,endLine=28,endColumn=15,title=E101::unknown metric 'precison' "
        "(hint: did you mean 'precision'?)\n"
    )


def test_warnings_fail_only_with_strict(hurdlec, tmp_path):
    path = _broken(tmp_path, "roc_auc >= 0.70", "roc_auc <= 0.70")
    assert hurdlec("check", path).exit_code == 0
    assert "W301 roc_auc is better when higher" in hurdlec("check", path).stdout
    assert hurdlec("check", "--strict", path).exit_code == 1


def test_unreadable_spec(hurdlec, tmp_path):
    result = hurdlec("check", tmp_path / "absent.hurdle")
    assert result.exit_code == 1
    assert "E004 cannot read the spec: No such file or directory" in result.stdout


def test_check_never_imports_the_evaluation_stack():
    code = (
        "import sys\n"
        "from hurdlelang.cli.main import main\n"
        f"sys.argv = ['hurdlec', 'check', {str(EXAMPLES)!r}]\n"
        "try:\n    main()\n"
        "except SystemExit:\n    pass\n"
        "heavy = sorted(m for m in ('pandas', 'numpy', 'sklearn', 'scipy') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == ""


def test_grammar_is_conflict_free_under_lark_strict_mode():
    make_parser(strict=True)
