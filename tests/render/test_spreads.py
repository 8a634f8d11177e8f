"""Spread export (spec R38): facing pages side by side, one PDF page per reader spread."""

from __future__ import annotations

import re
import shutil
import subprocess

import pikepdf
import pytest

from xjeditor.fileformat import load_issue
from xjeditor.model import mm_to_pt
from xjeditor.paths import seeds_dir
from xjeditor.pipeline import typeset_issue
from xjeditor.render.export import write_pdf
from xjeditor.render.pdf import MARK_GAP, MARK_LENGTH, MARK_MARGIN, reader_spreads
from xjeditor.typeset.display import DisplayPage, GlyphRun


def _pages(*numbers: int) -> list[DisplayPage]:
    return [DisplayPage(100.0, 200.0, number=n) for n in numbers]


@pytest.mark.parametrize(("numbers", "want"), [
    ((1,), [[1]]),
    ((1, 2), [[1], [2]]),
    ((1, 2, 3, 4), [[1], [2, 3], [4]]),
    ((1, 2, 3, 4, 5), [[1], [2, 3], [4, 5]]),
    ((1, 2, 3, 4, 5, 6, 7, 8), [[1], [2, 3], [4, 5], [6, 7], [8]]),
    ((2, 3), [[2, 3]]),
    ((3, 4), [[3], [4]]),  # 3 is a right-hand page, 4 a left-hand one: not facing
    ((2, 4, 5), [[2], [4, 5]]),
])
def test_reader_spreads_pair_an_even_page_with_the_next(numbers, want):
    assert [[p.number for p in sheet] for sheet in reader_spreads(_pages(*numbers))] == want


@pytest.fixture(scope="module")
def demo():
    issue = load_issue(seeds_dir() / "demo.xjb")
    ts = typeset_issue(issue)
    assert len(ts.pages) == 4
    return issue, ts


def _boxes(path):
    with pikepdf.open(path) as pdf:
        return [{name: [float(v) for v in page.obj[f"/{name}"]] for name in ("MediaBox", "TrimBox", "BleedBox")}
                for page in pdf.pages]


@pytest.mark.parametrize(("marks", "bleed_mm"), [(False, None), (True, None), (True, 3.0), (False, 3.0)])
def test_demo_as_spreads_has_three_sheets_with_the_trim_around_each_spread(demo, tmp_path, marks, bleed_mm):
    issue, ts = demo
    out = tmp_path / "spreads.pdf"
    write_pdf(ts, out, spreads=True, marks=marks, bleed_mm=bleed_mm)
    boxes = _boxes(out)
    assert len(boxes) == 3
    w, h = ts.pages[0].width, ts.pages[0].height
    bleed = ts.pages[0].bleed if bleed_mm is None else mm_to_pt(bleed_mm)
    offset = bleed + (MARK_GAP + MARK_LENGTH + MARK_MARGIN if marks else 0.0)
    for sheet, width in zip(boxes, (w, 2 * w, w), strict=True):
        assert sheet["TrimBox"] == pytest.approx([offset, offset, offset + width, offset + h], abs=0.01)
        assert sheet["BleedBox"] == pytest.approx(
            [offset - bleed, offset - bleed, offset + width + bleed, offset + h + bleed], abs=0.01)
        assert sheet["MediaBox"] == pytest.approx([0, 0, width + 2 * offset, h + 2 * offset], abs=0.01)


def test_spread_export_is_deterministic(demo, tmp_path):
    issue, ts = demo
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    write_pdf(ts, a, spreads=True, marks=True)
    write_pdf(typeset_issue(issue), b, spreads=True, marks=True)
    assert a.read_bytes() == b.read_bytes()


def test_single_pages_are_unchanged_by_the_spread_code(demo, tmp_path):
    """A one-page sheet is drawn exactly like a page of the ordinary export."""
    issue, ts = demo
    single, spread = tmp_path / "single.pdf", tmp_path / "spread.pdf"
    write_pdf(ts, single, pages=[0], marks=True)
    write_pdf(ts, spread, pages=[0], marks=True, spreads=True)
    assert single.read_bytes() == spread.read_bytes()


def _story_text(page: DisplayPage) -> dict[str, str]:
    stories: dict[str, list[str]] = {}
    for it in page.items:
        if isinstance(it, GlyphRun) and it.story and not it.story.startswith("_"):
            stories.setdefault(it.story, []).append(it.text)
    return {sid: re.sub(r"\s", "", "".join(t)) for sid, t in stories.items()}


def test_pages_two_and_three_share_the_second_sheet(demo, tmp_path):
    tool = shutil.which("pdftotext")
    if not tool:
        pytest.skip("pdftotext is not installed (Debian package: poppler-utils)")
    issue, ts = demo
    out = tmp_path / "spreads.pdf"
    write_pdf(ts, out, spreads=True)
    text = {n: re.sub(r"\s", "", subprocess.run([tool, "-raw", "-f", str(n), "-l", str(n), str(out), "-"],
                                                   capture_output=True, text=True, check=True).stdout)
            for n in (1, 2, 3)}
    for folio, sheet in ((2, 2), (3, 2), (1, 1), (4, 3)):
        stories = _story_text(ts.pages[folio - 1])
        assert stories
        for sid, want in stories.items():
            head = want[:12]
            assert head in text[sheet], (folio, sid, head)
    # page 2's and page 3's stories are not on the single-page sheets
    # (their last characters: a continuation opens with the headline page 1 also shows)
    for sid, want in _story_text(ts.pages[1]).items():
        assert want[-12:] not in text[1] and want[-12:] not in text[3], sid


def test_page_three_is_drawn_one_page_width_to_the_right(demo, tmp_path):
    """Every run of page 3 lands at its own position shifted by the width of page 2."""
    issue, ts = demo
    a, b = tmp_path / "single.pdf", tmp_path / "spread.pdf"
    write_pdf(ts, a, pages=[2])
    write_pdf(ts, b, pages=[1, 2], spreads=True)
    with pikepdf.open(a) as pa, pikepdf.open(b) as pb:
        single = pa.pages[0].Contents.read_bytes().decode("latin-1")
        spread = pb.pages[0].Contents.read_bytes().decode("latin-1")
    shift = ts.pages[1].width
    at_single = [(float(x), float(y)) for x, y in re.findall(r"1 0 0 1 (\S+) (\S+) Tm", single)]
    at_spread = [(float(x), float(y)) for x, y in re.findall(r"1 0 0 1 (\S+) (\S+) Tm", spread)]
    assert at_single
    tail = at_spread[-len(at_single):]
    assert [(round(x + shift, 2), round(y, 2)) for x, y in at_single] == \
        [(round(x, 2), round(y, 2)) for x, y in tail]


@pytest.mark.parametrize(("pages", "spreads"), [(None, False), (None, True), ([1, 2], True), ([0, 3], False)])
def test_progress_counts_the_pages_written(demo, pages, spreads):
    """``progress`` hears of each chosen page once, with the number of pages chosen."""
    issue, ts = demo
    import io

    progress = []
    write_pdf(ts, io.BytesIO(), pages=pages, spreads=spreads,
              progress=lambda done, total: progress.append((done, total)))
    n = len(pages) if pages else 4
    assert progress == [(k, n) for k in range(1, n + 1)]
