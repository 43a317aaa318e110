"""resample_auc's samples are pinned: the same seed gives the same samples (to 1e-12) as the code
of before its speed-up (issue 10), on seeded cases through every path of the resampler: drawing row
indices or the multinomial over groups, one chunk of resamples or several, fine bins at full
resolution or coarse joint cells split per party, weights, the exact method, cells with a
multiplicity, many slice values. The pins in auc_pins.json were written by ``python
tests/stats/test_auc_pinned.py`` on that code; regenerate them only for a deliberate change of
what the resampler draws (and say so in the commit)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from hurdlelang.stats.bootstrap_auc import resample_auc
from hurdlelang.stats.bootstrap_counts import ALL

PINS = Path(__file__).with_name("auc_pins.json")


def cases():
    rng = np.random.default_rng(11)
    n = 6000
    label = (rng.random(n) < 0.3).astype(int)
    cand = label + rng.normal(size=n)
    base = cand + 0.4 * rng.normal(size=n)
    rule = (cand + rng.normal(size=n) > 0.8).astype(float)
    region = rng.choice(np.array(["a", "b", "c", "d"]), n)
    many = rng.choice(np.array([f"s{i:02d}" for i in range(40)]), n)
    grid = np.round(1 / (1 + np.exp(-cand)), 2)
    w = rng.integers(1, 4, n).astype(float)
    two = {"c": cand, "r": rule}
    yield "rows_one_party", dict(label=label, scores={"c": cand}, slices=region, resamples=700, seed=3, bins=512)
    yield (
        "coarse_decisions",
        dict(label=label, scores=two, slices=region, resamples=40, seed=4, bins=256, max_joint_cells=2000),
    )
    yield (
        "coarse_two_scores",
        dict(
            label=label,
            scores={"c": cand, "b": base},
            slices=region,
            resamples=40,
            seed=5,
            bins=256,
            max_joint_cells=3000,
        ),
    )
    yield "full_joint_grid", dict(label=label, scores={"g": grid, "r": rule}, slices=region, resamples=40, seed=6)
    yield (
        "many_slices_grid",
        dict(label=label, scores={"g": grid, "r": rule}, slices=many, resamples=40, seed=7, max_joint_cells=4000),
    )
    yield (
        "exact_weights",
        dict(label=label, scores={"c": grid, "r": rule}, slices=region, weights=w, resamples=20, seed=8),
    )
    yield (
        "exact_rows",
        dict(label=label[:800], scores={"c": cand[:800], "b": base[:800]}, resamples=25, seed=9, method="exact"),
    )
    yield "rows_many_slices", dict(label=label, scores=two, slices=many, resamples=30, seed=14)
    yield "chunks_many_slices", dict(label=label, scores=two, slices=many, resamples=30, seed=15, max_joint_cells=1300)
    yield "no_recenter", dict(label=label, scores={"c": cand}, resamples=30, seed=10, bins=64, recenter=False)
    # cells: the distinct (slice, label, grid, rule) of a GROUP BY, with their row counts
    codes = np.unique(many, return_inverse=True)[1]
    key = np.stack([codes, label, np.rint(grid * 100).astype(int), rule.astype(int)], 1)
    cells, count = np.unique(key, axis=0, return_counts=True)
    names = np.array(sorted(set(many)))
    scores = {"g": cells[:, 2] / 100, "r": cells[:, 3].astype(float)}
    common = dict(label=cells[:, 1], slices=names[cells[:, 0]], multiplicity=count, resamples=40)
    yield "cells_many_slices", dict(common, scores=scores, seed=12, max_joint_cells=4000)
    yield "cells_full", dict(common, scores={"g": scores["g"]}, seed=13)


def fingerprint(kwargs) -> dict:
    """Quantiles, first and last sample, mean and a position-weighted mean per (party, scope,
    metric), on the whole data and the first and last slice value."""
    kwargs = dict(kwargs)
    res = resample_auc(kwargs.pop("label"), kwargs.pop("scores"), **kwargs)
    scopes = sorted({s for _, s in res.samples} - {ALL})
    keep = {ALL, *scopes[:1], *scopes[-1:]}
    out = {"pairing": res.pairing}
    for (party, scope), metrics in sorted(res.samples.items()):
        if scope not in keep:
            continue
        for metric, x in sorted(metrics.items()):
            x = np.asarray(x)
            quantiles = [float(np.nanquantile(x, q)) for q in (0.025, 0.5, 0.975)]
            tail = [float(x[0]), float(x[-1]), float(np.nanmean(x))]
            out[f"{party}|{scope}|{metric}"] = [
                *quantiles,
                *tail,
                float(np.nansum(x * np.arange(1, x.size + 1)) / x.size),
            ]
    return out


@pytest.mark.parametrize("name", [name for name, _ in cases()])
def test_resampled_auc_is_pinned(name):
    pinned = json.loads(PINS.read_text())[name]
    got = fingerprint(dict(cases())[name])
    assert got["pairing"] == pinned["pairing"]
    assert got.keys() == pinned.keys()
    for key in pinned:
        if key != "pairing":
            np.testing.assert_allclose(got[key], pinned[key], rtol=0, atol=1e-12, err_msg=f"{name} {key}")


if __name__ == "__main__":  # write the pins (see the module docstring)
    PINS.write_text(json.dumps({name: fingerprint(kw) for name, kw in cases()}, indent=None) + "\n")
    sys.exit(0)
