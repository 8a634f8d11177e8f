"""The main window: canvas in the middle, pages on the left, stories and the story editor on
the right, menus and a status bar in Chinese. Edits go onto one QUndoStack."""

from __future__ import annotations

import copy
import datetime as _dt
import os
import warnings
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QMainWindow, QMenu, QToolBar, QWidget

from ..fileformat import FileChangedError, IssueFileError, load_issue
from ..layouts import LayoutError, PageCountWarning, new_issue
from ..model import ImageFrame, Issue, TextFrame
from ..preflight import Finding
from ..preflight import run_preflight as preflight_findings
from ..render.export import export_pdf, shared_registry
from ..render.qt import QtPageRenderer
from . import dialogs, recovery
from .canvas import PageCanvas, Selection
from .commands import AddPageCommand, DeletePageCommand, EditStoryCommand, SetFrameGeometryCommand
from .document import Document, TypesetFailed
from .panels import PagesPanel, StoriesPanel, StoryEditor
from .preflightpanel import PreflightPanel, summary_text
from .storyform import StoryForm, parts_from_form

APP_TITLE = "XJ Editor 社区报排版"
RECENT_KEY = "recent_files"
MAX_RECENT = 8
AUTOSAVE_MS = 60_000  # how often unsaved changes are written to the recovery file


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
        self.pages_panel.pageActivated.connect(self.canvas.scroll_to_page)
        self.stories_panel.storySelected.connect(self._story_selected)
        self.story_editor.applied.connect(self.apply_story_form)
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
        self.act_delete_page = self._action("删除当前版面", self.delete_page, tip="删除当前显示的版面")

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
        for dock in (self.pages_dock, self.stories_dock, self.editor_dock, self.preflight_dock):
            panels.addAction(dock.toggleViewAction())
        m = bar.addMenu("版面(&P)")
        m.addActions([self.act_add_page, self.act_delete_page])

    def _make_toolbar(self) -> None:
        tb = QToolBar("工具栏", self)
        tb.setObjectName("main-toolbar")
        tb.setMovable(False)
        tb.addActions([self.act_new, self.act_open, self.act_save])
        tb.addSeparator()
        tb.addActions([self.act_undo, self.act_redo])
        tb.addSeparator()
        tb.addActions([self.act_zoom_out, self.act_zoom_in, self.act_fit, self.act_actual])
        tb.addSeparator()
        tb.addActions([self.act_margins, self.act_columns, self.act_baseline, self.act_bleed])
        tb.addSeparator()
        tb.addActions([self.act_add_page, self.act_delete_page])
        self.addToolBar(tb)

    # ---- the document ---------------------------------------------------------------------
    def set_document(self, doc: Document, *, fit: bool = True) -> None:
        if self.doc is not None:
            self.doc.unsubscribe(self._doc_changed)
            # the issue being replaced was saved or discarded by the user (maybe_save)
            recovery.remove_recovery(self._recovery_file)
            self._recovery_file = None
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
        self.typeset_error = ""
        for w in ts.warnings:
            self.statusBar().showMessage(w, 8000)
        self.canvas.set_pages(ts.pages)
        self.pages_panel.set_pages(ts, self.renderer)
        self.stories_panel.set_stories(ts)
        sid = self.story_editor.story_id
        if sid is not None:
            story = doc.issue.stories.get(sid)
            self.story_editor.refresh(story, self.story_status(sid))
        self._page_changed(self.canvas.current_page())
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
        recovery.remove_recovery(self._recovery_file)
        self._recovery_file = None
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
            recovery.remove_recovery(self._recovery_file)  # saved, or discarded by the user
            self._recovery_file = None
            self.undo_stack.setClean()  # decided: nothing is pending once the window is gone
            event.accept()
        else:
            event.ignore()

    # ---- autosave ------------------------------------------------------------------------------
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
            recovery.write_recovery(issue, target)
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

    def _frame_edited(self, page: int, frame_id: str, old, new) -> None:
        self.undo_stack.push(SetFrameGeometryCommand(self.doc, page, frame_id, new, old,
                                                     resize=(old.w, old.h) != (new.w, new.h)))

    def add_page(self) -> None:
        self.undo_stack.push(AddPageCommand(self.doc))
        self.canvas.scroll_to_page(len(self.doc.issue.pages) - 1)

    def delete_page(self) -> None:
        if len(self.doc.issue.pages) <= 1:
            return
        self.undo_stack.push(DeletePageCommand(self.doc, self.canvas.current_page()))

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
        if sel is None or self.doc is None:
            self.selection_label.setText("")
            return
        f = self.doc.issue.pages[sel.page].frame(sel.frame)
        r = self.doc.frame_geometry(sel.page, sel.frame)
        kind = {"text": "文字框", "image": "图片框", "box": "底框", "rule": "线条"}.get(getattr(f, "kind", ""), "框")
        extra = f"，{f.columns} 栏" if isinstance(f, TextFrame) else ""
        if isinstance(f, ImageFrame) and not f.image:
            extra = "，空"
        self.selection_label.setText(f"{kind} {sel.frame}{extra}  {r.w:.1f}×{r.h:.1f} 毫米")
        for sid in self.doc.issue.stories:
            if any(tf.id == sel.frame for _, tf in self.doc.issue.story_frames(sid)):
                self._selecting_from_canvas = True  # the view must not jump under the mouse
                try:
                    self.stories_panel.select_story(sid)
                finally:
                    self._selecting_from_canvas = False
                break

    def _zoom_changed(self, zoom: float) -> None:
        self.zoom_label.setText(f"缩放 {zoom * 100:.0f}%")

    def _page_changed(self, index: int) -> None:
        n = len(self.doc.issue.pages) if self.doc else 0
        self.page_label.setText(f"第 {index + 1}/{n} 版" if n else "无版面")
        self.pages_panel.show_page(index)

    def _cursor_moved(self, where) -> None:
        if where is None:
            self.cursor_label.setText("")
        else:
            _page, x, y = where
            self.cursor_label.setText(f"X {x:.1f}  Y {y:.1f} 毫米")


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
