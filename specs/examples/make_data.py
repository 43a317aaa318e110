"""Generate the bundled example data, reproducibly: `python specs/examples/make_data.py`.

Each data set is drawn from a seeded generator so that the files in specs/examples/data/ can be
re-made byte for byte (a test checks this) and their decisions are known in advance.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"


def repeat_purchase(rows: int = 4000, seed: int = 20261128) -> list[dict]:
    """Customers, whether they bought again within 90 days, the model's probability, and the CRM's
    30-day recency rule. The model sees engagement the rule ignores, so it finds more buyers."""
    rng = np.random.default_rng(seed)
    regions = np.array(["north", "south", "east", "west"])
    region = regions[rng.integers(0, 4, rows)]
    days_since = rng.gamma(2.0, 25.0, rows)
    engagement = rng.normal(0.0, 1.0, rows)
    logit = -1.2 - 0.025 * days_since + 1.3 * engagement
    truth = 1 / (1 + np.exp(-logit))
    bought = (rng.random(rows) < truth).astype(int)
    # the model's estimate: the true propensity seen through noise
    p_buy = 1 / (1 + np.exp(-(logit + rng.normal(0.0, 0.3, rows))))
    recency_rule = (days_since <= 30).astype(int)
    return [
        {
            "customer_id": f"C{i:05d}",
            "region": region[i],
            "bought_again": int(bought[i]),
            "p_buy": f"{p_buy[i]:.4f}",
            "recency_rule": int(recency_rule[i]),
        }
        for i in range(rows)
    ]


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def fraud_blocking(rows: int = 24_000, seed: int = 7_311) -> list[dict]:
    """Card transactions: 1.5% fraud. The model sees device and merchant signals the velocity rules
    ignore; the rules catch the blatant cases only."""
    rng = np.random.default_rng(seed)
    channel = rng.choice(["web", "app", "phone"], size=rows, p=[0.5, 0.35, 0.15])
    risk = rng.normal(0.0, 1.0, rows)
    fraud = (rng.random(rows) < _sigmoid(-5.6 + 1.9 * risk)).astype(int)
    signal = risk + 1.6 * fraud + rng.normal(0.0, 0.6, rows)
    p_fraud = _sigmoid(-7.0 + 2.6 * signal)
    rules_block = ((risk + rng.normal(0.0, 0.9, rows) > 2.8) | (fraud & (rng.random(rows) < 0.2))).astype(int)
    return [
        {
            "transaction_id": f"T{i:06d}",
            "channel": channel[i],
            "is_fraud": int(fraud[i]),
            "p_fraud": f"{p_fraud[i]:.5f}",
            "rules_block": int(rules_block[i]),
        }
        for i in range(rows)
    ]


TEAMS = ["billing", "technical", "account", "sales"]


def ticket_routing(rows: int = 3_000, seed: int = 1_204) -> list[dict]:
    """Support tickets: the model's per-team probabilities, and the helpdesk's keyword rules, which
    route about seven tickets in ten correctly and rarely send anything to sales."""
    rng = np.random.default_rng(seed)
    team = rng.choice(len(TEAMS), size=rows, p=[0.4, 0.33, 0.16, 0.11])
    language = rng.choice(["en", "de", "fr"], size=rows, p=[0.6, 0.25, 0.15])
    logits = rng.normal(0.0, 1.0, (rows, len(TEAMS)))
    logits[np.arange(rows), team] += 2.7
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    right = rng.random(rows) < 0.70
    rules = np.where(right, team, rng.choice(len(TEAMS), size=rows, p=[0.5, 0.35, 0.13, 0.02]))
    out = []
    for i in range(rows):
        rounded = np.round(proba[i], 4)
        rounded[np.argmax(rounded)] += round(1 - rounded.sum(), 4)  # keep each row summing to 1
        row = {"ticket_id": f"K{i:05d}", "language": language[i], "team": TEAMS[team[i]]}
        row |= {f"p_{t}": f"{rounded[j]:.4f}" for j, t in enumerate(TEAMS)}
        row["rules_team"] = TEAMS[rules[i]]
        out.append(row)
    return out


def demand_forecast(rows: int = 2_400, seed: int = 52) -> list[dict]:
    """Store-product-weeks: units sold, the model's forecast, and the same week last year. Last
    year's sales carry last year's noise and miss this year's trend; the model tracks both."""
    rng = np.random.default_rng(seed)
    store_format = rng.choice(["hypermarket", "supermarket", "convenience"], size=rows, p=[0.3, 0.45, 0.25])
    scale = np.select([store_format == "hypermarket", store_format == "supermarket"], [60.0, 25.0], 8.0)
    expected = scale * rng.gamma(4.0, 0.25, rows)
    units = rng.poisson(expected)
    forecast = np.maximum(0.0, expected * rng.normal(1.0, 0.06, rows))
    last_year = rng.poisson(expected * 0.93)
    return [
        {
            "store_week": f"W{i:05d}",
            "store_format": store_format[i],
            "units_sold": int(units[i]),
            "forecast": f"{forecast[i]:.2f}",
            "units_same_week_last_year": int(last_year[i]),
        }
        for i in range(rows)
    ]


