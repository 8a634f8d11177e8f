"""The PDF renderer draws the display list exactly, in embedded subset fonts, CMYK only,
with black text overprinting, print boxes, images and placeholders, deterministically.

The produced files are read back with pikepdf (structure, content streams), pdfplumber
(characters and their positions) and, when installed, poppler's pdffonts/pdftotext and
qpdf.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pikepdf
import pypdf
import pytest
from render_fonts import needs_tool
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from xjeditor.model import CMYK, ImageAsset, mm_to_pt
from xjeditor.render.pdf import (
    MARK_GAP,
    MARK_LENGTH,
    MARK_WIDTH,
    build_pdf,
    page_offset,
    render_pdf,
)
from xjeditor.render.pdfx import OutputIntent
from xjeditor.typeset.display import Box, DisplayPage, GlyphRun, ImagePlacement, Rule

BLACK = CMYK(0, 0, 0, 1)
CYAN = CMYK(1, 0, 0, 0)
GREY = CMYK(0, 0, 0, 0.6)
RGB_OPERATORS = {"rg", "RG", "sc", "SC", "scn", "SCN", "cs", "CS"}


# ---------------------------------------------------------------------------------
# Sample display pages
# ---------------------------------------------------------------------------------


def em_run(font: str, size: float, x: float, y: float, text: str, *, widths: dict[str, float] | None = None,
           shift: dict[int, float] | None = None, **kw) -> GlyphRun:
    """A run with 1-em characters, some narrower (``widths`` in em) and some glyphs moved
    (``shift``: index -> em), as compressed punctuation comes from the typesetter."""
    xs, pos = [], 0.0
    for i, ch in enumerate(text):
        xs.append(pos + (shift or {}).get(i, 0.0) * size)
        pos += (widths or {}).get(ch, 1.0) * size
    return GlyphRun(font, size, x, y, text, tuple(xs), **kw)


def png(size=(120, 80)) -> ImageAsset:
    im = Image.new("RGB", size, (255, 0, 0))
    im.paste((0, 0, 255), (size[0] // 2, 0, size[0], size[1]))
    out = io.BytesIO()
    im.save(out, "PNG")
    return ImageAsset(out.getvalue(), "image/png", "flag.png")


PHOTO = png()
BROKEN = ImageAsset(b"\xff\xd8\xff\xe0 this is not really a jpeg", "image/jpeg", "broken.jpg")
IMAGES = {PHOTO.key: PHOTO, BROKEN.key: BROKEN}


def sample_pages() -> list[DisplayPage]:
    body = "他说：“社区——我们的家……”张·李。"
    page1 = DisplayPage(300, 420, number=1, items=[
        em_run("biaosong", 24, 20, 50, "以“红色领航”激发新动能", story="s1"),
        # body text with half-width colon and full stop, a compressed opening quote
        em_run("song", 10.5, 20, 80, body, widths={"：": 0.5, "“": 0.5, "。": 0.5}, shift={3: -0.5}, story="s1"),
        # a justified line: every gap stretched by 0.07 em
        GlyphRun("song", 10.5, 20, 100, "新泾镇社区晨报第一版", tuple(i * 10.5 * 1.07 for i in range(10)), story="s1"),
        em_run("hei", 14, 20, 130, "社区要闻·一周回顾", color=CYAN, overprint=False),
        em_run("kai", 9, 20, 150, "（陈毓磊 摄）", widths={" ": 0.25}, color=GREY, overprint=False),
        Rule(20, 160, 280, 160, width=0.25),
        Rule(20, 165, 280, 165, width=1.0, color=CMYK(0, 1, 0, 0)),
        Box(20, 175, 120, 60, stroke=0.5, stroke_color=BLACK, fill=CMYK(0, 0, 0, 0.1)),
        ImagePlacement((160, 175, 60, 60), 150, 175, 90, 60, PHOTO.key, frame="photo1"),
        ImagePlacement((20, 250, 80, 50), 20, 250, 80, 50, None, frame="empty1"),
        ImagePlacement((120, 250, 80, 50), 120, 250, 80, 50, BROKEN.key, frame="broken1"),
        ImagePlacement((220, 250, 60, 50), 220, 250, 60, 50, "0" * 64, frame="lost1"),
        em_run("song", 10.5, 20, 330, "图片下方的正文继续排在这里。", widths={"。": 0.5}, story="s1"),
    ])
    page2 = DisplayPage(200, 300, number=2, bleed=5.0, items=[
        em_run("song", 12, 10, 40, "第二版：“引号”与——破折号", widths={"：": 0.5}, story="s2"),
    ])
    return [page1, page2]


def runs_of(page: DisplayPage) -> list[GlyphRun]:
    return [it for it in page.items if isinstance(it, GlyphRun)]


@pytest.fixture(scope="module")
def resolver(cjk_fonts):
    return lambda key: cjk_fonts[key]


@pytest.fixture(scope="module")
def sample_pdf(resolver) -> tuple[bytes, list]:
    return build_pdf(sample_pages(), fonts=resolver, images=IMAGES, title="新泾镇社区晨报 第1期")


@pytest.fixture(scope="module")
def sample_file(sample_pdf, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "sample.pdf"
    path.write_bytes(sample_pdf[0])
    return path


def open_pike(data: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(data))


def ops(page: pikepdf.Page) -> list[tuple[str, list]]:
    return [(str(op), list(operands)) for operands, op in pikepdf.parse_content_stream(page)]


def nums(operands) -> list[float]:
    return [float(v) for v in operands]


# ---------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------


def test_text_extracts_as_the_same_characters_in_order(sample_pdf):
    pages = sample_pages()
    with pdfplumber.open(io.BytesIO(sample_pdf[0])) as pdf:
        for page, ppage in zip(pages, pdf.pages, strict=True):
            got = "".join(c["text"] for c in ppage.chars)
            assert got == "".join(run.text for run in runs_of(page))
    text = pypdf.PdfReader(io.BytesIO(sample_pdf[0])).pages[0].extract_text()
    for run in runs_of(pages[0]):
        assert run.text in text


def test_every_character_sits_at_its_display_list_position(sample_pdf):
    pages = sample_pages()
    pdf = open_pike(sample_pdf[0])
    descent = {}
    for font in pdf.pages[0].Resources.Font.values():
        descent[str(font.BaseFont)[1:]] = float(font.DescendantFonts[0].FontDescriptor.Descent) / 1000
    with pdfplumber.open(io.BytesIO(sample_pdf[0])) as doc:
        for page, ppage in zip(pages, doc.pages, strict=True):
            offset = page.bleed  # no bleed_mm given: each page's own bleed
            chars = iter(ppage.chars)
            for run in runs_of(page):
                for ch, dx in zip(run.text, run.xs, strict=True):
                    c = next(chars)
                    assert c["text"] == ch
                    assert c["size"] == pytest.approx(run.size, abs=1e-6)
                    d = descent[c["fontname"]]
                    assert c["x0"] == pytest.approx(offset + run.x + dx, abs=0.05)
                    assert c["top"] == pytest.approx(offset + run.y - run.size * (1 + d), abs=0.05)
                    # the glyph origin itself, in PDF space
                    assert c["matrix"][4] == pytest.approx(offset + run.x + dx, abs=0.005)
                    assert c["matrix"][5] == pytest.approx(offset + page.height - run.y, abs=0.005)


def test_glyph_boxes_follow_each_other_without_overlap(sample_pdf):
    """Compressed punctuation is shown with a narrower advance, so extraction tools see
    every character's box end where the next one starts (or before)."""
    with pdfplumber.open(io.BytesIO(sample_pdf[0])) as doc:
        chars = doc.pages[0].chars
    for a, b in zip(chars, chars[1:], strict=False):
        if abs(a["top"] - b["top"]) < 0.01 and a["size"] == b["size"]:
            assert a["x1"] <= b["x0"] + 0.05 * a["size"], (a["text"], b["text"])
    colon = next(c for c in chars if c["text"] == "：")
    assert colon["width"] == pytest.approx(0, abs=0.01)  # the quote after it moved back onto it


