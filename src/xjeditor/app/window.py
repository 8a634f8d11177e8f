"""The main window: canvas in the middle, pages on the left, stories and the story editor on
the right, menus and a status bar in Chinese. Edits go onto one QUndoStack.

This module builds the window (docks, actions, menus, toolbar, status bar), keeps it in
step with the document, and runs preflight. What the actions do lives in mixins by
concern: ``window_files`` (open, save, recent files, autosave, recovery, export),
``window_pages``, ``window_stories`` (story editor, styles, placing stories) and
``window_frames`` (frames, threads, pictures, rules, the 属性 panel)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QSizePolicy,
    QToolBar,
    QWidget,
)

from ..model import FitMode, ImageFrame, Issue, TextFrame
from ..pipeline import shared_registry
from ..preflight import Finding
from ..preflight import run_preflight as preflight_findings
from ..render.qt import QtPageRenderer
from .canvas import TOOL_IMAGE, TOOL_RULE, TOOL_SELECT, TOOL_TEXT, PageCanvas, Selection
from .document import Document, TypesetFailed
from .panels import PagesPanel, StoriesPanel, StoryEditor
from .preflightpanel import PreflightPanel
from .properties import PropertiesPanel
from .stylespanel import StylesPanel
from .window_files import FilesMixin
from .window_frames import FramesMixin
from .window_pages import PagesMixin
from .window_stories import StoriesMixin

APP_TITLE = "XJ Editor 社区报排版"
AUTOSAVE_MS = 60_000  # how often unsaved changes are written to the recovery file


class MainWindow(FilesMixin, PagesMixin, StoriesMixin, FramesMixin, QMainWindow):
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
        self.act_thread = self._action("串接", self.start_thread,
                                       tip="选中文字框后，点击要接续排文的框（可在其他版面）")
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
        for d in ts.diagnostics:
            self.statusBar().showMessage(d.zh, 8000)
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
        if sel:
            self.properties_panel.set_frame(doc, sel.page, sel.frame)
        else:
            self.properties_panel.set_frame(doc, -1, "")
        self._show_selection()
        self._update_actions()
        self._preflight_stale = True
        if self.preflight_dock.isVisible():
            self.run_preflight()

    def story_status(self, story_id: str) -> str:
        try:
            lay = self.doc.typeset.stories.get(story_id)
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

    # ---- closing -----------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if self.maybe_save():
            self.autosave_timer.stop()
            self._drop_recovery()  # saved, or discarded by the user
            self.undo_stack.setClean()  # decided: nothing is pending once the window is gone
            event.accept()
        else:
            event.ignore()

    # ---- preflight -------------------------------------------------------------------
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

