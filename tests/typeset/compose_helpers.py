"""Shared helpers for the composer tests (synthetic widths: Han and CJK marks 1 em,
Latin letters and digits 1/2 em, a space 1/4 em; size 10 pt so 1 em = 10 pt)."""

from __future__ import annotations

import pytest

from xjeditor.typeset.compose import ComposeOptions, ComposedParagraph, Run, compose_paragraph
from xjeditor.typeset.metrics import SyntheticMetrics

SIZE = 10.0
DROPPABLE = " \t\u2002\u2003\u2009\n\u2028"  # what a line edge may drop
EM = SIZE
METRICS = SyntheticMetrics()


# The metrics ``comp`` uses unless told otherwise; the rule tests run once with
# METRICS and once with the bundled body font (see conftest.py).
current = {"metrics": METRICS}


def comp(text: str, em: float, *, size: float = SIZE, metrics=None, **opts) -> ComposedParagraph:
    opts.setdefault("punct", "gb")
    m = metrics if metrics is not None else current["metrics"]
    return compose_paragraph((Run(text, "song", size, m),), em * size, ComposeOptions(**opts))


def adv(text: str) -> float:
    """Width of ``text`` in em, set solid, with the metrics ``comp`` uses now."""
    m = current["metrics"]
    return sum(m.advance(ch) for ch in text)


def texts(para: ComposedParagraph) -> list[str]:
    return [ln.text for ln in para.lines]


def xs(line) -> list[float]:
    out: list[float] = []
    for seg in line.segments:
        out.extend(seg.xs)
    return out


def x_of(line, index: int) -> float:
    """x of the character at paragraph offset ``index`` on ``line``."""
    for seg in line.segments:
        if seg.start <= index < seg.start + len(seg.text):
            return seg.xs[index - seg.start]
    raise IndexError(index)


def check_reassembles(text: str, para: ComposedParagraph) -> None:
    """The lines give back the text exactly, apart from spaces dropped at line edges."""
    pos = 0
    for ln in para.lines:
        assert text[pos:ln.start].strip(DROPPABLE) == "", (text, pos, ln.start)
        assert ln.text == text[ln.start:ln.end]
        assert "".join(s.text for s in ln.segments) == ln.text
        pos = ln.end
    assert text[pos:].strip(DROPPABLE) == ""


# --- the rule tests run twice: on synthetic widths and on the bundled 书宋 (the issue asks
# for every rule asserted without a font and with a real one); test_compose_rules imports
# this fixture and applies it to all its tests.


def _song():
    try:
        from xjeditor.typeset.fonts import default_registry

        return default_registry().metrics("song")
    except Exception as exc:  # noqa: BLE001 - a missing font skips the real-font half
        pytest.skip(f"bundled body font unavailable: {exc}")


@pytest.fixture(params=["synthetic", "song"])
def rule_metrics(request):
    saved = current["metrics"]
    if request.param == "song":
        current["metrics"] = _song()
    try:
        yield request.param
    finally:
        current["metrics"] = saved
