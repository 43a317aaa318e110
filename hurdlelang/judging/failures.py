"""Why a run stopped before it had a record: typed, so each caller maps them its own way (the command
line to exit codes, the Python API to SpecError and DataError). Each carries its diagnostics."""

from __future__ import annotations

from hurdlelang.core.diagnostics import Diagnostic


class RunFailure(Exception):
    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__(diagnostics[0].message if diagnostics else "run failed")
        self.diagnostics = diagnostics


class SpecFailure(RunFailure):
    """The spec, or an option naming something in it (--spec, --override, --fail-on), is wrong."""


class DataFailure(RunFailure):
    """The data does not fit the spec, or a file cannot be read."""


class OutputFailure(RunFailure):
    """The record could not be written."""
