"""Each character is drawn with the glyph the PDF uses for it (the font's cmap, 0 for
none), even a U+FEFF at the start of a run, which Qt's string conversion drops as a byte
order mark."""

from __future__ import annotations

import copy

import pytest

from screen_pdf import DEMO, ink_differences, needs_pdftoppm, paint, pdftoppm, to_pil


@pytest.fixture(scope="module")
def registry():
    from xjeditor.pipeline import shared_registry

    return shared_registry()


@pytest.mark.parametrize("text", ["\ufeff中文", "中\ufeff文", "\ufeff", "a😀b中", "\ufeff😀", "\u200b中"])
def test_glyphs_are_the_ones_the_pdf_uses(qapp, registry, text):
    from xjeditor.render.pdf_fonts import SfntFace
    from xjeditor.render.qt import QtPageRenderer

    renderer = QtPageRenderer(registry.path)
    raw = renderer.raw_font("song", 12)
    with SfntFace(registry.path("song")) as face:
        expected = [face.glyph_id(ch) for ch in text]
    assert renderer.glyph_indexes("song", raw, text) == expected
    assert renderer.glyph_indexes("song", raw, text) == expected  # again, from what it learnt


def test_run_starting_with_feff_draws_at_the_runs_positions(qapp, registry, tmp_path):
    from xjeditor.render.qt import render_png
    from xjeditor.typeset.display import DisplayPage, GlyphRun

    def ink_columns(text, xs):
        page = DisplayPage(120, 40, [GlyphRun("song", 20, 10, 30, text, xs)])
        img = to_pil(render_png(page, tmp_path / "run.png", dpi=72, fonts=registry.path)).convert("L")
        return [x for x in range(img.width) if any(img.getpixel((x, y)) < 128 for y in range(img.height))]

    with_feff = ink_columns("\ufeff中", (0.0, 40.0))
    alone = ink_columns("中", (40.0,))
    # 中 at x = 50 in both; the FEFF draws the font's .notdef at x = 10, as the PDF does
    assert [x for x in with_feff if x >= 48] == alone
    assert min(with_feff) < 40


@pytest.fixture(scope="module")
def feff_issue(qapp):
    from xjeditor.fileformat.xjb import load_issue
    from xjeditor.model import PartKind
    from xjeditor.pipeline import typeset_issue

    issue = copy.deepcopy(load_issue(DEMO))
    part = next(p for story in issue.stories.values() for p in story.parts if p.kind is PartKind.PARAGRAPH)
    part.text = "\ufeff" + part.text
    ts = typeset_issue(issue)
    n = next(i for i, page in enumerate(ts.pages) if any("\ufeff" in getattr(it, "text", "") for it in page.items))
    return issue, ts, n


def test_page_with_a_paragraph_starting_with_feff_renders(feff_issue, registry, tmp_path):
    """``xjeditor render`` and the page thumbnails raised IndexError here."""
    from xjeditor.render.qt import QtPageRenderer, render_png

    issue, ts, n = feff_issue
    render_png(ts.pages[n], tmp_path / "page.png", dpi=72, fonts=registry.path, images=issue.images)
    # a thumbnail: the shared renderer, painted small
    paint(QtPageRenderer(registry.path, issue.images), ts.pages[n], 0.25)


@needs_pdftoppm
def test_page_with_feff_paragraph_matches_the_pdf(feff_issue, registry, tmp_path):
    from xjeditor.render.export import write_pdf
    from xjeditor.render.qt import QtPageRenderer
    from xjeditor.typeset.display import ImagePlacement

    issue, ts, n = feff_issue
    pdf = tmp_path / "feff.pdf"
    write_pdf(ts, pdf, bleed_mm=0.0, pdfx=False)
    page = ts.pages[n]
    screen = paint(QtPageRenderer(registry.path, issue.images), page, 150 / 72)
    (printed,) = pdftoppm(pdf, 150, n + 1)
    holes = [item.clip for item in page.items if isinstance(item, ImagePlacement)]
    assert ink_differences(screen, printed, band_px=18, tolerance=0.08, holes=holes, scale=150 / 72) == []
