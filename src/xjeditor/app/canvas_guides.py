"""Guides over the pages of the canvas: type area, columns, baseline grid, bleed, frame edges
and the selected rule, all drawn from the model and the issue's layout.

A mixin of ``PageCanvas``: the methods here use the canvas's document and page items."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPen

from ..layouts import LayoutError, load_layout
from ..model import ImageFrame, RuleFrame, TextFrame, mm_to_pt
from ..typeset.display import DisplayPage
from ..typeset.grid import EM_BOX_ASCENT, Grid, column_boxes
from .canvas_items import (
    BASELINE_COLOR,
    BLEED_COLOR,
    COLUMN_COLOR,
    DEFAULT_BLEED_MM,
    FRAME_COLOR,
    HANDLE_PX,
    MARGIN_COLOR,
    SELECT_COLOR,
    rect_pt,
)


class GuidesMixin:
    """Part of ``PageCanvas`` (see canvas.py): guides drawn over each page item."""

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
                    painter.drawRect(rect_pt(f.rect))
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
                r = rect_pt(rect)
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
