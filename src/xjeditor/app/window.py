"""The main window: canvas in the middle, pages on the left, stories and the story editor on
the right, menus and a status bar in Chinese. Edits go onto one QUndoStack."""

from __future__ import annotations

import copy
import datetime as _dt
import math
import os
import warnings
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QSizePolicy,
    QToolBar,
    QWidget,
)

from ..fileformat import FileChangedError, IssueFileError, file_hash, load_issue
from ..fileformat.schema import FRAME_MARGIN_MM
from ..layouts import LayoutError, PageCountWarning, new_issue
from ..model import (
    PART_LABELS,
    FitMode,
    ImageAsset,
    ImageFrame,
    Issue,
    PartKind,
    Rect,
    RuleFrame,
    Span,
    Story,
    StoryPart,
    TextFrame,
)
from ..preflight import Finding
from ..preflight import run_preflight as preflight_findings
from ..render.export import export_pdf, shared_registry
from ..render.qt import QtPageRenderer
from . import dialogs, recovery
from .canvas import TOOL_IMAGE, TOOL_RULE, TOOL_SELECT, TOOL_TEXT, TOOL_THREAD, PageCanvas, Selection
from .commands import (
    ATTR_MERGE_IDS,
    AddFrameCommand,
    AddImageCommand,
    AddPageCommand,
    AddStoryCommand,
    DeleteFrameCommand,
    DeletePageCommand,
    EditStoryCommand,
    MovePageCommand,
    SetFrameAttrsCommand,
    SetFrameGeometryCommand,
)
from .document import Document, TypesetFailed
from .panels import PagesPanel, PartContext, StoriesPanel, StoryEditor
from .preflightpanel import PreflightPanel, summary_text
from .properties import PropertiesPanel
from .storyform import StoryForm, parts_from_form
from .stylespanel import StylesPanel

APP_TITLE = "XJ Editor 社区报排版"
RECENT_KEY = "recent_files"
MAX_RECENT = 8
AUTOSAVE_MS = 60_000  # how often unsaved changes are written to the recovery file
MIN_RULE_MM = 1.0  # a rule shorter than this is not drawn or kept


class ExportCancelled(Exception):
    """Raised from the export's progress callback when the user cancels."""