@needs_tool("pdftoppm")
def test_narrower_advances_do_not_move_any_ink(resolver, tmp_path, monkeypatch):
    from xjeditor.render import pdf as pdf_module

    body = sample_pages()[0].items[1]  # the body run with ：“ and 。
    pngs = []
    for name, threshold in (("narrowed", pdf_module.NARROW_FROM_EM), ("plain", 1e9)):
        monkeypatch.setattr(pdf_module, "NARROW_FROM_EM", threshold)
        data, _ = build_pdf([DisplayPage(220, 100, [body])], fonts=resolver, pdfx=False)
        (tmp_path / f"{name}.pdf").write_bytes(data)
        subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", "-singlefile", str(tmp_path / f"{name}.pdf"),
                        str(tmp_path / name)], check=True)
        pngs.append(Image.open(tmp_path / f"{name}.png").tobytes())
    assert pngs[0] == pngs[1]


def test_one_text_object_per_run(sample_pdf):
    pdf = open_pike(sample_pdf[0])
    for page, ppage in zip(sample_pages(), pdf.pages, strict=True):
        shown = [op for op, _ in ops(ppage) if op in ("TJ", "Tj", "'", '"')]
        assert shown == ["TJ"] * len(runs_of(page))


@settings(max_examples=25, deadline=None)
@given(
    size=st.floats(5, 96),
    steps=st.lists(st.floats(-0.6, 2.5), min_size=1, max_size=30),
    x=st.floats(0, 200),
)
def test_positions_hold_for_any_advances(cjk_fonts, size, steps, x):
    text = ("中文，“——”……·《排版》" * 4)[: len(steps)]
    xs, pos = [], 0.0
    for s in steps:
        xs.append(pos)
        pos += s * size
    run = GlyphRun("song", size, x, 300, text, tuple(xs))
    data, _ = build_pdf([DisplayPage(600, 400, [run])], fonts=lambda k: cjk_fonts["song"], pdfx=False)
    with pdfplumber.open(io.BytesIO(data)) as doc:
        chars = doc.pages[0].chars
    assert "".join(c["text"] for c in chars) == text
    for c, dx in zip(chars, xs, strict=True):
        assert c["matrix"][4] == pytest.approx(x + dx, abs=0.01)


