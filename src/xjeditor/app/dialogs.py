"""Every modal question the editor asks, in one place so tests can patch them.

The window calls these through the module (``dialogs.ask_unsaved(...)``), never by
importing the functions, so ``monkeypatch.setattr(dialogs, "ask_unsaved", ...)`` works.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QMessageBox,
    QProgressDialog,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..layouts import available_layouts, load_layout, page_count_warning

FILE_FILTER = "社区报文件 (*.xjb);;所有文件 (*)"
PDF_FILTER = "PDF 文件 (*.pdf);;所有文件 (*)"

# answers
SAVE, DISCARD, CANCEL = "save", "discard", "cancel"
OVERWRITE, SAVE_AS = "overwrite", "save_as"
RECOVER = "recover"  # with DISCARD and CANCEL: the answers of ask_recovery


def _ask(parent: QWidget | None, title: str, text: str, informative: str,
         buttons: list[tuple[str, QMessageBox.ButtonRole, str]], default: str, escape: str,
         icon: QMessageBox.Icon = QMessageBox.Icon.Warning) -> str:
    box = QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setText(text)
    if informative:
        box.setInformativeText(informative)
    made = {}
    for label, role, answer in buttons:
        made[answer] = box.addButton(label, role)
    box.setDefaultButton(made[default])
    box.setEscapeButton(made[escape])
    box.exec()
    clicked = box.clickedButton()
    for answer, button in made.items():
        if button is clicked:
            return answer
    return escape


def ask_unsaved(parent: QWidget | None, name: str) -> str:
    """保存 / 不保存 / 取消 before closing or replacing a changed issue."""
    return _ask(parent, "保存修改", f"“{name}”已修改，是否保存？", "不保存的话，所做的修改将丢失。",
                [("保存", QMessageBox.ButtonRole.AcceptRole, SAVE),
                 ("不保存", QMessageBox.ButtonRole.DestructiveRole, DISCARD),
                 ("取消", QMessageBox.ButtonRole.RejectRole, CANCEL)], SAVE, CANCEL)


def ask_file_changed(parent: QWidget | None, name: str, message_zh: str) -> str:
    """覆盖 / 另存为 / 取消 when the file changed on disk since it was opened."""
    return _ask(parent, "文件已被修改", f"“{name}”：{message_zh}。",
                "覆盖会丢掉磁盘上别人所做的修改；另存为可以保留两份。",
                [("覆盖", QMessageBox.ButtonRole.DestructiveRole, OVERWRITE),
                 ("另存为…", QMessageBox.ButtonRole.AcceptRole, SAVE_AS),
                 ("取消", QMessageBox.ButtonRole.RejectRole, CANCEL)], SAVE_AS, CANCEL)


def ask_recovery(parent: QWidget | None, name: str, when: str) -> str:
    """恢复 / 丢弃 / 取消 when an issue has an autosaved copy newer than the file."""
    return _ask(parent, "恢复未保存的修改", f"“{name}”有一份自动保存的副本（{when}），比文件本身新。",
                "上次可能没有正常退出。恢复会打开自动保存的内容；丢弃会删除这份副本。",
                [("恢复", QMessageBox.ButtonRole.AcceptRole, RECOVER),
                 ("丢弃", QMessageBox.ButtonRole.DestructiveRole, DISCARD),
                 ("取消", QMessageBox.ButtonRole.RejectRole, CANCEL)], RECOVER, CANCEL,
                QMessageBox.Icon.Question)


def ask_untitled_recovery(parent: QWidget | None, name: str, when: str) -> str:
    """恢复 / 丢弃 / 以后再说 at start-up for a never-saved issue's autosaved copy."""
    return _ask(parent, "恢复未保存的新建期刊", f"发现未保存的新建期刊“{name}”（自动保存于 {when}）。是否恢复？",
                "上次可能没有正常退出。恢复会打开自动保存的内容（尚未保存为文件）；丢弃会删除这份副本；"
                "以后再说则保留副本，下次启动时再问。",
                [("恢复", QMessageBox.ButtonRole.AcceptRole, RECOVER),
                 ("丢弃", QMessageBox.ButtonRole.DestructiveRole, DISCARD),
                 ("以后再说", QMessageBox.ButtonRole.RejectRole, CANCEL)], RECOVER, CANCEL,
                QMessageBox.Icon.Question)


