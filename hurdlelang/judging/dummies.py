"""Trivial baselines through scikit-learn's dummy estimators.

The dummy is fit on the evaluation labels themselves (with their weights): the most favourable
case for the baseline, so beating it means something. Random strategies (stratified, uniform)
are seeded with the run's seed and so are reproducible.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from sklearn.dummy import DummyClassifier, DummyRegressor

from hurdlelang.data.prepared import PartyData, Prepared
from hurdlelang.lang import ir


def dummy_predictions(strategy: str, data: Prepared, seed: int) -> PartyData:
    features = np.zeros((data.cells, 1))  # one entry per row, or per cell
    kind = "Regressor" if data.task == "regression" else "Classifier"
    note = f"scikit-learn Dummy{kind}(strategy={strategy!r}), fit on the evaluated labels"
    if data.task == "regression":
        model = DummyRegressor(strategy=strategy).fit(features, data.label, sample_weight=data.frequency)
        return PartyData(model.predict(features).astype(float), None, note)
    model = DummyClassifier(strategy=strategy, random_state=seed).fit(
        features, data.label, sample_weight=data.frequency
    )
    decided = model.predict(features)
    proba = model.predict_proba(features)
    if data.task == "binary":
        positive = list(model.classes_).index(1) if 1 in model.classes_ else None
        score = proba[:, positive] if positive is not None else np.zeros(data.cells)
        return PartyData(decided.astype(np.int8), score.astype(float), note)
    # multiclass: put the probability columns in the spec's class order (absent classes get 0); a
    # spec that declares no classes has no score columns to line them up with, nor metrics of them
    if data.classes is None:
        return PartyData(decided.astype(str), None, note)
    order = {str(c): i for i, c in enumerate(model.classes_)}
    columns = [proba[:, order[c]] if c in order else np.zeros(data.cells) for c in data.classes]
    return PartyData(decided.astype(str), np.column_stack(columns), note)


def with_dummies(spec: ir.Spec, data: Prepared, seed: int) -> Prepared:
    """The prepared data with a party added for each dummy baseline of the spec."""
    dummies = {
        b.name: dummy_predictions(b.strategy, data, seed) for b in spec.baselines if isinstance(b, ir.DummyBaseline)
    }
    return replace(data, parties=data.parties | dummies) if dummies else data