def test_a_collection_face_by_path_and_index(tmp_path):
    from render_fonts import make_font
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.ttCollection import TTCollection

    collection = TTCollection()
    collection.fonts = [TTFont(io.BytesIO(make_font(name="XJTest-First"))),
                        TTFont(io.BytesIO(make_font(name="XJTest-Second")))]
    path = tmp_path / "pair.ttc"
    collection.save(path)
    run = GlyphRun("x", 12, 10, 20, "AB中", (0, 4.8, 13.2))
    data, _ = build_pdf([DisplayPage(100, 50, [run])], fonts=lambda k: (path, 1))
    pdf = open_pike(data)
    (font,) = pdf.pages[0].Resources.Font.values()
    assert str(font.BaseFont).endswith("+XJTest-Second")


def test_missing_glyph_is_reported_and_still_extracts(test_font):
    run = GlyphRun("test", 12, 10, 20, "A中x", (0, 12, 24))
    data, findings = build_pdf([DisplayPage(100, 50, [run], number=3)], fonts=lambda k: test_font)
    missing = [f for f in findings if f.code == "glyph-missing"]
    assert len(missing) == 1 and missing[0].page == 3 and missing[0].ref == "test"
    assert "x" in missing[0].en and "缺字" in missing[0].zh
    with pdfplumber.open(io.BytesIO(data)) as doc:
        assert "".join(c["text"] for c in doc.pages[0].chars) == "A中x"


# ---------------------------------------------------------------------------------
# Fonts
# ---------------------------------------------------------------------------------


