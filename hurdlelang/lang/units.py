"""Units of measure for quantities and derived metrics: `38 GBP`, `GBP / hours`.

A unit is a product of named base units with integer powers. Pure numbers have no unit. A
regression error is in the label's unit, which the spec does not name: ANY fits every unit.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    powers: tuple[tuple[str, int], ...] = ()
    any: bool = False

    @classmethod
    def named(cls, name: str) -> Unit:
        return cls(((name, 1),))

    def _combine(self, other: Unit, sign: int) -> Unit:
        if self.any or other.any:
            return ANY
        powers = dict(self.powers)
        for name, power in other.powers:
            powers[name] = powers.get(name, 0) + sign * power
        return Unit(tuple(sorted((n, p) for n, p in powers.items() if p != 0)))

    def __mul__(self, other: Unit) -> Unit:
        return self._combine(other, 1)

    def __truediv__(self, other: Unit) -> Unit:
        return self._combine(other, -1)

    def fits(self, other: Unit) -> bool:
        return self.any or other.any or self.powers == other.powers

    @property
    def is_none(self) -> bool:
        return not self.any and not self.powers

    def __str__(self) -> str:
        if self.any:
            return "the label's unit"
        if not self.powers:
            return "no unit"
        up = [n if p == 1 else f"{n}^{p}" for n, p in self.powers if p > 0]
        down = [n if p == -1 else f"{n}^{-p}" for n, p in self.powers if p < 0]
        text = "*".join(up) or "1"
        return f"{text}/{'*'.join(down)}" if down else text

    def to_ir(self) -> str | None:
        return None if self.is_none else str(self)


NONE = Unit()
ANY = Unit(any=True)
