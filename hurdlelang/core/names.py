"""Names every stage shares: the party being judged and the scope that means the whole data.

Records, reports, the checker and the evaluator all key on these strings, so they are defined once."""

CANDIDATE = "candidate"  # the model being judged; every other party is a baseline named in the spec
WHOLE_DATA = "all"  # the scope of every row; a slice value may not be called this (D019)
