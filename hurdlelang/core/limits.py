"""Every limit hurdlec puts on its inputs, in one place (documented in docs/security.md).

Each one keeps a hostile or broken input from costing unbounded time or memory, and each is far
above anything a real spec, record or predictions file needs. Going over one is a diagnostic with
its own code, never a hang, a MemoryError or a RecursionError.
"""

# a spec file (E005): the largest example shipped is 3 KB
MAX_SPEC_BYTES = 1 << 20  # 1 MiB

# one name (E006: a spec, metric, baseline, tier, slice, column, unit) and one quoted string (E007)
MAX_NAME_CHARS = 256
MAX_STRING_CHARS = 10_000

# how deep conditions and derived-metric formulas may nest (E008): each `and`, `or`, `not`, arithmetic
# sign and pair of parentheses is one level. Every command (check, compile, test, run, report, fmt)
# handles three times this depth inside Python's default recursion limit of 1,000, and the decision
# record (two JSON levels per condition level) stays inside the 200 levels pydantic's JSON reader takes.
MAX_NESTING = 32

# tiers in one spec (E009): the static analysis compares each tier with every better one
MAX_TIERS = 200

# a decision record read as a record baseline (D017) or by `hurdlec report` (R001)
MAX_RECORD_BYTES = 64 << 20  # 64 MiB

# a predictions file (D022): its size on disk, or for Parquet the uncompressed size its metadata
# declares, so that a small compressed file cannot expand into all of memory
MAX_DATA_BYTES = 2 << 30  # 2 GiB
