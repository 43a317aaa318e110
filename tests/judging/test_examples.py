"""Each bundled example runs on its bundled data and reaches the tier its comment announces,
with metric values equal to scikit-learn's."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as sk

from tests.conftest import EXAMPLES

NAMES = ["repeat_purchase", "fraud_blocking", "ticket_routing", "demand_forecast", "basket_recommendation"]


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    from tests.conftest import invoke

    out = {}
    folder = tmp_path_factory.mktemp("records")
    for name in NAMES:
        path = folder / f"{name}.json"
        result = invoke("run", EXAMPLES / f"{name}.hurdle", "--data", EXAMPLES / "data" / f"{name}.csv", "--out", path)
        assert result.exit_code in (0, 1, 3), result.stderr
        out[name] = (result, json.loads(path.read_text()))
    return out


def _frame(name: str) -> pd.DataFrame:
    return pd.read_csv(EXAMPLES / "data" / f"{name}.csv")


@pytest.mark.parametrize("name", NAMES)
def test_reaches_the_tier_its_comment_announces(records, name):
    announced = re.search(r"Expected decision on that data: (\w+)", (EXAMPLES / f"{name}.hurdle").read_text()).group(1)
    result, record = records[name]
    assert record["outcome"]["tier"] == announced
    assert result.exit_code == (1 if record["outcome"]["blocking"] else 0)
    assert f"decision: {announced}" in result.stdout


def test_repeat_purchase_values(records):
    _, record = records["repeat_purchase"]
    f = _frame("repeat_purchase")
    y, decided = f["bought_again"], (f["p_buy"] >= 0.20).astype(int)
    cand = record["metrics"]["candidate"]["all"]
    assert cand["precision"]["value"] == pytest.approx(sk.precision_score(y, decided), abs=1e-12)
    tp = int(((decided == 1) & (y == 1)).sum())
    fp = int(((decided == 1) & (y == 0)).sum())
    assert cand["net_value"]["value"] == pytest.approx((tp * 38 - fp * 4) / len(f) * 1000, abs=1e-9)
    east = f["region"] == "east"
    recall_east = record["metrics"]["as_is"]["region=east"]["recall"]["value"]
    assert recall_east == pytest.approx(sk.recall_score(y[east], f["recency_rule"][east]), abs=1e-12)
    assert record["metrics"]["q3_report"]["all"]["precision"]["value"] == 0.30


def test_fraud_values(records):
    _, record = records["fraud_blocking"]
    f = _frame("fraud_blocking")
    y, decided = f["is_fraud"], (f["p_fraud"] >= 0.80).astype(int)
    cand = record["metrics"]["candidate"]["all"]
    assert cand["recall"]["value"] == pytest.approx(sk.recall_score(y, decided), abs=1e-12)
    app = f["channel"] == "app"
    precision_app = record["metrics"]["candidate"]["channel=app"]["precision"]["value"]
    assert precision_app == pytest.approx(sk.precision_score(y[app], decided[app]), abs=1e-12)


def test_ticket_routing_values(records):
    _, record = records["ticket_routing"]
    f = _frame("ticket_routing")
    teams = ["billing", "technical", "account", "sales"]
    proba = f[[f"p_{t}" for t in teams]].to_numpy()
    decided = np.asarray(teams)[proba.argmax(axis=1)]
    cand = record["metrics"]["candidate"]["all"]
    assert cand["f1_macro"]["value"] == pytest.approx(sk.f1_score(f["team"], decided, average="macro"), abs=1e-12)
    rules = record["metrics"]["keyword_rules"]["all"]
    assert rules["accuracy"]["value"] == pytest.approx(sk.accuracy_score(f["team"], f["rules_team"]), abs=1e-12)
    majority = f["team"].value_counts().max() / len(f)
    assert record["metrics"]["biggest_queue"]["all"]["accuracy"]["value"] == pytest.approx(majority, abs=1e-12)


def test_demand_forecast_values(records):
    _, record = records["demand_forecast"]
    f = _frame("demand_forecast")
    cand = record["metrics"]["candidate"]["all"]
    assert cand["mae"]["value"] == pytest.approx(sk.mean_absolute_error(f["units_sold"], f["forecast"]), abs=1e-9)
    naive = record["metrics"]["seasonal_naive"]["all"]
    rmse = np.sqrt(sk.mean_squared_error(f["units_sold"], f["units_same_week_last_year"]))
    assert naive["rmse"]["value"] == pytest.approx(rmse, abs=1e-9)
    assert cand["bias"]["value"] == pytest.approx((f["forecast"] - f["units_sold"]).mean(), abs=1e-9)


def test_basket_values(records):
    _, record = records["basket_recommendation"]
    f = _frame("basket_recommendation")
    top = f.sort_values(["session_id", "model_score"], ascending=[True, False]).groupby("session_id").head(5)
    hit5 = top.groupby("session_id")["bought"].max().mean()
    assert record["metrics"]["candidate"]["all"]["hit_rate@5"]["value"] == pytest.approx(hit5, abs=1e-12)
    first = f.sort_values(["session_id", "rule_score"], ascending=[True, False]).groupby("session_id").head(1)
    assert record["metrics"]["bestseller"]["all"]["hit_rate@1"]["value"] == pytest.approx(first["bought"].mean())


def test_every_condition_with_a_level_carries_its_interval(records):
    for _, record in records.values():
        assert record["confidence"]["resamples"] == 1000 and record["confidence"]["seed"] == 0
        for tier in record["tiers"]:
            for c in tier["conditions"]:
                if c["confidence"] is None or c["state"] == "undefined":
                    continue
                if c["slices"]:
                    assert all(s["bound"] is not None for s in c["slices"])
                else:
                    assert c["bound"] is not None and c["interval"]["low"] is not None
