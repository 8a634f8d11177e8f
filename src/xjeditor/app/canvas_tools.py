"""What the mouse does on the canvas: hit-testing and selecting frames, rule ends and handles,
the tools, snapping to the grid and other frames, drawing new frames, dragging.

A mixin of ``PageCanvas``: the methods here use the canvas's document, page items and zoom."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt

from ..layouts import FURNITURE_PREFIX
from ..model import BoxFrame, ImageFrame, Rect, RuleFrame, TextFrame, mm_to_pt, pt_to_mm
from ..typeset.grid import Grid
from .canvas_items import (
    HANDLE_PX,
    MIN_DRAW_MM,
    SNAP_PX,
    TOOL_RULE,
    TOOL_SELECT,
    TOOL_THREAD,
    Selection,
    rect_pt,
)


class ToolsMixin:
    """Part of ``PageCanvas`` (see canvas.py): selecting, the tools, snapping, drawing and dragging."""

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
        r = rect_pt(self.doc.frame_geometry(sel.page, sel.frame))
        corner = self.items_[sel.page].mapToScene(r.bottomRight())
        tol = HANDLE_PX / max(self.transform().m11(), 1e-6)
        return abs(corner.x() - scene_pt.x()) <= tol and abs(corner.y() - scene_pt.y()) <= tol

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

    def drag_preview(self, sp: QPointF, modifiers=Qt.KeyboardModifier.NoModifier) -> Rect | None:
        """The box a move or resize drag gives at scene point ``sp`` (snapped unless Alt)."""
        if self._drag is None or self.selection is None or self._drag[0].startswith("end"):
            return None
        kind, start, old = self._drag
        index = self.selection.page
        free = bool(modifiers & Qt.KeyboardModifier.AltModifier)
        dx, dy = sp.x() - start.x(), sp.y() - start.y()
        r = rect_pt(old)
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
