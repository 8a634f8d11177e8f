"""The 属性 panel: position and size of the selected frame in mm, and what its kind has
(columns and gutter of a text frame, fit and runaround of an image frame, a rule's length
and width).

The panel only reports edits (signals); the window turns them into undo commands and the
panel is refreshed from the model after every change, so it follows undo and redo.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..model import FitMode, ImageFrame, Rect, RuleFrame, TextFrame
from .document import Document

FIT_LABELS = {FitMode.FILL: "填充", FitMode.FIT: "适合", FitMode.MANUAL: "手动"}
KIND_ZH = {"text": "文字框", "image": "图片框", "box": "底框", "rule": "线条"}


def _mm_box(maximum: float = 2000.0, minimum: float = -500.0) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(minimum, maximum)
    box.setDecimals(2)
    box.setSingleStep(0.5)
    box.setSuffix(" 毫米")
    box.setKeyboardTracking(False)  # one edit when typing is done, not one per digit
    return box


class PropertiesPanel(QWidget):
    geometryEdited = Signal(int, str, object)  # page, frame id, new Rect (mm)
    attrsEdited = Signal(int, str, object)  # page, frame id, {attribute: value}
    ruleLengthEdited = Signal(int, str, float)  # page, rule id, new length (mm)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.doc: Document | None = None
        self.page = -1
        self.frame_id = ""
        self._updating = False
        outer = QVBoxLayout(self)
        self.title = QLabel("未选择框")
        outer.addWidget(self.title)
        self.form = QFormLayout()
        outer.addLayout(self.form)
        outer.addStretch(1)
        self.x, self.y = _mm_box(), _mm_box()
        self.w, self.h = _mm_box(minimum=0.0), _mm_box(minimum=0.0)
        self.length = _mm_box(minimum=1.0)
        self.columns = QSpinBox()
        self.columns.setRange(1, 12)
        self.columns.setSuffix(" 栏")
        self.gutter = _mm_box(50.0, 0.0)
        self.fit = QComboBox()
        for mode, label in FIT_LABELS.items():
            self.fit.addItem(label, mode)
        self.runaround = QCheckBox("文字绕排（图文互斥）")
        self.line_width = QDoubleSpinBox()
        self.line_width.setRange(0.1, 20.0)
        self.line_width.setDecimals(2)
        self.line_width.setSingleStep(0.25)
        self.line_width.setSuffix(" 点")
        self.line_width.setKeyboardTracking(False)
        self.rows: dict[str, QWidget] = {}
        for key, label, widget in (("x", "横向位置 X", self.x), ("y", "纵向位置 Y", self.y),
                                   ("w", "宽度", self.w), ("h", "高度", self.h),
                                   ("length", "长度", self.length),
                                   ("columns", "栏数", self.columns), ("gutter", "栏间距", self.gutter),
                                   ("fit", "图片适配", self.fit), ("runaround", "绕排", self.runaround),
                                   ("width", "线宽", self.line_width)):
            self.form.addRow(label, widget)
            self.rows[key] = widget
        for box in (self.x, self.y, self.w, self.h):
            box.valueChanged.connect(self._geometry_changed)
        self.columns.valueChanged.connect(lambda v: self._attr("columns", int(v)))
        self.gutter.valueChanged.connect(lambda v: self._attr("gutter", round(v, 4)))
        self.fit.currentIndexChanged.connect(lambda _i: self._attr("fit", self.fit.currentData()))
        self.runaround.toggled.connect(lambda on: self._attr("runaround", bool(on)))
        self.line_width.valueChanged.connect(lambda v: self._attr("width", round(v, 4)))
        self.length.valueChanged.connect(self._length_changed)
        self.set_frame(None, -1, "")

    # ---- showing -------------------------------------------------------------------
    def set_frame(self, doc: Document | None, page: int, frame_id: str) -> None:
        self.doc, self.page, self.frame_id = doc, page, frame_id
        self.refresh()

    def current_frame(self):
        if self.doc is None or not 0 <= self.page < len(self.doc.issue.pages):
            return None
        return self.doc.issue.pages[self.page].frame(self.frame_id)

    def refresh(self) -> None:
        f = self.current_frame()
        self._updating = True
        try:
            for w in self.rows.values():
                w.setEnabled(f is not None)
            if f is None:
                self.title.setText("未选择框")
                for key in ("length", "columns", "gutter", "fit", "runaround", "width"):
                    self._show_row(key, False)
                for key in ("w", "h"):
                    self._show_row(key, True)
                return
            self.title.setText(f"{KIND_ZH.get(f.kind, '框')} {f.id}（第 {self.page + 1} 版）")
            r = self.doc.frame_geometry(self.page, f.id)
            for box, value in ((self.x, r.x), (self.y, r.y), (self.w, r.w), (self.h, r.h)):
                box.setValue(value)
            rule = isinstance(f, RuleFrame)
            self._show_row("w", not rule)  # a rule has a length instead
            self._show_row("h", not rule)
            self._show_row("length", rule)
            self._show_row("columns", isinstance(f, TextFrame))
            self._show_row("gutter", isinstance(f, TextFrame))
            self._show_row("fit", isinstance(f, ImageFrame))
            self._show_row("runaround", isinstance(f, ImageFrame))
            self._show_row("width", rule)
            if isinstance(f, TextFrame):
                self.columns.setValue(f.columns)
                self.gutter.setValue(f.gutter)
            if isinstance(f, ImageFrame):
                self.fit.setCurrentIndex(max(0, self.fit.findData(FitMode(f.fit))))
                self.runaround.setChecked(f.runaround)
            if rule:
                self.line_width.setValue(f.width)
                self.length.setValue(rule_length(f))
        finally:
            self._updating = False

    def widest(self) -> int:
        """The width the panel needs with every row shown (whatever kind of frame)."""
        shown = {key: self.form.isRowVisible(w) for key, w in self.rows.items()}
        for key in self.rows:
            self._show_row(key, True)
        width = self.minimumSizeHint().width()
        for key, visible in shown.items():
            self._show_row(key, visible)
        return width

    def _show_row(self, key: str, visible: bool) -> None:
        self.form.setRowVisible(self.rows[key], visible)

    # ---- edits ---------------------------------------------------------------------
    def _geometry_changed(self, _value: float = 0.0) -> None:
        if self._updating or self.current_frame() is None:
            return
        new = Rect(round(self.x.value(), 2), round(self.y.value(), 2),
                   round(self.w.value(), 2), round(self.h.value(), 2))
        if new != self.doc.frame_geometry(self.page, self.frame_id):
            self.geometryEdited.emit(self.page, self.frame_id, new)

    def _length_changed(self, value: float) -> None:
        f = self.current_frame()
        if self._updating or not isinstance(f, RuleFrame) or abs(rule_length(f) - value) < 0.005:
            return
        self.ruleLengthEdited.emit(self.page, self.frame_id, round(value, 2))

    def _attr(self, name: str, value) -> None:
        f = self.current_frame()
        if self._updating or f is None or not hasattr(f, name) or getattr(f, name) == value:
            return
        self.attrsEdited.emit(self.page, self.frame_id, {name: value})


def rule_length(rule: RuleFrame) -> float:
    """A rule's length in mm."""
    return math.hypot(rule.x2 - rule.x1, rule.y2 - rule.y1)
