"""Commands that compute (`run`, `test`, `init`, `verify`) need numpy, pandas, scikit-learn and pyarrow,
which the light distribution hurdlelang-core leaves out (it is what pre-commit hooks install). Without
them such a command says so in a diagnostic, instead of failing on an import inside the pipeline."""

from __future__ import annotations

import importlib.util

from hurdlelang.core import codes
from hurdlelang.core.diagnostics import Diagnostic

RUN_STACK = {"numpy": "numpy", "pandas": "pandas", "sklearn": "scikit-learn", "pyarrow": "pyarrow"}


def missing(modules: dict[str, str]) -> list[str]:
    """The distributions, of `modules` (import name -> distribution), that cannot be imported."""
    return [dist for module, dist in modules.items() if importlib.util.find_spec(module) is None]


def run_stack_problem(command: str) -> Diagnostic | None:
    absent = missing(RUN_STACK)
    if not absent:
        return None
    return Diagnostic(
        codes.PACKAGE_MISSING,
        f"hurdlec {command} needs {', '.join(absent)}, which {'is' if len(absent) == 1 else 'are'} not installed",
        "hurdlec",
        hint="install the whole of hurdlec with `pip install hurdlelang` (hurdlelang-core alone only checks, "
        "formats and reports)",
    )


def spark_problem() -> Diagnostic | None:
    if not missing({"pyspark": "pyspark"}):
        return None
    return Diagnostic(
        codes.PACKAGE_MISSING,
        "--engine spark needs pyspark, which is not installed",
        "hurdlec",
        hint="install it with `pip install 'hurdlelang[spark]'` (and Java 17 or later)",
    )
