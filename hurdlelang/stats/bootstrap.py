"""The confidence engine: a fast, exact, paired, seeded bootstrap. The evaluator imports from here.

Three modules do the work:

- ``hurdlelang.stats.bootstrap_counts``: confusion counts of every party on every slice, resampled by a
  multinomial over joint (slice x label x decision-of-each-party) cells. This is exactly the paired
  row bootstrap and costs the same for 1,000 rows or 10 million.
- ``hurdlelang.stats.bootstrap_auc``: roc_auc and pr_auc, ``exact`` (row bootstrap) or ``binned``
  (multinomial over score-bin cells, with a binning error bound computed on the data, and a two-stage
  scheme that keeps two scored parties paired without a 4096 x 4096 joint table).
- ``hurdlelang.stats.intervals``: percentile intervals with undefined resamples counted against the bound,
  paired differences, gates (``holds``, ``beats``), figure-baseline samples, seeded generators.

Typical use (what ``hurdlec run`` does with a spec at 95% confidence)::

    cells = JointCells.build(label, {"candidate": cand, "as_is": as_is}, slices=Slices.of(region))
    counts = resample_counts(cells, resamples=1000, seed=spec_seed)
    prec_c = counts.samples("candidate", "precision")          # (1000,), NaN = undefined
    prec_b = counts.samples("as_is", "precision")
    verdict = beats(prec_c, prec_b, margin=0.05, confidence=0.95)   # precision beats as_is by 5 points
    verdict.held, verdict.bound, verdict.interval.undefined_fraction
    report = interval(prec_c, 0.95, "two-sided")                 # for the record
    auc = resample_auc(label, {"candidate": score}, resamples=1000, seed=spec_seed)
    holds(auc.get("candidate", "roc_auc"), ">=", 0.70, 0.95)
    fig = figure_samples(0.41, 12_000, 1000, seed=spec_seed, stream="figure:q3_report.precision")
    beats(prec_c, fig.samples, confidence=0.95)                  # precision beats q3_report

Every result carries ``method``, ``resamples`` and ``seed`` (and the ``stream`` its generator was
derived from), for the decision record.
"""

from hurdlelang.stats.bootstrap_auc import (
    AUC_METRICS,
    DEFAULT_BINS,
    AucResamples,
    ScoreBins,
    auc_from_histograms,
    resample_auc,
)
from hurdlelang.stats.bootstrap_counts import (
    ALL,
    COUNT_FORMULAS,
    CountArrays,
    CountResamples,
    JointCells,
    Slices,
    resample_counts,
)
from hurdlelang.stats.intervals import (
    MAX_UNDEFINED,
    FigureSamples,
    Interval,
    Judgement,
    beats,
    figure_samples,
    holds,
    interval,
    make_rng,
    paired_difference,
)

__all__ = [
    "ALL",
    "AUC_METRICS",
    "COUNT_FORMULAS",
    "DEFAULT_BINS",
    "MAX_UNDEFINED",
    "AucResamples",
    "CountArrays",
    "CountResamples",
    "FigureSamples",
    "Interval",
    "JointCells",
    "Judgement",
    "ScoreBins",
    "Slices",
    "auc_from_histograms",
    "beats",
    "figure_samples",
    "holds",
    "interval",
    "make_rng",
    "paired_difference",
    "resample_auc",
    "resample_counts",
]
