"""Glyphs of any size are drawn: Qt's raster engine draws nothing for a glyph run above 64
device pixels, so the renderer fills larger glyphs from their outlines, at the same place."""

from __future__ import annotations

import pytest

from screen_pdf import DEMO, to_pil

FONT = "biaosong"


@pytest.fixture(scope="module")
def fonts():
    from xjeditor.pipeline import shared_registry

    return shared_registry().path


def _dark_box(im, threshold: int = 128):
    """(count, bounding box) of the pixels darker than ``threshold``."""
    mask = im.convert("L").point(lambda v: 255 if v < threshold else 0)
    return mask.histogram()[255], mask.getbbox()


def _paint(fonts, page, scale: float, *, dpr: float = 1.0):
    """The page painted into an image ``dpr`` times as dense as its size, the painter
    scaled by ``scale``: what the editor's canvas does at a zoom (and on a HiDPI screen)."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter

    from xjeditor.render.qt import QtPageRenderer

    img = QImage(round(page.width * scale * dpr), round(page.height * scale * dpr), QImage.Format.Format_RGB32)
    img.setDevicePixelRatio(dpr)
    img.fill(Qt.GlobalColor.white)
    painter = QPainter(img)
    painter.scale(scale, scale)
    QtPageRenderer(fonts).paint(painter, page)
    painter.end()
    return to_pil(img)


def _han_page(size: float):
    from xjeditor.typeset.display import DisplayPage, GlyphRun

    return DisplayPage(3.5 * size, 1.5 * size, [GlyphRun(FONT, size, 0.25 * size, 1.15 * size, "中国",
                                                        (0.0, 1.5 * size))])


@pytest.mark.parametrize("pixels", [40, 63, 65, 66, 100, 200, 400])
def test_a_glyph_of_any_pixel_size_has_its_ink(qapp, fonts, pixels):
    """Ink in proportion to the glyph's area, on both sides of 64 pixels."""
    count, box = _dark_box(_paint(fonts, _han_page(pixels), 1.0))
    assert box is not None, f"nothing drawn at {pixels} px"
    ref_count, _ = _dark_box(_paint(fonts, _han_page(40), 1.0))
    assert count / pixels**2 == pytest.approx(ref_count / 40**2, rel=0.2)
    # the two glyphs where the run puts them: from x = 0.25 em to about 2.75 em
    assert box[0] == pytest.approx(0.25 * pixels, abs=0.1 * pixels)
    assert box[2] == pytest.approx(2.75 * pixels, abs=0.1 * pixels)


@pytest.mark.parametrize(("scale", "dpr"), [(4.0, 1.0), (2.0, 2.0), (1.0, 3.0)], ids=["zoom400", "zoom200-hidpi",
                                                                                    "hidpi3"])
def test_glyphs_large_on_the_device_are_drawn(qapp, fonts, scale, dpr):
    """24 pt is small in page units; zoomed in (painter scale) or on a dense screen
    (device pixel ratio) it is more than 64 device pixels."""
    count, box = _dark_box(_paint(fonts, _han_page(24), scale, dpr=dpr))
    assert box is not None
    ref_count, _ = _dark_box(_paint(fonts, _han_page(24 * scale * dpr), 1.0))
    assert count == pytest.approx(ref_count, rel=0.1)


def test_outlines_fall_where_the_glyph_run_draws(qapp, fonts, monkeypatch):
    """At a size both ways can draw, outlines and the glyph run give the same picture."""
    from PIL import ImageChops

    from xjeditor.render import qt

    page = _han_page(56)
    as_run = _paint(fonts, page, 1.0)
    monkeypatch.setattr(qt, "OUTLINE_FROM_PX", 10.0)
    as_outline = _paint(fonts, page, 1.0)
    assert _dark_box(as_run)[1] is not None
    diff = ImageChops.difference(as_run.convert("L"), as_outline.convert("L"))
    assert sum(i * n for i, n in enumerate(diff.histogram())) / (diff.width * diff.height) < 4.0
    run_box, outline_box = _dark_box(as_run)[1], _dark_box(as_outline)[1]
    assert all(abs(a - b) <= 1 for a, b in zip(run_box, outline_box))


@pytest.fixture(scope="module")
def front_page(qapp):
    from xjeditor.fileformat.xjb import load_issue
    from xjeditor.pipeline import typeset_issue

    issue = load_issue(DEMO)
    return issue, typeset_issue(issue).pages[0]


def _run_box(run, scale: float) -> tuple[int, int, int, int]:
    x0, x1 = run.x + run.xs[0], run.x + run.xs[-1] + run.size
    y0, y1 = run.y - 0.88 * run.size, run.y + 0.12 * run.size
    return round(x0 * scale), round(y0 * scale), round(x1 * scale), round(y1 * scale)


@pytest.mark.parametrize("dpi", [85, 86, 100, 150, 300])
def test_masthead_and_lead_headline_in_the_png(front_page, tmp_path, dpi):
    """``xjeditor render`` (render_png): the 54 pt masthead vanished from 86 dpi, the 36 pt
    lead headline from 128 dpi."""
    from xjeditor.pipeline import shared_registry
    from xjeditor.render.qt import render_png
    from xjeditor.typeset.display import GlyphRun

    issue, page = front_page
    img = to_pil(render_png(page, tmp_path / "p1.png", dpi=dpi, fonts=shared_registry().path,
                            images=issue.images))
    runs = sorted((item for item in page.items if isinstance(item, GlyphRun)), key=lambda r: -r.size)
    masthead = next(r for r in runs if r.story.startswith("_"))  # page furniture
    lead = next(r for r in runs if not r.story.startswith("_"))
    assert (masthead.size, lead.size) == (54, 36)
    for run in (masthead, lead):
        box = _run_box(run, dpi / 72.0)
        region = img.crop(box)
        count, _ = _dark_box(region, threshold=200)
        assert count > 0.15 * region.width * region.height, f"{run.text} missing at {dpi} dpi"
