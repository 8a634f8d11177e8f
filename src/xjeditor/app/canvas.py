"""The page canvas: every display page of the issue on a grey pasteboard.

Scene units are points, the display list's unit, so a page item paints its display page
with the renderer in its own coordinates and the view's transform does the zoom. Each page
item is cached in device coordinates (repainted when the zoom or the typeset changes).
Guides (type area, columns, baseline grid, bleed, frame edges) are drawn over the page from
the model's frames; they are never part of the display list.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QPainter, QPen, QPolygonF, QTransform, QWheelEvent
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

from ..layouts import FURNITURE_PREFIX, LayoutError, load_layout
from ..model import BoxFrame, FitMode, ImageFrame, Rect, RuleFrame, TextFrame, mm_to_pt, pt_to_mm
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
THREAD_COLOR = QColor(230, 110, 0)
SNAP_PX = 6.0  # an edge this close (on screen) to a grid line snaps to it
MIN_DRAW_MM = 2.0  # a drag shorter than this is a click

# tools
TOOL_SELECT = "select"  # 选择
TOOL_TEXT = "text"  # 文本框
TOOL_IMAGE = "image"  # 图片框
TOOL_RULE = "rule"  # 线条
TOOL_THREAD = "thread"  # 串接: click the frame the text continues in
DRAW_TOOLS = (TOOL_TEXT, TOOL_IMAGE, TOOL_RULE)


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

    def __init__(self, canvas: "PageCanvas", index: int, page: DisplayPage) -> None:
        super().__init__()
        self.canvas = canvas
        self.index = index
        # The item owns the page it shows: Qt may ask for boundingRect() at any time (while
        # the scene indexes, removes or paints it), so it must never read a list that the
        # canvas could have changed in the meantime.
        self._page = page
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    @property
    def display(self) -> DisplayPage:
        return self._page

    def set_page(self, page: DisplayPage) -> None:
        """Show another display page; Qt is told before the bounding box changes."""
        old = self._page
        if (old.width, old.height, old.bleed) != (page.width, page.height, page.bleed):
            self.prepareGeometryChange()
        self._page = page
        self.update()

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
        r = item.mapRectToScene(_rect_pt(self.doc.frame_geometry(index, frame_id)))
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
            rule = model_page.frame(sel.frame)
            if isinstance(rule, RuleFrame):
                self._paint_selected_rule(painter, rule)
                painter.restore()
                return
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

    def shown_rule_ends(self, rule: RuleFrame) -> tuple[float, float, float, float]:
        """The selected rule's ends in mm as shown: while an end is dragged, or the rule is
        moved, where it will go."""
        if self._rule_preview is not None:
            return self._rule_preview
        ends = (rule.x1, rule.y1, rule.x2, rule.y2)
        if self._preview is not None:
            dx = self._preview.x - min(rule.x1, rule.x2)
            dy = self._preview.y - min(rule.y1, rule.y2)
            ends = (rule.x1 + dx, rule.y1 + dy, rule.x2 + dx, rule.y2 + dy)
        return ends

    def _paint_selected_rule(self, painter: QPainter, rule: RuleFrame) -> None:
        """A selected rule: the line in the selection colour and a handle on each end."""
        x1, y1, x2, y2 = (mm_to_pt(v) for v in self.shown_rule_ends(rule))
        painter.setPen(QPen(SELECT_COLOR, 0))
        painter.drawLine(QPointF(x1, y1), QPointF(x2, y2))
        h = HANDLE_PX / max(self.transform().m11(), 1e-6)
        for x, y in ((x1, y1), (x2, y2)):
            painter.fillRect(QRectF(x - h / 2, y - h / 2, h, h), SELECT_COLOR)

    # ---- selection and dragging -------------------------------------------------------
    def select(self, sel: Selection | None) -> None:
        old = self.selection
        self.selection = sel
        self._preview = None
        self._rule_preview = None
        for s in (old, sel):
            if s is not None and s.page < len(self.items_):
                self.items_[s.page].update()
        self.viewport().update()
        self._update_current()  # a selected frame's page is the current page
        self.frameSelected.emit(sel)

    def frame_at(self, index: int, pt: QPointF, *, whole: bool = False) -> str | None:
        """The topmost frame a click at ``pt`` (page points) picks. Furniture (ids starting
        with "_") is never hit. A frame that shows nothing inside (an empty text frame, such
        as the one a new page gets from its master, or a box without fill) is hit only near
        its edge unless it is selected already or ``whole`` (the 串接 tool's target)."""
        if self.doc is None or not 0 <= index < len(self.doc.issue.pages):
            return None
        x, y = pt_to_mm(pt.x()), pt_to_mm(pt.y())
        tol = pt_to_mm(self._tolerance())
        sel = self.selection
        for f in reversed(self.doc.issue.pages[index].frames):
            if f.id.startswith(FURNITURE_PREFIX):
                continue
            if isinstance(f, RuleFrame):
                x0, x1 = sorted((f.x1, f.x2))
                y0, y1 = sorted((f.y1, f.y2))
                if x0 - tol <= x <= x1 + tol and y0 - tol <= y <= y1 + tol:
                    return f.id
                continue
            r = f.rect
            if whole or (sel is not None and (sel.page, sel.frame) == (index, f.id)) or self._shows_inside(f):
                if r.x <= x <= r.right and r.y <= y <= r.bottom:
                    return f.id
                continue
            near = r.x - tol <= x <= r.right + tol and r.y - tol <= y <= r.bottom + tol
            inner = r.x + tol < x < r.right - tol and r.y + tol < y < r.bottom - tol
            if near and not inner:
                return f.id
        return None

    def _shows_inside(self, f) -> bool:
        """Whether a frame has something to see inside its edges (text, a picture or its
        placeholder, a fill)."""
        if isinstance(f, TextFrame):
            return bool(f.story) or any(isinstance(g, TextFrame) and g.next == f.id
                                        for p in self.doc.issue.pages for g in p.frames)
        if isinstance(f, BoxFrame):
            return f.fill is not None
        return True

    def selected_rule(self) -> RuleFrame | None:
        sel = self.selection
        if sel is None or self.doc is None or sel.page >= len(self.doc.issue.pages):
            return None
        f = self.doc.issue.pages[sel.page].frame(sel.frame)
        return f if isinstance(f, RuleFrame) else None

    def rule_end_at(self, scene_pt: QPointF) -> str | None:
        """"end1" or "end2" when the point is on an end handle of the selected rule."""
        rule = self.selected_rule()
        if rule is None:
            return None
        item = self.items_[self.selection.page]
        tol = HANDLE_PX / max(self.transform().m11(), 1e-6)
        best, dist = None, float("inf")
        for name, x, y in (("end1", rule.x1, rule.y1), ("end2", rule.x2, rule.y2)):
            end = item.mapToScene(QPointF(mm_to_pt(x), mm_to_pt(y)))
            dx, dy = abs(end.x() - scene_pt.x()), abs(end.y() - scene_pt.y())
            if dx <= tol and dy <= tol and dx + dy < dist:
                best, dist = name, dx + dy
        return best

    def rule_end_preview(self, sp: QPointF, modifiers=Qt.KeyboardModifier.NoModifier):
        """The rule's ends (mm) an end drag gives at scene point ``sp``: a horizontal rule's
        end moves along x, a vertical rule's along y (snapped to the grid unless Alt)."""
        if self._drag is None or self.selection is None or not self._drag[0].startswith("end"):
            return None
        kind, start, old = self._drag
        index = self.selection.page
        free = bool(modifiers & Qt.KeyboardModifier.AltModifier)
        first = kind == "end1"
        ex, ey = old[:2] if first else old[2:]  # the end being dragged, mm
        other_y = old[3] if first else old[1]
        horizontal = abs(old[1] - old[3]) < 1e-6 and abs(old[0] - old[2]) >= 1e-6
        vertical = abs(old[0] - old[2]) < 1e-6 and abs(old[1] - old[3]) >= 1e-6
        nx, ny = ex, ey  # the constrained coordinate stays exactly as it was
        if not vertical:
            x = mm_to_pt(ex) + sp.x() - start.x()
            nx = round(pt_to_mm(x if free else self.snap_value(index, x, "x")), 2)
        if not horizontal:
            y = mm_to_pt(ey) + sp.y() - start.y()
            if not free:
                y = self.snap_value(index, y, "top" if y <= mm_to_pt(other_y) else "bottom")
            ny = round(pt_to_mm(y), 2)
        return (nx, ny, old[2], old[3]) if first else (old[0], old[1], nx, ny)

    def _on_handle(self, scene_pt: QPointF) -> bool:
        sel = self.selection
        if sel is None or self.doc is None or self.selected_rule() is not None:
            return False  # a rule has a handle on each end instead (rule_end_at)
        r = _rect_pt(self.doc.frame_geometry(sel.page, sel.frame))
        corner = self.items_[sel.page].mapToScene(r.bottomRight())
        tol = HANDLE_PX / max(self.transform().m11(), 1e-6)
        return abs(corner.x() - scene_pt.x()) <= tol and abs(corner.y() - scene_pt.y()) <= tol

    # ---- tools ---------------------------------------------------------------------
    def set_tool(self, tool: str) -> None:
        self.tool = tool
        self._draw = self._draw_preview = None
        self._update_cursor()
        self.viewport().update()
        self.toolChanged.emit(tool)

    def _update_cursor(self) -> None:
        if self._hand is not None:
            shape = Qt.CursorShape.ClosedHandCursor
        elif self._space:
            shape = Qt.CursorShape.OpenHandCursor
        else:
            shape = (Qt.CursorShape.ArrowCursor if self.tool == TOOL_SELECT
                     else Qt.CursorShape.PointingHandCursor if self.tool == TOOL_THREAD
                     else Qt.CursorShape.CrossCursor)
        self.viewport().setCursor(shape)

    # ---- snapping --------------------------------------------------------------------
    def snap_targets(self, index: int) -> tuple[list[float], list[float], list[float]]:
        """Grid lines of a page in points: column and gutter edges (x), baseline grid row
        tops and row bottoms (y), measured from the type area's top."""
        xs: list[float] = []
        tops: list[float] = []
        bottoms: list[float] = []
        area = self.type_area(index)
        lay = self._layout()
        grid = self.body_grid()
        if lay is not None:
            x, _y, _w, _h = lay.type_area
            g = lay.grid
            for k in range(g.columns):
                left = x + k * (g.column + g.gutter)
                xs += [mm_to_pt(left), mm_to_pt(left + g.column)]
            grid = Grid.for_body(g.body_size, g.line_gap)
        elif area is not None:
            xs += [area.left(), area.right()]
        if area is not None and grid is not None:
            for n in range(grid.rows_in(area.height()) + 1):
                top = area.top() + n * grid.pitch
                tops.append(top)
                bottoms.append(top + grid.size)
            bottoms.append(area.bottom())
        return xs, tops, bottoms

    def layout_columns(self, rect: Rect) -> tuple[int, float] | None:
        """(columns, gutter mm) of the layout's base grid a box covers; None without a layout."""
        lay = self._layout()
        if lay is None:
            return None
        x0, g = lay.type_area[0], lay.grid
        step = g.column + g.gutter
        n = 0
        for k in range(g.columns):
            left, right = x0 + k * step, x0 + k * step + g.column
            overlap = min(right, rect.right) - max(left, rect.x)
            if overlap > g.column / 2:
                n += 1
        return max(1, n), round(g.gutter, 4)

    def _tolerance(self) -> float:
        return SNAP_PX / max(self.transform().m11(), 1e-6)

    @staticmethod
    def _nearest(value: float, targets: list[float], tol: float) -> float | None:
        best = None
        for t in targets:
            if abs(t - value) <= tol and (best is None or abs(t - value) < abs(best - value)):
                best = t
        return best

    def snap_value(self, index: int, value: float, axis: str) -> float:
        """Snap one coordinate (points): axis "x", "top" or "bottom"."""
        xs, tops, bottoms = self.snap_targets(index)
        targets = {"x": xs, "top": tops, "bottom": bottoms}[axis]
        hit = self._nearest(value, targets, self._tolerance())
        return value if hit is None else hit

    def snap_move(self, index: int, r: QRectF) -> QRectF:
        """Move a box (points) so that its nearest edge on each axis sits on a grid line."""
        xs, tops, bottoms = self.snap_targets(index)
        tol = self._tolerance()
        dx = self._best_shift([(r.left(), xs), (r.right(), xs)], tol)
        dy = self._best_shift([(r.top(), tops), (r.bottom(), bottoms)], tol)
        return r.translated(dx, dy)

    def _best_shift(self, pairs, tol: float) -> float:
        best = None
        for value, targets in pairs:
            hit = self._nearest(value, targets, tol)
            if hit is not None and (best is None or abs(hit - value) < abs(best)):
                best = hit - value
        return best or 0.0

    # ---- drawing new frames --------------------------------------------------------
    def tool_press(self, scene_pt: QPointF, modifiers=Qt.KeyboardModifier.NoModifier) -> bool:
        """Start drawing with a frame tool; True when the press was used."""
        hit = self.page_at(scene_pt)
        if hit is None:
            return False
        index, pt = hit
        self._draw = (index, pt)
        self._draw_preview = (index, self._drawn_shape(index, pt, pt, modifiers))
        self.viewport().update()
        return True

    def tool_move(self, scene_pt: QPointF, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
        if self._draw is None:
            return
        index, start = self._draw
        pt = self.items_[index].mapFromScene(scene_pt)
        self._draw_preview = (index, self._drawn_shape(index, start, pt, modifiers))
        self.viewport().update()

    def tool_release(self, scene_pt: QPointF, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
        if self._draw is None:
            return
        self.tool_move(scene_pt, modifiers)
        index, shape = self._draw_preview
        self._draw = self._draw_preview = None
        self.viewport().update()
        self.frameDrawn.emit(index, self.tool, shape)

    def _drawn_shape(self, index: int, a: QPointF, b: QPointF, modifiers):
        """The rect (mm) or rule ends (mm) a drag from ``a`` to ``b`` (page points) draws."""
        free = bool(modifiers & Qt.KeyboardModifier.AltModifier)
        page = self.display_pages[index]

        def sx(v: float) -> float:
            return v if free else self.snap_value(index, v, "x")

        def sy(v: float, axis: str) -> float:
            return v if free else self.snap_value(index, v, axis)

        if self.tool == TOOL_RULE:
            x1, y1, x2, y2 = a.x(), a.y(), b.x(), b.y()
            if abs(x2 - x1) >= abs(y2 - y1):  # rules are horizontal or vertical
                y1 = y2 = sy(y1, "top")
                x1, x2 = sx(x1), sx(x2)
            else:
                x1 = x2 = sx(x1)
                y1, y2 = sy(y1, "top"), sy(y2, "bottom")
            return tuple(round(pt_to_mm(v), 2) for v in (x1, y1, x2, y2))
        left, right = sorted((a.x(), b.x()))
        top, bottom = sorted((a.y(), b.y()))
        if pt_to_mm(right - left) < MIN_DRAW_MM and pt_to_mm(bottom - top) < MIN_DRAW_MM:
            return self._default_box(index, a, free)
        left, right = sx(left), sx(right)
        top, bottom = sy(top, "top"), sy(bottom, "bottom")
        left, top = max(left, 0.0), max(top, 0.0)
        right, bottom = min(right, page.width), min(bottom, page.height)
        w, h = max(right - left, mm_to_pt(MIN_DRAW_MM)), max(bottom - top, mm_to_pt(MIN_DRAW_MM))
        return Rect(round(pt_to_mm(left), 2), round(pt_to_mm(top), 2), round(pt_to_mm(w), 2),
                    round(pt_to_mm(h), 2))

    def _default_box(self, index: int, at: QPointF, free: bool) -> Rect:
        """A click without a drag: one column of the grid, 20 body lines deep."""
        lay = self._layout()
        grid = self.body_grid() or Grid.for_body(9.0, 0.5)
        if lay is not None and not free:
            g = lay.grid
            step = mm_to_pt(g.column + g.gutter)
            x0 = mm_to_pt(lay.type_area[0])
            k = max(0, min(g.columns - 1, int((at.x() - x0) // step)))
            left, width = x0 + k * step, mm_to_pt(g.column)
            grid = Grid.for_body(g.body_size, g.line_gap)
        else:
            left, width = at.x(), mm_to_pt(40.0)
        top = at.y() if free else self.snap_value(index, at.y(), "top")
        height = grid.size + 19 * grid.pitch
        return Rect(round(pt_to_mm(left), 2), round(pt_to_mm(top), 2), round(pt_to_mm(width), 2),
                    round(pt_to_mm(height), 2))

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
            a = self.items_[pa].mapToScene(_rect_pt(fa.rect).bottomRight())
            b = self.items_[pb].mapToScene(_rect_pt(fb.rect).topLeft())
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
                _arrow_head(painter, a, b, 10.0 / scale)
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
                painter.drawRect(item.mapRectToScene(_rect_pt(shape)))
            else:
                x1, y1, x2, y2 = (mm_to_pt(v) for v in shape)
                painter.drawLine(item.mapToScene(QPointF(x1, y1)), item.mapToScene(QPointF(x2, y2)))
        painter.restore()

    # ---- mouse ----------------------------------------------------------------------
    def _image_frame_at(self, index: int, pt: QPointF) -> ImageFrame | None:
        fid = self.frame_at(index, pt)
        f = self.doc.issue.pages[index].frame(fid) if fid else None
        return f if isinstance(f, ImageFrame) else None

    def thread_click(self, scene_pt: QPointF) -> None:
        """The 串接 tool's click: the frame under the point (any page) is the thread's target."""
        hit = self.page_at(scene_pt)
        frame_id = self.frame_at(*hit, whole=True) if hit else None
        if frame_id:
            self.threadTargetChosen.emit(hit[0], frame_id)
        self.set_tool(TOOL_SELECT)

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

    def drag_preview(self, sp: QPointF, modifiers=Qt.KeyboardModifier.NoModifier) -> Rect | None:
        """The box a move or resize drag gives at scene point ``sp`` (snapped unless Alt)."""
        if self._drag is None or self.selection is None or self._drag[0].startswith("end"):
            return None
        kind, start, old = self._drag
        index = self.selection.page
        free = bool(modifiers & Qt.KeyboardModifier.AltModifier)
        dx, dy = sp.x() - start.x(), sp.y() - start.y()
        r = _rect_pt(old)
        if kind == "move":
            r = r.translated(dx, dy)
            if not free:
                r = self.snap_move(index, r)
            return Rect(round(pt_to_mm(r.x()), 2), round(pt_to_mm(r.y()), 2), old.w, old.h)
        right, bottom = r.right() + dx, r.bottom() + dy
        if not free:
            right = self.snap_value(index, right, "x")
            bottom = self.snap_value(index, bottom, "bottom")
        w = max(2.0, round(pt_to_mm(right - r.left()), 2))
        h = max(2.0, round(pt_to_mm(bottom - r.top()), 2))
        return Rect(old.x, old.y, w, h)

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


def _rect_pt(r: Rect) -> QRectF:
    return QRectF(mm_to_pt(r.x), mm_to_pt(r.y), mm_to_pt(r.w), mm_to_pt(r.h))


def _arrow_head(painter: QPainter, a: QPointF, b: QPointF, size: float) -> None:
    d = b - a
    length = (d.x() ** 2 + d.y() ** 2) ** 0.5
    if length < 1e-6:
        return
    ux, uy = d.x() / length, d.y() / length
    back = QPointF(b.x() - ux * size, b.y() - uy * size)
    side = QPointF(-uy * size * 0.45, ux * size * 0.45)
    painter.setBrush(THREAD_COLOR)
    painter.drawPolygon(QPolygonF([b, back + side, back - side]))
    painter.setBrush(Qt.BrushStyle.NoBrush)