def ask_delete_page(parent: QWidget | None, label: str) -> bool:
    """删除 / 取消 before a page is deleted (True: delete it)."""
    return _ask(parent, "删除版面", f"确定要删除{label}吗？",
                "版面上的所有框都会一起删除，串接到这一版的文字会在前一个框处断开。可以用“撤销”恢复。",
                [("删除", QMessageBox.ButtonRole.DestructiveRole, "delete"),
                 ("取消", QMessageBox.ButtonRole.RejectRole, CANCEL)], CANCEL, CANCEL,
                QMessageBox.Icon.Question) == "delete"


def ask_recoveries(parent: QWidget | None, items: list[tuple[str, str, str]]) -> tuple[str, int]:
    """At start-up, every autosaved copy a crash left, in one list of (name, when, where):
    恢复 (the chosen one), 丢弃 (the chosen one) or 以后再说. Returns (RECOVER, row),
    (DISCARD, row) or (CANCEL, -1)."""
    dialog = QDialog(parent)
    dialog.setWindowTitle("恢复自动保存的副本")
    layout = QVBoxLayout(dialog)
    label = QLabel(f"上次可能没有正常退出，发现 {len(items)} 份自动保存的副本。请选择一份恢复或丢弃；"
                   "“以后再说”会保留全部副本，下次启动时再问。")
    label.setWordWrap(True)
    layout.addWidget(label)
    rows = QListWidget()
    for name, when, where in items:
        rows.addItem(f"{name}　自动保存于 {when}\n{where}")
    rows.setCurrentRow(0)
    rows.setMinimumWidth(460)
    layout.addWidget(rows)
    buttons = QDialogButtonBox()
    made = {RECOVER: buttons.addButton("恢复", QDialogButtonBox.ButtonRole.AcceptRole),
            DISCARD: buttons.addButton("丢弃", QDialogButtonBox.ButtonRole.DestructiveRole),
            CANCEL: buttons.addButton("以后再说", QDialogButtonBox.ButtonRole.RejectRole)}
    made[RECOVER].setDefault(True)
    answer = [CANCEL]

    def clicked(button) -> None:
        answer[0] = next(a for a, b in made.items() if b is button)
        dialog.done(0)

    buttons.clicked.connect(clicked)
    layout.addWidget(buttons)
    dialog.exec()
    row = rows.currentRow()
    if answer[0] == CANCEL or row < 0:
        return CANCEL, -1
    return answer[0], row


def _message(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str, detail: str) -> None:
    box = QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setText(text)
    if detail:
        box.setInformativeText(detail)
    box.addButton("确定", QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def show_info(parent: QWidget | None, title: str, text: str, detail: str = "") -> None:
    _message(parent, QMessageBox.Icon.Information, title, text, detail)


def get_export_path(parent: QWidget | None, suggested: str = "") -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, "导出 PDF", suggested, PDF_FILTER)
    if path and not path.lower().endswith(".pdf"):
        path += ".pdf"
    return path or None


def export_progress(parent: QWidget | None, total: int) -> QProgressDialog:
    """The window-modal progress dialog of a PDF export (one step per page)."""
    dialog = QProgressDialog("正在导出 PDF…", "取消", 0, max(total, 1), parent)
    dialog.setWindowTitle("导出 PDF")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(0)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    dialog.setValue(0)
    return dialog


def show_error(parent: QWidget | None, title: str, text: str, detail: str = "") -> None:
    _message(parent, QMessageBox.Icon.Critical, title, text, detail)