def test_fonts_are_embedded_subsets_and_nothing_else(sample_pdf):
    data = sample_pdf[0]
    assert b"Helvetica" not in data
    pdf = open_pike(data)
    fonts = [o for o in pdf.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/Font"]
    type0 = [f for f in fonts if f.Subtype == "/Type0"]
    assert {str(f.Subtype) for f in fonts} == {"/Type0", "/CIDFontType2"}
    assert len(type0) == 4  # one per face used: song, biaosong, hei, kai
    for font in type0:
        assert font.Encoding == "/Identity-H"
        assert re.fullmatch(r"/[A-Z]{6}\+[A-Za-z0-9-]+", str(font.BaseFont))
        assert "/ToUnicode" in font
        cid = font.DescendantFonts[0]
        assert cid.Subtype == "/CIDFontType2" and cid.BaseFont == font.BaseFont
        assert "/CIDToGIDMap" in cid
        desc = cid.FontDescriptor
        assert desc.FontName == font.BaseFont
        assert "/FontFile2" in desc and "/FontFile" not in desc and "/FontFile3" not in desc
        program = desc.FontFile2.read_bytes()
        assert len(program) == int(desc.FontFile2.Length1)
        from fontTools.ttLib import TTFont

        embedded = TTFont(io.BytesIO(program))
        assert embedded["maxp"].numGlyphs < 100  # a subset, not the 23,000-glyph font
    for page in pdf.pages:
        for name, font in page.Resources.Font.items():
            assert font.Subtype == "/Type0", name


def test_font_registry_can_be_passed_directly(cjk_fonts):
    fonts_module = pytest.importorskip("xjeditor.typeset.fonts")
    try:
        registry = fonts_module.default_registry()
        registry.path("song")
    except Exception as exc:  # noqa: BLE001 - the registry is another slice's work
        pytest.skip(f"font registry not usable yet: {exc}")
    run = em_run("song", 10, 10, 20, "社区晨报")
    data, _ = build_pdf([DisplayPage(100, 50, [run])], fonts=registry)
    with pdfplumber.open(io.BytesIO(data)) as doc:
        assert "".join(c["text"] for c in doc.pages[0].chars) == "社区晨报"


# ---------------------------------------------------------------------------------
# Colour
# ---------------------------------------------------------------------------------


def graphics_trace(pdf_page: pikepdf.Page):
    """Walk a content stream; yield (operator, operands, state) with the fill and
    stroke colours, fill overprint, overprint mode and line width in force."""
    ext = pdf_page.Resources.get("/ExtGState", {})
    state = {"fill": None, "stroke": None, "op": False, "OP": False, "OPM": 0, "w": 1.0}
    stack = []
    for op, operands in ops(pdf_page):
        if op == "q":
            stack.append(dict(state))
        elif op == "Q":
            state = stack.pop()
        elif op == "k":
            state["fill"] = tuple(nums(operands))
        elif op == "K":
            state["stroke"] = tuple(nums(operands))
        elif op == "w":
            state["w"] = float(operands[0])
        elif op == "gs":
            gs = ext[str(operands[0])]
            if "/OP" in gs:
                state["OP"] = bool(gs.OP)
                state["op"] = bool(gs.OP)
            if "/op" in gs:
                state["op"] = bool(gs.op)
            if "/OPM" in gs:
                state["OPM"] = int(gs.OPM)
        yield op, operands, dict(state)


def test_no_rgb_anywhere(sample_pdf):
    pdf = open_pike(sample_pdf[0])
    for page in pdf.pages:
        used = {op for op, _ in ops(page)}
        assert not used & RGB_OPERATORS
        assert used & {"k", "K"}
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == "/Image":
            assert obj.ColorSpace == "/DeviceCMYK"
        if isinstance(obj, pikepdf.Dictionary) and "/ColorSpace" in obj and obj.get("/Type") != "/XObject":
            pytest.fail(f"unexpected colour space resource {obj.ColorSpace}")


def test_black_text_overprints_and_coloured_text_knocks_out(sample_pdf):
    pdf = open_pike(sample_pdf[0])
    shown = [s for op, _, s in graphics_trace(pdf.pages[0]) if op == "TJ"]
    runs = runs_of(sample_pages()[0])
    assert len(shown) == len(runs)
    for run, state in zip(runs, shown, strict=True):
        assert state["fill"] == (run.color.c, run.color.m, run.color.y, run.color.k)
        if run.color == BLACK:
            assert state["op"] is True and state["OPM"] == 1, run.text
        else:
            assert state["op"] is False, run.text


def test_rules_and_boxes_at_exact_widths_and_places(sample_pdf):
    page = sample_pages()[0]
    pdf = open_pike(sample_pdf[0])
    trace = list(graphics_trace(pdf.pages[0]))
    strokes = []  # (path points, state)
    path: list[float] = []
    for op, operands, state in trace:
        if op in ("m", "l"):
            path += nums(operands)
        elif op == "re":
            path = ["re", *nums(operands)]
        elif op in ("S", "B", "B*", "f", "f*"):
            strokes.append((op, path, state))
            path = []
        elif op == "n":
            path = []
    h = page.height
    rule1, rule2 = [it for it in page.items if isinstance(it, Rule)]
    lines = [(p, s) for op, p, s in strokes if op == "S"]
    assert (lines[0][0], lines[0][1]["w"], lines[0][1]["stroke"]) == ([20, h - 160, 280, h - 160], 0.25, (0, 0, 0, 1))
    assert (lines[1][0], lines[1][1]["w"], lines[1][1]["stroke"]) == ([20, h - 165, 280, h - 165], 1.0, (0, 1, 0, 0))
    assert rule1.width == 0.25 and rule2.width == 1.0
    boxes = [(p, s) for op, p, s in strokes if op in ("B", "B*")]
    box_path, box_state = boxes[0]
    assert box_path == ["re", 20, h - 175 - 60, 120, 60]
    assert (box_state["w"], box_state["stroke"], box_state["fill"]) == (0.5, (0, 0, 0, 1), (0, 0, 0, 0.1))


# ---------------------------------------------------------------------------------
# Images
# ---------------------------------------------------------------------------------


def test_image_is_a_cmyk_jpeg_clipped_and_placed(sample_pdf):
    h = sample_pages()[0].height
    pdf = open_pike(sample_pdf[0])
    page = pdf.pages[0]
    trace = ops(page)
    do = [i for i, (op, _) in enumerate(trace) if op == "Do"]
    assert len(do) == 1
    i = do[0]
    assert trace[i - 1][0] == "cm"
    # 120x80 px placed at 90x60 pt (96 ppi: no resampling), clip x 160..220 of 150..240
    # -> source pixels 13.3..93.3, widened to whole pixels 13..94, placed at 150 + 13 * 0.75
    a, b, c, d, e, f = nums(trace[i - 1][1])
    assert (b, c) == (0, 0)
    assert a == pytest.approx(81 * 0.75) and d == pytest.approx(60)
    assert e == pytest.approx(150 + 13 * 0.75) and f == pytest.approx(h - 175 - 60)
    # the clip: a rectangle, W, n, inside the same q ... Q
    clip_at = max(j for j in range(i) if trace[j][0] in ("W", "W*"))
    assert trace[clip_at - 1][0] == "re" and nums(trace[clip_at - 1][1]) == [160, h - 235, 60, 60]
    assert trace[clip_at + 1][0] == "n"
    xobj = page.Resources.XObject[str(trace[i][1][0])]
    assert xobj.Subtype == "/Image" and xobj.Filter == "/DCTDecode"
    assert xobj.ColorSpace == "/DeviceCMYK" and int(xobj.BitsPerComponent) == 8
    assert list(xobj.Decode) == [1, 0, 1, 0, 1, 0, 1, 0]
    assert (int(xobj.Width), int(xobj.Height)) == (81, 80)
    im = Image.open(io.BytesIO(xobj.read_raw_bytes()))
    assert im.mode == "CMYK" and im.size == (81, 80)


def test_placeholders_for_empty_broken_and_missing_images(sample_pdf):
    data, findings = sample_pdf
    pdf = open_pike(data)
    h = sample_pages()[0].height
    trace = zip(ops(pdf.pages[0]), graphics_trace(pdf.pages[0]), strict=True)
    filled = [(nums(raw[1]), s) for raw, (op, _, s) in trace if op == "re" and s["fill"] == (0, 0, 0, 0.12)]
    rects = [r for r, _ in filled]
    assert [20, h - 300, 80, 50] in rects and [120, h - 300, 80, 50] in rects and [220, h - 300, 60, 50] in rects
    codes = {(f.code, f.page, f.ref) for f in findings}
    assert ("image-unreadable", 1, "broken1") in codes
    assert ("image-missing", 1, "lost1") in codes
    broken = next(f for f in findings if f.code == "image-unreadable")
    assert "broken.jpg" in broken.en and "broken.jpg" in broken.zh


# ---------------------------------------------------------------------------------
# Page boxes, marks
# ---------------------------------------------------------------------------------


def box(page, name) -> list[float]:
    return [float(v) for v in page[name]]


@pytest.mark.parametrize("marks", [False, True])
def test_print_boxes_with_bleed(resolver, marks):
    pages = sample_pages()
    data, _ = build_pdf(pages, fonts=resolver, images=IMAGES, bleed_mm=3, marks=marks)
    pdf = open_pike(data)
    b = mm_to_pt(3)
    o = page_offset(b, marks)
    assert o == (b + MARK_GAP + MARK_LENGTH + 6 if marks else b)
    for page, ppage in zip(pages, pdf.pages, strict=True):
        w, h = page.width, page.height
        assert box(ppage, "/MediaBox") == pytest.approx([0, 0, w + 2 * o, h + 2 * o])
        assert box(ppage, "/TrimBox") == pytest.approx([o, o, o + w, o + h])
        assert box(ppage, "/BleedBox") == pytest.approx([o - b, o - b, o + w + b, o + h + b])


def test_without_bleed_option_each_page_keeps_its_own_bleed(sample_pdf):
    pdf = open_pike(sample_pdf[0])
    assert box(pdf.pages[0], "/MediaBox") == [0, 0, 300, 420]
    assert box(pdf.pages[0], "/TrimBox") == [0, 0, 300, 420]
    assert box(pdf.pages[1], "/MediaBox") == [0, 0, 210, 310]
    assert box(pdf.pages[1], "/TrimBox") == [5, 5, 205, 305]
    assert box(pdf.pages[1], "/BleedBox") == [0, 0, 210, 310]


def test_crop_marks_are_k100_hairlines_outside_the_bleed(resolver):
    page = DisplayPage(200, 300, [em_run("song", 10, 10, 20, "正文")])
    data, _ = build_pdf([page], fonts=resolver, bleed_mm=3, marks=True)
    pdf = open_pike(data)
    ppage = pdf.pages[0]
    x0, y0, x1, y1 = box(ppage, "/TrimBox")
    bx0, by0, bx1, by1 = box(ppage, "/BleedBox")
    segments = []
    path: list[float] = []
    for op, operands, state in graphics_trace(ppage):
        if op in ("m", "l"):
            path += nums(operands)
        elif op == "S":
            segments.append((path, state))
            path = []
    marks = [(p, s) for p, s in segments if s["w"] == MARK_WIDTH]
    assert len(marks) == 8
    for (ax, ay, bx, by), state in marks:
        assert state["stroke"] == (0, 0, 0, 1)
        if ax == bx:  # vertical mark on a trim x, wholly below or above the bleed
            assert ax in (pytest.approx(x0), pytest.approx(x1))
            assert max(ay, by) <= by0 or min(ay, by) >= by1
        else:
            assert ay == by and ay in (pytest.approx(y0), pytest.approx(y1))
            assert max(ax, bx) <= bx0 or min(ax, bx) >= bx1
    # the page content is clipped to the bleed box so nothing reaches the marks
    first_clip = next(i for i, (op, _) in enumerate(ops(ppage)) if op in ("W", "W*"))
    assert nums(ops(ppage)[first_clip - 1][1]) == pytest.approx([bx0, by0, bx1 - bx0, by1 - by0])


# ---------------------------------------------------------------------------------
# Document: PDF/X keys, determinism, output
# ---------------------------------------------------------------------------------


def test_info_has_title_trapped_and_pdfx_version(sample_pdf):
    data, findings = sample_pdf
    pdf = open_pike(data)
    info = pdf.docinfo
    assert str(info.Title) == "新泾镇社区晨报 第1期"
    assert info.Trapped == "/False"
    assert str(info.GTS_PDFXVersion) == "PDF/X-1a:2003"
    assert str(info.CreationDate) == str(info.ModDate)
    assert pdf.pdf_version == "1.4"
    assert "/Author" not in info and "/Subject" not in info
    assert "/ID" in pdf.trailer
    assert any(f.code == "pdfx-no-output-intent" for f in findings)


def test_pdfx_off_writes_no_pdfx_keys(resolver):
    data, findings = build_pdf(sample_pages()[1:], fonts=resolver, title="t", pdfx=False)
    assert "/GTS_PDFXVersion" not in open_pike(data).docinfo
    assert not any(f.code == "pdfx-no-output-intent" for f in findings)


def test_output_intent_hook(resolver):
    intent = OutputIntent(profile=b"not a real ICC profile", condition_identifier="IFRA26",
                          condition="ISO newspaper 26v5")
    data, findings = build_pdf(sample_pages()[1:], fonts=resolver, title="t", output_intent=intent)
    pdf = open_pike(data)
    (oi,) = pdf.Root.OutputIntents
    assert oi.S == "/GTS_PDFX" and str(oi.OutputConditionIdentifier) == "IFRA26"
    assert int(oi.DestOutputProfile.N) == 4 and oi.DestOutputProfile.read_bytes() == intent.profile
    assert not any(f.code == "pdfx-no-output-intent" for f in findings)


def test_same_display_list_gives_identical_bytes(resolver, sample_pdf):
    again, _ = build_pdf(sample_pages(), fonts=resolver, images=IMAGES, title="新泾镇社区晨报 第1期")
    assert again == sample_pdf[0]
    other, _ = build_pdf(sample_pages(), fonts=resolver, images=IMAGES, title="另一期")
    assert other != again


def test_identical_bytes_across_processes(cjk_fonts):
    """No set or hash order leaks into the file (PYTHONHASHSEED differs per process)."""
    here = Path(__file__).parent
    fonts = {k: str(v) for k, v in cjk_fonts.items()}
    code = (
        f"import sys; sys.path.insert(0, {str(here)!r})\n"
        "import test_pdf as T\n"
        "from xjeditor.render.pdf import build_pdf\n"
        f"fonts = {fonts!r}\n"
        "data, _ = build_pdf(T.sample_pages(), fonts=lambda k: fonts[k], images=T.IMAGES, title='t')\n"
        "sys.stdout.buffer.write(data)\n"
    )
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}  # with tests/conftest.py's SOURCE_DATE_EPOCH
        outputs.append(subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, env=env).stdout)
    assert outputs[0] == outputs[1] and outputs[0].startswith(b"%PDF-1.4")


