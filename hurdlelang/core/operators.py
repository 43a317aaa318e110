"""The comparison operators of the language, as one table every stage reads.

Each works on numbers and on numpy arrays alike (elementwise), so the decider, the interval code and
the data reader (decision rules such as `predict p >= 0.5`) share it."""

from __future__ import annotations

import operator
from collections.abc import Callable

COMPARE: dict[str, Callable] = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}
WORDS = {">=": "at least", ">": "above", "<=": "at most", "<": "below"}
SIGNS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}
REVERSED = {">=": "<=", ">": "<", "<=": ">=", "<": ">"}
