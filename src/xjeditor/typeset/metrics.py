"""The font-metrics interface the composer works against.

The composer never opens a font file: it asks a ``FontMetrics`` for advance widths in em
(1.0 = the font size). Real fonts implement it in ``xjeditor.typeset.fonts``; tests use
``SyntheticMetrics`` with round numbers so rules can be checked without any font.
"""

from __future__ import annotations

TYPE_CHECKING = False


def _font_metrics_protocol() -> type:
    from typing import Protocol, runtime_checkable

    @runtime_checkable
    class FontMetrics(Protocol):
        """Advance widths and vertical metrics of one font, in em."""

        name: str
        ascent: float  # em above the baseline (positive)
        descent: float  # em below the baseline (positive)

        def advance(self, ch: str) -> float:
            """Advance width of one character in em; a character the font lacks gets the
            width of the font's .notdef glyph (callers check ``has_glyph`` to report 缺字)."""
            ...

        def has_glyph(self, ch: str) -> bool: ...

        def missing(self, text: str) -> list[str]:
            """The distinct characters of ``text`` the font has no glyph for, in first-seen
            order; whitespace and control characters are never reported."""
            ...

    FontMetrics.__module__ = __name__
    return FontMetrics


if TYPE_CHECKING:
    FontMetrics = _font_metrics_protocol()
else:
    def __getattr__(name: str):
        # ``FontMetrics`` is made on first use: a Protocol needs the typing module, which
        # the commands (and the engine) otherwise do without.
        if name == "FontMetrics":
            value = globals()["FontMetrics"] = _font_metrics_protocol()
            return value
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class SyntheticMetrics:
    """Round-number metrics for tests: ideographs and CJK punctuation 1 em, Latin letters
    and digits 0.5 em, a space 0.25 em, and anything in ``overrides``."""

    def __init__(self, name: str = "synthetic", overrides: dict[str, float] | None = None,
                 lacks: str = "") -> None:
        self.name = name
        self.ascent = 0.88
        self.descent = 0.12
        self._overrides = dict(overrides or {})
        self._lacks = set(lacks)

    def advance(self, ch: str) -> float:
        w = self._overrides.get(ch)
        if w is not None:
            return w
        if ch == " ":
            return 0.25
        if ch.isascii() or "\u00c0" <= ch <= "\u024f":
            return 0.5
        return 1.0

    def has_glyph(self, ch: str) -> bool:
        return ch not in self._lacks

    def missing(self, text: str) -> list[str]:
        seen: dict[str, None] = {}
        for ch in text:
            if ch in self._lacks and not ch.isspace():
                seen.setdefault(ch, None)
        return list(seen)
