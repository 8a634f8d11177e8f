"""The page canvas: every display page of the issue on a grey pasteboard.

Scene units are points, the display list's unit, so a page item paints its display page
with the renderer in its own coordinates and the view's transform does the zoom. Each page
item is cached in device coordinates (repainted when the zoom or the typeset changes).
Guides (type area, columns, baseline grid, bleed, frame edges) are drawn over the page from
the model's frames; they are never part of the display list.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QPainter, QPen, QTransform, QWheelEvent
from PySide6.QtWidgets import (
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QWidget,
)

from ..model import FitMode, Rect, TextFrame, mm_to_pt, pt_to_mm
from ..render.qt import QtPageRenderer
from ..typeset.display import DisplayPage
from .canvas_guides import GuidesMixin
from .canvas_items import (
    DRAW_TOOLS,
    LABEL_SPACE,
    MAX_ZOOM,
    MIN_ZOOM,
    PAGE_GAP,
    PASTEBOARD,
    SELECT_COLOR,
    THREAD_COLOR,
    TOOL_IMAGE,  # noqa: F401 - the window and tests take the tool names from here
    TOOL_RULE,  # noqa: F401
    TOOL_SELECT,
    TOOL_TEXT,  # noqa: F401
    TOOL_THREAD,
    Guides,
    PageItem,
    Selection,
    arrow_head,
    rect_pt,
)
from .canvas_tools import ToolsMixin
from .document import Document


class PageCanvas(GuidesMixin, ToolsMixin, QGraphicsView):
    """Shows all pages; zoom, guides, frame selection and moving/resizing by drag."""

    zoomChanged = Signal(float)  # 1.0 = 100 % (actual size)
    currentPageChanged = Signal(int)
    cursorMoved = Signal(object)  # (page index, x mm, y mm) or None
    frameSelected = Signal(object)  # Selection or None
    frameGeometryEdited = Signal(int, str, object, object)  # page, frame id, old Rect, new Rect
    frameDrawn = Signal(int, str, object)  # page, tool, Rect (mm) or (x1, y1, x2, y2) for a rule
    threadTargetChosen = Signal(int, str)  # page, frame id clicked with the 串接 tool
    imagePanned = Signal(int, str, float, float)  # page, frame id, new offset_x, offset_y (mm)
    imageScaled = Signal(int, str, float)  # page, frame id, factor
    ruleEndsEdited = Signal(int, str, object, object)  # page, rule id, old and new (x1, y1, x2, y2) mm
    toolChanged = Signal(str)

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
        # (move|resize, start scene pt, old rect) or (end1|end2, start scene pt, old rule ends)
        self._drag: tuple[str, QPointF, object] | None = None
        self._preview: Rect | None = None
        self._rule_preview: tuple[float, float, float, float] | None = None  # ends being dragged, mm
        self._current = -1
        self.tool = TOOL_SELECT
        self._draw: tuple[int, QPointF] | None = None  # (page, start in page points)
        self._draw_preview: tuple[int, object] | None = None  # (page, Rect or rule ends), mm
        self._pan: tuple[int, str, QPointF, float, float] | None = None
        # Space held: the hand tool (drag pans the view); the tool in use comes back on release
        self._space = False
        self._hand: tuple[QPoint, int, int] | None = None  # press point, scroll bar values
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
        """New display pages (after a re-typeset): reuse items, repaint.

        Items no longer needed leave the scene first, while they still show the page the
        scene indexed them with; the others then take their new page (``PageItem.set_page``
        calls prepareGeometryChange before the size changes)."""
        pages = list(pages)
        scene = self.scene()
        while len(self.items_) > len(pages):
            scene.removeItem(self.items_.pop())
            scene.removeItem(self.labels.pop())
        for item, page in zip(self.items_, pages):
            item.set_page(page)
        self.display_pages = pages
        while len(self.items_) < len(pages):
            item = PageItem(self, len(self.items_), pages[len(self.items_)])
            scene.addItem(item)
            self.items_.append(item)
            label = QGraphicsSimpleTextItem()
            label.setBrush(QBrush(QColor(40, 40, 40)))
            scene.addItem(label)
            self.labels.append(label)
        if self.selection and (self.doc is None or self.selection.page >= len(self.doc.issue.pages)
                               or self.doc.issue.pages[self.selection.page].frame(self.selection.frame) is None):
            self.select(None)
        if self._draw is not None and self._draw[0] >= len(pages):
            self._draw = self._draw_preview = None  # the page being drawn on is gone (an undo)
        self.arrange()
        self.viewport().update()

    def arrange(self) -> None:
        pos = 0.0
        for i, item in enumerate(self.items_):
            page = item.display
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
        """Ctrl+wheel always zooms the view. Alt+wheel over the selected picture frame in
        手动 (manual) mode scales the picture; anything else scrolls."""
        mods = event.modifiers()
        delta = event.angleDelta()
        steps = (delta.y() or delta.x()) / 120.0  # (Qt may turn Alt+wheel into a horizontal one)
        if mods & Qt.KeyboardModifier.ControlModifier:
            if steps:
                self.zoom_by(1.15 ** steps)
            event.accept()
            return
        if mods & Qt.KeyboardModifier.AltModifier and steps and self.doc is not None:
            hit = self.page_at(self.mapToScene(event.position().toPoint()))
            sel = self.selection
            f = self._image_frame_at(*hit) if hit else None
            if (f is not None and sel is not None and (sel.page, sel.frame) == (hit[0], f.id)
                    and f.fit == FitMode.MANUAL and f.image):
                self.imageScaled.emit(hit[0], f.id, 1.1 ** steps)
                event.accept()
                return
        super().wheelEvent(event)

    # ---- pages -----------------------------------------------------------------------
    def scroll_to_page(self, index: int) -> None:
        if 0 <= index < len(self.items_):
            if self.selection is not None and self.selection.page != index:
                self.select(None)  # the page gone to is the current one, not the frame's
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
        r = item.mapRectToScene(rect_pt(self.doc.frame_geometry(index, frame_id)))
        self.centerOn(r.center())
        self.ensureVisible(r, 20, 20)
        self._set_current(index)

    def current_page(self) -> int:
        # pages may have gone since the view last scrolled: never name one that is not there
        return max(min(self._current, len(self.items_) - 1), 0)

    def _update_current(self, *_: object) -> None:
        """The current page: the selected frame's, else the one in the middle of the view."""
        if not self.items_:
            return
        sel = self.selection
        if sel is not None and 0 <= sel.page < len(self.items_):
            self._set_current(sel.page)
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

    # ---- the overlay: what is being drawn, and the selected thread --------------------
    def thread_chain(self) -> list[tuple[int, TextFrame]]:
        """The whole thread the selected text frame belongs to (first frame first)."""
        sel = self.selection
        if sel is None or self.doc is None or sel.page >= len(self.doc.issue.pages):
            return []
        issue = self.doc.issue
        f = issue.pages[sel.page].frame(sel.frame)
        if not isinstance(f, TextFrame):
            return []
        head, seen = f, {f.id}
        while True:
            prev = next((g for p in issue.pages for g in p.frames
                         if isinstance(g, TextFrame) and g.next == head.id), None)
            if prev is None or prev.id in seen:
                break
            seen.add(prev.id)
            head = prev
        return issue.thread(head)

    def thread_lines(self) -> list[tuple[QPointF, QPointF]]:
        """Scene segments from each frame of the selected thread to the next one."""
        chain = self.thread_chain()
        out = []
        for (pa, fa), (pb, fb) in zip(chain, chain[1:]):
            if pa >= len(self.items_) or pb >= len(self.items_):
                continue
            a = self.items_[pa].mapToScene(rect_pt(fa.rect).bottomRight())
            b = self.items_[pb].mapToScene(rect_pt(fb.rect).topLeft())
            out.append((a, b))
        return out

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802 - Qt's name
        painter.save()
        lines = self.thread_lines()
        if lines:
            pen = QPen(THREAD_COLOR, 2)
            pen.setCosmetic(True)
            painter.setPen(pen)
            scale = max(self.transform().m11(), 1e-6)
            for a, b in lines:
                painter.drawLine(a, b)
                arrow_head(painter, a, b, 10.0 / scale)
                box = 6.0 / scale
                painter.fillRect(QRectF(a.x() - box, a.y() - box, box, box), THREAD_COLOR)
                painter.fillRect(QRectF(b.x(), b.y(), box, box), THREAD_COLOR)
        if self._draw_preview is not None:
            index, shape = self._draw_preview
            item = self.items_[index]
            pen = QPen(SELECT_COLOR, 1, Qt.PenStyle.DashLine)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            if isinstance(shape, Rect):
                painter.drawRect(item.mapRectToScene(rect_pt(shape)))
            else:
                x1, y1, x2, y2 = (mm_to_pt(v) for v in shape)
                painter.drawLine(item.mapToScene(QPointF(x1, y1)), item.mapToScene(QPointF(x2, y2)))
        painter.restore()

    # ---- mouse ----------------------------------------------------------------------
    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.button() == Qt.MouseButton.LeftButton and self._space:
            self._hand = (event.position().toPoint(), self.horizontalScrollBar().value(),
                          self.verticalScrollBar().value())
            self._update_cursor()
            return
        if event.button() != Qt.MouseButton.LeftButton or self.doc is None:
            return super().mousePressEvent(event)
        sp = self.mapToScene(event.position().toPoint())
        mods = event.modifiers()
        if self.tool in DRAW_TOOLS:
            self.tool_press(sp, mods)
            return
        if self.tool == TOOL_THREAD:
            self.thread_click(sp)
            return
        end = self.rule_end_at(sp)
        if end is not None:
            rule = self.selected_rule()
            self._drag = (end, sp, (rule.x1, rule.y1, rule.x2, rule.y2))
            return
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
        if frame_id and mods & Qt.KeyboardModifier.ControlModifier:
            f = self._image_frame_at(index, pt)
            if f is not None and f.fit == FitMode.MANUAL and f.image:
                self._pan = (index, f.id, sp, f.offset_x, f.offset_y)
                return
        if frame_id:
            self._drag = ("move", sp, self.doc.frame_geometry(index, frame_id))

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        sp = self.mapToScene(event.position().toPoint())
        hit = self.page_at(sp)
        self.cursorMoved.emit((hit[0], pt_to_mm(hit[1].x()), pt_to_mm(hit[1].y())) if hit else None)
        if self._hand is not None:
            start, h, v = self._hand
            d = event.position().toPoint() - start
            self.horizontalScrollBar().setValue(h - d.x())
            self.verticalScrollBar().setValue(v - d.y())
            return
        if self._draw is not None:
            self.tool_move(sp, event.modifiers())
            return
        if self._pan is not None:
            return
        if self._drag is not None and self.selection is not None:
            if self._drag[0].startswith("end"):
                self._rule_preview = self.rule_end_preview(sp, event.modifiers())
            else:
                self._preview = self.drag_preview(sp, event.modifiers())
            self.items_[self.selection.page].update()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self._hand is not None and event.button() == Qt.MouseButton.LeftButton:
            self._hand = None
            self._update_cursor()
            return
        sp = self.mapToScene(event.position().toPoint())
        if self._draw is not None:
            self.tool_release(sp, event.modifiers())
            return
        if self._pan is not None:
            index, fid, start, ox, oy = self._pan
            self._pan = None
            dx, dy = pt_to_mm(sp.x() - start.x()), pt_to_mm(sp.y() - start.y())
            if dx or dy:
                self.imagePanned.emit(index, fid, round(ox + dx, 2), round(oy + dy, 2))
            return
        if self._drag is not None and self.selection is not None:
            kind, _, old = self._drag
            if kind.startswith("end"):
                new = self.rule_end_preview(sp, event.modifiers())
            else:
                new = self._preview
            self._drag = None
            self._preview = None
            self._rule_preview = None
            if new is not None and new != old:
                if kind.startswith("end"):
                    self.ruleEndsEdited.emit(self.selection.page, self.selection.frame, old, new)
                else:
                    self.frameGeometryEdited.emit(self.selection.page, self.selection.frame, old, new)
            self.items_[self.selection.page].update()
            return
        self._drag = None
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_Space:
            # held Space is the hand tool, as in InDesign (not while a drag is under way)
            if not event.isAutoRepeat() and self._drag is None and self._draw is None and self._pan is None:
                self._space = True
                self._update_cursor()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape and self.tool != TOOL_SELECT:
            self.set_tool(TOOL_SELECT)
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_Space:
            if not event.isAutoRepeat():
                self._space = False  # back to the tool in use (a hand drag goes on until release)
                self._update_cursor()
            event.accept()
            return
        super().keyReleaseEvent(event)

    def focusOutEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self._space:  # the Space release will go elsewhere
            self._space = False
            self._update_cursor()
        super().focusOutEvent(event)

    def leaveEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.cursorMoved.emit(None)
        super().leaveEvent(event)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._update_current()
