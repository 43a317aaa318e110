"""Intervals from bootstrap samples, paired differences, gates, and figure-baseline samples.

Conventions used throughout the confidence engine:

- ``samples`` is a 1-D float array of B bootstrap replicates of one statistic. ``NaN`` marks a
  resample in which the statistic is undefined (precision when no drawn row is a predicted positive,
  AUC when the drawn rows hold one class only).
- ``side="lower"``: the one-sided lower bound at ``confidence`` is the (1 - confidence) quantile and
  the upper end is +inf. Gates on higher-is-better quantities (``>=``, ``>``, an improvement that must
  clear a margin) use it: at 95% the bound is the 5th percentile.
  ``side="upper"``: the ``confidence`` quantile; the lower end is -inf (for ``<=``, ``<``).
  ``side="two-sided"``: the (1 - c)/2 and (1 + c)/2 quantiles, for reports.
- Quantiles are order statistics, not interpolations: the lower bound is the order statistic just
  below the exact quantile position and the upper bound the one just above (numpy's ``lower`` /
  ``higher`` methods). With B = 1000 this is a difference of one order statistic, always on the
  conservative side.

Undefined resamples
-------------------
A resample in which the statistic is undefined is counted *against* every bound: it is placed at
-inf for a lower bound and at +inf for an upper bound. So the bound stays a bound for the hurdle
("in at least 95% of resamples the statistic is defined and at least this high"), instead of silently
conditioning on the resamples where the metric happened to exist, which would be optimistic exactly
when data is thin.

A bound therefore exists only while the undefined share is below the tail probability it is read at
(5% for a one-sided 95% bound, 2.5% per side for a two-sided 95% interval). On top of that, the
interval is declared undefined when more than ``MAX_UNDEFINED`` = 5% of resamples are undefined,
whatever the confidence (so a 80% interval cannot absorb 19% undefined resamples): a metric that
does not exist in one resample in twenty is too fragile on this data to be bootstrapped honestly; the
report says so, with the share, instead of giving a number. The limit for a given interval is
``min(max_undefined, tail)``.

Figure baselines
----------------
A figure the business reports (``precision = 0.41 from 12_000 rows``) is a proportion from a sample
of its own, independent of our data. Its samples come from a parametric bootstrap:
``Binomial(n, p) / n``. ``n`` must be the proportion's denominator (for precision, the predicted
positives the figure was computed on; for recall, the actual positives; for accuracy, the rows).
Passing the row count for a precision figure understates its uncertainty; the evaluator should say
so when the spec gives rows only. The paired-difference helpers combine such independent samples
resample by resample, which is valid because the two draws are independent.

Reproducibility
---------------
``make_rng(seed, stream)`` returns ``numpy.random.Generator(PCG64(...))`` seeded from
``SeedSequence(seed, spawn_key=(crc32(stream),))``: the same seed and stream give identical samples,
and different streams (``"counts"``, ``"auc"``, ``"figure:q3_report.precision"``) are independent.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from hurdlelang.core.operators import COMPARE

Side = Literal["lower", "upper", "two-sided"]
Direction = Literal["higher", "lower", "zero"]

_BLOCK = 1 << 19  # resamples held in one block of `intervals` (4 MB)
MAX_UNDEFINED = 0.05
"""Above this share of undefined resamples an interval is undefined (see the module docstring)."""


def make_rng(seed: int, stream: str = "") -> np.random.Generator:
    """A PCG64 generator for ``seed``; ``stream`` names an independent sub-stream."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    key = (zlib.crc32(stream.encode("utf-8")),) if stream else ()
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(int(seed), spawn_key=key)))


@dataclass(frozen=True)
class Interval:
    """A bootstrap percentile interval. ``low``/``high`` are +-inf on an unbounded side and NaN
    when the interval is undefined (then ``reason`` says why)."""

    low: float
    high: float
    confidence: float
    side: Side
    resamples: int
    undefined_fraction: float
    reason: str | None = None

    @property
    def defined(self) -> bool:
        return self.reason is None

    def as_dict(self) -> dict:
        """JSON-safe: unbounded and undefined ends become None."""

        def end(x: float) -> float | None:
            return float(x) if math.isfinite(x) else None

        return {
            "low": end(self.low),
            "high": end(self.high),
            "confidence": self.confidence,
            "side": self.side,
            "resamples": self.resamples,
            "undefined_fraction": self.undefined_fraction,
            "reason": self.reason,
        }


def _check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}")


def _order_statistic(values: np.ndarray, q: float, nan_as: float, method: str) -> float:
    """np.quantile(values, q, method="lower" or "higher"), NaN read as ``nan_as``, by one partition:
    the same index numpy computes ((n - 1) q, floored or ceiled), at a tenth of its cost, which
    matters when a record holds thousands of intervals (500 slice values)."""
    filled = np.where(np.isnan(values), nan_as, values)
    position = (filled.size - 1) * q
    k = int(np.floor(position)) if method == "lower" else int(np.ceil(position))
    return float(np.partition(filled, k)[k])


