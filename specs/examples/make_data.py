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
    p_buy = 1 / (1 + np.exp(-(logit + rng.normal(0.0, 0.6, rows))))
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


DATASETS = {"repeat_purchase.csv": repeat_purchase}


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
