"""The renderer's fast paths give what the plain algorithms give.

The PDF writer works on whole runs at a time (``str.translate`` for the codes, rounding
and formatting each different number once), sums font checksums by byte lanes, and
builds ToUnicode maps by copying digits into a template. Each is checked here against
the straightforward version, character by character and word by word, on random input.
"""

from __future__ import annotations

import io
import random
import struct

import pytest

from xjeditor.model import CMYK
from xjeditor.render import pdf as pdf_module
from xjeditor.render.pdf import _num, build_pdf
from xjeditor.render.pdf_fonts import FontSubset, to_unicode_cmap
from xjeditor.render.pdf_subset import _checksum
from xjeditor.typeset.sfnt import SfntFace
from xjeditor.typeset.display import DisplayPage, GlyphRun

# ---- checksums ------------------------------------------------------------


def _word_sum(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF


@pytest.mark.parametrize("size", [0, 1, 2, 3, 4, 5, 255, 1023, 1024, 1025, 4096 + 3, 300_001])
def test_checksum_is_the_sum_of_big_endian_words(size):
    rnd = random.Random(size)
    for data in (bytes(rnd.randrange(256) for _ in range(size)), b"\xff" * size, bytes(size)):
        assert _checksum(data) == _word_sum(data)


# ---- ToUnicode ------------------------------------------------------------


def _plain_to_unicode(chars: list[str]) -> str:
    lines = [
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def", "1 begincodespacerange", "<0000> <FFFF>",
        "endcodespacerange",
    ]
    entries = [f"<{cid:04X}> <{ch.encode('utf-16-be').hex().upper()}>" for cid, ch in enumerate(chars, start=1)]
    for start in range(0, len(entries), 100):
        block = entries[start : start + 100]
        lines += [f"{len(block)} beginbfchar", *block, "endbfchar"]
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("count", [0, 1, 99, 100, 101, 1500])
def test_to_unicode_cmap_matches_line_by_line_formatting(count):
    rnd = random.Random(count)
    bmp = [chr(rnd.choice([rnd.randrange(0x20, 0xD800), rnd.randrange(0xE000, 0x10000)])) for _ in range(count)]
    assert to_unicode_cmap(bmp) == _plain_to_unicode(bmp)
    with_astral = bmp + ["\U0002000b", "中"]
    assert to_unicode_cmap(with_astral) == _plain_to_unicode(with_astral)


# ---- glyph runs -----------------------------------------------------------


class _PlainRuns:
    """Text objects of glyph runs written character by character with
    ``FontSubset.code`` (the renderer's algorithm without its fast paths)."""

    def __init__(self, subset: FontSubset) -> None:
        self.subset = subset
        self.tc: float | None = None
        self.font: tuple[str, float] | None = None

    def text_object(self, run: GlyphRun, ox: float, top: float) -> str:
        subset, size, xs, text = self.subset, run.size, run.xs, run.text
        codes = subset.encode(text)
        unit = size / 1000.0
        gaps = [b - a - c.width * unit for a, b, c in zip(xs, xs[1:], codes)]
        limit = pdf_module.NARROW_FROM_EM * size
        for i, gap in enumerate(gaps):
            if gap < -limit:
                room = xs[i + 1] - xs[i]
                codes[i] = subset.code(text[i], round(max(0.0, room) / size * subset.units_per_em))
                gaps[i] = room - codes[i].width * unit
        ops = ""
        tc = self.tc if self.tc is not None else 0.0
        rounded = [round(g, 5) for g in gaps]
        if rounded:
            common = max(set(rounded), key=rounded.count) if len(rounded) > 2 else rounded[0]
            if common != tc or self.tc is None:
                tc = self.tc = common
                ops = f"{_num(tc, 5)} Tc "
        hexes = [c.hex for c in codes]
        parts: list[str] = []
        start = 0
        for i, r in enumerate(rounded):
            if r != tc:
                a = round((tc - gaps[i]) / unit, 2)
                if a:
                    parts.append(f"<{''.join(hexes[start:i + 1])}> {_num(a, 2)}")
                    start = i + 1
        parts.append(f"<{''.join(hexes[start:])}>")
        font = (subset.resource_name, size)
        tf = "" if font == self.font else f"/{font[0]} {_num(size, 5)} Tf "
        self.font = font
        x, y = ox + run.x + xs[0], top - run.y
        return f"BT {tf}{ops}1 0 0 1 {_num(x)} {_num(y)} Tm [{' '.join(parts)}] TJ ET"


def _random_runs(seed: int, alphabet: str, count: int) -> list[GlyphRun]:
    rnd = random.Random(seed)
    runs = []
    for _ in range(count):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(1, 30)))
        size = rnd.choice([9.0, 9.0, 10.5, 12, 30.0, rnd.uniform(5, 96)])
        step = size * rnd.choice([1.0, 1.0, 1.03, rnd.uniform(0.4, 1.6)])
        xs, pos = [], rnd.choice([0.0, rnd.uniform(0, 20)])
        style = rnd.random()
        for _ch in text:
            xs.append(pos)
            if style < 0.3:  # a justified line: one step, with the float noise of adding it up
                pos += step
            elif style < 0.7:  # compressed punctuation, overlaps, half widths
                pos += step * rnd.choice([1, 1, 1, 0.5, 0.55, 0.0, -0.1, 1.25])
            else:  # anything, and gaps a hair from a rounding boundary
                pos += rnd.choice([rnd.uniform(-0.6, 2.5) * size, step + rnd.choice([1e-9, -5e-6, 4.99999e-6])])
        runs.append(GlyphRun("f", size, rnd.uniform(0, 400), rnd.uniform(0, 600), text, tuple(xs)))
    return runs


def _text_objects(data: bytes) -> list[str]:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        stream = pdf.pages[0].Contents.read_bytes().decode("ascii")
    return [line for line in stream.split("\n") if line.startswith("BT ")]


@pytest.mark.parametrize("seed", range(4))
def test_glyph_runs_match_the_character_by_character_algorithm(test_font, seed):
    runs = _random_runs(seed, "AB中 CＡx", 150)
    data, _ = build_pdf([DisplayPage(600, 700, runs)], fonts=lambda k: test_font, pdfx=False)
    with SfntFace(test_font) as face:
        plain = _PlainRuns(FontSubset(face, "F1"))
        expected = [plain.text_object(run, 0.0, 700) for run in runs]
    assert _text_objects(data) == expected


def test_glyph_runs_match_in_a_cjk_face(cjk_fonts):
    runs = _random_runs(7, "中文，“——”……·《排版》。、：；ABC 012", 300)
    data, _ = build_pdf([DisplayPage(600, 700, runs)], fonts=lambda k: cjk_fonts["song"], pdfx=False)
    with SfntFace(cjk_fonts["song"]) as face:
        plain = _PlainRuns(FontSubset(face, "F1"))
        expected = [plain.text_object(run, 0.0, 700) for run in runs]
    assert _text_objects(data) == expected


def test_colour_and_overprint_are_written_only_when_they_change(test_font):
    black, cyan, none = CMYK(0, 0, 0, 1), CMYK(1, 0, 0, 0), CMYK(0, 0, 0, 0)
    runs = [GlyphRun("f", 10, 10, 20 + 12 * i, "AB", (0, 10), color=color, overprint=op)
            for i, (color, op) in enumerate([(black, True), (CMYK(0, 0, 0, 1), True), (cyan, True),
                                             (cyan, False), (none, True), (black, True)])]
    data, _ = build_pdf([DisplayPage(200, 200, runs)], fonts=lambda k: test_font, pdfx=False)
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        stream = page.Contents.read_bytes().decode("ascii")
        fill_overprint = {str(name)[1:]: bool(gs.op) for name, gs in page.Resources.ExtGState.items() if "/op" in gs}
    written = []
    for line in stream.split("\n"):
        if line.endswith(" k"):
            written.append(line)
        elif line.endswith(" gs") and line.split()[0][1:] in fill_overprint:
            written.append(f"op {fill_overprint[line.split()[0][1:]]}")
    # the same black again: nothing; no ink: overprint stays off
    assert written == ["0 0 0 1 k", "op True", "1 0 0 0 k", "op False", "0 0 0 0 k", "0 0 0 1 k", "op True"]
