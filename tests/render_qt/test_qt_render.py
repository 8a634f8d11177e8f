"""The Qt renderer draws the display list where it says, and never composes text."""

from pathlib import Path

import pytest

from xjeditor.model import CMYK
from xjeditor.typeset.display import Box, DisplayPage, GlyphRun, ImagePlacement, Rule

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _font_path() -> Path:
    bundled = sorted(Path(__file__).resolve().parents[2].joinpath("resources", "fonts").glob("*.ttf"))
    if bundled:
        return bundled[0]
    if DEJAVU.exists():
        return DEJAVU
    pytest.skip("no TrueType font available (bundled fonts not built, no DejaVu)")


def test_png_shows_glyphs_rules_boxes_and_placeholder(qapp, tmp_path):
    from xjeditor.render.qt import render_png

    font = _font_path()
    page = DisplayPage(200, 100, items=[
        Box(10, 10, 60, 40, stroke=2.0, fill=CMYK(0, 0, 0, 0.2)),
        Rule(0, 80, 200, 80, width=2.0),
        GlyphRun("f", 20, 100, 40, "HH", (0.0, 40.0)),
        ImagePlacement((150, 10, 40, 40), 150, 10, 40, 40, None),
    ])
    img = render_png(page, tmp_path / "p.png", dpi=72, fonts=lambda key: font)
    assert (tmp_path / "p.png").stat().st_size > 0
    assert (img.width(), img.height()) == (200, 100)
    dark = lambda x, y: img.pixelColor(x, y).lightness() < 100  # noqa: E731
    assert dark(100, 80)  # the rule
    assert dark(10, 30)  # box stroke
    assert 100 < img.pixelColor(40, 30).lightness() < 250  # tinted fill
    # each 'H' is drawn at its own x: ink near 100..114 and near 140..154, none between
    ink = [x for x in range(90, 170) if any(dark(x, y) for y in range(25, 41))]
    assert ink and min(ink) >= 100 and max(ink) <= 156
    assert any(140 <= x for x in ink) and not any(118 <= x <= 138 for x in ink)
    assert img.pixelColor(170, 30).lightness() < 250  # placeholder is tinted


def test_cmyk_black_is_black_on_screen(qapp):
    from xjeditor.render.qt import qcolor

    assert qcolor(CMYK(0, 0, 0, 1)).lightness() == 0


def test_painting_many_glyph_runs_keeps_python_alive(qapp, tmp_path):
    """PySide6 6.12.0 on Python 3.11 drops a reference to None on every void call, which
    kills the process at exit after a page of glyph runs; pyproject pins it out."""
    import sys

    from xjeditor.render.qt import render_png

    font = _font_path()
    runs = [GlyphRun("f", 9, 10, 10 + i % 50, "HHHH", (0.0, 9.0, 18.0, 27.0)) for i in range(300)]
    page = DisplayPage(100, 100, items=runs)
    before = sys.getrefcount(None)
    render_png(page, tmp_path / "many.png", dpi=36, fonts=lambda key: font)
    assert sys.getrefcount(None) > before - 200  # 6.12.0 loses at least 4 per run here
