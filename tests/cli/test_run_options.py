"""`hurdlec run` options that change the outcome's standing: --fail-on, --override, --spec, --seed."""

from __future__ import annotations

import json

from tests.conftest import EXAMPLE_DATA, EXAMPLE_SPEC, TEST_SPECS


def _run(hurdlec, tmp_path, *extra, spec=EXAMPLE_SPEC):
    out = tmp_path / "record.json"
    result = hurdlec("run", spec, "--data", EXAMPLE_DATA, "--out", out, "--resamples", "200", *extra)
    return result, (json.loads(out.read_text()) if out.exists() else None)


def test_fail_on_makes_a_reached_tier_blocking(hurdlec, tmp_path):
    result, record = _run(hurdlec, tmp_path, "--fail-on", "rollout")
    assert result.exit_code == 1
    assert record["outcome"]["tier"] == "rollout" and record["outcome"]["blocking"] is True
    assert record["run"]["fail_on"] == ["rollout"] and record["run"]["exit_code"] == 1


def test_fail_on_a_tier_that_does_not_exist(hurdlec, tmp_path):
    result, record = _run(hurdlec, tmp_path, "--fail-on", "rolout")
    assert result.exit_code == 4 and record is None
    assert result.stderr.splitlines()[0].endswith("E115 --fail-on names tier 'rolout', which the spec does not have")
    assert "hint: did you mean 'rollout'?" in result.stderr


def test_override_is_recorded_with_who_and_why(hurdlec, tmp_path):
    result, record = _run(hurdlec, tmp_path, "--override", "keep_as_is", "--reason", "legal hold", "--by", "cfo")
    assert result.exit_code == 1  # the fall-back, chosen by a person, still blocks a release
    outcome = record["outcome"]
    assert (outcome["tier"], outcome["computed_tier"], outcome["computed_status"]) == (
        "keep_as_is",
        "rollout",
        "decided",
    )
    assert outcome["override"] == {"tier": "keep_as_is", "reason": "legal hold", "by": "cfo"}
    assert "computed: rollout; OVERRIDDEN by cfo: legal hold" in result.stdout


def test_an_override_needs_a_reason_and_an_author(hurdlec, tmp_path):
    result, record = _run(hurdlec, tmp_path, "--override", "pilot")
    assert result.exit_code == 2 and record is None
    assert "an override needs all three: --override TIER --reason TEXT --by NAME" in result.stderr


def test_a_failed_guard_is_inconclusive_not_a_rejection(hurdlec, tmp_path):
    spec = tmp_path / "strict_guard.hurdle"
    spec.write_text(EXAMPLE_SPEC.read_text().replace("require rows >= 2_000", "require rows >= 20_000"))
    result, record = _run(hurdlec, tmp_path, spec=spec)
    assert result.exit_code == 3
    assert record["outcome"]["status"] == "inconclusive" and record["outcome"]["tier"] is None
    assert record["guards"][0]["state"] == "failed" and record["guards"][0]["value"] == 4000
    assert "decision: INCONCLUSIVE (a guard did not hold: 'require rows >= 20_000' failed (4000))" in result.stdout


def test_several_specs_in_a_file_need_spec(hurdlec, tmp_path):
    both = tmp_path / "both.hurdle"
    both.write_text((TEST_SPECS / "simple.hurdle").read_text() + (TEST_SPECS / "too_strict.hurdle").read_text())
    result, _ = _run(hurdlec, tmp_path, spec=both)
    assert result.exit_code == 4
    assert result.stderr.splitlines()[0] == f"{both}: E113 this file holds several specs"
    result, record = _run(hurdlec, tmp_path, "--spec", "too_strict", spec=both)
    assert result.exit_code == 1 and record["spec"]["name"] == "too_strict"


def test_the_same_seed_gives_the_same_record(hurdlec, tmp_path):
    _, first = _run(hurdlec, tmp_path, "--seed", "7")
    _, second = _run(hurdlec, tmp_path, "--seed", "7")
    _, other = _run(hurdlec, tmp_path, "--seed", "8")
    strip = lambda r: {k: v for k, v in r.items() if k != "created_at"}  # noqa: E731
    assert strip(first) == strip(second)
    assert first["tiers"] != other["tiers"]  # the bounds move with the draws
