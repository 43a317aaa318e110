"""`hurdlec run` end to end on the bundled example."""

from __future__ import annotations

import json

import jsonschema
import pandas as pd
import pytest
from sklearn import metrics as sk

from hurdlelang.record.model import DecisionRecord
from tests.conftest import EXAMPLE_DATA, SIMPLE_SPEC, TEST_SPECS


@pytest.fixture(scope="module")
def frame():
    return pd.read_csv(EXAMPLE_DATA)


def test_example_reaches_top_tier_and_writes_a_record(hurdlec, tmp_path, frame):
    out = tmp_path / "record.json"
    result = hurdlec("run", SIMPLE_SPEC, "--data", EXAMPLE_DATA, "--out", out, "--model-id", "m-1")
    assert result.exit_code == 0, result.stderr
    assert "decision: rollout — Retarget with the model in every region" in result.stdout
    assert "✓ f1 beats as_is by 5 points" in result.stdout
    record = json.loads(out.read_text())
    assert record["outcome"] == {
        "status": "decided",
        "tier": "rollout",
        "action": "Retarget with the model in every region",
        "blocking": False,
        "reason": "every condition of tier 'rollout' held",
        "computed_status": None,
        "computed_tier": None,
        "override": None,
    }
    assert record["model_id"] == "m-1"
    assert record["data"]["rows_used"] == len(frame)
    label = frame["bought_again"]
    candidate = (frame["p_buy"] >= 0.35).astype(int)
    cand = record["metrics"]["candidate"]["all"]
    assert cand["precision"]["value"] == pytest.approx(sk.precision_score(label, candidate), abs=1e-12)
    assert cand["roc_auc"]["value"] == pytest.approx(sk.roc_auc_score(label, frame["p_buy"]), abs=1e-12)
    base = record["metrics"]["as_is"]["all"]
    assert base["f1"]["value"] == pytest.approx(sk.f1_score(label, frame["recency_rule"]), abs=1e-12)
    beats = record["tiers"][0]["conditions"][0]
    assert beats["state"] == "held"
    assert beats["observed"] == pytest.approx(cand["f1"]["value"] - base["f1"]["value"], abs=1e-12)
    assert beats["required"] == pytest.approx(0.05)


def test_record_validates_against_its_json_schema(hurdlec, tmp_path):
    out = tmp_path / "record.json"
    hurdlec("run", SIMPLE_SPEC, "--data", EXAMPLE_DATA, "--out", out)
    jsonschema.validate(json.loads(out.read_text()), DecisionRecord.model_json_schema())


def test_record_hashes_the_spec_and_the_data(hurdlec, tmp_path):
    import hashlib

    out = tmp_path / "record.json"
    hurdlec("run", SIMPLE_SPEC, "--data", EXAMPLE_DATA, "--out", out)
    record = json.loads(out.read_text())
    assert record["spec"]["sha256"] == hashlib.sha256(SIMPLE_SPEC.read_bytes()).hexdigest()
    assert record["data"]["files"][0]["sha256"] == hashlib.sha256(EXAMPLE_DATA.read_bytes()).hexdigest()


def test_hurdles_out_of_reach_fall_to_otherwise(hurdlec, tmp_path):
    out = tmp_path / "record.json"
    result = hurdlec("run", TEST_SPECS / "too_strict.hurdle", "--data", EXAMPLE_DATA, "--out", out)
    assert result.exit_code == 1
    assert "decision: keep_as_is — Keep the recency rule [fall-back: blocking]" in result.stdout
    record = json.loads(out.read_text())
    assert record["outcome"]["tier"] == "keep_as_is" and record["outcome"]["blocking"] is True
    assert [t["state"] for t in record["tiers"]] == ["failed", "failed"]


def test_undefined_metric_makes_the_outcome_inconclusive(hurdlec, tmp_path):
    out = tmp_path / "record.json"
    result = hurdlec("run", TEST_SPECS / "nothing_predicted.hurdle", "--data", EXAMPLE_DATA, "--out", out)
    assert result.exit_code == 3
    assert "? precision >= 0.5" in result.stdout
    record = json.loads(out.read_text())
    assert record["outcome"]["status"] == "inconclusive"
    condition = record["tiers"][0]["conditions"][0]
    assert condition["state"] == "undefined" and "no predicted positives" in condition["reason"]


def test_json_flag_prints_the_record(hurdlec, tmp_path):
    out = tmp_path / "record.json"
    result = hurdlec("run", SIMPLE_SPEC, "--data", EXAMPLE_DATA, "--out", out, "--json")
    assert json.loads(result.stdout) == json.loads(out.read_text())


def test_a_spec_with_errors_is_not_run(hurdlec, tmp_path):
    bad = tmp_path / "bad.hurdle"
    bad.write_text(SIMPLE_SPEC.read_text().replace("precision >= 0.40", "precison >= 0.40"))
    out = tmp_path / "record.json"
    result = hurdlec("run", bad, "--data", EXAMPLE_DATA, "--out", out)
    assert result.exit_code == 4
    assert "E101 unknown metric 'precison'" in result.stderr
    assert not out.exists()
