"""Docked panels: page thumbnails, the story list with copyfit, and the story editor."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QIcon, QImage, QKeySequence, QPainter, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..model import PartKind, Story
from ..render.export import Typeset
from ..render.qt import QtPageRenderer
from .storyform import StoryForm, form_from_story

THUMB_WIDTH = 120  # px

OVERSET = QColor(200, 30, 30)
UNDERSET = QColor(30, 90, 190)
FITS = QColor(20, 130, 50)


def story_rows(ts: Typeset) -> list[tuple[str, str, str, str]]:
    """(id, headline, copyfit status, pages) of every story, layout furniture left out."""
    rows = []
    for sid, lay in ts.layout.stories.items():
        if sid.startswith("_"):
            continue
        story = ts.issue.stories.get(sid)
        headline = (story.headline if story else "") or (story.title if story else "") or sid
        pages = "、".join(str(p + 1) for p in lay.pages) if lay.pages else "未排入"
        rows.append((sid, headline, lay.copyfit.status, pages))
    placed = {r[0] for r in rows}
    for sid, story in ts.issue.stories.items():  # stories in no frame yet
        if not sid.startswith("_") and sid not in placed:
            rows.append((sid, story.headline or story.title or sid, "未排入", "—"))
    return rows


def status_color(status: str) -> QColor:
    if status.startswith("超") or status == "未排入":
        return OVERSET
    if status.startswith("缺"):
        return UNDERSET
    return FITS


class PagesPanel(QListWidget):
    """Thumbnails of the pages; selecting one scrolls the canvas to it."""

    pageActivated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setFlow(QListWidget.Flow.TopToBottom)
        self.setWrapping(False)
        self.setMovement(QListWidget.Movement.Static)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setIconSize(QSize(THUMB_WIDTH, int(THUMB_WIDTH * 1.45)))
        self.setSpacing(6)
        self.setStyleSheet("QListWidget { background: #9a9a9a; }"
                           "QListWidget::item { color: #202020; border-radius: 3px; padding: 4px; }"
                           "QListWidget::item:selected { background: #3d7be0; color: white; }")
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.currentRowChanged.connect(self._row_changed)
        self._updating = False

    def set_pages(self, ts: Typeset, renderer: QtPageRenderer) -> None:
        self._updating = True
        current = max(self.currentRow(), 0)
        self.clear()
        for i, page in enumerate(ts.pages):
            section = ts.issue.pages[i].section if i < len(ts.issue.pages) else ""
            pixmap = QPixmap.fromImage(thumbnail(page, renderer))
            icon = QIcon()
            for mode in (QIcon.Mode.Normal, QIcon.Mode.Selected, QIcon.Mode.Active):
                icon.addPixmap(pixmap, mode)
            item = QListWidgetItem(icon, f"第 {i + 1} 版" + (f"\n{section}" if section else ""))
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter)
            self.addItem(item)
        if self.count():
            self.setCurrentRow(min(current, self.count() - 1))
        self._updating = False

    def show_page(self, index: int) -> None:
        self._updating = True
        if 0 <= index < self.count():
            self.setCurrentRow(index)
        self._updating = False

    def _row_changed(self, row: int) -> None:
        if not self._updating and row >= 0:
            self.pageActivated.emit(row)


def thumbnail(page, renderer: QtPageRenderer, width: int = THUMB_WIDTH) -> QImage:
    scale = width / page.width
    img = QImage(width, max(1, round(page.height * scale)), QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(Qt.GlobalColor.white)
    painter = QPainter(img)
    try:
        painter.save()
        painter.scale(scale, scale)
        renderer.paint(painter, page)
        painter.restore()
        painter.setPen(QColor(90, 90, 90))
        painter.drawRect(0, 0, img.width() - 1, img.height() - 1)
    finally:
        painter.end()
    return img


class StoriesPanel(QTreeWidget):
    """Every story with its copyfit figure and the pages it runs on."""

    storySelected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderLabels(["稿件", "字数核对", "版次"])
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        header = self.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self.currentItemChanged.connect(self._current_changed)
        self._updating = False

    def set_stories(self, ts: Typeset) -> None:
        self._updating = True
        current = self.current_story()
        self.clear()
        for sid, headline, status, pages in story_rows(ts):
            item = QTreeWidgetItem([headline, status, pages])
            item.setData(0, Qt.ItemDataRole.UserRole, sid)
            item.setToolTip(0, f"{headline}（{sid}）")
            item.setForeground(1, QBrush(status_color(status)))
            self.addTopLevelItem(item)
            if sid == current:
                self.setCurrentItem(item)
        self._updating = False

    def current_story(self) -> str | None:
        item = self.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    def rows(self) -> list[tuple[str, str, str, str]]:
        out = []
        for i in range(self.topLevelItemCount()):
            it = self.topLevelItem(i)
            out.append((it.data(0, Qt.ItemDataRole.UserRole), it.text(0), it.text(1), it.text(2)))
        return out

    def select_story(self, story_id: str) -> None:
        for i in range(self.topLevelItemCount()):
            it = self.topLevelItem(i)
            if it.data(0, Qt.ItemDataRole.UserRole) == story_id:
                self.setCurrentItem(it)
                return

    def _current_changed(self, current, _previous) -> None:
        if not self._updating and current is not None:
            self.storySelected.emit(current.data(0, Qt.ItemDataRole.UserRole))


HEAD_FIELDS = [
    (PartKind.COLUMN_TAG, "栏目", False),
    (PartKind.KICKER, "引题", True),
    (PartKind.TITLE, "主题", True),
    (PartKind.SUBTITLE, "副题", True),
    (PartKind.BYLINE, "作者", False),
]


class StoryEditor(QWidget):
    """A form over one story's parts; 应用 emits the edited form for an undo command."""

    applied = Signal(str, object)  # story id, StoryForm

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.story_id: str | None = None
        self._loaded: StoryForm | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        self.caption = QLabel("在“稿件”面板中选择一篇稿件")
        self.caption.setWordWrap(True)
        outer.addWidget(self.caption)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.head: dict[PartKind, QLineEdit | QPlainTextEdit] = {}
        for kind, label, multiline in HEAD_FIELDS:
            if multiline:
                w = QPlainTextEdit()
                w.setTabChangesFocus(True)
                w.setFixedHeight(w.fontMetrics().lineSpacing() * 2 + 14)
                w.setPlaceholderText("回车可分两行")
            else:
                w = QLineEdit()
            self.head[kind] = w
            form.addRow(label, w)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(self.notes.fontMetrics().lineSpacing() * 3 + 14)
        self.notes.setPlaceholderText("每行一段")
        form.addRow("编者按", self.notes)
        outer.addLayout(form)
        outer.addWidget(QLabel("正文（每行一段；“@subhead ”开头为小标题，“@photo ”开头为图片说明）"))
        self.body = QPlainTextEdit()
        self.body.setTabChangesFocus(True)
        outer.addWidget(self.body, 1)
        buttons = QHBoxLayout()
        self.status = QLabel("")
        buttons.addWidget(self.status, 1)
        self.revert_button = QPushButton("还原")
        self.apply_button = QPushButton("应用")
        self.apply_button.setDefault(True)
        self.apply_button.setToolTip("把修改排入版面（Ctrl+Enter），可撤销")
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.apply_button)
        outer.addLayout(buttons)
        self.apply_button.clicked.connect(self.apply)
        self.revert_button.clicked.connect(self.revert)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.apply, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.setEnabled(False)

    def widgets(self) -> list[QWidget]:
        return [*self.head.values(), self.notes, self.body]

    def set_story(self, story: Story | None, status: str = "") -> None:
        """Show a story (discarding unapplied edits of the previous one)."""
        if story is None:
            self.story_id = None
            self._loaded = None
            self.caption.setText("在“稿件”面板中选择一篇稿件")
            for w in self.widgets():
                w.clear() if isinstance(w, QLineEdit) else w.setPlainText("")
            self.status.setText("")
            self.setEnabled(False)
            return
        self.setEnabled(True)
        self.story_id = story.id
        form = form_from_story(story)
        self._loaded = form
        self.caption.setText(f"<b>{_html(story.headline or story.title or story.id)}</b>　<span style='color:gray'>{story.id}</span>")
        for kind, w in self.head.items():
            text = form.head.get(kind, "")
            w.setText(text) if isinstance(w, QLineEdit) else w.setPlainText(text)
        self.notes.setPlainText(form.notes)
        self.body.setPlainText(form.body)
        self.set_status(status)

    def set_status(self, status: str) -> None:
        color = status_color(status).name() if status else "black"
        self.status.setText(f"字数核对：<b style='color:{color}'>{_html(status)}</b>" if status else "")

    def refresh(self, story: Story | None, status: str) -> None:
        """The model changed (an undo, say): reload unless the user has unapplied edits."""
        if story is None:
            self.set_story(None)
        elif self._loaded is not None and self.form() == self._loaded:
            self.set_story(story, status)
        else:
            self.set_status(status)

    def form(self) -> StoryForm:
        head = {}
        for kind, w in self.head.items():
            head[kind] = w.text() if isinstance(w, QLineEdit) else w.toPlainText()
        return StoryForm(head, self.notes.toPlainText(), self.body.toPlainText())

    def is_dirty(self) -> bool:
        return self._loaded is not None and self.form() != self._loaded

    def apply(self) -> None:
        if self.story_id is not None:
            self.applied.emit(self.story_id, self.form())

    def revert(self) -> None:
        if self._loaded is not None:
            for kind, w in self.head.items():
                text = self._loaded.head.get(kind, "")
                w.setText(text) if isinstance(w, QLineEdit) else w.setPlainText(text)
            self.notes.setPlainText(self._loaded.notes)
            self.body.setPlainText(self._loaded.body)



def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
