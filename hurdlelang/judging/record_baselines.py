"""Record baselines: the candidate metrics of an earlier decision record (the model in production)."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from hurdlelang.core import codes
from hurdlelang.core.diagnostics import Diagnostic, DiagnosticError
from hurdlelang.core.limits import MAX_RECORD_BYTES
from hurdlelang.core.regular_files import TooLarge, read_regular
from hurdlelang.judging.evaluate import RecordValues
from hurdlelang.lang import ir
from hurdlelang.lang.check.record_paths import ROOT_HINT, resolve_record
from hurdlelang.metrics.values import MetricValue
from hurdlelang.record.model import DecisionRecord


def _fail(name: str, message: str, path: str, hint: str) -> DiagnosticError:
    return DiagnosticError([Diagnostic(codes.BAD_RECORD_BASELINE, f"baseline '{name}': {message}", path, hint=hint)])


def _read(spec: ir.Spec, b: ir.RecordBaseline, root: str | None) -> tuple[str, DecisionRecord]:
    """The record a baseline names, read only when it is a regular file inside the project root."""
    shown = str(Path(spec.source.path).parent / b.path)  # as the user would write it, symlinks not followed
    path = resolve_record(b.path, spec.source.path, root)
    if path is None:
        # said the same way whether or not the file exists: a spec must not probe outside the root
        raise _fail(b.name, "the record path leads outside the project root", shown, ROOT_HINT)
    try:
        text = read_regular(path, MAX_RECORD_BYTES).decode("utf-8")
    except TooLarge as error:
        raise _fail(
            b.name, f"cannot read the record: {error.strerror}", shown, "give a record written by `hurdlec run`"
        ) from None
    except OSError as error:
        hint = getattr(error, "hint", "the path is relative to the spec file")
        raise _fail(b.name, f"cannot read the record: {error.strerror}", shown, hint) from None
    except UnicodeDecodeError as error:
        raise _fail(
            b.name, f"not a hurdlec decision record ({error})", shown, "give a record written by `hurdlec run`"
        ) from None
    try:
        return shown, DecisionRecord.model_validate(json.loads(text))
    except (json.JSONDecodeError, ValidationError, RecursionError) as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise _fail(
            b.name, f"not a hurdlec decision record ({first})", shown, "give a record written by `hurdlec run`"
        ) from None


def load_records(spec: ir.Spec, root: str | None = None) -> tuple[dict[str, RecordValues], list[Diagnostic]]:
    """The record baselines' values. `root` is the project root (--root), as given to the compiler."""
    records, warnings = {}, []
    for b in spec.baselines:
        if not isinstance(b, ir.RecordBaseline):
            continue
        path, record = _read(spec, b, root)
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
