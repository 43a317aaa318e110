"""The one number formatter of the summary and the reports (hurdlelang/report/numbers.py)."""

from __future__ import annotations

import math

import pytest

from hurdlelang.record.model import MetricInfo
from hurdlelang.report import numbers


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (11090.5, "GBP", "11,090 GBP"),  # half to even: never 1.109e+04
        (2907.0, None, "2,907"),
        (1234567.891, "EUR", "1,234,568 EUR"),
        (0.36667, None, "0.3667"),
        (4.3659, "thousand riders", "4.366 thousand riders"),
        (-0.060391, None, "-0.06039"),
        (0.3, None, "0.3"),
        (0.0000123456, None, "0.00001235"),  # small, still no exponent
        (123.456, None, "123.5"),
        (0.0, "GBP", "0 GBP"),
        (None, "GBP", "—"),
        (math.nan, None, "—"),
    ],
)
def test_number(value, unit, text):
    assert numbers.number(value, unit) == text
    assert "e" not in numbers.number(value).replace("—", "")


def test_no_exponent_anywhere_on_a_wide_range():
    for power in range(-9, 16):
        for mantissa in (1.0, 1.2345, 9.999):
            for sign in (1, -1):
                assert "e" not in numbers.number(sign * mantissa * 10.0**power)


@pytest.mark.parametrize(
    ("fraction", "text"),
    [(0.3552, "+35.5%"), (-0.25, "-25%"), (0.0, "0%"), (1.077, "+107.7%"), (0.0012, "+0.12%")],
)
def test_relative_margins_read_in_percent(fraction, text):
    assert numbers.percent(fraction) == text


@pytest.mark.parametrize(("difference", "text"), [(0.205, "+20.5 pts"), (-0.05, "-5 pts"), (0.0, "0 pts")])
def test_differences_of_proportions_read_in_points(difference, text):
    assert numbers.points(difference) == text


def test_signed_keeps_the_unit():
    assert numbers.signed(1323.4, "GBP") == "+1,323 GBP"
    assert numbers.signed(-0.02) == "-0.02"
    assert numbers.signed(0.0) == "0"


def test_counts_are_told_from_estimates():
    count = MetricInfo(title="rows", direction="none", unit=None, low=0.0, high=None)
    rate = MetricInfo(title="positive rate", direction="none", unit=None, low=0.0, high=1.0)
    money = MetricInfo(title="net value", direction="higher", unit="GBP", low=None, high=None)
    mae = MetricInfo(title="mae", direction="lower", unit="riders", low=0.0, high=None)
    assert numbers.is_count(count)
    assert not any(numbers.is_count(m) for m in (rate, money, mae, None))
