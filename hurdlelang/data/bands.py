"""Abstain bands: `predict p >= 0.8 as block, p < 0.2 as allow, otherwise review`.

A row in the band above (`p >= 0.8`) is decided positive, a row in the band below (`p < 0.2`)
negative, and every other row goes to the `otherwise` band (a person reviews it): it is not
decided. The confusion metrics of such a party (precision, recall, f1 ...) count the decided rows
only, which is what the automated part does; `coverage` is the share of rows decided,
`abstain_rate` the share sent to the otherwise band and `abstained` how many rows that is. `n`
stays the number of rows judged, so a value per row counts every customer, decided or not.

The checker (hurdlelang/lang/check/decisions.py) makes sure the bands do not overlap and leave
something between them; every engine computes the same two columns: decided (0/1, 0 for a row not
decided) and abstained (0/1).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from hurdlelang.core.names import CANDIDATE
from hurdlelang.core.operators import COMPARE
from hurdlelang.data.prepared import PartyData
from hurdlelang.lang import ir

ABSTAINED = "~abstained"
"""The suffix of the pseudo-party whose 0/1 'decisions' are a party's abstentions: counted with the
parties in one table of joint cells, so that decided and abstained rows are resampled together."""


def abstain_party(party: str) -> str:
    return party + ABSTAINED


def decide(rule: ir.PredictRule, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(decided, abstained), both 0/1: decided is 1 in the band above, 0 elsewhere."""
    above, below = rule.bands
    positive = COMPARE[above.op](values, above.threshold)
    negative = COMPARE[below.op](values, below.threshold)
    return positive.astype(np.int8), (~positive & ~negative).astype(np.int8)


def describe(rule: ir.PredictRule, abstained: int, n: int) -> str:
    above, below = rule.bands
    share = f" ({abstained / n:.1%})" if n else ""
    return (
        f"decides {rule.column} {above.op} {above.threshold:g} as {above.name}, {rule.column} {below.op} "
        f"{below.threshold:g} as {below.name}; {abstained:,} of {n:,} rows{share} go to {rule.abstain}, "
        "and its confusion metrics count the decided rows only"
    )


def rules_of(spec: ir.Spec) -> dict[str, ir.PredictRule]:
    """Every party deciding by abstain bands (the candidate, column baselines), by its name."""
    found = {CANDIDATE: spec.data.predict} if spec.data.predict is not None else {}
    found.update({b.name: b.predict for b in spec.baselines if isinstance(b, ir.ColumnBaseline) and b.predict})
    return {name: rule for name, rule in found.items() if rule.abstain is not None}


def with_bands(spec: ir.Spec, parties: dict[str, PartyData]) -> dict[str, PartyData]:
    """Each party deciding by abstain bands comes in with the column's values in `decided` and
    leaves with its decisions, its abstentions and a note."""
    out = dict(parties)
    for name, rule in rules_of(spec).items():
        values = np.asarray(parties[name].decided, dtype=float)
        decided, abstained = decide(rule, values)
        note = describe(rule, int(abstained.sum()), len(values))
        out[name] = replace(parties[name], decided=decided, abstained=abstained, note=note)
    return out