def test_render_pdf_writes_a_path_or_a_file_object(resolver, tmp_path, sample_pdf):
    target = tmp_path / "out.pdf"
    target.write_bytes(b"old")
    findings = render_pdf(sample_pages(), target, fonts=resolver, images=IMAGES, title="新泾镇社区晨报 第1期")
    assert target.read_bytes() == sample_pdf[0]
    assert [p.name for p in tmp_path.iterdir()] == ["out.pdf"]  # no temporary file left
    assert {f.code for f in findings} == {f.code for f in sample_pdf[1]}
    buf = io.BytesIO()
    render_pdf(sample_pages(), buf, fonts=resolver, images=IMAGES, title="新泾镇社区晨报 第1期")
    assert buf.getvalue() == sample_pdf[0]


def test_an_unembeddable_font_stops_the_export(tmp_path):
    from render_fonts import make_font

    from xjeditor.render.pdf import FontEmbedError

    path = tmp_path / "restricted.ttf"
    path.write_bytes(make_font(fs_type=0x0002))
    with pytest.raises(FontEmbedError, match="cannot be embedded"):
        build_pdf([DisplayPage(100, 50, [GlyphRun("x", 10, 0, 10, "A", (0,))])], fonts=lambda k: path)


def test_text_pages_export_fast_and_small(resolver):
    """Four full 四开 pages of text (about 20,000 characters in four faces): the font
    files are read only where needed (about 0.1 s here; reportlab's TTFont needs 0.3 s
    just to load the four fonts)."""
    import time

    from pdf_samples import sample_issue

    pages, _ = sample_issue(with_images=False)
    start = time.perf_counter()
    data, _ = build_pdf(pages, fonts=resolver, title="样张")
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0
    assert len(data) < 1_000_000


# ---------------------------------------------------------------------------------
# Poppler and qpdf, when installed
# ---------------------------------------------------------------------------------


@needs_tool("pdffonts")
def test_pdffonts_lists_only_embedded_subsets_with_unicode(sample_file):
    out = subprocess.run(["pdffonts", str(sample_file)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert len(rows) == 4
    for row in rows:
        assert re.match(r"[A-Z]{6}\+\S+\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes\s", row), row


@needs_tool("pdftotext")
def test_pdftotext_raw_gives_each_run_as_a_line(sample_file):
    for number, page in enumerate(sample_pages(), start=1):
        out = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", "-f", str(number), "-l", str(number),
                              str(sample_file), "-"], capture_output=True, text=True, check=True).stdout
        lines = [line for line in out.splitlines() if line.strip("\f")]
        assert lines == [run.text for run in runs_of(page)]


@needs_tool("qpdf")
def test_qpdf_check_passes(sample_file):
    result = subprocess.run(["qpdf", "--check", str(sample_file)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
