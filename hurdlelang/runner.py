"""`hurdlec run` as a pipeline: data -> evaluation -> uncertainty -> decision -> record. No
printing here: the command line renders what comes back."""

from __future__ import annotations

from dataclasses import dataclass, field

from hurdlelang import ir
from hurdlelang.compiler import CompileResult
from hurdlelang.data import CANDIDATE, prepare, read_table
from hurdlelang.decide import decide
from hurdlelang.diagnostics import Diagnostic, DiagnosticError
from hurdlelang.evaluate import Evaluation
from hurdlelang.exit_codes import Exit
from hurdlelang.record import DataFile, Override, Warning_, file_sha256, write_atomically
from hurdlelang.record_builder import build_record
from hurdlelang.records import load_records
from hurdlelang.source import Span
from hurdlelang.summary import render_summary
from hurdlelang.uncertainty import Uncertainty, requested


class RunFailure(Exception):
    def __init__(self, diagnostics: list[Diagnostic], exit_code: Exit):
        super().__init__(diagnostics[0].message if diagnostics else "run failed")
        self.diagnostics = diagnostics
        self.exit_code = exit_code


@dataclass(frozen=True)
class RunOptions:
    data_path: str
    baseline_data: dict[str, str] = field(default_factory=dict)
    out_path: str | None = None
    model_id: str | None = None
    spec_name: str | None = None
    seed: int = 0
    resamples: int = 1000
    auc_method: str = "binned"
    override: Override | None = None
    fail_on: tuple[str, ...] = ()


@dataclass(frozen=True)
class RunOutcome:
    record_json: str
    summary: str
    exit_code: Exit
    record_path: str
    warnings: list[Diagnostic]


def _pick_spec(result: CompileResult, name: str | None) -> ir.Spec:
    names = [s.name for s in result.specs]
    if name is None and len(result.specs) == 1:
        return result.specs[0]
    if name in names:
        return result.specs[names.index(name)]
    message = f"no spec named '{name}' in this file" if name else "this file holds several specs"
    hint = f"choose one with --spec: {', '.join(names)}"
    raise RunFailure([Diagnostic("E113", message, result.path, Span(1, 1, 1, 2), hint)], Exit.SPEC_ERROR)


def _exit_code(status: str, tier: str | None, blocking: bool, fail_on: tuple[str, ...]) -> Exit:
    if status == "inconclusive":
        return Exit.INCONCLUSIVE
    return Exit.BLOCKING if blocking or tier in fail_on else Exit.OK


def _uses_confidence(spec: ir.Spec) -> bool:
    def visit(c) -> bool:
        parts = getattr(c, "parts", None) or ([c.part] if isinstance(c, ir.Not) else [])
        return any(visit(p) for p in parts) or getattr(c, "confidence", None) is not None

    return any(visit(c) for t in spec.tiers for c in t.conditions)


def _uncertainty(ev: Evaluation, options: RunOptions) -> Uncertainty | None:
    if not _uses_confidence(ev.spec):
        return None
    unc = Uncertainty(ev, options.resamples, options.seed, options.auc_method)
    requests = requested(ev)
    # every reported metric of every party gets its interval on the whole data, too
    requests |= {(party, metric, None) for party in ev.parties for metric in ev.reported_metrics()}
    unc.prepare(requests)
    return unc


def execute(result: CompileResult, options: RunOptions) -> RunOutcome:
    spec = _pick_spec(result, options.spec_name)
    if options.override and options.override.tier not in [t.name for t in spec.tiers] + [spec.otherwise.name]:
        tiers = ", ".join([t.name for t in spec.tiers] + [spec.otherwise.name])
        problem = Diagnostic(
            "E115",
            f"--override names tier '{options.override.tier}', which the spec does not have",
            result.path,
            Span(1, 1, 1, 2),
            f"tiers: {tiers}",
        )
        raise RunFailure([problem], Exit.SPEC_ERROR)
    try:
        main = read_table(options.data_path)
        extra = {name: read_table(path) for name, path in options.baseline_data.items()}
        records, warnings = load_records(spec)
        prepared = prepare(spec, main, extra, options.seed)
    except DiagnosticError as error:
        raise RunFailure(error.diagnostics, Exit.DATA_ERROR) from None
    ev = Evaluation(spec, prepared, records)
    unc = _uncertainty(ev, options)
    guards, tiers, outcome = decide(spec, ev, unc)
    files = [
        DataFile(
            role="predictions", path=options.data_path, sha256=file_sha256(options.data_path), rows=len(main.frame)
        )
    ]
    files += [
        DataFile(role=f"baseline {name}", path=path, sha256=file_sha256(path), rows=len(extra[name].frame))
        for name, path in options.baseline_data.items()
    ]
    record = build_record(
        spec,
        ev,
        unc,
        guards,
        tiers,
        outcome,
        files,
        options.model_id,
        options.override,
        [Warning_(code=w.code, message=w.message) for w in warnings],
    )
    record_json = record.model_dump_json(indent=2)
    target = options.out_path or f"{spec.name}.decision.json"
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
    final = record.outcome
    code = _exit_code(final.status, final.tier, final.blocking, options.fail_on)
    summary = render_summary(record, guards, tiers, target, prepared.rows, CANDIDATE)
    return RunOutcome(record_json, summary, code, target, warnings)
