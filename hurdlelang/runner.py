"""`hurdlec run` as a pipeline: data -> evaluation -> decision -> record, no printing here."""

from __future__ import annotations

from dataclasses import dataclass

from hurdlelang.compiler import CompileResult
from hurdlelang.data import prepare, read_table
from hurdlelang.decide import decide
from hurdlelang.diagnostics import Diagnostic, DiagnosticError
from hurdlelang.evaluate import evaluate
from hurdlelang.exit_codes import Exit
from hurdlelang.record import build_record, write_atomically
from hurdlelang.source import Span
from hurdlelang.summary import render_summary


class RunFailure(Exception):
    def __init__(self, diagnostics: list[Diagnostic], exit_code: Exit):
        super().__init__(diagnostics[0].message if diagnostics else "run failed")
        self.diagnostics = diagnostics
        self.exit_code = exit_code


@dataclass(frozen=True)
class RunOutcome:
    record_json: str
    summary: str
    exit_code: Exit
    record_path: str


def _pick_spec(result: CompileResult, name: str | None):
    names = [s.name for s in result.specs]
    if name is None and len(result.specs) == 1:
        return result.specs[0]
    if name in names:
        return result.specs[names.index(name)]
    message = f"no spec named '{name}' in this file" if name else "this file holds several specs"
    hint = f"choose one with --spec: {', '.join(names)}"
    raise RunFailure([Diagnostic("E113", message, result.path, Span(1, 1, 1, 2), hint)], Exit.SPEC_ERROR)


def _exit_code(outcome) -> Exit:
    if outcome.status == "inconclusive":
        return Exit.INCONCLUSIVE
    return Exit.BLOCKING if outcome.blocking else Exit.OK


def _unsupported(spec) -> list[str]:
    """Constructs the checker accepts that `run` cannot evaluate yet (issue 4 brings them)."""
    found = []
    if spec.task != "binary":
        found.append(f"task {spec.task}")
    if any(b.kind != "column" or b.predict is None for b in spec.baselines):
        found.append("baselines other than a column of decisions")
    if spec.metrics:
        found.append("derived metrics")
    if spec.guards:
        found.append("require guards")
    if spec.data.weight or spec.data.missing != "error":
        found.append("weights and the missing-value policy")
    conditions = [c for t in spec.tiers for c in t.conditions]
    if any(
        c.kind not in ("compare", "beats") or c.scope or c.confidence or getattr(c, "against", None) for c in conditions
    ):
        found.append("compound, per-slice, confidence or baseline-metric conditions")
    if any(c.metric.name not in ("accuracy", "precision", "recall", "f1", "roc_auc") for c in conditions):
        found.append("metrics other than accuracy, precision, recall, f1, roc_auc")
    return found


def execute(
    result: CompileResult, data_path: str, out_path: str | None, model_id: str | None, spec_name: str | None
) -> RunOutcome:
    spec = _pick_spec(result, spec_name)
    missing = _unsupported(spec)
    if missing:
        hint = "hurdlec check accepts these; hurdlec run evaluates them in a later release"
        problem = Diagnostic(
            "E122", f"hurdlec run cannot evaluate yet: {'; '.join(missing)}", result.path, Span(1, 1, 1, 2), hint
        )
        raise RunFailure([problem], Exit.SPEC_ERROR)
    try:
        prepared = prepare(spec, read_table(data_path))
    except DiagnosticError as error:
        raise RunFailure(error.diagnostics, Exit.DATA_ERROR) from None
    evaluation = evaluate(spec, prepared)
    tiers, outcome = decide(spec, evaluation)
    record = build_record(spec, data_path, evaluation, tiers, outcome, model_id)
    record_json = record.model_dump_json(indent=2)
    target = out_path or f"{spec.name}.decision.json"
    try:
        write_atomically(target, record_json + "\n")
    except OSError as error:
        problem = Diagnostic(
            "O001",
            f"cannot write the record: {error.strerror or error}",
            target,
            hint="check that the folder exists and is writable",
        )
        raise RunFailure([problem], Exit.OUTPUT_ERROR) from None
    code = _exit_code(outcome)
    return RunOutcome(record_json, render_summary(record, tiers, target), code, target)
