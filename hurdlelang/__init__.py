"""hurdlelang: write down the hurdle a model must clear, check it, and judge a model against it.

The Python API (docs/api.md): `load_spec`, `judge`, and the `Decision` they return.
"""

from hurdlelang.api import DataError, Decision, HurdleError, SpecError, judge, load_spec
from hurdlelang.core.version import __version__

__all__ = ["DataError", "Decision", "HurdleError", "SpecError", "__version__", "judge", "load_spec"]
