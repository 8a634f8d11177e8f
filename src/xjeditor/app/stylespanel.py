"""The 样式 panel: the issue's paragraph and character styles.

Double-clicking a paragraph style sets it on the story part the story editor's cursor is
in; double-clicking a character style puts it on the text selected in that part. The
window turns both into undo commands. The style the current part uses is shown in bold.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..model import FONT_ROLE_LABELS, FontRole, StyleSheet
from ..model.units import describe_size

PARAGRAPH = "paragraph"
CHARACTER = "character"
KIND_ROLE = Qt.ItemDataRole.UserRole
NAME_ROLE = Qt.ItemDataRole.UserRole + 1


def font_label(font: str | None) -> str:
    """A font role in Chinese (书宋, 标宋, 黑体, 楷体), a family name as it is."""
    if font is None:
        return "（随段落）"
    try:
        return FONT_ROLE_LABELS[FontRole(font)]
    except ValueError:
        return font


def size_label(size: float | None) -> str:
    return "（随段落）" if size is None else describe_size(size)


class StylesPanel(QWidget):
    paragraphStyleChosen = Signal(str)
    characterStyleChosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.current_label = QLabel("在“稿件编辑”中点入一段文字，双击样式即可应用")
        self.current_label.setWordWrap(True)
        layout.addWidget(self.current_label)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["样式", "字体", "字号"])
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        layout.addWidget(self.tree, 1)
        buttons = QHBoxLayout()
        self.apply_button = QPushButton("应用")
        self.apply_button.setToolTip("段落样式应用到当前段落；字符样式应用到选中的文字")
        buttons.addStretch(1)
        buttons.addWidget(self.apply_button)
        layout.addLayout(buttons)
        self.paragraph_root = QTreeWidgetItem(["段落样式"])
        self.character_root = QTreeWidgetItem(["字符样式"])
        self.tree.addTopLevelItems([self.paragraph_root, self.character_root])
        self.tree.itemDoubleClicked.connect(lambda item, _col: self._choose(item))
        self.apply_button.clicked.connect(lambda: self._choose(self.tree.currentItem()))
        self._current: str | None = None

    def set_styles(self, sheet: StyleSheet) -> None:
        current = self.tree.currentItem()
        keep = (current.data(0, KIND_ROLE), current.data(0, NAME_ROLE)) if current is not None else None
        for root in (self.paragraph_root, self.character_root):
            root.takeChildren()
        for style in sheet.paragraph.values():
            self._add(self.paragraph_root, PARAGRAPH, style.name, style.label, font_label(style.font),
                      size_label(style.size))
        for style in sheet.character.values():
            self._add(self.character_root, CHARACTER, style.name, style.label, font_label(style.font),
                      size_label(style.size))
        self.paragraph_root.setExpanded(True)
        self.character_root.setExpanded(True)
        if keep is not None:
            item = self.item(*keep) if keep[0] else None
            if item is not None:
                self.tree.setCurrentItem(item)
        self.show_current(self._current)

    def _add(self, root: QTreeWidgetItem, kind: str, name: str, label: str, font: str, size: str) -> None:
        item = QTreeWidgetItem([label, font, size])
        item.setData(0, KIND_ROLE, kind)
        item.setData(0, NAME_ROLE, name)
        item.setToolTip(0, f"{label}（{name}）")
        root.addChild(item)

    def item(self, kind: str, name: str) -> QTreeWidgetItem | None:
        root = self.paragraph_root if kind == PARAGRAPH else self.character_root
        for i in range(root.childCount()):
            if root.child(i).data(0, NAME_ROLE) == name:
                return root.child(i)
        return None

    def rows(self, kind: str) -> list[tuple[str, str, str, str]]:
        """(name, label, font, size) of the listed styles of ``kind``."""
        root = self.paragraph_root if kind == PARAGRAPH else self.character_root
        return [(it.data(0, NAME_ROLE), it.text(0), it.text(1), it.text(2))
                for it in (root.child(i) for i in range(root.childCount()))]

    def show_current(self, style_name: str | None, part_label: str = "") -> None:
        """Mark the paragraph style the current part uses (None: no part)."""
        self._current = style_name
        for i in range(self.paragraph_root.childCount()):
            it = self.paragraph_root.child(i)
            font = QFont(it.font(0))
            font.setBold(it.data(0, NAME_ROLE) == style_name)
            it.setFont(0, font)
        if style_name is None:
            self.current_label.setText("在“稿件编辑”中点入一段文字，双击样式即可应用")
            return
        it = self.item(PARAGRAPH, style_name)
        label = it.text(0) if it is not None else style_name
        self.current_label.setText(f"当前{part_label or '段落'}使用：<b>{label}</b>（{style_name}）")

    def current_style(self) -> str | None:
        return self._current

    def _choose(self, item: QTreeWidgetItem | None) -> None:
        if item is None:
            return
        kind, name = item.data(0, KIND_ROLE), item.data(0, NAME_ROLE)
        if kind == PARAGRAPH:
            self.paragraphStyleChosen.emit(name)
        elif kind == CHARACTER:
            self.characterStyleChosen.emit(name)