class MainWindow(QMainWindow):
    def __init__(self, settings: QSettings | None = None, parent: QWidget | None = None, *,
                 autosave_ms: int = AUTOSAVE_MS) -> None:
        super().__init__(parent)
        self.settings = settings if settings is not None else QSettings("XJEditor", "xjeditor")
        self.undo_stack = QUndoStack(self)
        self.doc: Document | None = None
        self.renderer: QtPageRenderer | None = None
        self.typeset_error: str = ""
        self._selecting_from_canvas = False
        self._edits = 0  # document changes so far; autosave skips when nothing changed since
        self._autosaved_edits = -1
        self._recovery_file: Path | None = None  # the recovery file this window wrote
        self._recovery_lock = None  # QLockFile held on an untitled issue's recovery file
        self._preflight_stale = True
        self.findings: list[Finding] = []
        self.last_export_findings: list = []

        self.canvas = PageCanvas(self)
        self.setCentralWidget(self.canvas)
        self.pages_panel = PagesPanel()
        self.stories_panel = StoriesPanel()
        self.story_editor = StoryEditor()
        self.pages_dock = self._dock("版面", "pages", self.pages_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.stories_dock = self._dock("稿件", "stories", self.stories_panel, Qt.DockWidgetArea.RightDockWidgetArea)
        self.editor_dock = self._dock("稿件编辑", "story-editor", self.story_editor,
                                      Qt.DockWidgetArea.RightDockWidgetArea)
        self.pages_dock.setMinimumWidth(150)
        self.stories_dock.setMinimumWidth(340)
        self.splitDockWidget(self.stories_dock, self.editor_dock, Qt.Orientation.Vertical)
        self.preflight_panel = PreflightPanel()
        self.preflight_dock = self._dock("印前检查", "preflight", self.preflight_panel,
                                         Qt.DockWidgetArea.BottomDockWidgetArea)
        self.preflight_dock.hide()  # shown from 文件 → 印前检查 or 视图 → 面板
        self.properties_panel = PropertiesPanel()
        self.properties_dock = self._dock("属性", "properties", self.properties_panel,
                                          Qt.DockWidgetArea.LeftDockWidgetArea)
        # The left docks keep one width whatever the 属性 panel shows (it grew with the rows
        # of a selected frame and pushed the canvas aside).
        self.properties_panel.title.setWordWrap(True)  # a long frame id wraps instead of widening
        self.properties_panel.setMinimumWidth(self.properties_panel.widest())
        self.properties_panel.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.styles_panel = StylesPanel()
        self.styles_dock = self._dock("样式", "styles", self.styles_panel, Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.stories_dock, self.styles_dock)
        self.stories_dock.raise_()
        self._thread_source: Selection | None = None
        self.resizeDocks([self.stories_dock, self.editor_dock], [260, 600], Qt.Orientation.Vertical)

        self._make_status_bar()
        self._make_actions()
        self._make_menus()
        self._make_toolbar()

        self.undo_stack.cleanChanged.connect(lambda _clean: self.update_title())
        self.undo_stack.indexChanged.connect(lambda _i: self._update_actions())
        self.canvas.zoomChanged.connect(self._zoom_changed)
        self.canvas.currentPageChanged.connect(self._page_changed)
        self.canvas.cursorMoved.connect(self._cursor_moved)
        self.canvas.frameSelected.connect(self._frame_selected)
        self.canvas.frameGeometryEdited.connect(self._frame_edited)
        self.canvas.frameDrawn.connect(self._frame_drawn)
        self.canvas.threadTargetChosen.connect(self._thread_target)
        self.canvas.imagePanned.connect(self._image_panned)
        self.canvas.imageScaled.connect(self._image_scaled)
        self.canvas.ruleEndsEdited.connect(lambda page, fid, _old, new: self.set_rule_ends(page, fid, new))
        self.canvas.toolChanged.connect(self._tool_changed)
        self.properties_panel.geometryEdited.connect(self._properties_geometry)
        self.properties_panel.attrsEdited.connect(self._properties_attrs)
        self.properties_panel.ruleLengthEdited.connect(self.set_rule_length)
        self.pages_panel.pageActivated.connect(self.canvas.scroll_to_page)
        self.stories_panel.storySelected.connect(self._story_selected)
        self.story_editor.applied.connect(self.apply_story_form)
        self.story_editor.liveEdited.connect(self.live_story_edit)
        self.story_editor.partChanged.connect(self._part_changed)
        self.styles_panel.paragraphStyleChosen.connect(self.apply_paragraph_style)
        self.styles_panel.characterStyleChosen.connect(self.apply_character_style)
        self.pages_panel.pageMoveRequested.connect(self.move_page)
        self.preflight_panel.checkRequested.connect(self.run_preflight)
        self.preflight_panel.findingActivated.connect(self.show_finding)
        self.preflight_dock.visibilityChanged.connect(self._preflight_visibility)

        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(autosave_ms)
        self.autosave_timer.timeout.connect(self.autosave)
        self.autosave_timer.start()

        self.set_document(Document(Issue()), fit=False)
        self.resize(1400, 900)

    # ---- construction -------------------------------------------------------------------
    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(area, dock)
        return dock

    def _make_status_bar(self) -> None:
        bar = self.statusBar()
        self.selection_label = QLabel("")
        self.cursor_label = QLabel("")
        self.page_label = QLabel("")
        self.zoom_label = QLabel("")
        for label, width in ((self.selection_label, 220), (self.cursor_label, 210),
                             (self.page_label, 110), (self.zoom_label, 100)):
            label.setMinimumWidth(width)
            bar.addPermanentWidget(label)

    def _action(self, text: str, slot, shortcut=None, tip: str = "", checkable: bool = False,
                checked: bool = False) -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            if isinstance(shortcut, list):
                act.setShortcuts(shortcut)
            else:
                act.setShortcut(shortcut)
        if tip:
            act.setStatusTip(tip)
        if checkable:
            act.setCheckable(True)
            act.setChecked(checked)
            act.toggled.connect(slot)
        else:
            act.triggered.connect(lambda _checked=False: slot())
        return act

    def _make_actions(self) -> None:
        K = QKeySequence.StandardKey
        self.act_new = self._action("新建…", self.new_issue, K.New, "从版式模板新建一期报纸")
        self.act_open = self._action("打开…", self.open_dialog, K.Open, "打开社区报文件（.xjb）")
        self.act_save = self._action("保存", self.save, K.Save, "保存到当前文件")
        self.act_save_as = self._action("另存为…", self.save_as, K.SaveAs, "保存为另一个文件")
        self.act_export = self._action("导出 PDF…", self.export_dialog, QKeySequence("Ctrl+E"),
                                       "导出印刷用 PDF（PDF/X-1a）")
        self.act_preflight = self._action("印前检查", self.show_preflight, QKeySequence("F7"),
                                          "检查版面、图片、字体等印刷问题")
        self.act_quit = self._action("退出", self.close, K.Quit, "退出 XJ Editor")
        self.act_undo = self.undo_stack.createUndoAction(self, "撤销")
        self.act_undo.setShortcut(K.Undo)
        self.act_redo = self.undo_stack.createRedoAction(self, "重做")
        self.act_redo.setShortcut(K.Redo)
        # The toolbar's buttons keep short labels (the menu's actions carry the command's
        # text, which would make the buttons after them jump); the command is in the tooltip.
        self.tb_undo = self._action("撤销", self.undo_stack.undo)
        self.tb_redo = self._action("重做", self.undo_stack.redo)
        for act, can, text_changed, label in (
                (self.tb_undo, self.undo_stack.canUndoChanged, self.undo_stack.undoTextChanged, "撤销"),
                (self.tb_redo, self.undo_stack.canRedoChanged, self.undo_stack.redoTextChanged, "重做")):
            act.setEnabled(False)
            act.setToolTip(label)
            can.connect(act.setEnabled)
            text_changed.connect(lambda text, act=act, label=label: act.setToolTip(
                f"{label}：{text}" if text else label))
        self.act_zoom_in = self._action("放大", self.canvas.zoom_in, [QKeySequence("Ctrl+="), K.ZoomIn])
        self.act_zoom_out = self._action("缩小", self.canvas.zoom_out, K.ZoomOut)
        self.act_fit = self._action("适合页面", self.canvas.fit_page, QKeySequence("Ctrl+0"))
        self.act_actual = self._action("实际大小", self.canvas.actual_size, QKeySequence("Ctrl+1"))
        self.act_fit_all = self._action("显示全部版面", self.canvas.fit_all, QKeySequence("Ctrl+Alt+0"))
        g = self.canvas.guides
        self.act_margins = self._action("版心", lambda on: self.canvas.set_guides(margins=on),
                                        tip="显示版心（页边距）", checkable=True, checked=g.margins)
        self.act_columns = self._action("分栏线", lambda on: self.canvas.set_guides(columns=on),
                                        tip="显示文字框的分栏", checkable=True, checked=g.columns)
        self.act_baseline = self._action("基线网格", lambda on: self.canvas.set_guides(baseline=on),
                                         QKeySequence("Ctrl+'"), "显示正文基线网格", True, g.baseline)
        self.act_bleed = self._action("出血", lambda on: self.canvas.set_guides(bleed=on),
                                      tip="显示出血线", checkable=True, checked=g.bleed)
        self.act_frames = self._action("框线", lambda on: self.canvas.set_guides(frames=on),
                                       QKeySequence("Ctrl+H"), "显示各框的边线", True, g.frames)
        self.act_vertical = self._action("版面纵向排列", self.canvas.set_vertical, tip="版面上下排列",
                                         checkable=True)
        self.act_add_page = self._action("添加版面", self.add_page, tip="在最后添加一个内版")
        self.act_delete_page = self._action("删除当前版面", self.delete_page,
                                            tip="删除当前版面（选中框所在的版面，未选中框时为视图中间的版面）")
        self.act_page_up = self._action("上移版面", lambda: self.move_current_page(-1),
                                        tip="把当前版面向前移一版（转版行随之更新）")
        self.act_page_down = self._action("下移版面", lambda: self.move_current_page(1),
                                          tip="把当前版面向后移一版（转版行随之更新）")
        self.pages_panel.addActions([self.act_page_up, self.act_page_down])
        # frame tools
        self.tool_group = QActionGroup(self)
        self.tool_actions: dict[str, QAction] = {}
        for tool, text, key, tip in ((TOOL_SELECT, "选择", "V", "选择、移动和调整框"),
                                     (TOOL_TEXT, "文本框", "T", "在版面上拖出文字框"),
                                     (TOOL_IMAGE, "图片框", "F", "在版面上拖出图片框"),
                                     (TOOL_RULE, "线条", "L", "在版面上拖出线条")):
            act = QAction(text, self)
            act.setCheckable(True)
            act.setShortcut(QKeySequence(key))
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.setStatusTip(tip)
            act.setChecked(tool == TOOL_SELECT)
            act.triggered.connect(lambda _c=False, t=tool: self.canvas.set_tool(t))
            self.tool_group.addAction(act)
            self.canvas.addAction(act)
            self.tool_actions[tool] = act
        self.act_delete_frame = self._action("删除框", self.delete_frame, [QKeySequence.StandardKey.Delete,
                                             QKeySequence(Qt.Key.Key_Backspace)], "删除选中的框")
        # the Delete key deletes a frame only while the canvas has the focus (not in text fields)
        self.act_delete_frame.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.canvas.addAction(self.act_delete_frame)
        self.act_thread = self._action("串接", self.start_thread, tip="选中文字框后，点击要接续排文的框（可在其他版面）")
        self.act_unthread = self._action("断开串接", self.unthread, tip="断开选中文字框与后续框的串接")
        self.act_place_story = self._action("排入稿件…", self.place_story_dialog, tip="把稿件排入选中的文字框")
        self.act_new_story = self._action("新建稿件…", self.new_story_dialog, tip="新建一篇稿件（可排入选中的文字框）")
        self.act_place_image = self._action("置入图片…", self.place_image_dialog, QKeySequence("Ctrl+D"),
                                            "把 JPEG、PNG 或 TIFF 图片置入选中的图片框")
        self.act_fit_image = self._action("适合", lambda: self.set_fit(FitMode.FIT), tip="整幅图片放入框内")
        self.act_fill_image = self._action("填充", lambda: self.set_fit(FitMode.FILL), tip="图片填满框，裁去多余部分")
        self.act_manual_image = self._action("手动调整", lambda: self.set_fit(FitMode.MANUAL),
                                             tip="选中图片框后：按住 Ctrl 拖动移动图片，Alt+滚轮缩放图片"
                                                 "（Ctrl+滚轮总是缩放视图）")
        self.act_caption = self._action("添加图片说明", self.add_caption, tip="为选中的图片添加说明稿件")

    def _make_menus(self) -> None:
        bar = self.menuBar()
        m = bar.addMenu("文件(&F)")
        m.addActions([self.act_new, self.act_open])
        self.recent_menu = QMenu("最近打开", self)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        m.addMenu(self.recent_menu)
        m.addSeparator()
        m.addActions([self.act_save, self.act_save_as])
        m.addSeparator()
        m.addActions([self.act_preflight, self.act_export])
        m.addSeparator()
        m.addAction(self.act_quit)
        m = bar.addMenu("编辑(&E)")
        m.addActions([self.act_undo, self.act_redo])
        m = bar.addMenu("视图(&V)")
        m.addActions([self.act_zoom_in, self.act_zoom_out, self.act_fit, self.act_actual, self.act_fit_all])
        m.addSeparator()
        m.addActions([self.act_margins, self.act_columns, self.act_baseline, self.act_bleed, self.act_frames])
        m.addSeparator()
        m.addAction(self.act_vertical)
        panels = m.addMenu("面板")
        for dock in (self.pages_dock, self.stories_dock, self.editor_dock, self.styles_dock,
                     self.preflight_dock, self.properties_dock):
            panels.addAction(dock.toggleViewAction())
        m = bar.addMenu("版面(&P)")
        m.addActions([self.act_add_page, self.act_delete_page])
        m.addSeparator()
        m.addActions([self.act_page_up, self.act_page_down])
        m = bar.addMenu("框(&R)")
        m.addActions(list(self.tool_actions.values()))
        m.addSeparator()
        m.addAction(self.act_delete_frame)
        m.addSeparator()
        m.addActions([self.act_thread, self.act_unthread, self.act_place_story, self.act_new_story])
        m.addSeparator()
        m.addActions([self.act_place_image, self.act_fit_image, self.act_fill_image, self.act_manual_image,
                      self.act_caption])

    def _make_toolbar(self) -> None:
        tb = QToolBar("工具栏", self)
        tb.setObjectName("main-toolbar")
        tb.setMovable(False)
        tb.addActions([self.act_new, self.act_open, self.act_save])
        tb.addSeparator()
        tb.addActions([self.tb_undo, self.tb_redo])
        tb.addSeparator()
        tb.addActions([self.act_zoom_out, self.act_zoom_in, self.act_fit, self.act_actual])
        tb.addSeparator()
        tb.addActions([self.act_margins, self.act_columns, self.act_baseline, self.act_bleed])
        tb.addSeparator()
        tb.addActions([self.act_add_page, self.act_delete_page])
        self.addToolBar(tb)
        tools = QToolBar("框工具", self)
        tools.setObjectName("frame-tools")
        tools.addActions(list(self.tool_actions.values()))
        tools.addSeparator()
        tools.addActions([self.act_thread, self.act_unthread, self.act_place_story, self.act_place_image,
                          self.act_fit_image, self.act_fill_image])
        self.addToolBar(Qt.ToolBarArea.LeftToolBarArea, tools)

    # ---- the document ---------------------------------------------------------------------
    def set_document(self, doc: Document, *, fit: bool = True) -> None:
        if self.doc is not None:
            self.doc.unsubscribe(self._doc_changed)
            # the issue being replaced was saved or discarded by the user (maybe_save)
            self._drop_recovery()
        self.doc = doc
        self._edits = 0
        self._autosaved_edits = -1
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self.renderer = QtPageRenderer(shared_registry().path, doc.issue.images)
        doc.subscribe(self._doc_changed)
        self.story_editor.set_story(None)
        self.canvas.set_document(doc, self.renderer, [])
        self.refresh()
        self.update_title()
        if fit:
            self.canvas.fit_page(0)
            self.canvas.scroll_to_page(0)

    def _doc_changed(self, _what: str) -> None:
        self._edits += 1
        self.refresh()

    def refresh(self) -> None:
        """Re-typeset (lazily, once) and show the result everywhere."""
        doc = self.doc
        if doc is None:
            return
        try:
            ts = doc.typeset
        except TypesetFailed as exc:
            self.typeset_error = exc.message_zh
            self.statusBar().showMessage(exc.message_zh)
            return
        if self.typeset_error:  # the message about the failure is stale now
            self.statusBar().clearMessage()
        self.typeset_error = ""
        for w in ts.warnings:
            self.statusBar().showMessage(w, 8000)
        sel = self.canvas.selection
        if sel is not None and (sel.page >= len(doc.issue.pages) or doc.issue.pages[sel.page].frame(sel.frame) is None):
            # a page moved: the selection follows its frame (before set_pages drops it)
            page = self._page_of_frame(sel.frame, None)
            if page is not None:
                self.canvas.select(Selection(page, sel.frame))
        self.canvas.set_pages(ts.pages)
        self.pages_panel.set_pages(ts, self.renderer)
        self.stories_panel.set_stories(ts)
        self.styles_panel.set_styles(doc.issue.styles)
        sid = self.story_editor.story_id
        if sid is not None:
            story = doc.issue.stories.get(sid)
            self.story_editor.refresh(story, self.story_status(sid))
        self._page_changed(self.canvas.current_page())
        sel = self.canvas.selection
        self.properties_panel.set_frame(doc, sel.page, sel.frame) if sel else self.properties_panel.set_frame(doc, -1, "")
        self._show_selection()
        self._update_actions()
        self._preflight_stale = True
        if self.preflight_dock.isVisible():
            self.run_preflight()

    def story_status(self, story_id: str) -> str:
        try:
            lay = self.doc.typeset.layout.stories.get(story_id)
        except TypesetFailed:
            return ""
        return lay.copyfit.status if lay is not None else "未排入"

    def update_title(self) -> None:
        name = self.doc.display_name if self.doc else ""
        star = "" if self.undo_stack.isClean() else "*"
        self.setWindowTitle(f"{name}{star} — {APP_TITLE}")

    def _update_actions(self) -> None:
        n = len(self.doc.issue.pages) if self.doc else 0
        self.act_delete_page.setEnabled(n > 1)
        current = self.canvas.current_page() if n else 0
        self.act_page_up.setEnabled(n > 1 and current > 0)
        self.act_page_down.setEnabled(n > 1 and current < n - 1)
        f = self.selected_frame()
        text, image = isinstance(f, TextFrame), isinstance(f, ImageFrame)
        self.act_delete_frame.setEnabled(f is not None)
        self.act_thread.setEnabled(text)
        self.act_unthread.setEnabled(text and bool(f.next))
        self.act_place_story.setEnabled(text)
        for act in (self.act_place_image, self.act_fit_image, self.act_fill_image, self.act_manual_image):
            act.setEnabled(image)
        self.act_caption.setEnabled(image and not f.caption_story)

    # ---- files -------------------------------------------------------------------------------
    def maybe_save(self) -> bool:
        """True when it is fine to drop the current issue (saved, or the user said so)."""
        if self.story_editor.is_dirty():
            self.story_editor.apply()
        if self.undo_stack.isClean():
            return True
        answer = dialogs.ask_unsaved(self, self.doc.display_name)
        if answer == dialogs.SAVE:
            return self.save()
        return answer == dialogs.DISCARD

    def new_issue(self) -> bool:
        if not self.maybe_save():
            return False
        choice = dialogs.ask_new_issue(self)
        if choice is None:
            return False
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", PageCountWarning)
                issue = new_issue(choice.layout, pages=choice.pages, number=choice.number,
                                  total_number=choice.total_number, date=choice.date)
        except (LayoutError, ValueError) as exc:
            dialogs.show_error(self, "无法新建", "无法按所选版式新建报纸。", str(exc))
            return False
        self.set_document(Document(issue))
        self.statusBar().showMessage(f"已新建：{choice.layout}，{choice.pages} 版", 5000)
        return True

    def open_dialog(self) -> bool:
        start = str(self.doc.path.parent) if self.doc and self.doc.path else ""
        path = dialogs.get_open_path(self, start)
        return self.open_path(path) if path else False

    def open_path(self, path: str | os.PathLike[str], *, remember: bool = True) -> bool:
        """Open an issue file; on any error say why (in Chinese) and keep the current issue."""
        try:  # read first: a file that cannot be opened leaves everything as it was
            doc = Document.open(path)
        except IssueFileError as exc:
            dialogs.show_error(self, "无法打开", f"无法打开“{Path(path).name}”。", exc.message_zh)
            return False
        rec = recovery.newer_recovery(doc.path)
        if rec is not None and rec == self._recovery_file:
            rec = None  # this window's own autosave of the issue it shows: maybe_save decides
        choice = None
        if rec is not None:
            choice = dialogs.ask_recovery(self, doc.display_name, _mtime_text(rec))
            if choice == dialogs.CANCEL:
                return False
            if choice == dialogs.RECOVER:
                try:
                    doc = Document(load_issue(rec), doc.path, doc.file_hash)
                except IssueFileError as exc:
                    dialogs.show_error(self, "无法恢复", "自动保存的副本无法读取，将打开原文件（副本保留）。",
                                       exc.message_zh)
                    choice = None
        if not self.maybe_save():
            return False
        if (choice != dialogs.RECOVER and self.doc is not None and self.doc.path is not None
                and self.doc.path.resolve() == doc.path.resolve() and self.doc.file_hash != doc.file_hash):
            # the issue being replaced was this very file, and was just saved over it: what
            # was read above is out of date, so read the file again
            if choice == dialogs.DISCARD:
                recovery.remove_recovery(rec)
            return self.open_path(path, remember=remember)
        self.set_document(doc)
        if remember:
            self.add_recent(doc.path)
        if choice == dialogs.RECOVER:
            # the recovered copy is unsaved work: modified, saved to the original file
            self._recovery_file = rec
            self._autosaved_edits = self._edits
            self.undo_stack.resetClean()
            self.update_title()
            self.statusBar().showMessage(f"已恢复自动保存的修改（尚未保存到 {doc.path.name}）", 8000)
        else:
            if choice == dialogs.DISCARD:
                recovery.remove_recovery(rec)
            self.statusBar().showMessage(f"已打开 {doc.path}", 5000)
        return True

    def save(self) -> bool:
        if self.doc is None:
            return False
        if self.story_editor.is_dirty():
            self.story_editor.apply()
        if self.doc.path is None:
            return self.save_as()
        return self._save_to(None, overwrite=False)

    def save_as(self) -> bool:
        if self.doc is None:
            return False
        suggested = str(self.doc.path) if self.doc.path else f"{self.doc.issue.paper}第{self.doc.issue.number}期.xjb"
        path = dialogs.get_save_path(self, suggested)
        if not path:
            return False
        # The file dialog has asked about replacing an existing file: the user chose it.
        return self._save_to(path, overwrite=True)

    def _save_to(self, path: str | None, *, overwrite: bool) -> bool:
        try:
            self.doc.save(path, overwrite=overwrite)
        except FileChangedError as exc:
            answer = dialogs.ask_file_changed(self, self.doc.display_name, exc.message_zh)
            if answer == dialogs.OVERWRITE:
                return self._save_to(path, overwrite=True)
            if answer == dialogs.SAVE_AS:
                return self.save_as()
            return False
        except IssueFileError as exc:
            dialogs.show_error(self, "无法保存", f"无法保存“{self.doc.display_name}”。", exc.message_zh)
            return False
        self.undo_stack.setClean()
        self._drop_recovery()
        self.update_title()
        self.add_recent(self.doc.path)
        self.statusBar().showMessage(f"已保存 {self.doc.path}", 5000)
        return True

    def recent_files(self) -> list[str]:
        value = self.settings.value(RECENT_KEY, [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def add_recent(self, path: Path | None) -> None:
        if path is None:
            return
        p = str(Path(path).resolve())
        files = [p] + [f for f in self.recent_files() if f != p]
        self.settings.setValue(RECENT_KEY, files[:MAX_RECENT])

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = self.recent_files()
        if not files:
            self.recent_menu.addAction("（无）").setEnabled(False)
            return
        for i, f in enumerate(files, 1):
            act = self.recent_menu.addAction(f"&{i} {Path(f).name}")
            act.setStatusTip(f)
            act.triggered.connect(lambda _c=False, f=f: self.open_path(f))
        self.recent_menu.addSeparator()
        self.recent_menu.addAction("清除列表", lambda: self.settings.setValue(RECENT_KEY, []))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if self.maybe_save():
            self.autosave_timer.stop()
            self._drop_recovery()  # saved, or discarded by the user
            self.undo_stack.setClean()  # decided: nothing is pending once the window is gone
            event.accept()
        else:
            event.ignore()

    # ---- autosave ------------------------------------------------------------------------------
    def _drop_recovery(self) -> None:
        """The changes were saved or discarded: delete this window's recovery file."""
        recovery.remove_recovery(self._recovery_file)
        recovery.forget_recovery(self._recovery_file)
        recovery.release(self._recovery_lock)
        self._recovery_file = None
        self._recovery_lock = None

    def offer_untitled_recovery(self) -> bool:
        """At start-up: offer the autosaved copies of never-saved issues that an editor which
        did not close normally left behind (newest first; copies another running editor is
        writing are skipped). 恢复 opens one as an untitled, modified issue whose copy goes
        once it is saved or discarded; 丢弃 deletes a copy and asks about the next; 以后再说
        keeps them all for the next start. True when an issue was recovered."""
        for rec in recovery.untitled_recovery_files():
            if rec == self._recovery_file:
                continue
            lock = recovery.claim(rec)
            if lock is None:
                continue  # another editor that is running writes this copy
            try:
                issue = load_issue(rec)
            except IssueFileError as exc:
                recovery.release(lock)
                self.statusBar().showMessage(f"自动保存的副本 {rec.name} 无法读取：{exc.message_zh}", 10000)
                continue
            choice = dialogs.ask_untitled_recovery(self, f"{issue.paper}第{issue.number}期", _mtime_text(rec))
            if choice == dialogs.RECOVER:
                if not self.maybe_save():
                    recovery.release(lock)
                    return False
                self.set_document(Document(issue))
                self._recovery_file, self._recovery_lock = rec, lock
                self._autosaved_edits = self._edits
                self.undo_stack.resetClean()  # unsaved work: modified until saved
                self.update_title()
                self.statusBar().showMessage("已恢复未保存的新建期刊（尚未保存为文件）", 8000)
                return True
            if choice == dialogs.DISCARD:
                recovery.remove_recovery(rec)
                recovery.release(lock)
                continue
            recovery.release(lock)  # 以后再说: the copies stay for the next start
            return False
        return False

    def offer_recovery(self) -> bool:
        """At start-up: list in one dialog every autosaved copy that an editor which did not
        close normally left behind, of never-saved issues and then of saved ones (beside
        their file), each newest first; copies another running editor writes are left out. 恢复 opens
        the chosen copy (a saved issue's as that file, modified; a never-saved one as an
        untitled issue); 丢弃 deletes the chosen copy and lists the others again; 以后再说
        keeps them all for the next start. True when a copy was recovered."""
        while True:
            entries = self._left_recoveries()
            if not entries:
                return False
            items = [(issue_path.name if issue_path else f"{issue.paper}第{issue.number}期（未命名）",
                      _mtime_text(rec), str(issue_path) if issue_path else "从未保存为文件")
                     for rec, issue_path, _lock, issue in entries]
            answer, row = dialogs.ask_recoveries(self, items)
            chosen = entries[row] if 0 <= row < len(entries) else None
            for entry in entries:
                if entry is not chosen:
                    recovery.release(entry[2])
            if chosen is None or answer not in (dialogs.RECOVER, dialogs.DISCARD):
                if chosen is not None:
                    recovery.release(chosen[2])
                return False
            rec, issue_path, lock, issue = chosen
            if answer == dialogs.RECOVER:
                return self._recover(rec, issue_path, lock, issue)
            recovery.remove_recovery(rec)
            recovery.forget_recovery(rec)
            recovery.release(lock)

    def _left_recoveries(self) -> list[tuple[Path, Path | None, object, Issue]]:
        """(recovery file, issue file or None, lock, issue) of every copy left behind."""
        own = {self._recovery_file}
        if self.doc is not None and self.doc.path is not None:
            own.add(recovery.recovery_path_for(self.doc.path.absolute()))
        found = [(rec, None) for rec in recovery.untitled_recovery_files()]
        found += [(rec, issue_path) for issue_path, rec in recovery.noted_recovery_files()]
        entries = []
        for rec, issue_path in found:
            if rec in own or rec.absolute() in own:
                continue
            lock = recovery.claim(rec if issue_path is None else recovery.note_path_for(rec))
            if lock is None:
                continue  # another editor that is running writes this copy
            try:
                issue = load_issue(rec)
            except IssueFileError as exc:
                recovery.release(lock)
                self.statusBar().showMessage(f"自动保存的副本 {rec.name} 无法读取：{exc.message_zh}", 10000)
                continue
            entries.append((rec, issue_path, lock, issue))
        return entries

    def _recover(self, rec: Path, issue_path: Path | None, lock, issue: Issue) -> bool:
        """Open a recovery file's issue as unsaved work (its copy stays until saved or
        discarded)."""
        if not self.maybe_save():
            recovery.release(lock)
            return False
        if issue_path is None:
            self.set_document(Document(issue))
            message = "已恢复未保存的新建期刊（尚未保存为文件）"
        else:
            try:
                digest = file_hash(issue_path)  # of the file as it is: Save checks it is unchanged
            except (OSError, IssueFileError):
                digest = None
            self.set_document(Document(issue, issue_path, digest))
            self.add_recent(issue_path)
            message = f"已恢复自动保存的修改（尚未保存到 {issue_path.name}）"
        self._recovery_file, self._recovery_lock = rec, lock
        self._autosaved_edits = self._edits
        self.undo_stack.resetClean()  # unsaved work: modified until saved
        self.update_title()
        self.statusBar().showMessage(message, 8000)
        return True

    def recovery_target(self) -> Path | None:
        """Where the next autosave goes."""
        if self.doc is None:
            return None
        if self._recovery_file is not None:
            return self._recovery_file
        if self.doc.path is not None:
            return recovery.recovery_path_for(self.doc.path)
        return recovery.untitled_recovery_path()

    def autosave(self) -> bool:
        """Write the recovery file when there are unsaved changes; True when written.
        Never raises: a failure is shown in the status bar and tried again next time."""
        doc = self.doc
        if doc is None:
            return False
        pending = self.story_editor.is_dirty()  # typed in the form, not applied yet
        if self.undo_stack.isClean() and not pending:
            return False
        if self._edits == self._autosaved_edits and not pending:
            return False  # the recovery file already holds these changes
        try:
            issue = self._issue_with_pending_form() if pending else doc.issue
            target = self.recovery_target()
            if doc.path is None and self._recovery_lock is None:
                # an untitled issue's copy: locked first, so that an editor starting now
                # does not offer it as left behind
                self._recovery_lock = recovery.claim(target)
                self._recovery_file = target  # and the same name next time, should this write fail
            recovery.write_recovery(issue, target)
            if doc.path is not None and self._recovery_lock is None:
                # a saved issue's copy lies beside it: noted where start-up looks
                self._recovery_lock = recovery.note_recovery(target)
        except Exception as exc:  # noqa: BLE001 - autosave must never take the editor down
            reason = exc.message_zh if isinstance(exc, IssueFileError) else _os_error_zh(exc)
            self.statusBar().showMessage(f"自动保存失败：{reason}", 15000)
            return False
        self._recovery_file = target
        self._autosaved_edits = self._edits
        self.statusBar().showMessage(f"已自动保存（{target.name}）", 3000)
        return True

    def _issue_with_pending_form(self) -> Issue:
        """A shallow copy of the issue with the story editor's unapplied form in its story."""
        issue = self.doc.issue
        sid = self.story_editor.story_id
        story = issue.stories.get(sid) if sid is not None else None
        if story is None:
            return issue
        edited = copy.copy(story)
        edited.parts = parts_from_form(story, self.story_editor.form())
        out = copy.copy(issue)
        out.stories = dict(issue.stories)
        out.stories[sid] = edited
        return out

    # ---- export and preflight -------------------------------------------------------------------
    def export_dialog(self) -> bool:
        if self.doc is None:
            return False
        if self.doc.path is not None:
            suggested = str(self.doc.path.with_suffix(".pdf"))
        else:
            suggested = f"{self.doc.issue.paper}第{self.doc.issue.number}期.pdf"
        path = dialogs.get_export_path(self, suggested)
        return self.export_to(path) if path else False

    def export_to(self, path: str | os.PathLike[str]) -> bool:
        """Export the issue as a print PDF with a cancellable per-page progress dialog; at the
        end say how many preflight findings there are. Errors are shown, never raised."""
        if self.doc is None:
            return False
        if self.story_editor.is_dirty():
            self.story_editor.apply()
        target = Path(path)
        try:
            ts = self.doc.typeset
        except TypesetFailed as exc:
            dialogs.show_error(self, "无法导出", "排版失败，无法导出 PDF。", exc.message_zh)
            return False
        total = len(ts.pages)
        progress = dialogs.export_progress(self, total)

        def step(done: int, count: int) -> None:
            progress.setMaximum(max(count, 1))
            progress.setLabelText(f"正在导出第 {done}/{count} 版…")
            progress.setValue(done)
            QApplication.processEvents()
            if progress.wasCanceled():
                raise ExportCancelled

        self.statusBar().showMessage(f"正在导出 {target.name}…")
        try:
            rendered = export_pdf(self.doc.issue, target, progress=step, typeset=ts)
        except ExportCancelled:
            self.statusBar().showMessage("已取消导出，没有写入文件", 8000)
            return False
        except OSError as exc:
            self.statusBar().clearMessage()
            dialogs.show_error(self, "无法导出", f"无法写入“{target}”。", _os_error_zh(exc))
            return False
        except Exception as exc:  # noqa: BLE001 - a font that cannot be embedded, a broken image…
            self.statusBar().clearMessage()
            dialogs.show_error(self, "无法导出", "导出 PDF 时出错，没有写入文件。", str(exc))
            return False
        finally:
            progress.close()
            progress.deleteLater()
        self.last_export_findings = list(rendered)
        findings = self.run_preflight()
        n = len(findings)
        detail = (f"印前检查发现 {n} 个问题：{summary_text(findings)}。请在“印前检查”面板中查看。"
                  if n else "印前检查没有发现问题。")
        if rendered:
            detail += f"\n导出时另有 {len(rendered)} 条提示：" + "；".join(f.zh for f in rendered[:5])
        self.statusBar().showMessage(f"已导出 {target}", 8000)
        dialogs.show_info(self, "导出完成", f"已导出 {total} 版到“{target.name}”。", detail)
        return True

    def show_preflight(self) -> None:
        self.preflight_dock.show()
        self.preflight_dock.raise_()
        self.run_preflight()

    def _preflight_visibility(self, visible: bool) -> None:
        if visible and self._preflight_stale:
            self.run_preflight()

    def run_preflight(self) -> list[Finding]:
        """Check the current typeset issue and show the findings in the panel."""
        if self.doc is None:
            return []
        try:
            ts = self.doc.typeset
            findings = preflight_findings(self.doc.issue, ts)
        except TypesetFailed as exc:
            self.preflight_panel.set_failed(exc.message_zh)
            return []
        except Exception as exc:  # noqa: BLE001 - a broken check must not break editing
            self.preflight_panel.set_failed(f"检查失败：{exc}")
            return []
        self.findings = findings
        self._preflight_stale = False
        self.preflight_panel.set_findings(findings)
        return findings

    def show_finding(self, finding: Finding) -> None:
        """Select what a finding concerns: a frame on the canvas, or a story (in the list and
        the story editor, with its frame on the finding's page selected)."""
        doc = self.doc
        if doc is None:
            return
        self.statusBar().showMessage(finding.zh, 8000)
        page_hint = finding.page - 1 if finding.page is not None else None
        if finding.ref_kind == "frame" and finding.ref:
            page = self._page_of_frame(finding.ref, page_hint)
            if page is not None:
                self.canvas.show_frame(page, finding.ref)
                return
        elif finding.ref_kind == "story" and finding.ref in doc.issue.stories:
            sid = finding.ref
            self.stories_panel.select_story(sid)
            if self.story_editor.story_id != sid:
                self._story_selected(sid)
            frames = doc.issue.story_frames(sid)
            if frames:
                on_page = [pf for pf in frames if pf[0] == page_hint]
                page, frame = (on_page or frames)[-1]
                self.canvas.show_frame(page, frame.id)
            return
        if page_hint is not None:
            self.canvas.scroll_to_page(page_hint)

    def _page_of_frame(self, frame_id: str, hint: int | None) -> int | None:
        pages = self.doc.issue.pages
        if hint is not None and 0 <= hint < len(pages) and pages[hint].frame(frame_id) is not None:
            return hint
        for i, page in enumerate(pages):
            if page.frame(frame_id) is not None:
                return i
        return None

    # ---- edits ----------------------------------------------------------------------------------
    def apply_story_form(self, story_id: str, form: StoryForm) -> None:
        story = self.doc.issue.stories.get(story_id)
        if story is None:
            return
        parts = parts_from_form(story, form)
        if parts == story.parts:
            self.statusBar().showMessage("稿件没有修改", 3000)
            return
        self.undo_stack.push(EditStoryCommand(self.doc, story_id, parts))
        self.story_editor.set_story(self.doc.issue.stories[story_id], self.story_status(story_id))
        self.statusBar().showMessage(f"已排入，字数核对：{self.story_status(story_id)}", 5000)

    def live_story_edit(self, story_id: str, form: StoryForm, burst) -> bool:
        """Typing in the story editor, applied as it goes: one undo step per burst. Never
        loses text: when the edit cannot be made or typeset, the form keeps it and the
        status bar says why."""
        story = self.doc.issue.stories.get(story_id) if self.doc else None
        if story is None:
            return False
        try:
            parts = parts_from_form(story, form)
            if parts == story.parts:
                self.story_editor.mark_applied(story)
                return True
            label = story.headline or story_id
            self.undo_stack.push(EditStoryCommand(self.doc, story_id, parts,
                                                  text=f"输入文字（{label}）", burst=burst))
        except Exception as exc:  # noqa: BLE001 - the typed text must survive anything
            self.story_editor.end_burst()
            self.statusBar().showMessage(f"无法排入刚输入的文字（文字仍保留在编辑框中）：{exc}", 10000)
            return False
        if self.typeset_error:
            self.statusBar().showMessage(f"{self.typeset_error}（文字仍保留在编辑框中）", 10000)
        self.story_editor.mark_applied(self.doc.issue.stories.get(story_id))
        self.story_editor.set_status(self.story_status(story_id))
        return True

    # ---- styles -----------------------------------------------------------------------------
    def _part_changed(self, ctx: PartContext | None) -> None:
        story = self.doc.issue.stories.get(ctx.story_id) if (ctx and self.doc) else None
        if story is None or ctx.part >= len(story.parts):
            self.styles_panel.show_current(None)
            return
        part = story.parts[ctx.part]
        self.styles_panel.show_current(part.style_name, PART_LABELS.get(part.kind, ""))

    def _style_target(self) -> tuple[Story, PartContext] | None:
        """The story and part the story editor points at, with pending typing applied first."""
        editor = self.story_editor
        if editor.is_dirty():
            editor.flush()
        ctx = editor.current_part()
        story = self.doc.issue.stories.get(ctx.story_id) if ctx is not None else None
        if story is None or ctx.part >= len(story.parts):
            self.statusBar().showMessage("请先在“稿件编辑”中点入要设置样式的段落", 5000)
            return None
        return story, ctx

    def apply_paragraph_style(self, name: str) -> bool:
        """Set the paragraph style of the story editor's current part (an undo step)."""
        target = self._style_target()
        if target is None:
            return False
        story, ctx = target
        style = self.doc.issue.styles.paragraph.get(name)
        if style is None:
            return False
        parts = self.doc.story_parts(story.id)
        part = parts[ctx.part]
        if part.style_name == name:
            return True
        from ..model import DEFAULT_PART_STYLE

        part.style = None if DEFAULT_PART_STYLE[part.kind] == name else name
        kind = PART_LABELS.get(part.kind, "段落")
        self.undo_stack.push(EditStoryCommand(self.doc, story.id, parts,
                                              text=f"{kind}样式改为“{style.label}”"))
        self._part_changed(ctx)
        self.statusBar().showMessage(f"已将{kind}设为“{style.label}”样式", 5000)
        return True

    def apply_character_style(self, name: str) -> bool:
        """Put a character style on the text selected in the current part (an undo step)."""
        target = self._style_target()
        if target is None:
            return False
        story, ctx = target
        style = self.doc.issue.styles.character.get(name)
        if style is None:
            return False
        if ctx.end <= ctx.start:
            self.statusBar().showMessage("请先在“稿件编辑”中选中要设置字符样式的文字", 5000)
            return False
        parts = self.doc.story_parts(story.id)
        span = Span(ctx.start, ctx.end, name)
        if span in parts[ctx.part].spans:
            return True
        parts[ctx.part].spans.append(span)
        self.undo_stack.push(EditStoryCommand(self.doc, story.id, parts,
                                              text=f"文字样式“{style.label}”"))
        self.statusBar().showMessage(f"已将选中的 {ctx.end - ctx.start} 字设为“{style.label}”", 5000)
        return True

    # ---- pages --------------------------------------------------------------------------------
    def move_page(self, index: int, to: int) -> bool:
        """Move a page to another position (an undo step); jump lines follow at typeset."""
        n = len(self.doc.issue.pages)
        if not (0 <= index < n and 0 <= to < n) or index == to:
            return False
        self.undo_stack.push(MovePageCommand(self.doc, index, to))
        self.canvas.scroll_to_page(to)
        self.pages_panel.show_page(to)
        self.statusBar().showMessage(f"已将第 {index + 1} 版移到第 {to + 1} 版", 5000)
        return True

    def move_current_page(self, step: int) -> bool:
        index = self.canvas.current_page()
        return self.move_page(index, index + step)

    def _frame_edited(self, page: int, frame_id: str, old, new) -> None:
        new = self._within_reach(page, new)
        if new == old:
            self.canvas.repaint_pages()
            return
        self.undo_stack.push(SetFrameGeometryCommand(self.doc, page, frame_id, new, old,
                                                     resize=(old.w, old.h) != (new.w, new.h)))

    def _within_reach(self, page: int, rect: Rect) -> Rect:
        """``rect`` (mm) moved, and cut if need be, so that it reaches no further beyond its
        page than an issue file allows (``FRAME_MARGIN_MM``): an issue can always be saved."""
        p, m = self.doc.issue.pages[page], FRAME_MARGIN_MM
        w, h = min(rect.w, p.width + 2 * m), min(rect.h, p.height + 2 * m)
        x = min(max(rect.x, -m), p.width + m - w)
        y = min(max(rect.y, -m), p.height + m - h)
        return rect if (x, y, w, h) == (rect.x, rect.y, rect.w, rect.h) else Rect(x, y, w, h)

    def add_page(self) -> None:
        self.undo_stack.push(AddPageCommand(self.doc))
        self.canvas.scroll_to_page(len(self.doc.issue.pages) - 1)

    def delete_page(self) -> None:
        if len(self.doc.issue.pages) <= 1:
            return
        index = self.canvas.current_page()
        section = self.doc.issue.pages[index].section
        if not dialogs.ask_delete_page(self, f"第 {index + 1} 版" + (f"（{section}）" if section else "")):
            return
        self.undo_stack.push(DeletePageCommand(self.doc, index))

    # ---- frames: tools, threads, stories, images --------------------------------------------
    def selected_frame(self):
        sel = self.canvas.selection
        if sel is None or self.doc is None or sel.page >= len(self.doc.issue.pages):
            return None
        return self.doc.issue.pages[sel.page].frame(sel.frame)

    def _tool_changed(self, tool: str) -> None:
        act = self.tool_actions.get(tool)
        if act is not None:
            act.setChecked(True)
        elif tool != TOOL_THREAD:
            self.tool_actions[TOOL_SELECT].setChecked(True)
        if tool != TOOL_THREAD:
            self._thread_source = None

    def _frame_drawn(self, page: int, tool: str, shape) -> None:
        """A frame tool's drag ended: add the frame (an undo step) and select it."""
        issue = self.doc.issue
        if tool == TOOL_RULE:
            x1, y1, x2, y2 = shape
            if abs(x2 - x1) < MIN_RULE_MM and abs(y2 - y1) < MIN_RULE_MM:
                self.statusBar().showMessage("线条太短，没有添加", 3000)
                return
            frame = RuleFrame(issue.new_id("r"), x1, y1, x2, y2)
        elif tool == TOOL_IMAGE:
            frame = ImageFrame(issue.new_id("i"), shape)
        else:
            frame = TextFrame(issue.new_id("f"), shape)
            cols = self.canvas.layout_columns(shape)
            if cols is not None:
                frame.columns, frame.gutter = cols
        self.undo_stack.push(AddFrameCommand(self.doc, page, frame))
        self.canvas.set_tool(TOOL_SELECT)
        self.canvas.select(Selection(page, frame.id))

    def delete_frame(self) -> None:
        sel = self.canvas.selection
        if sel is None or self.selected_frame() is None:
            return
        self.undo_stack.push(DeleteFrameCommand(self.doc, sel.page, sel.frame))

    def _push_attrs(self, page: int, frame_id: str, attrs: dict, text: str, merge: str = "") -> None:
        self.undo_stack.push(SetFrameAttrsCommand(self.doc, page, frame_id, attrs, text,
                                                  ATTR_MERGE_IDS.get(merge, -1)))

    def start_thread(self) -> None:
        f = self.selected_frame()
        if not isinstance(f, TextFrame):
            self.statusBar().showMessage("请先选中一个文字框", 5000)
            return
        self.canvas.set_tool(TOOL_THREAD)
        self._thread_source = Selection(self.canvas.selection.page, f.id)
        self.statusBar().showMessage("串接：请点击要接续排文的文字框（可在其他版面），Esc 取消", 10000)

    def _thread_target(self, page: int, frame_id: str) -> None:
        src = self._thread_source
        self._thread_source = None
        if src is not None:
            self.thread_frames(src.page, src.frame, page, frame_id)

    def thread_frames(self, src_page: int, src_id: str, dst_page: int, dst_id: str) -> bool:
        """Let the text of ``src`` continue in ``dst`` (an undo step); False with a message if not."""
        issue = self.doc.issue
        src = issue.pages[src_page].frame(src_id)
        dst = issue.pages[dst_page].frame(dst_id)
        problem = ""
        if not isinstance(src, TextFrame) or not isinstance(dst, TextFrame):
            problem = "只能串接文字框"
        elif src.id == dst.id:
            problem = "不能串接到自身"
        elif dst.story:
            problem = f"目标框已排入稿件“{dst.story}”，请先移走"
        elif any(isinstance(g, TextFrame) and g.next == dst.id and g.id != src.id
                 for p in issue.pages for g in p.frames):
            problem = "目标框已是其他框的后续框"
        elif any(f.id == src.id for _, f in issue.thread(dst)):
            problem = "串接会形成循环"
        if problem:
            self.statusBar().showMessage(f"无法串接：{problem}", 8000)
            return False
        self._push_attrs(src_page, src_id, {"next": dst_id}, f"串接 {src_id} → {dst_id}")
        self.canvas.select(Selection(src_page, src_id))
        self.statusBar().showMessage(f"已串接：{src_id} → {dst_id}（第 {dst_page + 1} 版）", 5000)
        return True

    def unthread(self) -> None:
        f = self.selected_frame()
        if isinstance(f, TextFrame) and f.next:
            self._push_attrs(self.canvas.selection.page, f.id, {"next": None}, f"断开串接 {f.id}")

    def _is_continuation(self, frame_id: str) -> bool:
        return any(isinstance(g, TextFrame) and g.next == frame_id
                   for p in self.doc.issue.pages for g in p.frames)

    def place_story_dialog(self) -> None:
        f = self.selected_frame()
        if not isinstance(f, TextFrame):
            return
        items = [(sid, f"{s.headline or sid}（{self.story_status(sid)}）")
                 for sid, s in self.doc.issue.stories.items()
                 if not all(p.kind == PartKind.PHOTO for p in s.parts)]
        sid = dialogs.choose_story(self, items)
        if sid:
            self.place_story(self.canvas.selection.page, f.id, sid)

    def place_story(self, page: int, frame_id: str, story_id: str) -> bool:
        """Flow a story into a text frame (moved there if it was placed elsewhere)."""
        f = self.doc.issue.pages[page].frame(frame_id)
        if not isinstance(f, TextFrame):
            return False
        if self._is_continuation(frame_id):
            self.statusBar().showMessage("此框是串接的后续框，稿件从串接的第一个框排入", 8000)
            return False
        if f.story == story_id:
            return True
        self.undo_stack.beginMacro(f"排入稿件“{self.doc.issue.stories[story_id].headline or story_id}”")
        for pi, p in enumerate(self.doc.issue.pages):
            for g in p.frames:
                if isinstance(g, TextFrame) and g.story == story_id:
                    self._push_attrs(pi, g.id, {"story": None}, f"移走稿件 {story_id}")
        self._push_attrs(page, frame_id, {"story": story_id}, f"排入稿件 {story_id}")
        self.undo_stack.endMacro()
        return True

    def new_story_dialog(self) -> None:
        headline = dialogs.ask_headline(self)
        if headline:
            self.new_story(headline)

    def new_story(self, headline: str) -> str:
        """Create a story with a 主题 and one body paragraph; flow it into the selected text
        frame when that frame is empty, and open it in the story editor."""
        issue = self.doc.issue
        story = Story(issue.new_id("s"), title=headline,
                      parts=[StoryPart(PartKind.TITLE, headline), StoryPart(PartKind.PARAGRAPH, "正文")])
        f = self.selected_frame()
        self.undo_stack.beginMacro(f"新建稿件“{headline}”")
        self.undo_stack.push(AddStoryCommand(self.doc, story))
        if isinstance(f, TextFrame) and not f.story and not self._is_continuation(f.id):
            self._push_attrs(self.canvas.selection.page, f.id, {"story": story.id}, f"排入稿件 {story.id}")
        self.undo_stack.endMacro()
        self.stories_panel.select_story(story.id)
        self._story_selected(story.id)
        return story.id

    def place_image_dialog(self) -> None:
        f = self.selected_frame()
        if not isinstance(f, ImageFrame):
            self.statusBar().showMessage("请先选中一个图片框", 5000)
            return
        path = dialogs.get_image_path(self)
        if path:
            self.place_image(self.canvas.selection.page, f.id, path)

    def place_image(self, page: int, frame_id: str, path: str | os.PathLike[str]) -> bool:
        """Load a JPEG, PNG or TIFF file into an image frame (an undo step). A file that
        cannot be read or is not such an image changes nothing and says why."""
        name = Path(path).name
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            dialogs.show_error(self, "无法置入图片", f"无法读取“{name}”。", _os_error_zh(exc))
            return False
        media_type = image_media_type(data)
        if media_type is None:
            dialogs.show_error(self, "无法置入图片", f"“{name}”不是支持的图片格式。",
                               "请使用 JPEG、PNG 或 TIFF 图片。")
            return False
        problem = image_problem(data)
        if problem:
            dialogs.show_error(self, "无法置入图片", f"“{name}”已损坏或无法读取。", problem)
            return False
        asset = ImageAsset(data, media_type, name)
        self.undo_stack.beginMacro(f"置入图片 {name}")
        self.undo_stack.push(AddImageCommand(self.doc, asset))
        self._push_attrs(page, frame_id, {"image": asset.key}, f"置入图片 {name}")
        self.undo_stack.endMacro()
        self.statusBar().showMessage(f"已置入图片 {name}", 5000)
        return True

    def set_fit(self, mode: FitMode) -> None:
        sel = self.canvas.selection
        if isinstance(self.selected_frame(), ImageFrame):
            self.set_fit_of(sel.page, sel.frame, mode)

    def set_fit_of(self, page: int, frame_id: str, mode: FitMode, text: str = "") -> bool:
        """Change an image frame's fit mode (an undo step). Switching to MANUAL starts from
        the scale and offsets that show what the frame shows now, so the picture stays put;
        undo brings the mode and the stored scale and offsets back."""
        f = self.doc.issue.pages[page].frame(frame_id)
        if not isinstance(f, ImageFrame) or f.fit == mode:
            return False
        label = {FitMode.FIT: "适合", FitMode.FILL: "填充", FitMode.MANUAL: "手动调整"}[mode]
        attrs: dict = {"fit": mode}
        if mode == FitMode.MANUAL:
            attrs.update(self._manual_from_current(page, f))
        self._push_attrs(page, frame_id, attrs, text or f"图片{label}")
        return True

    def _manual_from_current(self, page: int, f: ImageFrame) -> dict:
        """Scale and offsets in MANUAL mode that show what FILL/FIT shows now (read from the
        display list; the scale is the typesetter's: 1.0 = the image's pixels at 300 ppi)."""
        if not f.image or f.image not in self.doc.issue.images:
            return {}
        try:
            ts = self.doc.typeset
        except TypesetFailed:
            return {}
        from ..model import pt_to_mm
        from ..typeset.display import ImagePlacement
        from ..typeset.layout import image_size_px

        shown = next((it for it in (ts.pages[page].items if page < len(ts.pages) else [])
                      if isinstance(it, ImagePlacement) and it.frame == f.id and it.image), None)
        if shown is None:
            return {}
        attrs: dict = {"offset_x": round(pt_to_mm(shown.ix - shown.clip[0]), 3),
                       "offset_y": round(pt_to_mm(shown.iy - shown.clip[1]), 3)}
        size = image_size_px(self.doc.issue.images[f.image].data)
        if size is not None and size[0] > 0:
            native_mm = size[0] / 300.0 * 25.4
            attrs["scale"] = round(pt_to_mm(shown.iw) / native_mm, 6)
        return attrs

    def _image_panned(self, page: int, frame_id: str, ox: float, oy: float) -> None:
        self._push_attrs(page, frame_id, {"offset_x": ox, "offset_y": oy}, "移动图片")

    def _image_scaled(self, page: int, frame_id: str, factor: float) -> None:
        f = self.doc.issue.pages[page].frame(frame_id)
        if isinstance(f, ImageFrame):
            scale = round(max(0.01, min(100.0, f.scale * factor)), 4)
            self._push_attrs(page, frame_id, {"scale": scale}, "缩放图片", "scale")

    def add_caption(self) -> str | None:
        """Give the selected image frame a caption story (one PHOTO part) and open it."""
        f = self.selected_frame()
        if not isinstance(f, ImageFrame) or f.caption_story:
            return None
        story = Story(self.doc.issue.new_id("c"), title="图片说明",
                      parts=[StoryPart(PartKind.PHOTO, "图片说明", image=f.image)])
        self.undo_stack.beginMacro("添加图片说明")
        self.undo_stack.push(AddStoryCommand(self.doc, story, "添加图片说明"))
        self._push_attrs(self.canvas.selection.page, f.id, {"caption_story": story.id}, "添加图片说明")
        self.undo_stack.endMacro()
        self.stories_panel.select_story(story.id)
        self._story_selected(story.id)
        return story.id

    def set_rule_ends(self, page: int, frame_id: str, ends, *, merge: str = "") -> bool:
        """Move a rule's two ends (mm), as dragged on the canvas or from its length in the 属性
        panel: one undo step, refused (with a message) when the ends come too close."""
        f = self.doc.issue.pages[page].frame(frame_id)
        if not isinstance(f, RuleFrame):
            return False
        x1, y1, x2, y2 = (float(v) for v in ends)
        p, m = self.doc.issue.pages[page], FRAME_MARGIN_MM  # as far off the page as a file allows
        x1, x2 = (min(max(v, -m), p.width + m) for v in (x1, x2))
        y1, y2 = (min(max(v, -m), p.height + m) for v in (y1, y2))
        if (x1, y1, x2, y2) == (f.x1, f.y1, f.x2, f.y2):
            self.properties_panel.refresh()
            return False
        if math.hypot(x2 - x1, y2 - y1) < MIN_RULE_MM:
            self.statusBar().showMessage("线条太短，没有修改", 3000)
            self.canvas.repaint_pages()
            return False
        self._push_attrs(page, frame_id, {"x1": x1, "y1": y1, "x2": x2, "y2": y2},
                         f"调整线条 {frame_id}", merge)
        self.statusBar().showMessage(f"线条 {frame_id} 长 {math.hypot(x2 - x1, y2 - y1):.1f} 毫米", 3000)
        return True

    def set_rule_length(self, page: int, frame_id: str, length: float) -> bool:
        """Make a rule ``length`` mm long: its first end stays, the other moves along the rule
        (a rule of no length grows to the right). Spin-box steps merge into one undo step."""
        f = self.doc.issue.pages[page].frame(frame_id)
        if not isinstance(f, RuleFrame):
            return False
        dx, dy = f.x2 - f.x1, f.y2 - f.y1
        now = math.hypot(dx, dy)
        ux, uy = (dx / now, dy / now) if now > 1e-9 else (1.0, 0.0)
        ends = (f.x1, f.y1, round(f.x1 + ux * length, 4) if ux else f.x1,
                round(f.y1 + uy * length, 4) if uy else f.y1)
        return self.set_rule_ends(page, frame_id, ends, merge="length")

    def _properties_geometry(self, page: int, frame_id: str, rect: Rect) -> None:
        old = self.doc.frame_geometry(page, frame_id)
        rect = self._within_reach(page, rect)
        if rect == old:
            self.properties_panel.refresh()  # the box shows the value kept, not the one typed
            return
        self.undo_stack.push(SetFrameGeometryCommand(self.doc, page, frame_id, rect, old,
                                                     resize=(old.w, old.h) != (rect.w, rect.h)))

    def _properties_attrs(self, page: int, frame_id: str, attrs: dict) -> None:
        name = next(iter(attrs))
        if name == "fit" and len(attrs) == 1:
            self.set_fit_of(page, frame_id, FitMode(attrs["fit"]), "修改图片适配")
            return
        label = {"columns": "栏数", "gutter": "栏间距", "fit": "图片适配", "runaround": "绕排",
                 "width": "线宽"}.get(name, name)
        self._push_attrs(page, frame_id, attrs, f"修改{label}", name)

    # ---- panels and status bar ---------------------------------------------------------------------
    def _story_selected(self, story_id: str) -> None:
        story = self.doc.issue.stories.get(story_id) if self.doc else None
        if self.story_editor.is_dirty() and self.story_editor.story_id != story_id:
            self.story_editor.apply()
        self.story_editor.set_story(story, self.story_status(story_id))
        frames = self.doc.issue.story_frames(story_id) if story else []
        if frames and not self._selecting_from_canvas:
            self.canvas.scroll_to_page(frames[0][0])

    def _frame_selected(self, sel: Selection | None) -> None:
        self.properties_panel.set_frame(self.doc, sel.page if sel else -1, sel.frame if sel else "")
        if self.doc is not None:
            self._update_actions()
        self._show_selection()
        if sel is None or self.doc is None:
            return
        for sid in self.doc.issue.stories:
            if any(tf.id == sel.frame for _, tf in self.doc.issue.story_frames(sid)):
                self._selecting_from_canvas = True  # the view must not jump under the mouse
                try:
                    self.stories_panel.select_story(sid)
                finally:
                    self._selecting_from_canvas = False
                break

    def _show_selection(self) -> None:
        """The status bar's text about the selected frame, from the model as it is now."""
        sel = self.canvas.selection
        f = self.selected_frame()
        if f is None:
            self.selection_label.setText("")
            return
        r = self.doc.frame_geometry(sel.page, sel.frame)
        kind = {"text": "文字框", "image": "图片框", "box": "底框", "rule": "线条"}.get(getattr(f, "kind", ""), "框")
        extra = f"，{f.columns} 栏" if isinstance(f, TextFrame) else ""
        if isinstance(f, ImageFrame) and not f.image:
            extra = "，空"
        self.selection_label.setText(f"{kind} {sel.frame}（第 {sel.page + 1} 版）{extra}  {r.w:.1f}×{r.h:.1f} 毫米")

    def _zoom_changed(self, zoom: float) -> None:
        self.zoom_label.setText(f"缩放 {zoom * 100:.0f}%")

    def _page_changed(self, index: int) -> None:
        n = len(self.doc.issue.pages) if self.doc else 0
        self.page_label.setText(f"第 {index + 1}/{n} 版" if n else "无版面")
        self.pages_panel.show_page(index)
        if self.doc is not None:
            self._update_actions()  # 上移/下移版面 act on the current page

    def _cursor_moved(self, where) -> None:
        if where is None:
            self.cursor_label.setText("")
        else:
            _page, x, y = where
            self.cursor_label.setText(f"X {x:.1f}  Y {y:.1f} 毫米")


def image_media_type(data: bytes) -> str | None:
    """The media type of JPEG, PNG or TIFF bytes (by their signature), else None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    return None


def image_problem(data: bytes) -> str:
    """Why image bytes cannot be decoded ("" when they can)."""
    import io

    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            if im.width < 1 or im.height < 1:
                return "图片没有像素"
    except Exception as exc:  # noqa: BLE001 - any decoder error means a broken file
        return f"图片数据无法解码（{exc}）"
    return ""


def _mtime_text(path: Path) -> str:
    try:
        t = _dt.datetime.fromtimestamp(path.stat().st_mtime)
    except OSError:
        return "时间不详"
    return f"{t.year}年{t.month}月{t.day}日 {t:%H:%M}"


def _os_error_zh(exc: BaseException) -> str:
    """An operating-system error in Chinese (with the system's own text after it)."""
    if isinstance(exc, FileNotFoundError):
        text = "文件夹不存在"
    elif isinstance(exc, PermissionError):
        text = "没有写入权限"
    elif isinstance(exc, NotADirectoryError):
        text = "路径中有一项不是文件夹"
    elif isinstance(exc, IsADirectoryError):
        text = "目标是一个文件夹"
    elif isinstance(exc, OSError) and exc.errno == 28:
        text = "磁盘空间不足"
    elif isinstance(exc, OSError):
        text = "系统错误"
    else:
        return str(exc)
    reason = exc.strerror or str(exc)
    return f"{text}（{reason}）"
