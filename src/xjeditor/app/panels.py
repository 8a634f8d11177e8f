"""Docked panels: page thumbnails, the story list with copyfit, and the story editor."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
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
from ..pipeline import DisplayDocument
from ..render.qt import QtPageRenderer
from .storyform import BODY_KINDS, PHOTO_MARK, SUBHEAD_MARK, StoryForm, form_from_story

THUMB_WIDTH = 120  # px
LIVE_APPLY_MS = 150  # idle time after typing before the edit is set on the page

OVERSET = QColor(200, 30, 30)
UNDERSET = QColor(30, 90, 190)
FITS = QColor(20, 130, 50)


def story_rows(ts: DisplayDocument) -> list[tuple[str, str, str, str]]:
    """(id, headline, copyfit status, pages) of every story, layout furniture left out."""
    rows = []
    for sid, lay in ts.stories.items():
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
    """Thumbnails of the pages; selecting one scrolls the canvas to it. Dragging a
    thumbnail onto another asks for the page to be moved there (``pageMoveRequested``);
    the list itself is rebuilt from the document afterwards."""

    pageActivated = Signal(int)
    pageMoveRequested = Signal(int, int)  # from, to

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
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.currentRowChanged.connect(self._row_changed)
        self._updating = False

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """A thumbnail dropped on another: the page moves to that position (an undo step
        made by the window); the list items are not moved by the view itself."""
        if event.source() is not self:
            event.ignore()
            return
        src = self.currentRow()
        index = self.indexAt(event.position().toPoint())
        dst = index.row() if index.isValid() else self.count() - 1
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        if src >= 0 and dst >= 0 and src != dst:
            self.pageMoveRequested.emit(src, dst)

    def set_pages(self, ts: DisplayDocument, renderer: QtPageRenderer) -> None:
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

    def set_stories(self, ts: DisplayDocument) -> None:
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


@dataclass(frozen=True)
class PartContext:
    """Where the user is in the story editor: a part (index into ``story.parts``) and the
    selected characters of its text (``start == end``: no selection)."""

    story_id: str
    part: int
    start: int = 0
    end: int = 0


class StoryEditor(QWidget):
    """A form over one story's parts.

    Edits are applied live: ~150 ms after the user stops typing (and at once when a field
    loses the focus) ``liveEdited`` carries the form and a *burst* key; edits with the same
    key merge into one undo step. A burst ends when the user moves to another part, leaves
    the field, or an edit fails. Only committed text counts: while an input method is
    composing (preedit), nothing is applied. 立即应用 (``applied``) applies at once.
    """

    applied = Signal(str, object)  # story id, StoryForm
    liveEdited = Signal(str, object, object)  # story id, StoryForm, burst key
    partChanged = Signal(object)  # PartContext | None: the part the cursor is in

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.story_id: str | None = None
        self._loaded: StoryForm | None = None
        self._story = None  # the Story last shown, to map cursor positions to parts
        self._loading = False
        self._composing: set[QWidget] = set()
        self._field: QWidget | None = None  # the field the user last worked in
        self._line_selection: dict[QWidget, tuple[int, int]] = {}
        self._burst_serial = 0
        self._burst: tuple | None = None
        self._context: PartContext | None = None
        self.live_timer = QTimer(self)
        self.live_timer.setSingleShot(True)
        self.live_timer.setInterval(LIVE_APPLY_MS)
        self.live_timer.timeout.connect(self.flush)
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
        self.part_label = QLabel("")
        self.part_label.setStyleSheet("color: gray")
        outer.addWidget(self.part_label)
        buttons = QHBoxLayout()
        self.status = QLabel("")
        buttons.addWidget(self.status, 1)
        self.revert_button = QPushButton("还原")
        self.revert_button.setToolTip("放弃尚未排入的修改")
        self.apply_button = QPushButton("立即应用")
        self.apply_button.setDefault(True)
        self.apply_button.setToolTip("修改会在停止输入后自动排入版面；此按钮立即排入（Ctrl+Enter），可撤销")
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.apply_button)
        outer.addLayout(buttons)
        self.apply_button.clicked.connect(self.apply)
        self.revert_button.clicked.connect(self.revert)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.apply, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        for w in self.widgets():
            w.installEventFilter(self)
            w.textChanged.connect(lambda *_a, w=w: self._text_changed(w))
            if isinstance(w, QLineEdit):
                w.cursorPositionChanged.connect(lambda *_a, w=w: self._cursor_moved(w))
                w.selectionChanged.connect(lambda w=w: self._line_selection_changed(w))
            else:
                w.cursorPositionChanged.connect(lambda w=w: self._cursor_moved(w))
                w.selectionChanged.connect(lambda w=w: self._cursor_moved(w))
        self.setEnabled(False)

    def widgets(self) -> list[QWidget]:
        return [*self.head.values(), self.notes, self.body]

    # ---- showing a story ----------------------------------------------------------------
    def set_story(self, story: Story | None, status: str = "") -> None:
        """Show a story (discarding unapplied edits of the previous one)."""
        self.live_timer.stop()
        self._burst = None
        self._composing.clear()
        self._line_selection.clear()
        self._loading = True
        try:
            if story is None:
                self.story_id = None
                self._story = None
                self._loaded = None
                self.caption.setText("在“稿件”面板中选择一篇稿件")
                for w in self.widgets():
                    w.clear() if isinstance(w, QLineEdit) else w.setPlainText("")
                self.status.setText("")
                self.setEnabled(False)
            else:
                self.setEnabled(True)
                self.story_id = story.id
                self._story = story
                form = form_from_story(story)
                self._loaded = form
                self._show_caption(story)
                self._fill(form)
                self.set_status(status)
        finally:
            self._loading = False
        self._update_context()

    def _show_caption(self, story: Story) -> None:
        self.caption.setText(f"<b>{_html(story.headline or story.title or story.id)}</b>"
                             f"　<span style='color:gray'>{story.id}</span>")

    def _fill(self, form: StoryForm) -> None:
        for kind, w in self.head.items():
            text = form.head.get(kind, "")
            w.setText(text) if isinstance(w, QLineEdit) else w.setPlainText(text)
        self.notes.setPlainText(form.notes)
        self.body.setPlainText(form.body)

    def set_status(self, status: str) -> None:
        color = status_color(status).name() if status else "black"
        self.status.setText(f"字数核对：<b style='color:{color}'>{_html(status)}</b>" if status else "")

    def refresh(self, story: Story | None, status: str) -> None:
        """The model changed (an undo, a live edit, a style): keep what the user typed when it
        is what the story holds, or when it is not applied yet; otherwise reload."""
        if story is None:
            self.set_story(None)
            return
        current = self.form()
        if self._loaded is not None and current != self._loaded:  # typing not applied yet
            self._story = story
            self._show_caption(story)
            self.set_status(status)
        elif form_from_story(story) == current or self.form_gives(story, current):
            self._story = story  # the fields already show this story: keep cursor and selection
            self._loaded = current
            self._show_caption(story)
            self.set_status(status)
            self._update_context()
        else:
            self.set_story(story, status)

    @staticmethod
    def form_gives(story: Story, form: StoryForm) -> bool:
        """True when ``form`` (as typed, blank lines and all) yields the story's parts."""
        from .storyform import parts_from_form

        try:
            return parts_from_form(story, form) == story.parts
        except ValueError:
            return False

    def form(self) -> StoryForm:
        head = {}
        for kind, w in self.head.items():
            head[kind] = w.text() if isinstance(w, QLineEdit) else w.toPlainText()
        return StoryForm(head, self.notes.toPlainText(), self.body.toPlainText())

    def is_dirty(self) -> bool:
        return self._loaded is not None and self.form() != self._loaded

    def mark_applied(self, story: Story | None = None) -> None:
        """What the fields show is now in the model (after a live edit)."""
        self._loaded = self.form()
        if story is not None:
            self._story = story
            self._show_caption(story)  # the headline may be what was typed
        self._update_context()

    def end_burst(self) -> None:
        """The next edit starts a new undo step."""
        self._burst = None

    # ---- applying ------------------------------------------------------------------------
    def apply(self) -> None:
        self.live_timer.stop()
        self._burst = None
        if self.story_id is not None:
            self.applied.emit(self.story_id, self.form())

    def flush(self) -> None:
        """Apply pending typing now (the debounce ran out, the field lost the focus, or a
        style is about to be applied). Waits while an input method is composing."""
        self.live_timer.stop()
        if self._composing:
            self.live_timer.start()
            return
        if self.story_id is None or not self.is_dirty():
            return
        if self._burst is None:
            self._burst_serial += 1
            self._burst = (self.story_id, self._field_key(), self._burst_serial)
        self.liveEdited.emit(self.story_id, self.form(), self._burst)

    def revert(self) -> None:
        self.live_timer.stop()
        self._burst = None
        if self._loaded is not None:
            self._loading = True
            try:
                self._fill(self._loaded)
            finally:
                self._loading = False

    def _field_key(self) -> tuple:
        ctx = self._context
        w = self._field
        name = next((k.value for k, v in self.head.items() if v is w), "notes" if w is self.notes else "body")
        return (name, ctx.part if ctx is not None else -1)

    def _text_changed(self, w: QWidget) -> None:
        if self._loading or self.story_id is None:
            return
        if not w.hasFocus():
            return  # set from code (a test, a revert): applied with 立即应用, not live
        if self._field is not w:
            self._field = w
            self._burst = None
        self.live_timer.start()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        t = event.type()
        if t == QEvent.Type.InputMethod:
            if event.preeditString():
                self._composing.add(obj)
            else:
                self._composing.discard(obj)
        elif t == QEvent.Type.FocusIn:
            if self._field is not obj:
                self._burst = None
            self._field = obj
            self._update_context()
        elif t == QEvent.Type.FocusOut:
            self._composing.discard(obj)
            if self.live_timer.isActive() or self.is_dirty():
                self.flush()
            self._burst = None
        return super().eventFilter(obj, event)

    # ---- where the cursor is -----------------------------------------------------------
    def _cursor_moved(self, w: QWidget) -> None:
        if self._loading or not w.hasFocus():
            return
        self._field = w
        before = self._context
        self._update_context()
        if before is not None and self._context is not None and before.part != self._context.part:
            if self.live_timer.isActive():
                self.flush()  # the typing in the part just left is one step
            self._burst = None

    def _line_selection_changed(self, w: QLineEdit) -> None:
        if w.hasSelectedText():
            start = w.selectionStart()
            self._line_selection[w] = (start, start + len(w.selectedText()))
        elif w.hasFocus():
            self._line_selection.pop(w, None)
        self._cursor_moved(w)

    def current_part(self) -> PartContext | None:
        return self._context

    def focus_part_field(self, w: QWidget) -> None:
        """Make ``w`` the field the styles panel acts on (as if the user clicked into it)."""
        self._field = w
        self._update_context()

    def _update_context(self) -> None:
        ctx = self._compute_context()
        if ctx != self._context:
            self._context = ctx
            self.partChanged.emit(ctx)
        self._show_part(ctx)

    def _show_part(self, ctx: PartContext | None) -> None:
        story = self._story
        if ctx is None or story is None or ctx.part >= len(story.parts):
            self.part_label.setText("")
            return
        part = story.parts[ctx.part]
        from ..model import PART_LABELS

        self.part_label.setText(f"当前：{PART_LABELS.get(part.kind, part.kind)}，样式 {part.style_name}"
                                + (f"，已选 {ctx.end - ctx.start} 字" if ctx.end > ctx.start else ""))

    def _compute_context(self) -> PartContext | None:
        """The part the last-used field's cursor is in, with the selection in part-text
        offsets; None when the field does not map to a part (an empty line, say)."""
        story, w = self._story, self._field
        if story is None or w is None or self.story_id != story.id:
            return None
        if isinstance(w, QLineEdit):
            text = w.text()
            start, end = self._line_selection.get(w, (w.cursorPosition(), w.cursorPosition()))
            line, prefix = text, 0
        else:
            cur = w.textCursor()
            block = cur.block()
            line = block.text()
            pos0 = block.position()
            start = max(cur.selectionStart() - pos0, 0)
            end = min(max(cur.selectionEnd() - pos0, 0), len(line))
            prefix = 0
        kind = next((k for k, v in self.head.items() if v is w), None)
        if kind is not None:
            parts = [i for i, p in enumerate(story.parts) if p.kind == kind]
            if not parts:
                return None
            index = parts[0]
            if isinstance(w, QPlainTextEdit):  # a two-line head: offsets over the whole text
                cur = w.textCursor()
                start, end = cur.selectionStart(), cur.selectionEnd()
                line = w.toPlainText()
        else:
            block_no = w.textCursor().blockNumber()
            lines = w.toPlainText().split("\n")
            if block_no >= len(lines) or not lines[block_no].strip():
                return None
            nth = sum(1 for ln in lines[:block_no] if ln.strip())
            if w is self.notes:
                indices = [i for i, p in enumerate(story.parts) if p.kind == PartKind.NOTE]
            else:
                indices = [i for i, p in enumerate(story.parts) if p.kind in BODY_KINDS]
                stripped = line.lstrip()
                for mark in (SUBHEAD_MARK, PHOTO_MARK):
                    if stripped.startswith(mark):
                        prefix = len(mark)
            if nth >= len(indices):
                return None
            index = indices[nth]
        lead = len(line) - len(line.lstrip())
        n = len(story.parts[index].text)
        s = min(max(start - lead - prefix, 0), n)
        e = min(max(end - lead - prefix, 0), n)
        return PartContext(story.id, index, min(s, e), max(s, e))


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
