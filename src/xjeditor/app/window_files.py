"""Opening, saving, recent files, autosave and recovery, and export of the main window.

A mixin of ``MainWindow``: the methods here use the window's widgets, settings and undo stack."""

from __future__ import annotations

import copy
import datetime as _dt
import os
import warnings
from pathlib import Path

from PySide6.QtWidgets import QApplication

from ..fileformat import FileChangedError, IssueFileError, file_hash, load_issue
from ..layouts import LayoutError, PageCountWarning, new_issue
from ..model import Issue
from ..render.export import write_pdf
from . import dialogs, recovery
from .document import Document, TypesetFailed
from .preflightpanel import summary_text
from .storyform import parts_from_form

RECENT_KEY = "recent_files"
MAX_RECENT = 8


class ExportCancelled(Exception):
    """Raised from the export's progress callback when the user cancels."""


class FilesMixin:
    """Part of ``MainWindow`` (see window.py); uses its settings, panels and undo stack."""

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
            rendered = write_pdf(ts, target, progress=step)
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
