"""The checker's metric catalogue and the evaluator's metric library name the same metrics."""

from __future__ import annotations

import pytest

from hurdlelang.lang.catalogue import BY_TASK, DATA_QUANTITIES, TASKS
from hurdlelang.metrics.registry import REGISTRY, metric_names


@pytest.mark.parametrize("task", TASKS)
def test_every_catalogued_metric_is_computable_and_vice_versa(task):
    catalogued = {name for (t, name) in BY_TASK if t == task} - set(DATA_QUANTITIES)
    assert catalogued == set(metric_names(task)) - {"n"}


@pytest.mark.parametrize("task, name", sorted(k for k in BY_TASK if k[1] not in DATA_QUANTITIES))
def test_parameters_agree(task, name):
    assert BY_TASK[(task, name)].param == REGISTRY[(task, name)].param
