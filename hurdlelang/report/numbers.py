"""The one number formatter of the terminal summary and the reports.

Every number a person reads from hurdlec goes through here, so the summary, the Markdown and the
HTML agree: thousands separated, four significant digits, never an exponent (money reads
`11,090 GBP`, never `1.109e+04`), units beside values, relative margins in percent (`+36%`),
differences of proportions in points (`+2.5 pts`), counts without an interval.

Only the standard library: the report layer never needs numpy.
"""

from __future__ import annotations

import math

from hurdlelang.record.model import DecisionRecord, MetricInfo

MISSING = "—"
# What the record says for a regression error when the spec names no unit for its label: not a
# unit to print beside a value.
_UNNAMED = ("the label's unit", "the label's unit squared")


def number(value: float | None, unit: str | None = None, missing: str = MISSING) -> str:
    """A value for people: `2,907`, `0.3667`, `4.366`, `11,090 GBP`, `-0.06039`."""
    if value is None or not math.isfinite(value):
        return missing
    text = _digits(float(value))
    return f"{text} {unit}" if unit else text


def _digits(value: float) -> str:
    if value.is_integer() and abs(value) < 1e15:
        return f"{int(value):,}"
    size = abs(value)
    if size >= 1000:
        return f"{value:,.0f}"
    # four significant digits as fixed decimals, trailing zeros dropped (0.3 not 0.3000)
    decimals = 3 - math.floor(math.log10(size)) if size > 0 else 0
    text = f"{value:.{max(decimals, 0)}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def signed(value: float | None, unit: str | None = None, missing: str = MISSING) -> str:
    """A difference: `+1,323 GBP`, `-0.02`, `0`."""
    if value is None or not math.isfinite(value):
        return missing
    text = number(abs(value), unit)
    if _digits(abs(float(value))) == "0":
        return text
    return ("+" if value > 0 else "-") + text


def short(value: float) -> str:
    """A magnitude in percent or points: 20.5, 10, 0.25 (one decimal, more only when it is small)."""
    value = abs(value)
    text = f"{value:.2g}" if value < 1 else f"{value:,.1f}"
    if "e" in text:
        text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text.removesuffix(".0")


def percent(fraction: float | None, signed: bool = True, missing: str = MISSING) -> str:
    """A relative change: 0.3552 -> `+35.5%`; unsigned: `35.5%`."""
    if fraction is None or not math.isfinite(fraction):
        return missing
    text = short(fraction * 100) + "%"
    if not signed or text == "0%":
        return text
    return ("+" if fraction > 0 else "-") + text


def points(difference: float | None, signed: bool = True, word: str = "pts", missing: str = MISSING) -> str:
    """A difference of two proportions: 0.025 -> `+2.5 pts`."""
    if difference is None or not math.isfinite(difference):
        return missing
    text = f"{short(difference * 100)} {word}"
    if not signed or text.startswith("0 "):
        return text
    return ("+" if difference > 0 else "-") + text


KINDS = ("level", "difference", "points", "relative")
"""How a condition's statistic reads: the metric's value (`level`, in its unit), a difference in the
metric's unit (`difference`), a difference of two proportions (`points`: 0.057 is 5.7 points), an
improvement as a share of the baseline's value (`relative`: 0.515 is +51.5%, no unit)."""


def statistic(value: float | None, kind: str, unit: str | None = None, missing: str = MISSING) -> str:
    """A condition's statistic as the summary shows it: `3,294 EUR`, `+1,119 EUR per month`,
    `+5.7 pts`, `+51.5%`."""
    if kind == "relative":
        return percent(value, missing=missing)
    if kind == "points":
        return points(value, missing=missing)
    if kind == "difference":
        return signed(value, unit, missing)
    return number(value, unit, missing)


def level(confidence: float | None, missing: str = MISSING) -> str:
    """A confidence level or a share: 0.95 -> `95%`, 0.975 -> `97.5%`."""
    return missing if confidence is None else f"{confidence * 100:.4g}%"


def count(value: float | None, missing: str = MISSING) -> str:
    return missing if value is None else f"{int(value):,}"


# ---- what the record says about a metric ----


def unit_of(record: DecisionRecord, metric: str | None) -> str | None:
    """The unit to print beside a metric's values, from the record's metric_info."""
    return unit_in(record.metric_info.get(metric or ""))


def unit_in(info: MetricInfo | None) -> str | None:
    """The unit to print beside the values of a metric with this info (None: no unit to print)."""
    if info is None or info.unit in (None, *_UNNAMED):
        return None
    return info.unit


def is_count(info: MetricInfo | None) -> bool:
    """rows, n, tp, queries ...: a property of the data counted, with no interval worth showing."""
    return info is not None and info.direction == "none" and info.low == 0.0 and info.high is None and not info.unit
