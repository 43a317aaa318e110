"""Stage 1: where the grammar is. It lives once, at the project's top (`grammar/hurdle.lark`); a wheel
carries a copy beside this module (pyproject's hatch `force-include`), a checkout reads the original."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

GRAMMAR_FILE = "hurdle.lark"


def grammar_text() -> str:
    packaged = files("hurdlelang.lang").joinpath(GRAMMAR_FILE)
    if packaged.is_file():
        return packaged.read_text(encoding="utf-8")
    checkout = Path(__file__).resolve().parents[2] / "grammar" / GRAMMAR_FILE
    return checkout.read_text(encoding="utf-8")
