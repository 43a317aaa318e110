"""The floor of bench/bench_engine.py: what a plain script costs that reads the same predictions file
and computes the same point estimates with scikit-learn for the candidate and the baseline, on the
whole data and on every slice value, without any interval. Run by bench_engine.py in a fresh
interpreter, like `hurdlec run`:

    python bench/floor.py TASK FILE
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
from sklearn import metrics


def binary(frame: pd.DataFrame) -> list[float]:
    y = frame["label"].to_numpy()
    out = []
    for decided, score in ((frame["p"] >= 0.35, frame["p"]), (frame["rule"], frame["rule"])):
        d = decided.to_numpy().astype(int)
        out += [
            metrics.precision_score(y, d),
            metrics.recall_score(y, d),
            metrics.f1_score(y, d),
            metrics.accuracy_score(y, d),
            metrics.roc_auc_score(y, score.to_numpy()),
        ]
    return out


def binary_loss(frame: pd.DataFrame) -> list[float]:
    y = frame["label"].to_numpy()
    return [metrics.log_loss(y, frame["p"]), metrics.brier_score_loss(y, frame["p"])] + [
        metrics.precision_score(y, frame["rule"]),
        metrics.recall_score(y, frame["rule"]),
    ]


def multiclass(frame: pd.DataFrame) -> list[float]:
    y = frame["label"].astype(str).to_numpy()
    scores = frame[[c for c in frame.columns if c.startswith("p_")]].to_numpy()
    classes = np.array([c.removeprefix("p_") for c in frame.columns if c.startswith("p_")])
    out = []
    for d in (classes[scores.argmax(axis=1)], frame["rule"].astype(str).to_numpy()):
        out += [
            metrics.accuracy_score(y, d),
            metrics.balanced_accuracy_score(y, d),
            metrics.f1_score(y, d, average="macro"),
        ]
    return out


def regression(frame: pd.DataFrame) -> list[float]:
    y = frame["label"].to_numpy()
    out = []
    for f in (frame["forecast"], frame["naive"]):
        out += [
            metrics.mean_absolute_error(y, f),
            metrics.root_mean_squared_error(y, f),
            float(np.mean(f - y)),
            metrics.r2_score(y, f),
        ]
    return out


def ranking(frame: pd.DataFrame) -> list[float]:
    # every query holds 10 consecutive rows (bench_engine.py writes them so): one row per query
    y = frame["bought"].to_numpy().reshape(-1, 10)
    out = []
    for party in ("model", "pop"):
        s = frame[party].to_numpy().reshape(-1, 10)
        order = np.argsort(-s, axis=1, kind="stable")
        ranked = np.take_along_axis(y, order, axis=1) > 0
        first = np.where(ranked.any(axis=1), ranked.argmax(axis=1) + 1, np.inf)
        out += [
            metrics.ndcg_score(y, s, k=5),
            float(np.mean(1 / first)),
            float(ranked[:, :5].any(axis=1).mean()),
        ]
    return out


TASKS = {
    "binary": binary,
    "binary_loss": binary_loss,
    "multiclass": multiclass,
    "regression": regression,
    "ranking": ranking,
}


def main() -> None:
    task, path = sys.argv[1], sys.argv[2]
    frame = pd.read_parquet(path) if path.endswith(".parquet") else pd.read_csv(path)
    values = TASKS[task](frame)
    for _, part in frame.groupby("region"):
        values += TASKS[task](part)
    print(len(values))


if __name__ == "__main__":
    main()
