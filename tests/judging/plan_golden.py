"""Comparing `hurdlec plan` output with its golden text.

A tier's rows come from a Monte Carlo of the joint power (hurdlelang/stats/power.py) and a bisection
that stops at a relative width of 5e-4, so the last digit of a five-digit count depends on rounding
in the linear algebra, which differs between CPUs (the goldens were written on one kind, CI may run
on another: 33,375 rows on one, 33,365 on the other). The words must be equal; each number within
that bisection width of its golden value (1e-3, twice it)."""

from __future__ import annotations

import re

NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
RELATIVE = 1e-3


def assert_plan_text(actual: str, expected: str) -> None:
    assert NUMBER.sub("#", actual) == NUMBER.sub("#", expected)
    for got, want in zip(NUMBER.findall(actual), NUMBER.findall(expected), strict=True):
        a, b = float(got.replace(",", "")), float(want.replace(",", ""))
        assert abs(a - b) <= RELATIVE * max(abs(b), 1.0), (got, want, actual)
