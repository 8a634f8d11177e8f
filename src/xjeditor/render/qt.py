"""The display list drawn with QPainter: the editor's canvas and PNG previews.

Glyphs are drawn as QGlyphRuns from QRawFont at exactly the display list's positions, so
the screen shows the same glyphs at the same places as the PDF. Nothing is laid out here.
Qt's raster engine draws nothing for a glyph run above 64 device pixels, so glyphs that
large on the device (a masthead, a headline zoomed in) are filled from their outlines.
Each character gets the glyph the font's cmap gives it, as in the PDF (0 when none).

Pictures are decoded by Pillow (``picture_decode``): oriented, 8-bit, flattened on white,
as the PDF prints them. A picture is decoded when it is first painted, and drawn from the
smallest proxy (``proxies``: a screen-size preview kept in the cache folder) that has at
least as many pixels as the picture takes on the device; the whole picture is decoded only
when none has. Decoded pictures are kept by least recent use within ``IMAGE_MAX_BYTES``
(whole pictures within ``FULL_MAX_BYTES`` of that).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Mapping
from pathlib import Path

from PySide6.QtCore import QByteArray, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QGlyphRun, QImage, QPainter, QPainterPath, QPen, QRawFont, QTransform

from ..model import CMYK, ImageAsset
from ..typeset.display import Box, DisplayPage, GlyphRun, ImagePlacement, Rule

FontResolver = Callable[[str], str | Path]

PLACEHOLDER_FILL = CMYK(0, 0, 0, 0.12)
PLACEHOLDER_LINE = CMYK(0, 0, 0, 0.45)

# Above this many device pixels a glyph is filled from its outline: Qt's raster engine
# draws glyph runs only up to 64 pixels (its glyph cache's limit), and nothing above.
OUTLINE_FROM_PX = 48.0
# Outlines are taken from the font at this pixel size and scaled to the run's size.
OUTLINE_SIZE = 1000.0

# Decoded pictures a renderer keeps (QImage pixels), least recently used dropped first;
# whole-resolution pictures take at most FULL_MAX_BYTES of it. The picture just decoded is
# kept even when it alone is larger.
IMAGE_MAX_BYTES = 256 * 1024 * 1024
FULL_MAX_BYTES = 128 * 1024 * 1024
FULL = 0  # the "size" of a whole-resolution picture in the renderer's image cache


def qcolor(c: CMYK) -> QColor:
    return QColor.fromCmykF(c.c, c.m, c.y, c.k)


class QtPageRenderer:
    """Paints display pages; caches fonts and decoded images between paints."""

    def __init__(self, fonts: FontResolver, images: Mapping[str, ImageAsset] | None = None) -> None:
        self._resolve = fonts
        # The caller's mapping itself (even when empty): pictures added to the issue
        # later, as in a new issue never saved, must be found here.
        self._images = images if images is not None else {}
        self._font_data: dict[str, QByteArray] = {}
        self._raw: dict[tuple[str, float], QRawFont] = {}
        self._cmaps: dict[str, dict[str, int]] = {}  # font key -> character -> glyph
        self._outlines: dict[tuple[str, int], QPainterPath] = {}  # (font key, glyph) at OUTLINE_SIZE
        # (picture key, proxy size or FULL) -> pixels, least recently used first
        self._qimages: OrderedDict[tuple[str, int], QImage] = OrderedDict()
        self._unreadable: set[str] = set()  # pictures that cannot be decoded

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

    def glyph_indexes(self, key: str, raw: QRawFont, text: str) -> list[int]:
        """The glyph of each character of ``text`` in the font ``key`` (0 for none)."""
        # One call for the whole run when it gives one glyph a character; it does not
        # when Qt drops a leading U+FEFF (taken for a byte order mark) or for characters
        # outside the BMP, which are then looked up one by one.
        if not text.startswith("\ufeff"):
            glyphs = raw.glyphIndexesForString(text)
            if len(glyphs) == len(text):
                return glyphs
        cmap = self._cmaps.setdefault(key, {})
        out = []
        for ch in text:
            gid = cmap.get(ch)
            if gid is None:
                # behind a space, so that a U+FEFF is not taken for a byte order mark
                found = raw.glyphIndexesForString(" " + ch)
                gid = cmap[ch] = found[1] if len(found) == 2 else 0
            out.append(gid)
        return out

    def glyph_outline(self, key: str, glyph: int) -> QPainterPath:
        """The outline of a glyph at ``OUTLINE_SIZE`` pixels, origin on the baseline."""
        path = self._outlines.get((key, glyph))
        if path is None:
            path = self._outlines[(key, glyph)] = self.raw_font(key, OUTLINE_SIZE).pathForGlyph(glyph)
        return path

    def qimage(self, key: str, need_px: float | None = None) -> QImage | None:
        """The picture ``key`` with at least ``need_px`` pixels on its long side when it
        has that many (a proxy when one is large enough; None: the whole picture), or
        None when the issue does not hold it or it cannot be read."""
        if key in self._unreadable:
            return None
        asset = self._images.get(key)
        if asset is None:
            return None  # not (yet) in the issue: looked up again next time
        from .proxies import PROXY_SIZES

        size = next((s for s in PROXY_SIZES if need_px is not None and need_px <= s), FULL)
        held = (key, size) if (key, size) in self._qimages else None
        if held is None:
            # Another size already decoded will do when it has the pixels needed, or
            # holds the whole picture (a proxy smaller than its size, or FULL).
            for (k, s), im in self._qimages.items():
                long_side = max(im.width(), im.height())
                if k == key and (s == FULL or long_side < s or (need_px is not None and long_side >= need_px)):
                    held = (k, s)
                    break
        if held is not None:
            self._qimages.move_to_end(held)
            return self._qimages[held]
        img = _decode(asset, size)
        if img is None:
            self._unreadable.add(key)
            return None
        self._keep((key, size), img)
        return img

    def _keep(self, entry: tuple[str, int], img: QImage) -> None:
        self._qimages[entry] = img
        for limit, which in ((FULL_MAX_BYTES, lambda s: s == FULL), (IMAGE_MAX_BYTES, lambda s: True)):
            held = [(e, _bytes(im)) for e, im in self._qimages.items() if which(e[1])]
            total = sum(n for _, n in held)
            for e, n in held:  # least recently used first
                if total <= limit or e == entry:
                    break
                del self._qimages[e]
                total -= n

    def held_bytes(self) -> int:
        """The bytes of decoded pictures this renderer holds."""
        return sum(_bytes(im) for im in self._qimages.values())

    # ---- painting -------------------------------------------------------
    def paint(self, painter: QPainter, page: DisplayPage) -> None:
        """Paint a page in page coordinates (points); the caller sets the transform."""
        scale = _device_scale(painter)
        # Strokes thinner than a device pixel are drawn one pixel wide, as PDF viewers
        # draw them, instead of fading to a faint grey.
        pixel = 1.0 / scale if scale > 0 else 0.0
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.fillRect(QRectF(0, 0, page.width, page.height), Qt.GlobalColor.white)
        for item in page.items:
            if isinstance(item, GlyphRun):
                self._glyphs(painter, item, scale)
            elif isinstance(item, Rule):
                if item.width <= 0:
                    continue  # (the PDF draws none either)
                pen = QPen(qcolor(item.color), max(item.width, pixel))
                pen.setCapStyle(Qt.PenCapStyle.FlatCap)
                painter.setPen(pen)
                painter.drawLine(QPointF(item.x1, item.y1), QPointF(item.x2, item.y2))
            elif isinstance(item, Box):
                self._box(painter, item, pixel)
            elif isinstance(item, ImagePlacement):
                self._image(painter, item, scale)
        painter.restore()

    def _glyphs(self, painter: QPainter, run: GlyphRun, scale: float) -> None:
        """A glyph run; ``scale``: device pixels a point."""
        if not run.text:
            return
        raw = self.raw_font(run.font, run.size)
        glyphs = self.glyph_indexes(run.font, raw, run.text)
        if run.size * scale > OUTLINE_FROM_PX:
            self._outlined(painter, run, glyphs)
            return
        gr = QGlyphRun()
        gr.setRawFont(raw)
        gr.setGlyphIndexes(glyphs)
        gr.setPositions([QPointF(run.x + dx, run.y) for dx in run.xs])
        painter.setPen(qcolor(run.color))
        painter.drawGlyphRun(QPointF(0, 0), gr)

    def _outlined(self, painter: QPainter, run: GlyphRun, glyphs: list[int]) -> None:
        """A run filled glyph by glyph from the outlines, at the same positions."""
        base = painter.transform()
        k = run.size / OUTLINE_SIZE
        color = qcolor(run.color)
        try:
            for glyph, dx in zip(glyphs, run.xs):
                path = self.glyph_outline(run.font, glyph)
                if path.isEmpty():
                    continue
                painter.setTransform(QTransform(k, 0, 0, k, run.x + dx, run.y) * base)
                painter.fillPath(path, color)
        finally:
            painter.setTransform(base)

    def _box(self, painter: QPainter, box: Box, pixel: float) -> None:
        rect = QRectF(box.x, box.y, box.w, box.h)
        if box.fill is not None:
            painter.fillRect(rect, qcolor(box.fill))
        if box.stroke > 0:
            pen = QPen(qcolor(box.stroke_color), max(box.stroke, pixel))
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect)

    def _image(self, painter: QPainter, im: ImagePlacement, scale: float) -> None:
        cx, cy, cw, ch = im.clip
        clip = QRectF(cx, cy, cw, ch)
        img = self.qimage(im.image, max(im.iw, im.ih) * scale) if im.image else None
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


def _device_scale(painter: QPainter) -> float:
    """How many device pixels a unit of the painter's coordinates takes (the larger axis)."""
    t = painter.deviceTransform()
    return max(math.hypot(t.m11(), t.m12()), math.hypot(t.m21(), t.m22()))


def _bytes(img: QImage) -> int:
    return img.sizeInBytes()


def _decode(asset: ImageAsset, size: int) -> QImage | None:
    """A picture as a QImage, as the PDF shows it (``picture_decode``): its proxy of
    ``size`` (``proxies``), or the whole picture for ``FULL``; None when it cannot be read."""
    from .picture_decode import decode_picture
    from .proxies import proxy

    try:
        im = decode_picture(asset.data) if size == FULL else proxy(asset, size)
    except (ValueError, MemoryError):
        return None
    fmt = QImage.Format.Format_Grayscale8 if im.mode == "L" else QImage.Format.Format_RGB888
    channels = 1 if im.mode == "L" else 3
    buf = im.tobytes()
    # copy(): the QImage owns its pixels, not borrowing ``buf``
    return QImage(buf, im.width, im.height, im.width * channels, fmt).copy()


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
