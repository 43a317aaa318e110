"""Units of measure for quantities and derived metrics: `38 GBP`, `GBP / hours`.

A unit is a product of named base units with integer powers. Pure numbers have no unit.

A regression error is in the label's unit. That unit is free (`any`): it fits every unit, because
a spec may leave it unnamed, and because a price is written per unit of the label (`mae * 800 USD`
means 800 USD for each unit of error, which is in USD). So arithmetic keeps the named part and
marks the result free; it is shown as its named part (`USD`) when it has one, else as the label's
unit: its name when the spec gives one (`label ridership in "thousand riders"`), else "the label's
unit".
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    powers: tuple[tuple[str, int], ...] = ()
    any: bool = False
    label: str | None = None  # the name of the free label unit, when the spec gives one

    @classmethod
    def named(cls, name: str) -> Unit:
        return cls(((name, 1),))

    @classmethod
    def of_label(cls, name: str | None, power: int = 1) -> Unit:
        """The label's unit (power 2: the unit of a mean squared error)."""
        if name is None:
            return ANY if power == 1 else ANY_SQUARED
        shown = name if power == 1 else (f"({name})^{power}" if " " in name else f"{name}^{power}")
        return cls(any=True, label=shown)

    def _combine(self, other: Unit, sign: int) -> Unit:
        powers = dict(self.powers)
        for name, power in other.powers:
            powers[name] = powers.get(name, 0) + sign * power
        kept = tuple(sorted((n, p) for n, p in powers.items() if p != 0))
        if self.any or other.any:
            return Unit(kept, any=True, label=self.label or other.label)
        return Unit(kept)

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
        if self.any and not self.powers:
            return self.label or "the label's unit"
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
ANY_SQUARED = Unit(any=True, label="the label's unit squared")
