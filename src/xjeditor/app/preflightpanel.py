"""The 印前检查 dock: preflight findings with severity, page and the Chinese message.

Activating a finding emits ``findingActivated(finding)``; the window selects the frame or
story it concerns.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..preflight import Finding, Severity
from ..preflight.findings import SEVERITY_ZH

SEVERITY_COLOR = {
    Severity.ERROR: QColor(200, 30, 30),
    Severity.WARNING: QColor(190, 110, 0),
    Severity.INFO: QColor(30, 90, 190),
}
SEVERITY_ICON = {
    Severity.ERROR: QStyle.StandardPixmap.SP_MessageBoxCritical,
    Severity.WARNING: QStyle.StandardPixmap.SP_MessageBoxWarning,
    Severity.INFO: QStyle.StandardPixmap.SP_MessageBoxInformation,
}


def summary_text(findings: Sequence[Finding]) -> str:
    """``错误 1，警告 3，提示 2`` (or ``没有发现问题``)."""
    if not findings:
        return "没有发现问题"
    counts = {s: sum(1 for f in findings if f.severity == s) for s in Severity}
    return "，".join(f"{SEVERITY_ZH[s]} {n}" for s, n in counts.items() if n)


def page_text(finding: Finding) -> str:
    return f"第{finding.page}版" if finding.page is not None else "全刊"


class PreflightPanel(QWidget):
    """A 检查 button, a summary line and one row per finding."""

    findingActivated = Signal(object)  # Finding
    checkRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.findings: list[Finding] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        self.check_button = QPushButton("检查")
        self.check_button.setToolTip("重新做印前检查")
        self.check_button.clicked.connect(self.checkRequested)
        self.summary = QLabel("")
        top.addWidget(self.check_button)
        top.addWidget(self.summary, 1)
        layout.addLayout(top)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["级别", "版次", "问题"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.tree.itemClicked.connect(self._activated)
        self.tree.itemActivated.connect(self._activated)
        layout.addWidget(self.tree, 1)

    def set_findings(self, findings: Sequence[Finding]) -> None:
        self.findings = list(findings)
        self.tree.clear()
        style = self.style()
        icons = {s: style.standardIcon(p) for s, p in SEVERITY_ICON.items()}
        items = []
        for i, f in enumerate(self.findings):
            item = QTreeWidgetItem([SEVERITY_ZH[f.severity], page_text(f), f.zh])
            item.setIcon(0, icons[f.severity])
            item.setForeground(0, QBrush(SEVERITY_COLOR[f.severity]))
            item.setData(0, Qt.ItemDataRole.UserRole, i)
            item.setToolTip(2, f"{f.zh}\n{f.en}\n（{f.code}）")
            items.append(item)
        self.tree.addTopLevelItems(items)
        self.summary.setText(summary_text(self.findings))

    def set_failed(self, message: str) -> None:
        self.findings = []
        self.tree.clear()
        self.summary.setText(message)

    def rows(self) -> list[tuple[str, str, str]]:
        out = []
        for i in range(self.tree.topLevelItemCount()):
            it = self.tree.topLevelItem(i)
            out.append((it.text(0), it.text(1), it.text(2)))
        return out

    def activate_row(self, row: int) -> None:
        """What a click on row ``row`` does (for tests and keyboard use)."""
        item = self.tree.topLevelItem(row)
        if item is not None:
            self.tree.setCurrentItem(item)
            self._activated(item)

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        index = item.data(0, Qt.ItemDataRole.UserRole)
        if index is not None and 0 <= index < len(self.findings):
            self.findingActivated.emit(self.findings[index])
