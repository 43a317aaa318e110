"""Figure baselines with the uncertainty they were reported with (`mae = 1.9 +- 0.2`), judged with
the real evaluation, bootstrap and decision: with the candidate as good as the figure's truth and
the figure a real estimate (its reported interval its own 95% interval), `mae beats rep` at 95%
promotes in about 5% of data sets; treated as exact it would promote more often."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from hurdlelang import api
from tests.judging.test_error_control import decided_tier
from tests.stats.test_interval_coverage import binomial_range

SPEC = """
spec s {{
  owner "x"
  task regression
  data {{ label y  predict f }}
  baseline rep {{ mae = {value:.6f} {uncertainty} }}
  hurdles at 95% confidence {{
    tier t {{ mae beats rep }}
    otherwise keep
  }}
}}
"""


def test_a_figure_with_its_reported_interval_keeps_the_nominal_rate():
    rng = np.random.default_rng(7)
    r, n, sd = 300, 400, 2.0
    true_mae = sd * math.sqrt(2 / math.pi)
    se = 0.12  # the figure's own standard error: its report said mae = VALUE +- 1.96 * se
    promoted = exact = 0
    for i in range(r):
        y = rng.normal(10, 3, n)
        frame = pd.DataFrame({"y": y, "f": y + rng.normal(0, sd, n)})
        value = true_mae + rng.normal(0, se)
        with_interval = api.load_spec(text=SPEC.format(value=value, uncertainty=f"+- {1.96 * se:.6f}"))
        promoted += decided_tier(with_interval, frame, i) == "t"
        if i < 100:
            exact += decided_tier(api.load_spec(text=SPEC.format(value=value, uncertainty="")), frame, i) == "t"
    low, high = binomial_range(r, 0.05)
    assert low <= promoted / r <= high, promoted / r
    # the same figures treated as exact promote about twice as often: the interval has an effect
    assert exact / 100 > high, exact / 100
