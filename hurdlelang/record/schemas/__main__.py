"""`python -m hurdlelang.record.schemas`: regenerate the shipped schemas from the models."""

from __future__ import annotations

from hurdlelang.record.schemas import FILES, SCHEMA_VERSION, versioned, write_all


def main() -> None:
    changed = write_all()
    for path in [*FILES.values(), versioned(SCHEMA_VERSION)]:
        print(f"{'rewrote' if path in changed else 'unchanged'}: {path}")


if __name__ == "__main__":
    main()
