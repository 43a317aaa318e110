"""The version of hurdlelang: in records, `hurdlec --version` and the wheel's metadata (pyproject reads it)."""

__version__ = "0.1.0"
