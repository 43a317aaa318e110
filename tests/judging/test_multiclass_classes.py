"""Per-class metrics, a cost matrix and macro averages over every class, through `hurdlec run`:
values against scikit-learn per scope, the cost by hand, its unit in the record, the summary and
both reports, and W402 for a slice value that holds one class (issue 14)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as sk
from sklearn.exceptions import UndefinedMetricWarning

from hurdlelang.record.model import DecisionRecord
from hurdlelang.report import numbers
from hurdlelang.report.render import render
from tests.conftest import invoke

CLASSES = ["billing", "technical", "sales"]
SPEC = """
spec routing "Route tickets" {
  owner "support-ops"
  task  multiclass

  data {
    label team
    score p_billing for billing, p_technical for technical, p_sales for sales
    slice language
  }

  baseline rules "Keyword rules" {
    predict rules_team
  }

  cost "What a routing costs" in EUR {
    decided    billing, technical, sales
    billing    0,       20,        50
    technical  30,      0,         50
    sales      60,      60,        0
  }

  metric cost_per_1000 "Routing cost per 1,000 tickets" lower is better = cost * 1000

  hurdles at 95% confidence {
    require support[sales] >= 20

    tier auto "Route automatically" {
      recall[sales] >= 0.5
      precision[billing] no worse than rules by 5 points
      cost beats rules by 10%
      f1_macro beats rules in every language
    }
    otherwise keep "Keep the rules"
  }
}
"""
PRICE = {
    ("billing", "billing"): 0, ("billing", "technical"): 20, ("billing", "sales"): 50,
    ("technical", "billing"): 30, ("technical", "technical"): 0, ("technical", "sales"): 50,
    ("sales", "billing"): 60, ("sales", "technical"): 60, ("sales", "sales"): 0,
}  # fmt: skip


def _frame(seed: int = 3, n: int = 900) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    language = rng.choice(["en", "de", "fr"], n, p=[0.6, 0.3, 0.1])
    team = rng.choice(CLASSES, n, p=[0.5, 0.35, 0.15])
    team[language == "fr"] = "billing"  # the French queue sees billing tickets only
    p = rng.dirichlet(np.ones(3), n)
    p[np.arange(n), [CLASSES.index(t) for t in team]] += 0.5
    p[language == "fr", 2] = 0.0  # ... and the model never sends one there to sales
    p = (p / p.sum(axis=1, keepdims=True)).round(4)
    rules = np.where(rng.random(n) < 0.7, team, rng.choice(CLASSES, n))
    frame = pd.DataFrame({"team": team, "language": language, "rules_team": rules})
    for i, c in enumerate(CLASSES):
        frame[f"p_{c}"] = p[:, i]
    return frame


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("routing")
    frame = _frame()
    data = folder / "routing.csv"
    frame.to_csv(data, index=False)
    spec = folder / "routing.hurdle"
    spec.write_text(SPEC)
    out = folder / "record.json"
    result = invoke("run", spec, "--data", data, "--out", out, "--resamples", "300")
    assert result.exit_code in (0, 1, 3), result.stderr
    record = DecisionRecord.model_validate(json.loads(out.read_text()))
    decided = np.array(CLASSES)[frame[[f"p_{c}" for c in CLASSES]].to_numpy().argmax(axis=1)]
    return frame, decided, result, record


def _scopes(frame):
    yield "all", np.ones(len(frame), dtype=bool)
    for value in ("en", "de", "fr"):
        yield f"language={value}", (frame["language"] == value).to_numpy()


def test_per_class_values_equal_sklearn_in_every_scope(run):
    frame, decided, _, record = run
    y = frame["team"].to_numpy()
    for scope, rows in _scopes(frame):
        entries = record.metrics["candidate"][scope]
        precision = sk.precision_score(y[rows], decided[rows], labels=CLASSES, average=None, zero_division=0)
        recall = sk.recall_score(y[rows], decided[rows], labels=CLASSES, average=None, zero_division=0)
        for key, expected in (("precision[billing]", precision[0]), ("recall[sales]", recall[2])):
            entry = entries[key]
            if entry.value is None:  # a class that neither occurs nor is decided here
                assert scope == "language=fr" and entry.reason
            else:
                assert entry.value == pytest.approx(expected, abs=1e-12), (scope, key)
        assert entries["support[sales]"].value == (y[rows] == "sales").sum()


def test_the_cost_is_the_mean_price_of_the_decisions(run):
    frame, decided, _, record = run
    y = frame["team"].to_numpy()
    rules = frame["rules_team"].to_numpy()
    for scope, rows in _scopes(frame):
        for party, d in (("candidate", decided), ("rules", rules)):
            by_hand = np.mean([PRICE[(a, b)] for a, b in zip(y[rows], d[rows], strict=True)])
            assert record.metrics[party][scope]["cost"].value == pytest.approx(by_hand, rel=1e-12), (party, scope)
            per_1000 = record.metrics[party][scope]["cost_per_1000"].value
            assert per_1000 == pytest.approx(1000 * by_hand, rel=1e-12)
    entry = record.metrics["candidate"]["all"]["cost"]
    assert entry.interval.low < entry.value < entry.interval.high


def test_the_cost_carries_its_unit_into_the_record_summary_and_reports(run):
    _, _, result, record = run
    assert record.metric_info["cost"].unit == "EUR"
    assert record.metric_info["cost_per_1000"].unit == "EUR"
    assert record.metric_info["cost"].direction == "lower"
    shown = numbers.number(record.metrics["candidate"]["all"]["cost"].value, "EUR")
    assert shown.endswith(" EUR") and shown in result.stdout
    for fmt in ("md", "html"):
        assert "EUR" in render(record, fmt)


def test_macro_averages_count_every_class_and_a_one_class_slice_is_warned_about(run):
    frame, decided, result, record = run
    y = frame["team"].to_numpy()
    for scope, rows in _scopes(frame):
        entry = record.metrics["candidate"][scope]["f1_macro"]
        if scope != "language=fr":
            expected = sk.f1_score(y[rows], decided[rows], labels=CLASSES, average="macro")
            assert entry.value == pytest.approx(expected, abs=1e-12), scope
    # fr holds billing tickets only and the model never decides sales there: sales has no F1, so an
    # average over all three classes is undefined (sklearn warns and substitutes 0), where an average
    # over the classes present, as before, gave a number
    fr = (frame["language"] == "fr").to_numpy()
    entry = record.metrics["candidate"]["language=fr"]["f1_macro"]
    assert entry.value is None and "'sales'" in entry.reason
    with pytest.warns(UndefinedMetricWarning):
        sk.f1_score(y[fr], decided[fr], labels=CLASSES, average="macro")
    assert 0 < sk.f1_score(y[fr], decided[fr], average="macro") < 1
    assert "W402" in result.stderr and "language = 'fr'" in result.stderr
    assert [w.code for w in record.warnings if w.code == "W402"] == ["W402"]
    # the per-slice condition cannot be judged in fr: it is left out or undefined, never passed
    condition = next(c for c in record.tiers[0].conditions if c.text.startswith("f1_macro"))
    fr_judged = [s for s in condition.slices if s.value == "fr"]
    assert not fr_judged or fr_judged[0].state == "undefined"


def test_a_spec_without_scores_declares_its_classes(tmp_path):
    frame = _frame(seed=5)
    data = tmp_path / "routing.csv"
    frame.assign(model_team=frame["rules_team"]).to_csv(data, index=False)
    spec = tmp_path / "routing.hurdle"
    spec.write_text(
        SPEC.replace(
            "score p_billing for billing, p_technical for technical, p_sales for sales",
            "predict model_team\n    classes billing, technical, sales",
        )
    )
    out = tmp_path / "record.json"
    result = invoke("run", spec, "--data", data, "--out", out, "--resamples", "100")
    assert result.exit_code in (0, 1, 3), result.stderr
    record = DecisionRecord.model_validate(json.loads(out.read_text()))
    y, d = frame["team"].to_numpy(), frame["rules_team"].to_numpy()
    recall = sk.recall_score(y, d, labels=CLASSES, average=None)
    assert record.metrics["candidate"]["all"]["recall[sales]"].value == pytest.approx(recall[2], abs=1e-12)
    # a label outside the declared classes is a data error, named as such
    frame.loc[3, "team"] = "legal"
    frame.assign(model_team=frame["rules_team"]).to_csv(data, index=False)
    bad = invoke("run", spec, "--data", data, "--out", out)
    assert bad.exit_code != 0 and "D009" in bad.stderr and "not among the spec's classes" in bad.stderr


def test_a_derived_metric_may_share_a_name_with_a_per_class_metric(tmp_path):
    """`share` and `support` were free names for derived metrics before per-class metrics came: a
    spec deriving one still checks, and `share[CLASS]` is the built-in beside it."""
    frame = _frame(seed=6)
    data = tmp_path / "routing.csv"
    frame.to_csv(data, index=False)
    text = SPEC.replace(
        "  metric cost_per_1000", '  metric share "Twice the accuracy" = accuracy * 2\n\n  metric cost_per_1000'
    ).replace("      recall[sales] >= 0.5", "      share[billing] >= 0.1\n      share >= 0.2")
    spec = tmp_path / "routing.hurdle"
    spec.write_text(text)
    out = tmp_path / "record.json"
    result = invoke("run", spec, "--data", data, "--out", out, "--resamples", "100")
    assert result.exit_code in (0, 1, 3), result.stderr
    entries = DecisionRecord.model_validate(json.loads(out.read_text())).metrics["candidate"]["all"]
    assert entries["share"].value == pytest.approx(2 * entries["accuracy"].value, rel=1e-12)
    assert entries["share[billing]"].value == pytest.approx((frame["team"] == "billing").mean(), rel=1e-12)


@pytest.mark.parametrize("classes", ["", "\n    classes billing, technical, sales"])
def test_a_dummy_baseline_of_a_spec_without_scores(tmp_path, classes):
    """A most_frequent dummy in a multiclass spec that binds only decisions: it ended in an internal
    error (its probability columns were lined up with the spec's classes, which such a spec lacks)."""
    frame = _frame(seed=8)
    data = tmp_path / "routing.csv"
    frame.to_csv(data, index=False)
    spec = tmp_path / "po.hurdle"
    spec.write_text(
        'spec po "Decisions only" {\n  owner "o"\n  task  multiclass\n\n  data {\n    label   team\n'
        f"    predict rules_team{classes}\n  }}\n\n"
        '  baseline big "Biggest queue" {\n    strategy most_frequent\n  }\n\n'
        '  hurdles {\n    tier t "Route" {\n      accuracy beats big\n    }\n    otherwise keep "Keep"\n  }\n}\n'
    )
    out = tmp_path / "record.json"
    result = invoke("run", spec, "--data", data, "--out", out, "--resamples", "100")
    assert result.exit_code == 0, result.stderr
    entries = DecisionRecord.model_validate(json.loads(out.read_text())).metrics["big"]["all"]
    assert entries["accuracy"].value == pytest.approx((frame["team"] == "billing").mean(), rel=1e-12)
