"""`hurdlec test`: a spec's examples, run like unit tests."""

from __future__ import annotations

import json

from tests.conftest import EXAMPLES, TEST_SPECS

WRONG = TEST_SPECS / "wrong_example.hurdle"


def test_every_bundled_example_passes(hurdlec):
    result = hurdlec("test", EXAMPLES)
    assert result.exit_code == 0, result.stdout
    assert result.stdout.splitlines()[-1] == "8 passed, 0 failed"
    assert all(line.startswith("PASS ") for line in result.stdout.splitlines()[:-1])


def test_a_wrong_example_fails_and_says_which_conditions_went_the_other_way(hurdlec):
    result = hurdlec("test", WRONG)
    assert result.exit_code == 1
    assert result.stdout == (
        f"PASS {WRONG}:26 wrong_example: a clear win\n"
        f"FAIL {WRONG}:31 wrong_example: a small win (expected rollout, got pilot)\n"
        "    expected tier 'rollout' did not hold:\n"
        "      ✗ net_value beats as_is by 20%: candidate 7 vs as_is 6: +16.7% (needs ≥ +20%)\n"
        f"FAIL {WRONG}:36 wrong_example: too little data (expected rollout, got inconclusive)\n"
        "    outcome inconclusive: a guard did not hold: 'require rows >= 2_000' failed (500)\n"
        f"PASS {WRONG}:41 wrong_example: value from its parts\n"
        "2 passed, 2 failed\n"
    )


def test_json_format_and_run_filter(hurdlec):
    result = hurdlec("test", "--format", "json", "--run", "small", WRONG)
    payload = json.loads(result.stdout)
    assert (payload["passed"], payload["failed"]) == (0, 1)
    (example,) = payload["examples"]
    assert example["example"] == "a small win" and example["got"] == "pilot" and example["line"] == 31


def test_no_matching_example(hurdlec):
    result = hurdlec("test", "--run", "nothing-like-this", WRONG)
    assert result.exit_code == 0
    assert result.stdout == "no examples found matching 'nothing-like-this'\n0 passed, 0 failed\n"


def test_a_spec_with_errors_is_reported_and_fails(hurdlec, tmp_path):
    bad = tmp_path / "bad.hurdle"
    bad.write_text(WRONG.read_text().replace("expect rollout", "expect rolout", 1))
    result = hurdlec("test", bad)
    assert result.exit_code == 1
    assert "E115 example \"a clear win\" expects tier 'rolout', which does not exist" in result.stderr
