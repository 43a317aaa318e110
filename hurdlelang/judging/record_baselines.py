"""Record baselines: the candidate metrics of an earlier decision record (the model in production)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from hurdlelang.core import codes
from hurdlelang.core.diagnostics import Diagnostic, DiagnosticError
from hurdlelang.judging.evaluate import RecordValues
from hurdlelang.lang import ir
from hurdlelang.metrics.values import MetricValue
from hurdlelang.record.model import DecisionRecord


def _resolve(spec: ir.Spec, path: str) -> Path:
    """A record path in a spec is relative to the spec's own folder, like an import."""
    candidate = Path(path)
    return candidate if candidate.is_absolute() else Path(spec.source.path).parent / candidate


def load_records(spec: ir.Spec) -> tuple[dict[str, RecordValues], list[Diagnostic]]:
    records, warnings = {}, []
    for b in spec.baselines:
        if not isinstance(b, ir.RecordBaseline):
            continue
        path = _resolve(spec, b.path)
        try:
            record = DecisionRecord.model_validate(json.loads(path.read_text(encoding="utf-8")))
        except OSError as error:
            raise DiagnosticError(
                [
                    Diagnostic(
                        codes.BAD_RECORD_BASELINE,
                        f"baseline '{b.name}': cannot read the record: {error.strerror}",
                        str(path),
                        hint="the path is relative to the spec file",
                    )
                ]
            ) from None
        except (json.JSONDecodeError, ValidationError, UnicodeDecodeError) as error:
            first = str(error).splitlines()[0]
            raise DiagnosticError(
                [
                    Diagnostic(
                        codes.BAD_RECORD_BASELINE,
                        f"baseline '{b.name}': not a hurdlec decision record ({first})",
                        str(path),
                        hint="give a record written by `hurdlec run`",
                    )
                ]
            ) from None
        if record.task != spec.task:
            raise DiagnosticError(
                [
                    Diagnostic(
                        codes.BAD_RECORD_BASELINE,
                        f"baseline '{b.name}': the record judged a {record.task} task, this spec a {spec.task} one",
                        str(path),
                        hint="a record baseline must come from a run of the same kind of task",
                    )
                ]
            )
        values = {
            scope: {m: MetricValue(e.value, e.reason) for m, e in metrics.items()}
            for scope, metrics in record.metrics.get("candidate", {}).items()
        }
        if record.spec.sha256 != spec.source.sha256:
            warnings.append(
                Diagnostic(
                    codes.RECORD_OF_OTHER_SPEC,
                    f"baseline '{b.name}' was decided under another version of a spec ({record.spec.name}, "
                    f"sha256 {record.spec.sha256[:12]}…); its metrics are compared as they were recorded",
                    str(path),
                    hint="check that the metrics were defined the same way then",
                )
            )
        records[b.name] = RecordValues(str(path), record.spec.sha256, values)
    return records, warnings
