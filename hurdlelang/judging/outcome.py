"""The outcome a record states, worked out before the record is built: the hurdles' verdict, an
override by a person, `--fail-on`, and the exit code that follows from them."""

from __future__ import annotations

from hurdlelang.core.exit_codes import Exit
from hurdlelang.judging.decide import Outcome
from hurdlelang.lang import ir
from hurdlelang.record.model import OutcomeEntry, Override


def final_outcome(spec: ir.Spec, outcome: Outcome, override: Override | None, fail_on: tuple[str, ...]) -> OutcomeEntry:
    final = OutcomeEntry(
        status=outcome.status,
        tier=outcome.tier,
        action=outcome.action,
        blocking=outcome.blocking,
        reason=outcome.reason,
    )
    if override is not None:
        names = {t.name: t.title for t in spec.tiers} | {spec.otherwise.name: spec.otherwise.title}
        final = OutcomeEntry(
            status="decided",
            tier=override.tier,
            action=names[override.tier],
            blocking=override.tier == spec.otherwise.name,
            reason=f"overridden by {override.by}: {override.reason} (the hurdles gave: {outcome.reason})",
            computed_status=outcome.status,
            computed_tier=outcome.tier,
            override=override,
        )
    if final.tier in fail_on:
        final = final.model_copy(update={"blocking": True})
    return final


def exit_code(outcome: OutcomeEntry) -> Exit:
    if outcome.status == "inconclusive":
        return Exit.INCONCLUSIVE
    return Exit.BLOCKING if outcome.blocking else Exit.OK