def basket_recommendation(sessions: int = 2_100, items: int = 15, seed: int = 905) -> list[dict]:
    """Checkout sessions, each with candidate products: whether the customer bought it within 30
    days, the model's score, and the bestseller rule's score (popularity, which the rule shows the
    top one of)."""
    rng = np.random.default_rng(seed)
    out = []
    for s in range(sessions):
        device = "app" if rng.random() < 0.4 else "web"
        affinity = rng.normal(0.0, 1.0, items)
        popularity = rng.normal(0.0, 1.0, items)
        bought = (rng.random(items) < _sigmoid(-3.9 + 1.6 * affinity + 0.4 * popularity)).astype(int)
        model = affinity + 0.25 * popularity + rng.normal(0.0, 0.5, items)
        for j in range(items):
            out.append(
                {
                    "session_id": f"S{s:05d}",
                    "device": device,
                    "product": f"P{j}",
                    "bought": int(bought[j]),
                    "model_score": f"{model[j]:.4f}",
                    "rule_score": f"{popularity[j]:.4f}",
                }
            )
    return out


def insurance_mailing(rows: int = 6_000, seed: int = 3_117) -> list[dict]:
    """Customers offered caravan insurance by post: 6% buy. Today's rule mails homeowners with two
    cars; the model also sees the household's past insurance, so at the same number of letters its
    list holds more buyers."""
    rng = np.random.default_rng(seed)
    region = rng.choice(["north", "south", "east", "west"], size=rows, p=[0.3, 0.3, 0.2, 0.2])
    wealth = rng.normal(0.0, 1.0, rows)
    insured = rng.normal(0.0, 1.0, rows)
    bought = (rng.random(rows) < _sigmoid(-3.6 + 0.9 * wealth + 1.1 * insured)).astype(int)
    p_buy = _sigmoid(-3.6 + 0.9 * wealth + 1.1 * insured + rng.normal(0.0, 0.5, rows))
    mailing_rule = (wealth + rng.normal(0.0, 0.5, rows) > 1.1).astype(int)
    return [
        {
            "customer_id": f"K{i:05d}",
            "region": region[i],
            "purchased": int(bought[i]),
            "p_buy": f"{p_buy[i]:.4f}",
            "mailing_rule": int(mailing_rule[i]),
        }
        for i in range(rows)
    ]


DATASETS = {
    "repeat_purchase.csv": repeat_purchase,
    "fraud_blocking.csv": fraud_blocking,
    "ticket_routing.csv": ticket_routing,
    "demand_forecast.csv": demand_forecast,
    "basket_recommendation.csv": basket_recommendation,
    "insurance_mailing.csv": insurance_mailing,
}


def write(name: str, rows: list[dict], folder: Path = DATA) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def main(folder: Path = DATA) -> None:
    for name, make in DATASETS.items():
        print(write(name, make(), folder))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA)