def interval(
    samples: np.ndarray,
    confidence: float = 0.95,
    side: Side = "lower",
    *,
    max_undefined: float = MAX_UNDEFINED,
    what: str = "the statistic",
) -> Interval:
    """Percentile interval of ``samples`` at ``confidence``; NaN samples are undefined resamples.

    ``what`` names the statistic in the reason of an undefined interval."""
    _check_arguments(confidence, side)
    values = np.asarray(samples, dtype=float).ravel()
    if values.size == 0:
        raise ValueError("no samples")
    tail = _tail(confidence, side)
    undefined = float(np.isnan(values).mean())
    low = _order_statistic(values, tail, -np.inf, "lower") if side != "upper" else -np.inf
    high = _order_statistic(values, 1.0 - tail, np.inf, "higher") if side != "lower" else np.inf
    return _read(low, high, undefined, values.size, confidence, side, max_undefined, what)


def intervals(
    samples: Sequence[np.ndarray],
    confidence: float,
    side: Side,
    whats: Sequence[str],
    *,
    max_undefined: float = MAX_UNDEFINED,
) -> list[Interval]:
    """``interval`` of many statistics' samples at once (the same numbers): partitions of
    (statistics x resamples) blocks, for a record of thousands of intervals (500 slice values)."""
    _check_arguments(confidence, side)
    if len({np.size(s) for s in samples}) != 1 or np.size(samples[0]) == 0:
        return [
            interval(s, confidence, side, max_undefined=max_undefined, what=w)
            for s, w in zip(samples, whats, strict=True)
        ]
    b, n = np.size(samples[0]), len(samples)
    tail = _tail(confidence, side)
    undefined = np.empty(n)
    low = np.full(n, -np.inf)
    high = np.full(n, np.inf)
    # a block of statistics at a time, copied into one buffer that is partitioned in place: a
    # record's thousands of intervals (500 slice values) never make a second full matrix
    block = max(1, _BLOCK // b)
    buffer = np.empty((min(block, n), b))
    for start in range(0, n, block):
        rows = slice(start, min(n, start + block))
        values = buffer[: rows.stop - start]
        np.stack([np.ravel(one) for one in samples[rows]], out=values)
        undefined[rows] = np.count_nonzero(np.isnan(values), axis=1) / b  # a share, as .mean() gives it
        if side != "lower":  # first: numpy orders NaN after every number, so it is read as +inf here
            high[rows] = _kth_of_rows(values, int(np.ceil((b - 1) * (1.0 - tail))))
        if side != "upper":
            np.copyto(values, -np.inf, where=np.isnan(values))
            low[rows] = _kth_of_rows(values, int(np.floor((b - 1) * tail)))
    return [
        _read(float(lo), float(hi), float(u), b, confidence, side, max_undefined, w)
        for lo, hi, u, w in zip(low, high, undefined, whats, strict=True)
    ]


def _kth_of_rows(values: np.ndarray, k: int) -> np.ndarray:
    """Each row's k-th smallest value, NaN read as +inf (numpy orders it last). Partitions `values`
    (a block of a record's statistics x 1,000 resamples) in place."""
    values.partition(k, axis=1)
    found = values[:, k].copy()
    found[np.isnan(found)] = np.inf
    return found


def _check_arguments(confidence: float, side: str) -> None:
    _check_confidence(confidence)
    if side not in ("lower", "upper", "two-sided"):
        raise ValueError(f"side must be 'lower', 'upper' or 'two-sided', got {side!r}")


def _tail(confidence: float, side: Side) -> float:
    return (1.0 - confidence) / (2.0 if side == "two-sided" else 1.0)


def _read(
    low: float, high: float, undefined: float, b: int, confidence: float, side: Side, max_undefined: float, what: str
) -> Interval:
    """The interval from its order statistics, or undefined with the reason."""
    tail = _tail(confidence, side)
    limit = min(max_undefined, tail)
    nan = float("nan")
    if undefined > limit:
        reason = (
            f"{what} is undefined in {undefined:.1%} of {b} resamples, above the {limit:.1%} limit "
            f"for a {side} {confidence:.0%} interval"
        )
        return Interval(nan, nan, confidence, side, b, undefined, reason)
    if (side != "upper" and not math.isfinite(low)) or (side != "lower" and not math.isfinite(high)):
        reason = (
            f"{what} is undefined in {undefined:.1%} of {b} resamples, which reaches the "
            f"{tail:.1%} tail the {side} {confidence:.0%} bound is read at"
        )
        return Interval(nan, nan, confidence, side, b, undefined, reason)
    return Interval(low, high, confidence, side, b, undefined)


def paired_difference(
    candidate,
    baseline,
    direction: Direction = "higher",
    relative: bool = False,
) -> np.ndarray:
    """The improvement of the candidate over the baseline: the one formula every `beats` uses.

    ``direction="higher"``: candidate - baseline; ``"lower"``: baseline - candidate; ``"zero"`` (a
    metric best at 0, such as a bias): |baseline| - |candidate|. With ``relative=True`` the improvement
    is divided by |baseline| (NaN where the baseline is 0: a relative improvement over 0 is
    undefined). NaN in either input gives NaN (an undefined resample). Numbers or arrays; a number
    broadcasts against an array (a figure's fixed value against resampled candidates). Paired arrays
    must come from the same resamples, or from independent draws (a figure baseline); never from two
    different draws of the same rows."""
    c, b = np.broadcast_arrays(np.asarray(candidate, dtype=float), np.asarray(baseline, dtype=float))
    if direction not in IMPROVEMENT:
        raise ValueError(f"direction must be one of {', '.join(IMPROVEMENT)}, got {direction!r}")
    gain = IMPROVEMENT[direction](c, b)
    if relative:
        with np.errstate(divide="ignore", invalid="ignore"):
            gain = np.where(b != 0, gain / np.abs(np.where(b != 0, b, 1)), np.nan)
    return gain


IMPROVEMENT = {
    "higher": lambda c, b: c - b,
    "lower": lambda c, b: b - c,
    "zero": lambda c, b: np.abs(b) - np.abs(c),
}


@dataclass(frozen=True)
class Judgement:
    """A condition judged at a confidence level: the bound it was read at and whether it held.

    ``held`` is None when the bound is undefined (too many undefined resamples)."""

    held: bool | None
    bound: float  # the lower bound (for >=, >) or the upper bound (for <=, <); NaN when undefined
    op: str
    required: float
    interval: Interval

    @property
    def reason(self) -> str | None:
        return self.interval.reason


def holds(
    samples: np.ndarray,
    op: str,
    required: float,
    confidence: float = 0.95,
    *,
    max_undefined: float = MAX_UNDEFINED,
    what: str = "the statistic",
) -> Judgement:
    """Does ``statistic op required`` hold at ``confidence``? For ``>=``/``>`` the whole one-sided
    interval must clear it, i.e. the lower bound; for ``<=``/``<`` the upper bound."""
    iv = interval(samples, confidence, _gate_side(op), max_undefined=max_undefined, what=what)
    return _judgement(iv, op, required)


def holds_each(
    samples: Sequence[np.ndarray],
    op: str,
    required: float,
    confidence: float,
    whats: Sequence[str],
    *,
    max_undefined: float = MAX_UNDEFINED,
) -> list[Judgement]:
    """``holds`` of many statistics' samples at once (the same judgements) by one ``intervals``
    call: `recall beats rule in every region` judged on 500 slice values."""
    side = _gate_side(op)
    found = intervals(samples, confidence, side, whats, max_undefined=max_undefined)
    return [_judgement(iv, op, required) for iv in found]


def _gate_side(op: str) -> Side:
    if op not in COMPARE:
        raise ValueError(f"op must be one of {', '.join(COMPARE)}, got {op!r}")
    return "lower" if op in (">=", ">") else "upper"


def _judgement(iv: Interval, op: str, required: float) -> Judgement:
    bound = iv.low if iv.side == "lower" else iv.high
    held = bool(COMPARE[op](bound, required)) if iv.defined else None
    return Judgement(held, bound, op, float(required), iv)


def beats(
    candidate: np.ndarray,
    baseline: np.ndarray,
    margin: float | None = None,
    confidence: float = 0.95,
    *,
    direction: Direction = "higher",
    relative: bool = False,
    max_undefined: float = MAX_UNDEFINED,
) -> Judgement:
    """``metric beats baseline [by margin]`` at ``confidence``.

    Without a margin the improvement must be strictly positive (lower bound > 0), as in
    hurdlelang.judging.decide; with one it must be at least the margin (lower bound >= margin). A relative
    margin (``by 20%``) is passed as ``margin=0.2, relative=True``."""
    gain = paired_difference(candidate, baseline, direction, relative)
    op, required = (">", 0.0) if margin is None else (">=", float(margin))
    what = "the relative improvement" if relative else "the improvement"
    return holds(gain, op, required, confidence, max_undefined=max_undefined, what=what)


@dataclass(frozen=True)
class FigureSamples:
    """Parametric-bootstrap samples of a reported proportion ``value`` measured on ``n`` units."""

    value: float
    n: int
    samples: np.ndarray
    method: str
    resamples: int
    seed: int
    stream: str


def figure_samples(value: float, n: int, resamples: int = 1000, seed: int = 0, stream: str = "figure") -> FigureSamples:
    """Samples of a reported proportion: ``Binomial(n, value) / n``, ``n`` being the proportion's
    denominator. Name the stream after the figure (``"figure:q3_report.precision"``) so that two
    figures get independent draws."""
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"a figure baseline's parametric bootstrap needs a proportion in [0, 1], got {value!r}")
    if isinstance(n, bool) or int(n) != n or n < 1:
        raise ValueError(f"n must be a positive whole number (the proportion's denominator), got {n!r}")
    if resamples < 1:
        raise ValueError("resamples must be at least 1")
    rng = make_rng(seed, stream)
    samples = rng.binomial(int(n), float(value), size=int(resamples)) / float(n)
    return FigureSamples(float(value), int(n), samples, "parametric binomial bootstrap", int(resamples), seed, stream)
