"""Error control for compound conditions: the level each part of a condition is judged at.

A condition judged at confidence c promotes a model that does not clear the hurdle with chance at
most 1 - c (its error rate, alpha). Compound conditions combine those errors:

- ``A and B`` (and every line of a tier, and ``in every SLICE``) is an intersection-union test: the
  compound holds only when every part holds, so its error is at most the largest part's. Nothing to
  correct; judged so, it is conservative.
- ``A or B`` is a union-intersection test: any part holding is enough, so the errors add up. With k
  parts each part is judged at alpha / k (Bonferroni), which keeps the union's error at most alpha
  whatever the dependence between the parts. For the question an ``or`` asks ("does at least one part
  hold?"), Holm's step-down procedure gives the same answer as Bonferroni (its first step is
  Bonferroni's test of the smallest p-value), so Holm would change nothing but the wording.

Functions here work on levels only, so that any engine computing intervals can use them.
"""

from __future__ import annotations


def bonferroni(confidence: float, parts: int) -> float:
    """The level each of ``parts`` alternatives is judged at so that their union keeps ``confidence``."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}")
    if parts < 1:
        raise ValueError(f"an 'or' has at least one part, got {parts!r}")
    return 1.0 - (1.0 - confidence) / parts
