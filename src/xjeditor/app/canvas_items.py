"""The pieces the page canvas is made of: its look (sizes, colours), the tool names, what
is selected, which guides are shown, and ``PageItem``, one display page in the scene."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPolygonF
from PySide6.QtWidgets import (
    QGraphicsItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from ..model import Rect, mm_to_pt
from ..typeset.display import DisplayPage

if TYPE_CHECKING:
    from .canvas import PageCanvas

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

    def __init__(self, canvas: PageCanvas, index: int, page: DisplayPage) -> None:
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


def rect_pt(r: Rect) -> QRectF:
    return QRectF(mm_to_pt(r.x), mm_to_pt(r.y), mm_to_pt(r.w), mm_to_pt(r.h))


def arrow_head(painter: QPainter, a: QPointF, b: QPointF, size: float) -> None:
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
