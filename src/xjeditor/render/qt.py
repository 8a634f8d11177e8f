"""The display list drawn with QPainter: the editor's canvas and PNG previews.

Glyphs are drawn as QGlyphRuns from QRawFont at exactly the display list's positions, so
the screen shows the same glyphs at the same places as the PDF. Nothing is laid out here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from PySide6.QtCore import QByteArray, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QGlyphRun, QImage, QPainter, QPen, QRawFont

from ..model import CMYK, ImageAsset
from ..typeset.display import Box, DisplayPage, GlyphRun, ImagePlacement, Rule

FontResolver = Callable[[str], str | Path]

PLACEHOLDER_FILL = CMYK(0, 0, 0, 0.12)
PLACEHOLDER_LINE = CMYK(0, 0, 0, 0.45)


def qcolor(c: CMYK) -> QColor:
    return QColor.fromCmykF(c.c, c.m, c.y, c.k)


class QtPageRenderer:
    """Paints display pages; caches fonts and decoded images between paints."""

    def __init__(self, fonts: FontResolver, images: Mapping[str, ImageAsset] | None = None) -> None:
        self._resolve = fonts
        self._images = images or {}
        self._font_data: dict[str, QByteArray] = {}
        self._raw: dict[tuple[str, float], QRawFont] = {}
        self._qimages: dict[str, QImage | None] = {}

    # ---- resources ------------------------------------------------------
    def raw_font(self, key: str, size: float) -> QRawFont:
        found = self._raw.get((key, size))
        if found is not None:
            return found
        data = self._font_data.get(key)
        if data is None:
            data = QByteArray(Path(self._resolve(key)).read_bytes())
            self._font_data[key] = data
        raw = QRawFont(data, size)
        self._raw[(key, size)] = raw
        return raw

    def qimage(self, key: str) -> QImage | None:
        if key not in self._qimages:
            asset = self._images.get(key)
            img = QImage.fromData(asset.data) if asset else None
            self._qimages[key] = img if img is not None and not img.isNull() else None
        return self._qimages[key]

    # ---- painting -------------------------------------------------------
    def paint(self, painter: QPainter, page: DisplayPage) -> None:
        """Paint a page in page coordinates (points); the caller sets the transform."""
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.fillRect(QRectF(0, 0, page.width, page.height), Qt.GlobalColor.white)
        for item in page.items:
            if isinstance(item, GlyphRun):
                self._glyphs(painter, item)
            elif isinstance(item, Rule):
                pen = QPen(qcolor(item.color), item.width)
                pen.setCapStyle(Qt.PenCapStyle.FlatCap)
                painter.setPen(pen)
                painter.drawLine(QPointF(item.x1, item.y1), QPointF(item.x2, item.y2))
            elif isinstance(item, Box):
                self._box(painter, item)
            elif isinstance(item, ImagePlacement):
                self._image(painter, item)
        painter.restore()

    def _glyphs(self, painter: QPainter, run: GlyphRun) -> None:
        raw = self.raw_font(run.font, run.size)
        glyphs = raw.glyphIndexesForString(run.text)
        if len(glyphs) != len(run.text):  # characters outside the BMP: one glyph per code point
            glyphs = [raw.glyphIndexesForString(ch)[0] for ch in run.text]
        gr = QGlyphRun()
        gr.setRawFont(raw)
        gr.setGlyphIndexes(glyphs)
        gr.setPositions([QPointF(run.x + dx, run.y) for dx in run.xs])
        painter.setPen(qcolor(run.color))
        painter.drawGlyphRun(QPointF(0, 0), gr)

    def _box(self, painter: QPainter, box: Box) -> None:
        rect = QRectF(box.x, box.y, box.w, box.h)
        if box.fill is not None:
            painter.fillRect(rect, qcolor(box.fill))
        if box.stroke > 0:
            pen = QPen(qcolor(box.stroke_color), box.stroke)
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect)

    def _image(self, painter: QPainter, im: ImagePlacement) -> None:
        cx, cy, cw, ch = im.clip
        clip = QRectF(cx, cy, cw, ch)
        img = self.qimage(im.image) if im.image else None
        if img is None:
            painter.fillRect(clip, qcolor(PLACEHOLDER_FILL))
            painter.setPen(QPen(qcolor(PLACEHOLDER_LINE), 0.5))
            painter.drawLine(clip.topLeft(), clip.bottomRight())
            painter.drawLine(clip.topRight(), clip.bottomLeft())
            painter.drawRect(clip)
            return
        painter.save()
        painter.setClipRect(clip)
        painter.drawImage(QRectF(im.ix, im.iy, im.iw, im.ih), img)
        painter.restore()


def render_png(page: DisplayPage, out: str | Path, *, dpi: float, fonts: FontResolver,
               images: Mapping[str, ImageAsset] | None = None,
               renderer: QtPageRenderer | None = None) -> QImage:
    """Render one page's trim area to a PNG at ``dpi``; needs a QGuiApplication."""
    scale = dpi / 72.0
    img = QImage(max(1, round(page.width * scale)), max(1, round(page.height * scale)), QImage.Format.Format_RGB32)
    img.setDotsPerMeterX(round(dpi / 0.0254))
    img.setDotsPerMeterY(round(dpi / 0.0254))
    img.fill(Qt.GlobalColor.white)
    painter = QPainter(img)
    try:
        painter.scale(scale, scale)
        (renderer or QtPageRenderer(fonts, images)).paint(painter, page)
    finally:
        painter.end()
    if not img.save(str(out), "PNG"):
        raise OSError(f"could not write {out}")
    return img
