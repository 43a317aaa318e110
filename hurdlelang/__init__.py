"""hurdlelang: write down the hurdle a model must clear, check it, and judge a model against it.

The Python API (docs/api.md): `load_spec`, `judge`, and the `Decision` they return.
"""

from hurdlelang.api import DataError, Decision, HurdleError, MlflowError, SpecError, judge, load_spec, log_to_mlflow
from hurdlelang.core.version import __version__

__all__ = [
    "DataError",
    "Decision",
    "HurdleError",
    "MlflowError",
    "SpecError",
    "__version__",
    "judge",
    "load_spec",
    "log_to_mlflow",
]
