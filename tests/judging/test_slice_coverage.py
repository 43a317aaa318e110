"""`in every`: how many slice values were judged, in the summary's and the reports' headline;
`strictly` fails on a value left unjudged; `between` in conditions (issue 14)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from hurdlelang.record.model import DecisionRecord
from hurdlelang.report.render import render
from tests.conftest import invoke

SPEC = """
spec churn "Who will cancel next month?" {
  owner "retention"
  task  binary

  data {
    label   churned
    score   p_churn
    predict p_churn >= 0.5
    slice   region
  }

  baseline as_is "The tenure rule" {
    predict tenure_rule
  }

  hurdles {
    require rows >= 100 in every region
    GUARD
    tier everywhere "Call the model's list in every region" {
      recall >= 0.05 in every region strictly
    }
    tier most "Call the model's list where it was judged" {
      recall >= 0.05 in every region
      precision between 0.05 and 0.999
    }
    otherwise keep "Keep the tenure rule"
  }
}
"""


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    rng = np.random.default_rng(3)
    sizes = {"north": 400, "south": 400, "islands": 40}
    region = np.repeat(list(sizes), list(sizes.values()))
    n = len(region)
    churned = rng.random(n) < 0.3
    p = np.clip(0.3 + 0.4 * churned + rng.normal(0, 0.2, n), 0, 1)
    frame = pd.DataFrame(
        {
            "churned": churned.astype(int),
            "p_churn": p.round(4),
            "tenure_rule": (rng.random(n) < 0.3).astype(int),
            "region": region,
        }
    )
    path = tmp_path_factory.mktemp("coverage") / "churn.csv"
    frame.to_csv(path, index=False)
    return path, frame


def _run(tmp_path, data, guard: str = "", spec: str = SPEC):
    path = tmp_path / "churn.hurdle"
    path.write_text(spec.replace("GUARD", guard))
    out = tmp_path / "record.json"
    result = invoke("run", path, "--data", data[0], "--out", out)
    assert result.exit_code in (0, 1, 3), result.stderr
    return result.stdout, DecisionRecord.model_validate(json.loads(out.read_text()))


def test_strictly_fails_on_a_skipped_value_and_the_plain_form_judges_the_rest(tmp_path, data):
    summary, record = _run(tmp_path, data)
    strict = record.tiers[0].conditions[0]
    assert strict.strict and strict.state == "failed"
    assert [s.value for s in strict.slices] == ["north", "south"]
    assert list(strict.skipped_slices) == ["islands"]
    assert all(s.state == "held" for s in strict.slices)
    plain = record.tiers[1].conditions[0]
    assert not plain.strict and plain.state == "held"
    assert record.outcome.tier == "most"
    assert "per region (2 of 3 judged)" in summary


def test_the_headline_says_how_many_slice_values_were_judged(tmp_path, data):
    summary, record = _run(tmp_path, data)
    note = next(line for line in summary.splitlines() if line.startswith("note:"))
    assert "judged on 2 of 3 region values" in note and "islands" in note
    assert "recall >= 0.05 in every region strictly (strictly: so it fails), recall >= 0.05 in every region;" in note
    for fmt in ("md", "html"):
        head = render(record, fmt).split("Spec")[0]  # the decision box, before the facts table
        assert "judged on 2 of 3" in head and "islands" in head


def test_a_strict_guard_needs_every_value_to_pass(tmp_path, data):
    summary, record = _run(tmp_path, data, guard="require rows >= 100 in every region strictly")
    strict = record.guards[1]
    assert strict.strict and strict.state == "failed"
    assert record.guards[0].state == "held"  # the plain form holds when some value passes
    assert record.outcome.status == "inconclusive"
    assert "fails for islands (40)" in summary


def test_between_is_both_ends_on_the_same_rows(tmp_path, data):
    _, record = _run(tmp_path, data)
    band = record.tiers[1].conditions[1]
    assert band.kind == "all" and band.text == "precision between 0.05 and 0.999"
    low, high = band.parts
    assert (low.text, low.op, low.required) == ("precision >= 0.05", ">=", 0.05)
    assert (high.text, high.op, high.required) == ("precision <= 0.999", "<=", 0.999)
    frame = data[1]
    decided = frame["p_churn"] >= 0.5
    precision = (decided & (frame["churned"] == 1)).sum() / decided.sum()
    assert low.candidate_value == pytest.approx(precision) == high.candidate_value
    assert band.state == "held"


def test_between_with_a_level_judges_each_end_by_its_one_sided_bound(tmp_path, data):
    spec = SPEC.replace("hurdles {", "hurdles at 90% confidence {")
    _, record = _run(tmp_path, data, spec=spec)
    low, high = record.tiers[1].conditions[1].parts
    assert low.bound < low.candidate_value < high.bound
    # at 90% one-sided, the two ends are the 80% two-sided interval of the same resamples
    assert low.interval.low <= low.bound and high.bound <= high.interval.high


BAND = """
spec band "A band" {
  owner "retention"
  task  binary

  data {
    label   churned
    score   p_churn
    predict p_churn >= 0.5
  }

  hurdles {
    tier call "Call the list" {
      precision between 5% and 0.9
    }
    otherwise keep "Keep the tenure rule"
  }

  example "below the band" {
    given precision 0.01
    expect keep
  }
  example "inside the band" {
    given precision 0.05
    expect call
  }
  example "above the band" {
    given precision 0.95
    expect keep
  }
}
"""


def test_between_in_examples_is_judged_on_the_value_given(tmp_path):
    spec = tmp_path / "band.hurdle"
    spec.write_text(BAND)
    result = invoke("test", spec)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout
