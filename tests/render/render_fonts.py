"""Fonts for the PDF renderer tests: where the CJK fonts are, a tiny synthetic font, and
a skip mark for tests that need a command-line tool. Imported by name (``from
render_fonts import ...``) by tests/render/conftest.py and the tests themselves.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "resources" / "fonts"
BUNDLED_FILES = {
    "song": "NotoSerifCJKsc-Regular-xj.ttf",
    "biaosong": "NotoSerifCJKsc-Black-xj.ttf",
    "hei": "NotoSansCJKsc-Bold-xj.ttf",
    "kai": "XJWenKai-Regular.ttf",
}
SAMPLE = "中文“”——……·，"


def has_cjk(path: Path) -> bool:
    from xjeditor.render.pdf_fonts import FontEmbedError, SfntFace

    try:
        with SfntFace(path) as face:
            return all(face.glyph_id(ch) for ch in "中文")
    except FontEmbedError:
        return False


def system_cjk_font() -> Path | None:
    for folder in (Path("/usr/share/fonts"), Path("/usr/local/share/fonts")):
        if folder.is_dir():
            for path in sorted(folder.rglob("*.ttf")):
                if has_cjk(path):
                    return path
    return None


def needs_tool(name: str):
    return pytest.mark.skipif(shutil.which(name) is None, reason=f"{name} (poppler-utils/qpdf) not installed")


def make_font(*, fs_type: int = 0, name: str = "XJTest-Regular", upem: int = 1000) -> bytes:
    """A small TrueType font: .notdef, A (a square; also mapped from U+FF21), B (a
    composite of two A's), C (a composite of B and A: nested), 中, a space and an
    unmapped glyph; cmap format 4."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib.tables._g_l_y_f import Glyph, GlyphComponent

    def box(x0, y0, x1, y1):
        pen = TTGlyphPen(None)
        pen.moveTo((x0, y0))
        pen.lineTo((x0, y1))
        pen.lineTo((x1, y1))
        pen.lineTo((x1, y0))
        pen.closePath()
        return pen.glyph()

    def composite(*parts):
        g = Glyph()
        g.numberOfContours = -1
        g.components = []
        for base, dx in parts:
            c = GlyphComponent()
            c.glyphName, c.x, c.y, c.flags = base, dx, 0, 0x0004  # ROUND_XY_TO_GRID
            g.components.append(c)
        return g

    s = upem / 1000
    order = [".notdef", "space", "A", "B", "C", "uni4E2D", "unused"]
    fb = FontBuilder(upem, isTTF=True)
    fb.setupGlyphOrder(order)
    # U+FF21 Ａ shares the glyph of A (as the bundled fonts draw · with the glyph of ・).
    fb.setupCharacterMap({0x20: "space", 0x41: "A", 0x42: "B", 0x43: "C", 0x4E2D: "uni4E2D", 0xFF21: "A"})
    glyphs = {
        ".notdef": box(50 * s, 0, 450 * s, 700 * s),
        "space": TTGlyphPen(None).glyph(),
        "A": box(100 * s, 0, 300 * s, 600 * s),
        "B": composite(("A", 0), ("A", int(300 * s))),
        "C": composite(("B", 0), ("A", int(600 * s))),
        "uni4E2D": box(50 * s, -100 * s, 950 * s, 800 * s),
        "unused": box(0, 0, 10, 10),
    }
    fb.setupGlyf(glyphs)
    widths = {".notdef": 500, "space": 250, "A": 400, "B": 700, "C": 1000, "uni4E2D": 1000, "unused": 10}
    fb.setupHorizontalMetrics({g: (int(w * s), 0) for g, w in widths.items()})
    fb.setupHorizontalHeader(ascent=int(880 * s), descent=int(-120 * s))
    fb.setupNameTable({"familyName": "XJ Test", "styleName": "Regular", "psName": name})
    fb.setupOS2(fsType=fs_type, sTypoAscender=int(880 * s), sTypoDescender=int(-120 * s), sCapHeight=int(600 * s))
    fb.setupPost()
    out = io.BytesIO()
    fb.save(out)
    return out.getvalue()
