"""`python -m hurdlelang.record.schemas`: regenerate record.schema.json and ir.schema.json from the models."""

from __future__ import annotations

from hurdlelang.record.schemas import FILES, write_all


def main() -> None:
    changed = write_all()
    for path in FILES.values():
        print(f"{'rewrote' if path in changed else 'unchanged'}: {path}")


if __name__ == "__main__":
    main()