def get_open_path(parent: QWidget | None, start: str = "") -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, "打开社区报", start, FILE_FILTER)
    return path or None


IMAGE_FILTER = "图片 (*.jpg *.jpeg *.png *.tif *.tiff);;所有文件 (*)"


def get_image_path(parent: QWidget | None, start: str = "") -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, "置入图片", start, IMAGE_FILTER)
    return path or None


def choose_story(parent: QWidget | None, items: list[tuple[str, str]]) -> str | None:
    """Pick a story: ``items`` are (story id, label); returns the id or None."""
    if not items:
        return None
    labels = [label for _, label in items]
    label, ok = QInputDialog.getItem(parent, "排入稿件", "选择要排入的稿件：", labels, 0, False)
    if not ok:
        return None
    return items[labels.index(label)][0] if label in labels else None


def ask_headline(parent: QWidget | None) -> str | None:
    """The 主题 of a new story, or None when cancelled."""
    text, ok = QInputDialog.getText(parent, "新建稿件", "主题：")
    return text.strip() if ok and text.strip() else None


def get_save_path(parent: QWidget | None, suggested: str = "") -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, "另存为", suggested, FILE_FILTER)
    if path and not path.lower().endswith(".xjb"):
        path += ".xjb"
    return path or None


@dataclass
class NewIssueSettings:
    layout: str
    pages: int
    number: int
    total_number: int
    date: _dt.date


class NewIssueDialog(QDialog):
    """新建: pick a layout template, the page count, 期号 and date."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("新建一期")
        form = QFormLayout(self)
        self.layout_box = QComboBox()
        for name, _path in available_layouts():
            self.layout_box.addItem(name, name)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setStyleSheet("color: #555")
        self.pages = QSpinBox()
        self.pages.setRange(1, 64)
        self.pages.setValue(4)
        self.pages.setSuffix(" 版")
        self.number = QSpinBox()
        self.number.setRange(1, 99999)
        self.number.setPrefix("第 ")
        self.number.setSuffix(" 期")
        self.total = QSpinBox()
        self.total.setRange(0, 999999)
        self.total.setSpecialValueText("不印")
        self.total.setPrefix("总第 ")
        self.total.setSuffix(" 期")
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy年M月d日")
        self.warning = QLabel()
        self.warning.setStyleSheet("color: #b05000")
        self.warning.setWordWrap(True)
        form.addRow("版式", self.layout_box)
        form.addRow("", self.description)
        form.addRow("版数", self.pages)
        form.addRow("期号", self.number)
        form.addRow("总期号", self.total)
        form.addRow("出版日期", self.date)
        form.addRow("", self.warning)
        buttons = QDialogButtonBox()
        buttons.addButton("新建", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.layout_box.currentIndexChanged.connect(self._describe)
        self.pages.valueChanged.connect(self._check_pages)
        self._describe()
        self._check_pages()
        self.setMinimumWidth(380)

    def _describe(self) -> None:
        name = self.layout_box.currentData()
        try:
            self.description.setText(load_layout(name).description if name else "")
        except Exception as exc:  # a broken template: say so, do not crash the dialog
            self.description.setText(f"版式无法读取：{exc}")

    def _check_pages(self) -> None:
        self.warning.setText("" if page_count_warning(self.pages.value()) is None
                             else "提示：版数最好是 4 的倍数（折页印刷），否则印刷时需补空白版。")

    def settings(self) -> NewIssueSettings:
        d = self.date.date()
        return NewIssueSettings(self.layout_box.currentData(), self.pages.value(), self.number.value(),
                                self.total.value(), _dt.date(d.year(), d.month(), d.day()))


def ask_new_issue(parent: QWidget | None) -> NewIssueSettings | None:
    dialog = NewIssueDialog(parent)
    return dialog.settings() if dialog.exec() == QDialog.DialogCode.Accepted else None
