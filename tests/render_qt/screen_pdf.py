"""Helpers for comparing the Qt renderer's pixels with the PDF's, as poppler draws it.

Ink is measured as darkness of the strongest colorant, 255 - min(R, G, B), so black text,
the red masthead and grey tints all count, whatever the two renderers' antialiasing. Each
image's ink is taken relative to its darkest pixel: poppler shows solid black (K 100) as
a dark grey, (35, 31, 32), where the screen shows it black.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "seeds" / "demo.xjb"

needs_pdftoppm = pytest.mark.skipif(shutil.which("pdftoppm") is None,
                                    reason="pdftoppm (poppler-utils) not installed")


def to_pil(img) -> Image.Image:
    """A QImage as a Pillow RGB image."""
    from PySide6.QtGui import QImage

    rgb = img.convertToFormat(QImage.Format.Format_RGB888)
    return Image.frombytes("RGB", (rgb.width(), rgb.height()), bytes(rgb.constBits()), "raw", "RGB",
                           rgb.bytesPerLine())


def paint(renderer, page, scale: float, *, left: int = 0, top: int = 0, width: int | None = None,
          height: int | None = None) -> Image.Image:
    """The page painted as the editor paints it: the painter scaled by ``scale`` device
    pixels a point and moved so that device pixel (left, top) of the whole page is the
    image's corner; by default the whole page."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter

    if width is None:
        width = math.ceil(page.width * scale) - left
    if height is None:
        height = math.ceil(page.height * scale) - top
    img = QImage(width, height, QImage.Format.Format_RGB32)
    img.fill(Qt.GlobalColor.white)
    painter = QPainter(img)
    try:
        painter.translate(-left, -top)
        painter.scale(scale, scale)
        renderer.paint(painter, page)
    finally:
        painter.end()
    return to_pil(img)


def pdftoppm(pdf: Path, dpi: float, first: int, last: int | None = None,
             crop: tuple[int, int, int, int] | None = None) -> list[Image.Image]:
    """Pages ``first`` to ``last`` (1-based) of ``pdf`` drawn by poppler at ``dpi``;
    ``crop`` (x, y, w, h in pixels) draws only that part of each."""
    last = first if last is None else last
    with tempfile.TemporaryDirectory() as tmp:
        args = ["pdftoppm", "-r", f"{dpi:g}", "-f", str(first), "-l", str(last)]
        if crop is not None:
            x, y, w, h = crop
            args += ["-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h)]
        subprocess.run([*args, str(pdf), f"{tmp}/p"], check=True, capture_output=True)
        found = sorted(Path(tmp).glob("p*.ppm"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        out = []
        for path in found:
            with Image.open(path) as im:
                out.append(im.convert("RGB"))
    assert len(out) == last - first + 1
    return out


def ink(im: Image.Image, holes: list[tuple[float, float, float, float]] = (), scale: float = 1.0,
        left: int = 0, top: int = 0) -> Image.Image:
    """Darkness of the strongest colorant (L, 0 = none), with ``holes`` (rectangles in
    points: x, y, w, h; one pixel more on every side) left out."""
    r, g, b = im.split()
    dark = ImageChops.invert(ImageChops.darker(r, ImageChops.darker(g, b)))
    if holes:
        draw = ImageDraw.Draw(dark)
        for x, y, w, h in holes:
            draw.rectangle([math.floor(x * scale) - 1 - left, math.floor(y * scale) - 1 - top,
                            math.ceil((x + w) * scale) + 1 - left, math.ceil((y + h) * scale) + 1 - top], fill=0)
    return dark


def bands(dark: Image.Image, band_px: int, axis: int) -> list[float]:
    """Mean ink (0-1) of each band ``band_px`` pixels wide: rows of the page
    (``axis`` 0, bands from top to bottom) or columns (1, left to right)."""
    size = (1, dark.height) if axis == 0 else (dark.width, 1)
    line = [v / 255.0 for v in dark.resize(size, Image.Resampling.BOX).tobytes()]
    return [sum(line[i:i + band_px]) / len(line[i:i + band_px]) for i in range(0, len(line), band_px)]


def _relative(dark: Image.Image) -> Image.Image:
    """Ink scaled so that the darkest pixel is 255."""
    top = dark.getextrema()[1]
    return dark if top in (0, 255) else dark.point(lambda v: min(255, round(v * 255 / top)))


def ink_differences(screen: Image.Image, pdf: Image.Image, *, band_px: int, tolerance: float,
                    holes=(), scale: float = 1.0, left: int = 0, top: int = 0) -> list[str]:
    """The bands (rows and columns) whose mean ink differs by more than ``tolerance``;
    the images are compared over the size they share."""
    w, h = min(screen.width, pdf.width), min(screen.height, pdf.height)
    a = _relative(ink(screen.crop((0, 0, w, h)), holes, scale, left, top))
    b = _relative(ink(pdf.crop((0, 0, w, h)), holes, scale, left, top))
    out = []
    for axis, name in ((0, "rows"), (1, "columns")):
        for i, (x, y) in enumerate(zip(bands(a, band_px, axis), bands(b, band_px, axis))):
            if abs(x - y) > tolerance:
                lo = (i * band_px + (top if axis == 0 else left)) / scale
                out.append(f"{name} from {lo:.0f} pt: screen ink {x:.3f}, PDF {y:.3f}")
    return out


def grey_grid(im: Image.Image, box: tuple[int, int, int, int], cells: int = 8) -> list[float]:
    """Mean grey of each cell of a ``cells`` x ``cells`` grid over ``box``."""
    return [v / 255.0 for v in im.crop(box).convert("L").resize((cells, cells), Image.Resampling.BOX).tobytes()]


def correlation(a: list[float], b: list[float]) -> float:
    """Pearson's correlation; 0 when either has no variation."""
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    va = sum((x - ma) ** 2 for x in a)
    vb = sum((y - mb) ** 2 for y in b)
    if va < 1e-9 or vb < 1e-9:
        return 0.0
    return sum((x - ma) * (y - mb) for x, y in zip(a, b)) / math.sqrt(va * vb)
