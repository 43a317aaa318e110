"""Bad data ends in one diagnostic line with a code, a non-zero exit, no traceback and no record."""

from __future__ import annotations

import pytest

from tests.conftest import EXAMPLE_DATA, SIMPLE_SPEC

GOOD = EXAMPLE_DATA.read_text()


def _csv(tmp_path, text: str):
    path = tmp_path / "data.csv"
    path.write_text(text)
    return path


def _run(hurdlec, tmp_path, data):
    out = tmp_path / "record.json"
    result = hurdlec("run", SIMPLE_SPEC, "--data", data, "--out", out)
    assert "Traceback" not in result.stderr + result.stdout
    assert not out.exists(), "a failed run must not leave a record"
    assert list(tmp_path.glob(".record.json*")) == [], "no temp file left behind"
    return result


def test_misspelled_column(hurdlec, tmp_path):
    data = _csv(tmp_path, GOOD.replace("p_buy", "p_buyy", 1))
    result = _run(hurdlec, tmp_path, data)
    assert result.exit_code == 5
    first = result.stderr.splitlines()[0]
    assert first == f"{data}: D004 column 'p_buy' (score) is not in the data"
    assert "hint: did you mean 'p_buyy'?" in result.stderr


def test_missing_file(hurdlec, tmp_path):
    result = _run(hurdlec, tmp_path, tmp_path / "nowhere.csv")
    assert result.exit_code == 5
    assert result.stderr.splitlines()[0] == f"{tmp_path / 'nowhere.csv'}: D001 data file does not exist"


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "D002 data file is empty (0 bytes)"),
        ("\n\n", "D002 data file has no header line"),
        ("customer_id,region,bought_again,p_buy,recency_rule\n", "D002 data file has a header but no rows"),
    ],
    ids=["zero-bytes", "blank-lines", "header-only"],
)
def test_empty_csv(hurdlec, tmp_path, text, message):
    data = _csv(tmp_path, text)
    result = _run(hurdlec, tmp_path, data)
    assert result.exit_code == 5
    assert result.stderr.splitlines()[0] == f"{data}: {message}"


def test_non_binary_label_names_rows(hurdlec, tmp_path):
    lines = GOOD.splitlines()
    lines[3] = lines[3].replace(",0,", ",2,", 1) if ",0," in lines[3] else lines[3].replace(",1,", ",2,", 1)
    data = _csv(tmp_path, "\n".join(lines) + "\n")
    result = _run(hurdlec, tmp_path, data)
    assert result.exit_code == 5
    assert "D005 column 'bought_again' (label) must hold 0/1, but it has 2" in result.stderr
    assert "rows: 3" in result.stderr


def test_nan_score(hurdlec, tmp_path):
    lines = GOOD.splitlines()
    cells = lines[5].split(",")
    cells[3] = ""
    lines[5] = ",".join(cells)
    data = _csv(tmp_path, "\n".join(lines) + "\n")
    result = _run(hurdlec, tmp_path, data)
    assert result.exit_code == 5
    assert "D006 1 empty or NaN cell(s) in column 'p_buy' (score)" in result.stderr
    assert "rows: 5" in result.stderr


def test_score_outside_unit_interval(hurdlec, tmp_path):
    lines = GOOD.splitlines()
    cells = lines[2].split(",")
    cells[3] = "1.7"
    lines[2] = ",".join(cells)
    data = _csv(tmp_path, "\n".join(lines) + "\n")
    result = _run(hurdlec, tmp_path, data)
    assert result.exit_code == 5
    assert "D007 column 'p_buy' (score) must hold probabilities in [0, 1], but it has 1.7" in result.stderr


def test_baseline_decisions_not_binary(hurdlec, tmp_path):
    lines = GOOD.splitlines()
    cells = lines[1].split(",")
    cells[4] = "yes"
    lines[1] = ",".join(cells)
    data = _csv(tmp_path, "\n".join(lines) + "\n")
    result = _run(hurdlec, tmp_path, data)
    assert result.exit_code == 5
    assert "D008 column 'recency_rule' (decisions of baseline as_is) must hold 0/1, but it has 'yes'" in result.stderr


def test_unwritable_record_folder(hurdlec, tmp_path):
    out = tmp_path / "missing-folder" / "record.json"
    result = hurdlec("run", SIMPLE_SPEC, "--data", EXAMPLE_DATA, "--out", out)
    assert result.exit_code == 6
    assert "O001 cannot write the record" in result.stderr
