"""The page canvas: every display page of the issue on a grey pasteboard.

Scene units are points, the display list's unit, so a page item paints its display page
with the renderer in its own coordinates and the view's transform does the zoom. Each page
item is cached in device coordinates (repainted when the zoom or the typeset changes).
Guides (type area, columns, baseline grid, bleed, frame edges) are drawn over the page from
the model's frames; they are never part of the display list.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QTransform, QWheelEvent
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

from ..layouts import LayoutError, load_layout
from ..model import ImageFrame, Rect, RuleFrame, TextFrame, mm_to_pt, pt_to_mm
from ..render.qt import QtPageRenderer
from ..typeset.display import DisplayPage
from ..typeset.grid import EM_BOX_ASCENT, Grid, column_boxes
from .document import Document

PAGE_GAP = 48.0  # pt of pasteboard between pages
LABEL_SPACE = 22.0  # pt below a page for its label
DEFAULT_BLEED_MM = 3.0  # shown when the layout has no bleed of its own
MIN_ZOOM, MAX_ZOOM = 0.05, 8.0
HANDLE_PX = 8.0  # size of the resize handle on screen

PASTEBOARD = QColor(150, 150, 150)
SHADOW = QColor(0, 0, 0, 70)
MARGIN_COLOR = QColor(200, 0, 200)
COLUMN_COLOR = QColor(120, 90, 230)
BASELINE_COLOR = QColor(90, 170, 230, 150)
BLEED_COLOR = QColor(230, 30, 30)
FRAME_COLOR = QColor(140, 140, 140)
SELECT_COLOR = QColor(0, 110, 230)


@dataclass
class Guides:
    margins: bool = True  # 版心 (type area)
    columns: bool = True  # 分栏
    baseline: bool = False  # 基线网格
    bleed: bool = False  # 出血
    frames: bool = True  # 框线


@dataclass
class Selection:
    page: int
    frame: str


class PageItem(QGraphicsItem):
    """One display page, painted by the shared renderer, with guides over it."""

    def __init__(self, canvas: "PageCanvas", index: int) -> None:
        super().__init__()
        self.canvas = canvas
        self.index = index
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    @property
    def display(self) -> DisplayPage:
        return self.canvas.display_pages[self.index]

    def page_rect(self) -> QRectF:
        return QRectF(0, 0, self.display.width, self.display.height)

    def bleed_pt(self) -> float:
        return self.display.bleed or mm_to_pt(DEFAULT_BLEED_MM)

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        m = self.bleed_pt() + 8.0
        return QRectF(-m, -m, self.display.width + 2 * m, self.display.height + 2 * m)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        page = self.display
        painter.fillRect(QRectF(4, 4, page.width, page.height), SHADOW)
        self.canvas.renderer.paint(painter, page)
        self.canvas.paint_guides(painter, self.index, page)


class PageCanvas(QGraphicsView):
    """Shows all pages; zoom, guides, frame selection and moving/resizing by drag."""

    zoomChanged = Signal(float)  # 1.0 = 100 % (actual size)
    currentPageChanged = Signal(int)
    cursorMoved = Signal(object)  # (page index, x mm, y mm) or None
    frameSelected = Signal(object)  # Selection or None
    frameGeometryEdited = Signal(int, str, object, object)  # page, frame id, old Rect, new Rect

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setBackgroundBrush(QBrush(PASTEBOARD))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setDragMode(QGraphicsView.DragMode.NoDrag)
        self.setMouseTracking(True)
        self.doc: Document | None = None
        self.renderer: QtPageRenderer | None = None
        self.display_pages: list[DisplayPage] = []
        self.items_: list[PageItem] = []
        self.labels: list[QGraphicsSimpleTextItem] = []
        self.guides = Guides()
        self.vertical = False  # pages stacked instead of side by side
        self.zoom = 1.0
        self.selection: Selection | None = None
        self._drag: tuple[str, QPointF, Rect] | None = None  # (move|resize, start scene pt, old rect)
        self._preview: Rect | None = None
        self._current = -1
        self._layout_cache: dict[str, object] = {}
        self.horizontalScrollBar().valueChanged.connect(self._update_current)
        self.verticalScrollBar().valueChanged.connect(self._update_current)

    # ---- content --------------------------------------------------------------------
    def set_document(self, doc: Document, renderer: QtPageRenderer, pages: list[DisplayPage]) -> None:
        self.doc = doc
        self.renderer = renderer
        self.selection = None
        self.set_pages(pages)

    def set_pages(self, pages: list[DisplayPage]) -> None:
        """New display pages (after a re-typeset): reuse items, repaint."""
        self.display_pages = pages
        scene = self.scene()
        while len(self.items_) > len(pages):
            scene.removeItem(self.items_.pop())
            scene.removeItem(self.labels.pop())
        while len(self.items_) < len(pages):
            item = PageItem(self, len(self.items_))
            scene.addItem(item)
            self.items_.append(item)
            label = QGraphicsSimpleTextItem()
            label.setBrush(QBrush(QColor(40, 40, 40)))
            scene.addItem(label)
            self.labels.append(label)
        if self.selection and (self.doc is None or self.selection.page >= len(self.doc.issue.pages)
                               or self.doc.issue.pages[self.selection.page].frame(self.selection.frame) is None):
            self.select(None)
        self.arrange()
        for item in self.items_:
            item.prepareGeometryChange()
            item.update()

    def arrange(self) -> None:
        pos = 0.0
        for i, item in enumerate(self.items_):
            page = self.display_pages[i]
            item.prepareGeometryChange()
            item.setPos(pos, 0.0) if not self.vertical else item.setPos(0.0, pos)
            label = self.labels[i]
            label.setText(self.page_label(i))
            label.setPos(item.pos() + QPointF(0, page.height + 8))
            f = label.font()
            f.setPointSizeF(11)
            label.setFont(f)
            pos += (page.width if not self.vertical else page.height + LABEL_SPACE) + PAGE_GAP
        rect = self.scene().itemsBoundingRect().adjusted(-200, -200, 200, 200)
        self.scene().setSceneRect(rect)

    def page_label(self, i: int) -> str:
        text = f"第 {i + 1} 版"
        if self.doc is not None and i < len(self.doc.issue.pages) and self.doc.issue.pages[i].section:
            text += f"  {self.doc.issue.pages[i].section}"
        return text

    def set_vertical(self, vertical: bool) -> None:
        self.vertical = vertical
        self.arrange()

    def set_guides(self, **flags: bool) -> None:
        for name, value in flags.items():
            setattr(self.guides, name, value)
        self.repaint_pages()

    def repaint_pages(self) -> None:
        for item in self.items_:
            item.update()

    # ---- zoom ------------------------------------------------------------------------
    def _dpi_scale(self) -> float:
        return self.logicalDpiX() / 72.0

    def set_zoom(self, zoom: float) -> None:
        zoom = max(MIN_ZOOM, min(MAX_ZOOM, zoom))
        self.zoom = zoom
        s = zoom * self._dpi_scale()
        self.setTransform(QTransform.fromScale(s, s))
        self.zoomChanged.emit(zoom)

    def zoom_by(self, factor: float) -> None:
        self.set_zoom(self.zoom * factor)

    def zoom_in(self) -> None:
        self.zoom_by(1.25)

    def zoom_out(self) -> None:
        self.zoom_by(1 / 1.25)

    def actual_size(self) -> None:
        self.set_zoom(1.0)

    def fit_page(self, index: int | None = None) -> None:
        if not self.items_:
            return
        i = self.current_page() if index is None else index
        i = max(0, min(i, len(self.items_) - 1))
        item = self.items_[i]
        r = item.mapRectToScene(item.page_rect()).adjusted(-18, -18, 18, 18 + LABEL_SPACE)
        vp = self.viewport().rect()
        if r.width() <= 0 or r.height() <= 0 or vp.width() <= 0:
            return
        s = min(vp.width() / r.width(), vp.height() / r.height())
        self.set_zoom(s / self._dpi_scale())
        self.centerOn(r.center())
        self._update_current()

    def fit_all(self) -> None:
        if not self.items_:
            return
        r = self.scene().itemsBoundingRect().adjusted(-18, -18, 18, 18)
        vp = self.viewport().rect()
        s = min(vp.width() / r.width(), vp.height() / r.height())
        self.set_zoom(s / self._dpi_scale())
        self.centerOn(r.center())

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt's name
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            steps = event.angleDelta().y() / 120.0
            if steps:
                self.zoom_by(1.15 ** steps)
            event.accept()
            return
        super().wheelEvent(event)

    # ---- pages -----------------------------------------------------------------------
    def scroll_to_page(self, index: int) -> None:
        if 0 <= index < len(self.items_):
            item = self.items_[index]
            r = item.mapRectToScene(item.page_rect())
            self.centerOn(r.center())
            self._set_current(index)

    def show_frame(self, index: int, frame_id: str) -> None:
        """Select a frame of page ``index`` and scroll so that it is in view."""
        if self.doc is None or not 0 <= index < len(self.items_):
            return
        if self.doc.issue.pages[index].frame(frame_id) is None:
            self.scroll_to_page(index)  # furniture and other typeset-only frames
            return
        self.select(Selection(index, frame_id))
        item = self.items_[index]
        r = item.mapRectToScene(_rect_pt(self.doc.frame_geometry(index, frame_id)))
        self.centerOn(r.center())
        self.ensureVisible(r, 20, 20)
        self._set_current(index)

    def current_page(self) -> int:
        return max(self._current, 0)

    def _update_current(self, *_: object) -> None:
        if not self.items_:
            return
        center = self.mapToScene(self.viewport().rect().center())
        best, dist = 0, float("inf")
        for i, item in enumerate(self.items_):
            r = item.mapRectToScene(item.page_rect())
            d = 0.0 if r.contains(center) else (QPointF(r.center()) - center).manhattanLength()
            if d < dist:
                best, dist = i, d
        self._set_current(best)

    def _set_current(self, index: int) -> None:
        if index != self._current:
            self._current = index
            self.currentPageChanged.emit(index)

    def page_at(self, scene_pt: QPointF) -> tuple[int, QPointF] | None:
        """(page index, point in page points) under a scene point, pasteboard excluded."""
        for i, item in enumerate(self.items_):
            p = item.mapFromScene(scene_pt)
            if item.page_rect().contains(p):
                return i, p
        return None

    # ---- guides ----------------------------------------------------------------------
    def _layout(self):
        name = self.doc.issue.layout if self.doc else ""
        if not name:
            return None
        if name not in self._layout_cache:
            try:
                self._layout_cache[name] = load_layout(name)
            except LayoutError:
                self._layout_cache[name] = None
        return self._layout_cache[name]

    def type_area(self, index: int) -> QRectF | None:
        """The type area in points: the layout's, else the box around the page's text frames."""
        lay = self._layout()
        if lay is not None:
            x, y, w, h = lay.type_area
            return QRectF(mm_to_pt(x), mm_to_pt(y), mm_to_pt(w), mm_to_pt(h))
        if self.doc is None or index >= len(self.doc.issue.pages):
            return None
        rects = [f.rect for f in self.doc.issue.pages[index].frames if isinstance(f, TextFrame | ImageFrame)]
        if not rects:
            return None
        x0, y0 = min(r.x for r in rects), min(r.y for r in rects)
        x1, y1 = max(r.right for r in rects), max(r.bottom for r in rects)
        return QRectF(mm_to_pt(x0), mm_to_pt(y0), mm_to_pt(x1 - x0), mm_to_pt(y1 - y0))

    def body_grid(self) -> Grid | None:
        if self.doc is None:
            return None
        body = self.doc.issue.styles.paragraph.get("body")
        return Grid.for_body(body.size, body.line_gap) if body is not None else None

    def paint_guides(self, painter: QPainter, index: int, page: DisplayPage) -> None:
        if self.doc is None or index >= len(self.doc.issue.pages):
            return
        model_page = self.doc.issue.pages[index]
        g = self.guides
        painter.save()
        painter.setBrush(Qt.BrushStyle.NoBrush)
        area = self.type_area(index)
        if g.baseline and area is not None:
            grid = self.body_grid()
            if grid is not None:
                painter.setPen(QPen(BASELINE_COLOR, 0))
                for n in range(grid.rows_in(area.height())):
                    y = area.top() + EM_BOX_ASCENT * grid.size + n * grid.pitch
                    painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
        if g.margins and area is not None:
            painter.setPen(QPen(MARGIN_COLOR, 0))
            painter.drawRect(area)
        if g.columns:
            pen = QPen(COLUMN_COLOR, 0)
            painter.setPen(pen)
            for f in model_page.frames:
                if isinstance(f, TextFrame) and f.columns > 1:
                    top, bottom = mm_to_pt(f.rect.y), mm_to_pt(f.rect.bottom)
                    for x, w in column_boxes(f):
                        painter.drawLine(QPointF(x, top), QPointF(x, bottom))
                        painter.drawLine(QPointF(x + w, top), QPointF(x + w, bottom))
        if g.frames:
            pen = QPen(FRAME_COLOR, 0, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            for f in model_page.frames:
                if not isinstance(f, RuleFrame):
                    painter.drawRect(_rect_pt(f.rect))
        if g.bleed:
            b = page.bleed or mm_to_pt(DEFAULT_BLEED_MM)
            painter.setPen(QPen(BLEED_COLOR, 0))
            painter.drawRect(QRectF(-b, -b, page.width + 2 * b, page.height + 2 * b))
        sel = self.selection
        if sel is not None and sel.page == index:
            try:
                rect = self._preview or self.doc.frame_geometry(sel.page, sel.frame)
            except KeyError:
                rect = None
            if rect is not None:
                r = _rect_pt(rect)
                painter.setPen(QPen(SELECT_COLOR, 0))
                painter.drawRect(r)
                h = HANDLE_PX / max(self.transform().m11(), 1e-6)
                painter.fillRect(QRectF(r.right() - h / 2, r.bottom() - h / 2, h, h), SELECT_COLOR)
        painter.restore()

    # ---- selection and dragging -------------------------------------------------------
    def select(self, sel: Selection | None) -> None:
        old = self.selection
        self.selection = sel
        self._preview = None
        for s in (old, sel):
            if s is not None and s.page < len(self.items_):
                self.items_[s.page].update()
        self.frameSelected.emit(sel)

    def frame_at(self, index: int, pt: QPointF) -> str | None:
        if self.doc is None:
            return None
        x, y = pt_to_mm(pt.x()), pt_to_mm(pt.y())
        for f in reversed(self.doc.issue.pages[index].frames):
            if isinstance(f, RuleFrame):
                continue
            r = f.rect
            if r.x <= x <= r.right and r.y <= y <= r.bottom:
                return f.id
        return None

    def _on_handle(self, scene_pt: QPointF) -> bool:
        sel = self.selection
        if sel is None or self.doc is None:
            return False
        r = _rect_pt(self.doc.frame_geometry(sel.page, sel.frame))
        corner = self.items_[sel.page].mapToScene(r.bottomRight())
        tol = HANDLE_PX / max(self.transform().m11(), 1e-6)
        return abs(corner.x() - scene_pt.x()) <= tol and abs(corner.y() - scene_pt.y()) <= tol

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.button() != Qt.MouseButton.LeftButton or self.doc is None:
            return super().mousePressEvent(event)
        sp = self.mapToScene(event.position().toPoint())
        if self._on_handle(sp):
            sel = self.selection
            self._drag = ("resize", sp, self.doc.frame_geometry(sel.page, sel.frame))
            return
        hit = self.page_at(sp)
        if hit is None:
            self.select(None)
            return
        index, pt = hit
        frame_id = self.frame_at(index, pt)
        self.select(Selection(index, frame_id) if frame_id else None)
        if frame_id:
            self._drag = ("move", sp, self.doc.frame_geometry(index, frame_id))

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        sp = self.mapToScene(event.position().toPoint())
        hit = self.page_at(sp)
        self.cursorMoved.emit((hit[0], pt_to_mm(hit[1].x()), pt_to_mm(hit[1].y())) if hit else None)
        if self._drag is not None and self.selection is not None:
            kind, start, old = self._drag
            dx, dy = pt_to_mm(sp.x() - start.x()), pt_to_mm(sp.y() - start.y())
            if kind == "move":
                self._preview = Rect(round(old.x + dx, 2), round(old.y + dy, 2), old.w, old.h)
            else:
                self._preview = Rect(old.x, old.y, round(max(2.0, old.w + dx), 2), round(max(2.0, old.h + dy), 2))
            self.items_[self.selection.page].update()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self._drag is not None and self.selection is not None:
            _, _, old = self._drag
            new = self._preview
            self._drag = None
            self._preview = None
            if new is not None and new != old:
                self.frameGeometryEdited.emit(self.selection.page, self.selection.frame, old, new)
            self.items_[self.selection.page].update()
            return
        self._drag = None
        super().mouseReleaseEvent(event)

    def leaveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.cursorMoved.emit(None)
        super().leaveEvent(event)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._update_current()


def _rect_pt(r: Rect) -> QRectF:
    return QRectF(mm_to_pt(r.x), mm_to_pt(r.y), mm_to_pt(r.w), mm_to_pt(r.h))
