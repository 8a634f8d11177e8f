"""The screen draws what the PDF holds: every demo page painted by the Qt renderer has the
same ink as the exported PDF drawn by poppler, band by band, at print-preview resolutions
and at the editor's zoom levels (masthead and headlines included).

Ink is compared as mean darkness of 3 mm bands of rows and of columns. Pictures are left
out of that comparison, since the PDF holds them separated for newsprint (poppler shows
those CMYK values without the output profile, darker than the screen's RGB); each picture
is compared by the pattern of its light and dark parts instead, which a missing, rotated
or mirrored picture does not share.
"""

from __future__ import annotations

import pytest

from screen_pdf import (DEMO, correlation, grey_grid, ink_differences, needs_pdftoppm, paint,
                        pdftoppm)

pytestmark = needs_pdftoppm

BAND_MM = 3.0
# Mean ink of a band, 0-1. Measured differences stay under 0.05 (thin rules: poppler
# snaps them to whole pixels); a missing 36 pt headline differs by 0.2.
TOLERANCE = 0.08
PICTURE_CORRELATION = 0.9  # of the 8 x 8 grids of mean grey; measured 0.996 and more

# dpi -> pages (1-based): every page at 72 and 150 dpi, the front page at 300
CASES = [(72, n) for n in (1, 2, 3, 4)] + [(150, n) for n in (1, 2, 3, 4)] + [(300, 1)]
# The editor's zoom levels; the top of the front page: masthead, lead headline, the
# next headlines and body text
ZOOMS = (1.0, 2.0, 4.0)
ZOOM_REGION_PT = 520.0


@pytest.fixture(scope="module")
def demo(qapp, tmp_path_factory):
    from xjeditor.fileformat.xjb import load_issue
    from xjeditor.pipeline import shared_registry, typeset_issue
    from xjeditor.render.export import write_pdf
    from xjeditor.render.qt import QtPageRenderer

    issue = load_issue(DEMO)
    ts = typeset_issue(issue)
    pdf = tmp_path_factory.mktemp("screen") / "demo.pdf"
    write_pdf(ts, pdf, bleed_mm=0.0)
    renderer = QtPageRenderer(shared_registry().path, issue.images)
    return ts.pages, renderer, pdf, {}


def _pdf_page(demo, dpi: int, n: int):
    pages, _renderer, pdf, drawn = demo
    if (dpi, n) not in drawn:
        wanted = [m for d, m in CASES if d == dpi]
        for m, im in zip(wanted, pdftoppm(pdf, dpi, wanted[0], wanted[-1])):
            drawn[(dpi, m)] = im
    return drawn[(dpi, n)]


def _pictures(page):
    from xjeditor.typeset.display import ImagePlacement

    return [item for item in page.items if isinstance(item, ImagePlacement)]


def _check_pictures(page, screen, pdf, scale: float, left: int = 0, top: int = 0) -> list[str]:
    bad = []
    for item in _pictures(page):
        x, y, w, h = item.clip
        box = (max(0, round(x * scale) + 2 - left), max(0, round(y * scale) + 2 - top),
               min(screen.width, pdf.width, round((x + w) * scale) - 2 - left),
               min(screen.height, pdf.height, round((y + h) * scale) - 2 - top))
        if box[2] - box[0] < 16 or box[3] - box[1] < 16:
            continue  # (outside the region drawn)
        r = correlation(grey_grid(screen, box), grey_grid(pdf, box))
        if r < PICTURE_CORRELATION:
            bad.append(f"picture {item.frame}: correlation {r:.2f}")
    return bad


@pytest.mark.parametrize(("dpi", "n"), CASES)
def test_page_on_screen_has_the_pdfs_ink(demo, dpi, n):
    pages, renderer, _pdf, _drawn = demo
    page = pages[n - 1]
    scale = dpi / 72.0
    screen = paint(renderer, page, scale)
    pdf = _pdf_page(demo, dpi, n)
    assert abs(screen.width - pdf.width) <= 1 and abs(screen.height - pdf.height) <= 1
    holes = [item.clip for item in _pictures(page)]
    band_px = max(1, round(BAND_MM / 25.4 * dpi))
    assert ink_differences(screen, pdf, band_px=band_px, tolerance=TOLERANCE, holes=holes, scale=scale) == []
    assert _check_pictures(page, screen, pdf, scale) == []


@pytest.mark.parametrize("zoom", ZOOMS, ids=lambda z: f"{z:.0%}")
def test_editor_zoom_shows_the_pdfs_ink(demo, zoom):
    """The canvas scales the painter by zoom x logical dpi / 72 (PageCanvas.set_zoom) and
    paints each page item in device coordinates."""
    from PySide6.QtGui import QGuiApplication

    pages, renderer, pdf_path, _drawn = demo
    page = pages[0]
    dpi = zoom * QGuiApplication.primaryScreen().logicalDotsPerInch()
    scale = dpi / 72.0
    width, height = int(page.width * scale), int(ZOOM_REGION_PT * scale)
    screen = paint(renderer, page, scale, width=width, height=height)
    (pdf,) = pdftoppm(pdf_path, dpi, 1, crop=(0, 0, width, height))
    holes = [item.clip for item in _pictures(page)]
    band_px = max(1, round(BAND_MM / 25.4 * dpi))
    assert ink_differences(screen, pdf, band_px=band_px, tolerance=TOLERANCE, holes=holes, scale=scale) == []
    assert _check_pictures(page, screen, pdf, scale) == []


def test_the_comparison_sees_a_missing_headline(demo):
    """The band comparison is not blind: a page without its lead headline fails it."""
    from xjeditor.typeset.display import DisplayPage, GlyphRun

    pages, renderer, _pdf, _drawn = demo
    page = pages[0]
    lead = max((item for item in page.items if isinstance(item, GlyphRun) and item.story), key=lambda r: r.size)
    without = DisplayPage(page.width, page.height, [item for item in page.items if item is not lead],
                          page.bleed, page.number)
    screen = paint(renderer, without, 1.0)
    diffs = ink_differences(screen, _pdf_page(demo, 72, 1), band_px=round(BAND_MM / 25.4 * 72),
                            tolerance=TOLERANCE, holes=[item.clip for item in _pictures(page)])
    assert diffs and all(d.startswith(("rows", "columns")) for d in diffs)
