"""Exit codes of hurdlec, documented in docs/cli.md. Stable: scripts and CI gates rely on them."""

from enum import IntEnum


class Exit(IntEnum):
    OK = 0  # check: no errors. run: a tier above the fall-back was reached
    BLOCKING = 1  # check: errors found. run: decided, but the fall-back tier (keep the as-is)
    USAGE = 2  # bad command-line arguments (click's own code)
    INCONCLUSIVE = 3  # run: a guard failed or a needed metric was undefined
    SPEC_ERROR = 4  # run: the spec does not compile
    DATA_ERROR = 5  # run: the data does not fit the spec
    OUTPUT_ERROR = 6  # run: the record could not be written
    INTERNAL = 70  # a bug in hurdlec; the message asks for a report
