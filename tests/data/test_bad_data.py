"""A corpus of bad predictions files for `hurdlec run`, over the four task kinds.

Every case runs the real command line on a small spec and data file of tests/corpus/data/ (or a
file the test makes: Parquet, a directory, an unsupported format, a record baseline beside a
copied spec) and asserts what a user must see: the exit code, the exact first line of stderr
(`PATH: CODE message`), a hint under it, the example rows where rows are at fault, nothing on
stdout, no traceback, and no record nor temporary file left in the output folder.

This is the pandas reader's corpus (`--engine pandas`); tests/engine/test_duck_corpus.py and
test_spark_corpus.py hold the other engines to the same diagnostics.

Cases marked xfail(strict=True) are bugs found while building the corpus: each reason says what
happens and what should happen instead.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from hurdlelang.cli.main import cli
from tests.conftest import CORPUS

BAD = CORPUS / "data"
RECORD = "records/prod.decision.json"  # where binary_record.hurdle looks, relative to itself
DROP_HINT = "fill or drop those rows, or add `missing drop` to the data block"

PANDAS = ["--engine", "pandas"]  # the default engine is DuckDB


# ---- files the tests make ----


def _good(name: str) -> pd.DataFrame:
    return pd.read_csv(BAD / f"{name}_good.csv")


def _parquet_label_not_01(path: Path) -> None:
    frame = _good("binary")
    frame["y"] = frame["y"].astype(str)
    frame.loc[3, "y"] = "no"
    frame.to_parquet(path)


def _parquet_null_score(path: Path) -> None:
    frame = _good("binary")
    frame.loc[2, "p"] = np.nan
    frame.to_parquet(path)


def _parquet_null_label(path: Path) -> None:
    frame = _good("binary")
    frame["y"] = pd.array([*frame["y"][:4], None, *frame["y"][5:]], dtype="Int64")
    frame.to_parquet(path)


def _xlsx(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as book:  # what an .xlsx is on disk: a zip of XML parts
        book.writestr("[Content_Types].xml", "<Types/>")
        book.writestr("xl/workbook.xml", "<workbook/>")


MAKERS: dict[str, tuple[str, Callable[[Path], None]]] = {
    "directory": ("predictions.csv", lambda p: p.mkdir()),
    "nowhere": ("nowhere.csv", lambda p: None),
    "xlsx": ("predictions.xlsx", _xlsx),
    "json": ("predictions.json", lambda p: _good("binary").to_json(p, orient="records")),
    "no_suffix": ("predictions", lambda p: shutil.copy(BAD / "binary_good.csv", p)),
    "parquet_not_parquet": ("predictions.parquet", lambda p: shutil.copy(BAD / "binary_good.csv", p)),
    "parquet_label_not_01": ("predictions.parquet", _parquet_label_not_01),
    "parquet_null_score": ("predictions.parquet", _parquet_null_score),
    "parquet_null_label": ("predictions.parquet", _parquet_null_label),
}


def _record_of(spec: str, data: str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        args = ["run", str(BAD / spec), "--data", str(BAD / data), "--out", str(path), *PANDAS]
        result = CliRunner().invoke(cli, args)
        assert result.exit_code in (0, 1), result.stderr

    return make


RECORDS: dict[str, Callable[[Path], None]] = {
    "absent": lambda p: None,
    "not_json": lambda p: p.write_text("model: propensity-v2\nprecision: 0.41\n"),
    "json_not_a_record": lambda p: p.write_text(json.dumps({"model": "propensity-v2", "precision": 0.41})),
    "directory": lambda p: p.mkdir(),
    "other_task": _record_of("regression.hurdle", "regression_good.csv"),
}


# ---- the cases ----


@dataclass(frozen=True)
class Case:
    """One bad run. `data` is a file of tests/corpus/data/ or `make:NAME` (see MAKERS); `first` is the
    exact first line of stderr with {data}, {base}, {record} and {out} standing for the paths."""

    name: str
    spec: str
    data: str
    first: str
    exit: int = 5
    rows: str | None = None  # the `  rows: ...` line of the first diagnostic
    hint: str | None = None  # text the hint line of the first diagnostic must hold
    baseline: str | None = None  # NAME=FILE for --baseline-data (FILE in tests/corpus/data/ or make:NAME)
    record: str | None = None  # a key of RECORDS: the spec is copied and the record put beside it
    out: str = "out/record.json"  # relative to the tmp folder; a trailing / makes that path a folder itself
    prefix: bool = False  # `first` is only the start of the line (the rest comes from pandas/pyarrow)
    bug: str | None = None

    def param(self):
        marks = [pytest.mark.xfail(strict=True, reason=self.bug)] if self.bug else []
        return pytest.param(self, id=self.name, marks=marks)


def empty(column: str, role: str, count: int = 1) -> str:
    return f"{{data}}: D006 {count} empty or NaN cell(s) in column '{column}' ({role})"


CASES = [
    # -- reading the file --
    Case("file-zero-bytes", "binary.hurdle", "binary_zero_bytes.csv", "{data}: D002 data file is empty (0 bytes)"),
    Case(
        "file-header-only", "binary.hurdle", "binary_header_only.csv", "{data}: D002 data file has a header but no rows"
    ),
    Case(
        "file-blank-lines-only", "binary.hurdle", "binary_blank_lines.csv", "{data}: D002 data file has no header line"
    ),
    Case(
        "file-ragged-quoting",
        "binary.hurdle",
        "binary_ragged_quoting.csv",
        "{data}: D003 data file cannot be parsed as CSV: Error tokenizing data. C error: EOF inside string starting at "
        "row 1",
    ),
    Case(
        "file-not-utf8",
        "binary.hurdle",
        "binary_latin1.csv",
        "{data}: D003 data file is not UTF-8 text: byte 0xfc on line 2 (counting the header)",
        hint="save it as UTF-8",
    ),
    Case("file-is-a-directory", "binary.hurdle", "make:directory", "{data}: D001 data file is a directory"),
    Case("file-does-not-exist", "binary.hurdle", "make:nowhere", "{data}: D001 data file does not exist"),
    Case("file-xlsx", "binary.hurdle", "make:xlsx", "{data}: D018 cannot read '.xlsx' files", hint="Parquet"),
    Case("file-json", "binary.hurdle", "make:json", "{data}: D018 cannot read '.json' files", hint="Parquet"),
    Case("file-no-suffix", "binary.hurdle", "make:no_suffix", "{data}: D018 cannot read '' files"),
    Case(
        "parquet-not-parquet",
        "binary.hurdle",
        "make:parquet_not_parquet",
        "{data}: D003 data file cannot be parsed as Parquet: ",
        prefix=True,
    ),
    Case(
        "parquet-not-parquet-hint",
        "binary.hurdle",
        "make:parquet_not_parquet",
        "{data}: D003 data file cannot be parsed as Parquet: ",
        prefix=True,
        hint="Parquet",
    ),
    Case(
        "csv-semicolon-separated",
        "binary.hurdle",
        "binary_semicolons.csv",
        "{data}: D003 the header line has no ',' but 5 semicolon(s): the file looks semicolon-separated",
        hint="export with ',' as the separator",
    ),
    Case(
        "csv-extra-field-in-every-row",
        "regression.hurdle",
        "regression_extra_field_every_row.csv",
        "{data}: D003 ",
        prefix=True,
    ),
    # -- binary --
    Case(
        "binary-missing-baseline-column",
        "binary.hurdle",
        "binary_rule_column_misspelled.csv",
        "{data}: D004 column 'rule' (decisions of baseline as_is) is not in the data",
        hint="did you mean 'rules'?",
    ),
    Case(
        "binary-label-not-01",
        "binary.hurdle",
        "binary_label_not_01.csv",
        "{data}: D005 column 'y' (label) must hold 0/1, but it has '2', 'yes'",
        rows="3, 5",
    ),
    Case(
        "binary-score-outside-01",
        "binary.hurdle",
        "binary_score_outside_01.csv",
        "{data}: D007 column 'p' (score) must hold probabilities in [0, 1], but it has 1.7, -0.2",
        rows="2, 6",
    ),
    Case(
        "binary-score-text",
        "binary.hurdle",
        "binary_score_text.csv",
        "{data}: D007 column 'p' (score) must hold probabilities in [0, 1], but it has 'high'",
        rows="4",
    ),
    Case(
        "binary-decision-not-01",
        "binary.hurdle",
        "binary_decision_not_01.csv",
        "{data}: D008 column 'rule' (decisions of baseline as_is) must hold 0/1, but it has 'yes', '2'",
        rows="1, 7",
    ),
    Case(
        "binary-empty-label", "binary.hurdle", "binary_empty_label.csv", empty("y", "label"), rows="4", hint=DROP_HINT
    ),
    Case("binary-empty-score", "binary.hurdle", "binary_empty_score.csv", empty("p", "score", 2), rows="2, 5"),
    Case("binary-nan-text-score", "binary.hurdle", "binary_nan_score.csv", empty("p", "score"), rows="6"),
    Case(
        "binary-empty-decision",
        "binary.hurdle",
        "binary_empty_decision.csv",
        empty("rule", "decisions of baseline as_is"),
        rows="8",
    ),
    Case("binary-empty-slice", "binary.hurdle", "binary_empty_slice.csv", empty("region", "slice"), rows="3"),
    Case("binary-empty-weight", "binary.hurdle", "binary_empty_weight.csv", empty("w", "weight"), rows="1"),
    Case("binary-empty-id", "binary.hurdle", "binary_empty_id.csv", empty("row_id", "id"), rows="5"),
    Case(
        "binary-negative-weight",
        "binary.hurdle",
        "binary_negative_weight.csv",
        "{data}: D012 column 'w' (weight) must hold finite weights of 0 or more, but it has -1.0, -0.5",
        rows="2, 7",
    ),
    Case(
        "binary-text-weight",
        "binary.hurdle",
        "binary_text_weight.csv",
        "{data}: D010 column 'w' (weight) must be numeric, but it has 'heavy'",
        rows="3",
    ),
    Case(
        "binary-infinite-weight",
        "binary.hurdle",
        "binary_infinite_weight.csv",
        "{data}: D012 column 'w' (weight) must hold finite weights of 0 or more, but it has inf",
        rows="3",
    ),
    Case(
        "binary-duplicate-ids",
        "binary.hurdle",
        "binary_duplicate_ids.csv",
        "{data}: D014 3 rows share an id in column 'row_id'",
        rows="2, 4, 8",
    ),
    Case(
        "binary-slice-value-all",
        "binary.hurdle",
        "binary_region_all.csv",
        "{data}: D019 column 'region' (slice) has the value 'all', which names the whole data in records",
        rows="3",
    ),
    Case(
        "binary-slice-value-absent",
        "binary.hurdle",
        "binary_no_north_rows.csv",
        '{data}: D013 slice region = "north" has no rows in the data',
        hint="values present: east, south",
    ),
    Case(
        "binary-drop-every-row",
        "binary_drop.hurdle",
        "binary_drop_all.csv",
        "{data}: D016 no rows left: all 8 rows had an empty bound cell",
    ),
    Case(
        "parquet-label-not-01",
        "binary.hurdle",
        "make:parquet_label_not_01",
        "{data}: D005 column 'y' (label) must hold 0/1, but it has 'no'",
        rows="4",
    ),
    Case("parquet-null-score", "binary.hurdle", "make:parquet_null_score", empty("p", "score"), rows="3"),
    Case("parquet-null-label", "binary.hurdle", "make:parquet_null_label", empty("y", "label"), rows="5"),
    # -- multiclass --
    Case(
        "multiclass-missing-score-column",
        "multiclass.hurdle",
        "multiclass_score_column_misspelled.csv",
        "{data}: D004 column 'p_tech' (score of technical) is not in the data",
        hint="did you mean 'p_techn'?",
    ),
    Case(
        "multiclass-unseen-class-in-label",
        "multiclass.hurdle",
        "multiclass_unseen_label.csv",
        "{data}: D009 column 'team' (label) holds 'legal', not among the scored classes (billing, technical, sales)",
        rows="2, 5",
    ),
    Case(
        "multiclass-unseen-class-in-decision",
        "multiclass.hurdle",
        "multiclass_unseen_decision.csv",
        "{data}: D009 column 'routed' (decisions of the candidate) holds 'legal', not among the scored classes "
        "(billing, technical, sales)",
        rows="3",
    ),
    Case(
        "multiclass-unseen-class-in-baseline-decision",
        "multiclass.hurdle",
        "multiclass_unseen_baseline_decision.csv",
        "{data}: D009 column 'rules_team' (decisions of baseline rules) holds 'Billing', not among the scored classes "
        "(billing, technical, sales)",
        rows="4",
    ),
    Case(
        "multiclass-score-outside-01",
        "multiclass.hurdle",
        "multiclass_score_outside_01.csv",
        "{data}: D007 column 'p_tech' (score of technical) must hold probabilities in [0, 1], but it has 60.0",
        rows="5",
    ),
    Case("multiclass-empty-label", "multiclass.hurdle", "multiclass_empty_label.csv", empty("team", "label"), rows="6"),
    Case(
        "multiclass-empty-score",
        "multiclass.hurdle",
        "multiclass_empty_score.csv",
        empty("p_sales", "score of sales"),
        rows="1",
    ),
    Case(
        "multiclass-empty-decision",
        "multiclass.hurdle",
        "multiclass_empty_decision.csv",
        empty("routed", "decisions of the candidate"),
        rows="2",
    ),
    Case("multiclass-empty-slice", "multiclass.hurdle", "multiclass_empty_slice.csv", empty("lang", "slice"), rows="4"),
    Case("multiclass-empty-weight", "multiclass.hurdle", "multiclass_empty_weight.csv", empty("w", "weight"), rows="3"),
    # -- regression --
    Case(
        "regression-label-not-numeric",
        "regression.hurdle",
        "regression_label_text.csv",
        "{data}: D010 column 'units' (label) must be numeric, but it has 'twelve'",
        rows="3",
    ),
    Case(
        "regression-prediction-not-numeric",
        "regression.hurdle",
        "regression_prediction_text.csv",
        "{data}: D010 column 'forecast' (decisions of the candidate) must be numeric, but it has 'about 30', '21,5'",
        rows="2, 5",
    ),
    Case(
        "regression-prediction-infinite",
        "regression.hurdle",
        "regression_prediction_infinite.csv",
        "{data}: D010 column 'forecast' (decisions of the candidate) must be numeric, but it has inf",
        rows="4",
    ),
    Case(
        "regression-empty-label", "regression.hurdle", "regression_empty_label.csv", empty("units", "label"), rows="1"
    ),
    Case(
        "regression-empty-prediction",
        "regression.hurdle",
        "regression_empty_prediction.csv",
        empty("forecast", "decisions of the candidate"),
        rows="6",
    ),
    Case(
        "regression-empty-baseline-prediction",
        "regression.hurdle",
        "regression_empty_baseline.csv",
        empty("last_year", "decisions of baseline naive"),
        rows="3",
    ),
    Case("regression-empty-weight", "regression.hurdle", "regression_empty_weight.csv", empty("w", "weight"), rows="5"),
    Case(
        "regression-empty-slice", "regression.hurdle", "regression_empty_slice.csv", empty("store", "slice"), rows="2"
    ),
    Case(
        "regression-negative-weight",
        "regression.hurdle",
        "regression_negative_weight.csv",
        "{data}: D012 column 'w' (weight) must hold finite weights of 0 or more, but it has -3",
        rows="4",
    ),
    # -- ranking --
    Case(
        "ranking-missing-group-column",
        "ranking.hurdle",
        "ranking_group_column_misspelled.csv",
        "{data}: D004 column 'session' (query id) is not in the data",
        hint="did you mean 'sesion'?",
    ),
    Case(
        "ranking-negative-relevance",
        "ranking.hurdle",
        "ranking_negative_relevance.csv",
        "{data}: D011 column 'bought' (relevance label) must be 0 or more",
        rows="2, 9",
    ),
    Case(
        "ranking-relevance-not-numeric",
        "ranking.hurdle",
        "ranking_text_relevance.csv",
        "{data}: D010 column 'bought' (label) must be numeric, but it has 'yes'",
        rows="5",
    ),
    Case(
        "ranking-score-not-numeric",
        "ranking.hurdle",
        "ranking_score_text.csv",
        "{data}: D010 column 'model_score' (score) must be numeric, but it has 'n.a.'",
        rows="6",
    ),
    Case("ranking-empty-label", "ranking.hurdle", "ranking_empty_label.csv", empty("bought", "label"), rows="3"),
    Case("ranking-empty-score", "ranking.hurdle", "ranking_empty_score.csv", empty("model_score", "score"), rows="7"),
    Case(
        "ranking-empty-baseline-score",
        "ranking.hurdle",
        "ranking_empty_baseline_score.csv",
        empty("rule_score", "score of baseline bestseller"),
        rows="8",
    ),
    Case(
        "ranking-empty-group", "ranking.hurdle", "ranking_empty_group.csv", empty("session", "query id", 2), rows="4, 5"
    ),
    Case("ranking-empty-slice", "ranking.hurdle", "ranking_empty_slice.csv", empty("device", "slice"), rows="9"),
    Case("ranking-empty-weight", "ranking.hurdle", "ranking_empty_weight.csv", empty("w", "weight"), rows="1"),
    # -- a baseline's decisions in their own file (--baseline-data) --
    Case(
        "join-spec-binds-no-id",
        "binary_noid.hurdle",
        "join_main.csv",
        "{base}: D015 baseline 'as_is' comes from its own file, but the spec binds no id",
        baseline="as_is=join_as_is.csv",
        hint="add `id COLUMN`",
    ),
    Case(
        "join-id-column-missing-in-baseline-file",
        "binary.hurdle",
        "join_main.csv",
        "{base}: D015 the id column 'row_id' is not in this file",
        baseline="as_is=join_as_is_no_id.csv",
    ),
    Case(
        "join-ids-missing-from-baseline-file",
        "binary.hurdle",
        "join_main.csv",
        "{base}: D015 2 rows of the main data have no match in the file of baseline 'as_is' (ids r3, r6)",
        baseline="as_is=join_as_is_some_ids_missing.csv",
        rows="3, 6",
    ),
    Case(
        "join-duplicate-ids-in-baseline-file",
        "binary.hurdle",
        "join_main.csv",
        "{base}: D014 2 rows share an id in column 'row_id'",
        baseline="as_is=join_as_is_duplicate_ids.csv",
        rows="4, 9",
    ),
    Case(
        "join-names-a-dummy-baseline",
        "binary.hurdle",
        "join_main.csv",
        "{base}: D015 --baseline-data names 'majority', which is not a column baseline of the spec",
        baseline="majority=join_as_is.csv",
        hint="column baselines: as_is",
    ),
    Case(
        "join-names-an-unknown-baseline",
        "binary.hurdle",
        "join_main.csv",
        "{base}: D015 --baseline-data names 'as_iss', which is not a column baseline of the spec",
        baseline="as_iss=join_as_is.csv",
        hint="did you mean 'as_is'?",
    ),
    Case(
        "join-baseline-column-missing",
        "binary.hurdle",
        "join_main.csv",
        "{base}: D004 column 'rule' (decisions of baseline as_is) is not in the data",
        baseline="as_is=join_as_is_column_misspelled.csv",
        hint="did you mean 'rules'?",
    ),
    Case(
        "join-baseline-decision-not-01",
        "binary.hurdle",
        "join_main.csv",
        "{base}: D008 column 'rule' (decisions of baseline as_is) must hold 0/1, but it has 'maybe'",
        baseline="as_is=join_as_is_not_01.csv",
        rows="5",
    ),
    Case(
        "join-baseline-file-empty",
        "binary.hurdle",
        "join_main.csv",
        "{base}: D002 data file is empty (0 bytes)",
        baseline="as_is=binary_zero_bytes.csv",
    ),
    Case(
        "join-baseline-file-missing",
        "binary.hurdle",
        "join_main.csv",
        "{base}: D001 data file does not exist",
        baseline="as_is=make:nowhere",
    ),
    Case(
        "join-baseline-file-missing-hint",
        "binary.hurdle",
        "join_main.csv",
        "{base}: D001 data file does not exist",
        baseline="as_is=make:nowhere",
        hint="--baseline-data",
    ),
    Case(
        "join-empty-id-in-main-file",
        "binary.hurdle",
        "join_main_empty_id.csv",
        "{data}: D006 1 empty or NaN cell(s) in column 'row_id' (id)",
        baseline="as_is=join_as_is.csv",
        rows="3",
    ),
    # -- a record baseline (`record "records/prod.decision.json"`, relative to the spec) --
    Case(
        "record-missing",
        "binary_record.hurdle",
        "binary_good.csv",
        "{record}: D017 baseline 'prod': cannot read the record: No such file or directory",
        record="absent",
        hint="relative to the spec file",
    ),
    Case(
        "record-is-a-directory",
        "binary_record.hurdle",
        "binary_good.csv",
        "{record}: D017 baseline 'prod': cannot read the record: Is a directory",
        record="directory",
    ),
    Case(
        "record-not-json",
        "binary_record.hurdle",
        "binary_good.csv",
        "{record}: D017 baseline 'prod': not a hurdlec decision record (Expecting value: line 1 column 1 (char 0))",
        record="not_json",
    ),
    Case(
        "record-json-but-not-a-record",
        "binary_record.hurdle",
        "binary_good.csv",
        "{record}: D017 baseline 'prod': not a hurdlec decision record (",  # then pydantic's count of errors
        record="json_not_a_record",
        prefix=True,
        hint="give a record written by `hurdlec run`",
    ),
    Case(
        "record-of-another-task",
        "binary_record.hurdle",
        "binary_good.csv",
        "{record}: D017 baseline 'prod': the record judged a regression task, this spec a binary one",
        record="other_task",
    ),
    # -- the record itself --
    Case(
        "out-folder-missing",
        "binary.hurdle",
        "binary_good.csv",
        "{out}: O001 cannot write the record: No such file or directory",
        exit=6,
        out="missing/record.json",
    ),
    Case(
        "out-is-a-directory",
        "binary.hurdle",
        "binary_good.csv",
        "{out}: O001 cannot write the record: Is a directory",
        exit=6,
        out="out/record.json/",
    ),
]


# ---- running a case ----


def _file(ref: str, tmp_path: Path) -> Path:
    if not ref.startswith("make:"):
        return BAD / ref
    name, make = MAKERS[ref.removeprefix("make:")]
    path = tmp_path / "made" / name
    path.parent.mkdir(exist_ok=True)
    make(path)
    return path


def _invoke(args: list[str]):
    if args[0] == "run" and "--engine" not in args:
        args = [*args, *PANDAS]
    result = CliRunner().invoke(cli, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        # the real entry point would print 'hurdlec: internal error' and exit 70
        raise AssertionError(f"internal error (exit 70): {result.exception!r}") from result.exception
    return result


def _first_block(stderr: str) -> list[str]:
    lines = stderr.splitlines()
    block = lines[:1]
    for line in lines[1:]:
        if not line.startswith("  "):
            break
        block.append(line)
    return block


def _snapshot(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")} if folder.exists() else set()


@pytest.mark.parametrize("case", [c.param() for c in CASES])
def test_bad_data(case: Case, tmp_path):
    spec = BAD / case.spec
    paths = {}
    if case.record is not None:  # the spec, copied, with (or without) a record beside it
        folder = tmp_path / "spec"
        (folder / "records").mkdir(parents=True)
        spec = Path(shutil.copy(spec, folder))
        paths["record"] = folder / RECORD
        RECORDS[case.record](paths["record"])
    paths["data"] = _file(case.data, tmp_path)
    args = ["run", spec, "--data", paths["data"]]
    if case.baseline:
        name, _, file = case.baseline.partition("=")
        paths["base"] = _file(file, tmp_path)
        args += ["--baseline-data", f"{name}={paths['base']}"]
    out = tmp_path / case.out
    out_folder = out.parent if not case.out.endswith("/") else out
    if case.out.startswith("out/"):
        out_folder.mkdir(parents=True, exist_ok=True)
    before = _snapshot(tmp_path / "out")
    paths["out"] = out

    result = _invoke([*args, "--out", out])

    everything = result.stdout + result.stderr
    assert "Traceback" not in everything
    assert result.exit_code == case.exit, everything
    assert result.stdout == "", "a failed run prints no summary"
    first = case.first.format(**{k: str(v) for k, v in paths.items()})
    block = _first_block(result.stderr)
    if case.prefix:
        assert block[0].startswith(first), result.stderr
    else:
        assert block[0] == first, result.stderr
    hints = [line for line in block if line.startswith("  hint: ")]
    assert hints, f"the first diagnostic has no hint:\n{result.stderr}"
    if case.hint:
        assert case.hint in hints[0], result.stderr
    if case.rows:
        assert f"  rows: {case.rows}" in block, result.stderr
    assert _snapshot(tmp_path / "out") == before, "a failed run leaves no record behind"
    assert not out.is_file(), "a failed run leaves no record behind"
    assert [p for p in tmp_path.rglob("*.tmp")] == [], "no temporary file left behind"


def test_corpus_covers_every_task_and_the_data_codes():
    codes = {c.first.split(": ")[1].split()[0] for c in CASES}
    tasks = {c.spec.split("_")[0].removesuffix(".hurdle") for c in CASES}
    assert tasks >= {"binary", "multiclass", "regression", "ranking"}
    assert codes >= {f"D{n:03}" for n in range(1, 19)} | {"O001"}
    assert len({c.name for c in CASES}) == len(CASES)


# ---- runs that succeed: dropped rows, joins, a record from another spec ----


def _run_ok(tmp_path, spec: Path, data: Path, *extra: str):
    out = tmp_path / "out" / "record.json"
    out.parent.mkdir(exist_ok=True)
    result = _invoke(["run", spec, "--data", data, "--out", out, *extra])
    assert "Traceback" not in result.stdout + result.stderr
    return result, out


def test_missing_drop_drops_rows_and_counts_them(tmp_path):
    data = BAD / "binary_drop_some.csv"
    result, out = _run_ok(tmp_path, BAD / "binary_drop.hurdle", data)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    record = json.loads(out.read_text())
    assert record["data"]["rows_read"] == 8
    assert record["data"]["rows_used"] == 5
    assert record["data"]["rows_dropped"] == 3
    assert record["data"]["drop_reasons"] == {"empty p (score)": 2, "empty rule (decisions of baseline as_is)": 1}
    assert f"data: {data} (5 rows; 3 dropped)" in result.stdout.splitlines()
    # the metrics are those of the rows kept (rows 1, 3, 4, 5, 8; weights 1, 2, 1, 1, 1)
    kept = pd.read_csv(data).dropna(subset=["p", "rule"])
    decided = (kept["p"] >= 0.5).astype(int)
    accuracy = np.average(decided == kept["y"], weights=kept["w"])
    assert record["metrics"]["candidate"]["all"]["accuracy"]["value"] == pytest.approx(accuracy, abs=1e-12)


def test_baseline_data_is_joined_by_id_not_by_position(tmp_path):
    """join_as_is.csv lists the ids in reverse order: a positional join would give other numbers."""
    _, plain = _run_ok(tmp_path, BAD / "binary.hurdle", BAD / "binary_good.csv")
    expected = json.loads(plain.read_text())["metrics"]["as_is"]
    plain.unlink()
    result, out = _run_ok(
        tmp_path, BAD / "binary.hurdle", BAD / "join_main.csv", "--baseline-data", f"as_is={BAD / 'join_as_is.csv'}"
    )
    assert result.exit_code == 0, result.stderr
    record = json.loads(out.read_text())
    assert record["metrics"]["as_is"] == expected
    assert [f["role"] for f in record["data"]["files"]] == ["predictions", "baseline as_is"]


def _spec_with_record(tmp_path) -> tuple[Path, Path]:
    folder = tmp_path / "spec"
    (folder / "records").mkdir(parents=True)
    return Path(shutil.copy(BAD / "binary_record.hurdle", folder)), folder / RECORD


def test_record_made_under_another_spec_warns_w401(tmp_path):
    spec, record_path = _spec_with_record(tmp_path)
    _record_of("binary.hurdle", "binary_good.csv")(record_path)
    sha = json.loads(record_path.read_text())["spec"]["sha256"]
    result, out = _run_ok(tmp_path, spec, BAD / "binary_good.csv")
    assert result.exit_code == 1, result.stderr  # decided: the candidate does not beat the weighted prod accuracy
    lines = result.stderr.splitlines()
    assert lines[0] == (
        f"{record_path}: W401 baseline 'prod' was decided under another version of a spec (bad_binary, sha256 "
        f"{sha[:12]}…); its metrics are compared as they were recorded"
    )
    assert lines[1].startswith("  hint: ")
    record = json.loads(out.read_text())
    assert [w["code"] for w in record["warnings"]] == ["W401"]
    assert record["outcome"]["status"] == "decided"


def test_record_made_under_the_same_spec_is_silent(tmp_path):
    spec, record_path = _spec_with_record(tmp_path)
    _record_of("binary.hurdle", "binary_good.csv")(record_path)
    earlier = tmp_path / "earlier.json"
    _invoke(["run", spec, "--data", BAD / "binary_good.csv", "--out", earlier])
    shutil.move(earlier, record_path)  # a record of this very spec is now the production baseline
    result, out = _run_ok(tmp_path, spec, BAD / "binary_good.csv")
    assert result.exit_code in (0, 1), result.stderr
    assert "W401" not in result.stderr
    assert json.loads(out.read_text())["warnings"] == []


GOOD_BUT_TRICKY = [
    pytest.param(
        "multiclass_numeric.hurdle",
        "multiclass_numeric_drop_label.csv",
        1,
        id="multiclass-numbered-classes-with-a-dropped-label",
    ),
    pytest.param(
        "multiclass_na.hurdle",
        "multiclass_na_good.csv",
        0,
        id="multiclass-class-named-NA",
    ),
    pytest.param("binary_drop.hurdle", "binary_good.csv", 0, id="drop-policy-with-nothing-to-drop"),
    # the good files every bad one is an edit of: each bad case fails for its edit alone
    *[
        pytest.param(f"{kind}.hurdle", f"{kind}_good.csv", 0, id=f"{kind}-good")
        for kind in ("binary", "multiclass", "multiclass_numeric", "regression", "ranking")
    ],
]


@pytest.mark.parametrize("spec, data, dropped", GOOD_BUT_TRICKY)
def test_good_data_that_is_easy_to_misread(tmp_path, spec, data, dropped):
    result, out = _run_ok(tmp_path, BAD / spec, BAD / data)
    assert result.exit_code == 0, result.stderr
    assert json.loads(out.read_text())["data"]["rows_dropped"] == dropped
