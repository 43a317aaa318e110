"""The Python API, and the runnable example in docs/api.md."""

from __future__ import annotations

import re

import pandas as pd
import pytest

import hurdlelang as hl
from tests.conftest import EXAMPLE_DATA, EXAMPLE_SPEC, ROOT


def test_the_example_in_docs_api_md_runs(tmp_path, monkeypatch, capsys):
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "docs" / "api.md").read_text(), re.S)
    monkeypatch.chdir(ROOT)
    namespace: dict = {}
    exec(
        compile(blocks[0].replace('"repeat_purchase.decision.json"', repr(str(tmp_path / "r.json"))), "api.md", "exec"),
        namespace,
    )
    printed = capsys.readouterr().out.splitlines()
    assert printed[:3] == ["rollout", "Retarget with the model in every region", "False"]
    assert (tmp_path / "r.json").exists()
    (errors,) = [b for b in blocks if "D004" in b]
    exec(compile(errors, "api.md", "exec"), namespace)
    assert capsys.readouterr().out.strip() == "D004"


def test_judge_matches_the_command_line(hurdlec, tmp_path):
    out = tmp_path / "cli.json"
    hurdlec("run", EXAMPLE_SPEC, "--data", EXAMPLE_DATA, "--out", out)
    decision = hl.judge(hl.load_spec(EXAMPLE_SPEC), EXAMPLE_DATA)
    from hurdlelang.record.model import DecisionRecord

    recorded = DecisionRecord.model_validate_json(out.read_text())
    assert decision.record.metrics == recorded.metrics
    assert decision.record.tiers == recorded.tiers
    assert decision.record.data.files == recorded.data.files


def test_dataframe_digest_is_stable_and_sensitive():
    frame = pd.read_csv(EXAMPLE_DATA)
    spec = hl.load_spec(EXAMPLE_SPEC)
    one = hl.judge(spec, frame, resamples=100).record.data.files[0].sha256
    assert one == hl.judge(spec, frame.copy(), resamples=100).record.data.files[0].sha256
    changed = frame.copy()
    changed.loc[0, "p_buy"] = 0.5
    assert one != hl.judge(spec, changed, resamples=100).record.data.files[0].sha256


def test_spec_errors_carry_diagnostics():
    with pytest.raises(hl.SpecError) as caught:
        hl.load_spec(text=EXAMPLE_SPEC.read_text().replace("precision >= 0.33", "precison >= 0.33"))
    assert [d.code for d in caught.value.diagnostics] == ["E101"]
    assert "did you mean 'precision'?" in str(caught.value)


def test_override_is_recorded():
    decision = hl.judge(
        hl.load_spec(EXAMPLE_SPEC), EXAMPLE_DATA, resamples=100, override=("pilot", "legal review", "cfo")
    )
    assert decision.tier == "pilot"
    assert decision.record.outcome.computed_tier == "rollout"
    assert decision.record.outcome.override.by == "cfo"


def test_records_made_through_the_api_keep_the_compilers_warnings():
    text = EXAMPLE_SPEC.read_text().replace("precision >= 0.33", "precision >= 0.33\n      roc_auc <= 0.99")
    spec = hl.load_spec(text=text)
    assert [(w.code, w.line) for w in spec.warnings] == [("W301", 44)]
    record = hl.judge(spec, EXAMPLE_DATA, resamples=100).record
    assert [(w.code, w.line) for w in record.warnings] == [("W301", 44)]
