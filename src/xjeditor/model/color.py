"""Process colours (CMYK): in the styles, the frames and the display list.

A module of their own: the PDF writer reads colours in the display list and has no use
for the rest of the model's styles.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CMYK:
    """A process colour, each channel 0..1."""

    c: float = 0.0
    m: float = 0.0
    y: float = 0.0
    k: float = 1.0

    def __post_init__(self) -> None:
        for name in ("c", "m", "y", "k"):
            v = getattr(self, name)
            if not 0.0 <= v <= 1.0:
                raise ValueError(f"CMYK channel {name}={v} is outside 0..1")

    @property
    def is_registration_black(self) -> bool:
        """Four-colour black (rich black) text is a print fault (spec R44)."""
        return self.c > 0.5 and self.m > 0.5 and self.y > 0.5 and self.k > 0.5

    @property
    def total_ink(self) -> float:
        return (self.c + self.m + self.y + self.k) * 100.0


BLACK = CMYK(0.0, 0.0, 0.0, 1.0)
WHITE = CMYK(0.0, 0.0, 0.0, 0.0)
