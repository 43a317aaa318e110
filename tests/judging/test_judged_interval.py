"""The record shows, for every judged comparison, the interval the decision used: one-sided, at the
level it was judged at (after an `or`'s correction), with `bound` as its end; beside it, the
two-sided interval at the stated level, for reading."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from tests.conftest import invoke

SPEC = """
spec s {
  owner "x"
  task binary
  data { label y  predict c  slice region }
  baseline b { predict base }
  hurdles at 95% confidence {
    tier t {
      recall beats b or precision >= 0.2
      recall >= 0.1 in every region
      not precision <= 0.01
    }
    otherwise keep
  }
}
"""


def _record(tmp_path) -> dict:
    rng = np.random.default_rng(3)
    n = 2_000
    y = (rng.random(n) < 0.3).astype(int)
    frame = pd.DataFrame(
        {
            "y": y,
            "c": np.where(y == 1, rng.random(n) < 0.7, rng.random(n) < 0.2).astype(int),
            "base": np.where(y == 1, rng.random(n) < 0.6, rng.random(n) < 0.2).astype(int),
            "region": rng.choice(["north", "south"], n),
        }
    )
    (tmp_path / "s.hurdle").write_text(SPEC, encoding="utf-8")
    frame.to_csv(tmp_path / "d.csv", index=False)
    out = tmp_path / "r.json"
    result = invoke("run", tmp_path / "s.hurdle", "--data", tmp_path / "d.csv", "--out", out, "--resamples", "400")
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(out.read_text(encoding="utf-8"))


def test_the_record_shows_the_interval_each_comparison_was_judged_with(tmp_path):
    alternatives, every, negated = _record(tmp_path)["tiers"][0]["conditions"]
    for part in alternatives["parts"]:  # an `or` of two at 95%: each part judged at 97.5%
        used, shown = part["judged_interval"], part["interval"]
        assert part["judged_at"] == used["confidence"] == 0.975
        assert used["side"] == "lower" and used["low"] == part["bound"] and used["high"] is None
        assert shown["confidence"] == 0.95 and shown["side"] == "two-sided"
    for s in every["slices"]:
        assert s["judged_interval"]["confidence"] == 0.95 and s["judged_interval"]["low"] == s["bound"]
    # `not precision <= 0.01` is judged as precision > 0.01: the lower bound
    assert negated["parts"][0]["judged_interval"]["side"] == "lower"
    assert negated["parts"][0]["judged_interval"]["low"] == negated["parts"][0]["bound"]
