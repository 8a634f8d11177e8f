"""Autosave and recovery, PDF export from the window, and the preflight panel."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from xjeditor.app import recovery
from xjeditor.app.commands import EditStoryCommand
from xjeditor.app.window import MainWindow
from xjeditor.fileformat import file_hash, load_issue
from xjeditor.model import PartKind, StoryPart

from app_demo import DEMO, retitle


def _grow(window, story_id: str, text: str) -> EditStoryCommand:
    parts = window.doc.story_parts(story_id) + [StoryPart(PartKind.PARAGRAPH, text)]
    return EditStoryCommand(window.doc, story_id, parts)


def _new_window(tmp_path, name: str) -> MainWindow:
    return MainWindow(QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat))


# ---- autosave and recovery ---------------------------------------------------------------
def test_autosave_writes_the_recovery_file_only_when_modified(window, sample):
    window.open_path(sample)
    rec = recovery.recovery_path_for(sample)
    assert rec.name == "sample.xjb.recovery"
    assert not window.autosave() and not rec.exists()  # nothing changed

    window.undo_stack.push(retitle(window, "s3", "自动保存的标题"))
    assert window.autosave() and rec.exists()
    assert load_issue(rec).stories["s3"].headline == "自动保存的标题"
    assert load_issue(sample).stories["s3"].headline != "自动保存的标题"  # the issue is untouched
    assert not window.autosave()  # nothing new since: not written again

    window.undo_stack.undo()  # back to clean: no autosave, and a save removes the file
    assert not window.autosave()
    window.undo_stack.redo()
    assert window.save()
    assert not rec.exists()


def test_autosave_timer_fires_and_includes_the_unapplied_story_form(window, sample, qtbot):
    window.open_path(sample)
    window.stories_panel.select_story("s2")
    window.story_editor.head[PartKind.TITLE].setPlainText("还没应用的标题")
    assert window.story_editor.is_dirty()
    rec = recovery.recovery_path_for(sample)
    window.autosave_timer.setInterval(50)
    qtbot.waitUntil(rec.exists, timeout=3000)
    assert load_issue(rec).stories["s2"].headline == "还没应用的标题"
    assert window.undo_stack.count() == 0  # the form was not applied behind the user's back


def test_failed_autosave_shows_a_message_and_does_not_raise(window, sample, monkeypatch):
    window.open_path(sample)
    window.undo_stack.push(retitle(window, "s3", "写不进去"))

    def fail(_issue, _target):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(recovery, "write_recovery", fail)
    assert not window.autosave()
    assert "自动保存失败" in window.statusBar().currentMessage()
    assert not recovery.recovery_path_for(sample).exists()


def test_clean_close_removes_the_recovery_file(app, sample, fake_dialogs, tmp_path):
    w = _new_window(tmp_path, "a")
    w.open_path(sample)
    w.undo_stack.push(retitle(w, "s3", "将被丢弃"))
    assert w.autosave()
    rec = recovery.recovery_path_for(sample)
    assert rec.exists()
    fake_dialogs.unsaved = "discard"
    assert w.close()
    assert not rec.exists()


def test_crash_then_reopen_offers_recovery_and_restores_the_edit(app, sample, fake_dialogs, tmp_path):
    crashed = _new_window(tmp_path, "crashed")
    crashed.open_path(sample)
    crashed.undo_stack.push(retitle(crashed, "s1", "崩溃前的修改"))
    crashed.undo_stack.push(_grow(crashed, "s3", "崩溃前补写的一段。"))
    assert crashed.autosave()
    edited = load_issue(recovery.recovery_path_for(sample))
    # the crash: the window goes away without closeEvent, its recovery file stays
    crashed.autosave_timer.stop()
    crashed.undo_stack.setClean()  # (only so that tearing the stack down emits nothing)
    crashed.deleteLater()
    del crashed
    original_hash = file_hash(sample)

    fake_dialogs.recovery = "recover"
    again = _new_window(tmp_path, "again")
    try:
        assert again.open_path(sample)
        assert fake_dialogs.names() == ["ask_recovery"]
        assert fake_dialogs.calls[0][1][0] == "sample.xjb"
        assert again.doc.issue == edited
        assert again.doc.issue.stories["s1"].headline == "崩溃前的修改"
        assert again.doc.path == sample  # still the original file
        assert not again.undo_stack.isClean()
        assert again.windowTitle().startswith("sample.xjb* — ")
        assert file_hash(sample) == original_hash
        assert again.save()  # saved to the original: the recovery file goes
        assert load_issue(sample).stories["s1"].headline == "崩溃前的修改"
        assert not recovery.recovery_path_for(sample).exists()
    finally:
        again.undo_stack.setClean()
        again.close()


def test_discard_and_cancel_of_the_recovery_question(app, sample, fake_dialogs, tmp_path):
    rec = recovery.recovery_path_for(sample)
    other = load_issue(sample)
    other.stories["s1"].parts[0].text = "自动保存的内容"
    recovery.write_recovery(other, rec)

    w = _new_window(tmp_path, "w")
    try:
        fake_dialogs.recovery = "cancel"
        assert not w.open_path(sample)
        assert w.doc.path is None and rec.exists()

        fake_dialogs.recovery = "discard"
        assert w.open_path(sample)
        assert w.doc.issue == load_issue(sample) and w.undo_stack.isClean()
        assert not rec.exists()
        assert fake_dialogs.names() == ["ask_recovery", "ask_recovery"]
    finally:
        w.close()


def test_an_older_recovery_file_is_not_offered(app, sample, fake_dialogs, tmp_path):
    import os

    rec = recovery.recovery_path_for(sample)
    recovery.write_recovery(load_issue(sample), rec)
    st = sample.stat()
    os.utime(rec, ns=(st.st_atime_ns, st.st_mtime_ns - 10**9))
    w = _new_window(tmp_path, "w")
    try:
        assert w.open_path(sample)
        assert fake_dialogs.names() == []
    finally:
        w.close()


def test_untitled_issue_autosaves_into_the_app_data_folder(window, sample, monkeypatch, tmp_path):
    monkeypatch.setattr(recovery, "recovery_folder", lambda: tmp_path / "appdata" / "recovery")
    issue = load_issue(sample)
    from xjeditor.app.document import Document

    window.set_document(Document(issue))
    window.undo_stack.push(retitle(window, "s3", "没有文件名"))
    assert window.autosave()
    files = list((tmp_path / "appdata" / "recovery").glob("*.xjb.recovery"))
    assert len(files) == 1
    assert load_issue(files[0]).stories["s3"].headline == "没有文件名"
    window.undo_stack.setClean()
    window.close()
    assert not files[0].exists()


def test_recovery_folder_is_under_app_data():
    from PySide6.QtCore import QStandardPaths

    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    assert recovery.recovery_folder() == Path(base) / "recovery"


# ---- export --------------------------------------------------------------------------------
@pytest.fixture
def demo(tmp_path) -> Path:
    path = tmp_path / "demo.xjb"
    shutil.copyfile(DEMO, path)
    return path


def _recording_progress(steps: list[int], cancel_at: int | None = None):
    """A stand-in for dialogs.export_progress: a real QProgressDialog that records each
    value and presses 取消 when ``cancel_at`` is reached."""
    from PySide6.QtWidgets import QProgressDialog

    class Recording(QProgressDialog):
        def setValue(self, value: int) -> None:  # noqa: N802 - Qt's name
            super().setValue(value)
            steps.append(value)
            if cancel_at is not None and value >= cancel_at:
                self.cancel()

    def make(parent, total):
        dlg = Recording("正在导出 PDF…", "取消", 0, total, parent)
        dlg.setMinimumDuration(0)
        return dlg

    return make


def test_export_with_progress_writes_the_pdf(window, demo, fake_dialogs, tmp_path, monkeypatch):
    from pypdf import PdfReader

    from xjeditor.app import dialogs

    steps: list[int] = []
    monkeypatch.setattr(dialogs, "export_progress", _recording_progress(steps))
    window.open_path(demo)
    out = tmp_path / "out" / "demo.pdf"
    out.parent.mkdir()
    fake_dialogs.export_path = str(out)
    assert window.export_dialog()
    assert len(PdfReader(str(out)).pages) == 4
    assert steps[-4:] == [1, 2, 3, 4]
    name, args = fake_dialogs.calls[-1]
    assert name == "show_info"
    assert "已导出 4 版" in args[1]
    assert f"发现 {len(window.findings)} 个问题" in args[2]
    assert list(out.parent.iterdir()) == [out]  # no temp file left


def test_cancelled_export_leaves_no_file(window, demo, fake_dialogs, tmp_path, monkeypatch):
    from xjeditor.app import dialogs

    steps: list[int] = []
    monkeypatch.setattr(dialogs, "export_progress", _recording_progress(steps, cancel_at=2))
    window.open_path(demo)
    out = tmp_path / "out"
    out.mkdir()
    assert not window.export_to(out / "demo.pdf")
    assert list(out.iterdir()) == []
    assert steps == [1, 2]
    assert "取消" in window.statusBar().currentMessage()
    assert "show_info" not in fake_dialogs.names() and "show_error" not in fake_dialogs.names()


def test_export_into_a_missing_folder_says_why_in_chinese(window, sample, fake_dialogs, tmp_path):
    window.open_path(sample)
    assert not window.export_to(tmp_path / "没有这个文件夹" / "x.pdf")
    name, args = fake_dialogs.calls[-1]
    assert name == "show_error"
    assert args[0] == "无法导出" and "文件夹不存在" in args[2]


# ---- preflight panel ---------------------------------------------------------------------
def test_preflight_panel_lists_overset_and_clicking_selects(window, sample, fake_dialogs, qtbot):
    window.open_path(sample)
    assert window.preflight_panel.rows() == []  # hidden: not run
    window.show_preflight()
    assert window.preflight_dock.isVisible()
    before = len(window.preflight_panel.rows())
    assert before > 0

    window.undo_stack.push(_grow(window, "s2", "社区志愿者风雨无阻，守护家园。" * 80))
    # refreshed after the re-typeset because the dock is visible
    codes = [f.code for f in window.preflight_panel.findings]
    assert "overset" in codes
    row = codes.index("overset")
    severity, page, text = window.preflight_panel.rows()[row]
    assert severity == "错误" and page == "第1版" and "s2" in text and "排不下" in text

    window.preflight_panel.activate_row(row)
    assert window.canvas.selection is not None
    assert (window.canvas.selection.page, window.canvas.selection.frame) == (0, "f2")
    assert window.stories_panel.current_story() == "s2"
    assert window.story_editor.story_id == "s2"

    frame_row = next(i for i, f in enumerate(window.preflight_panel.findings) if f.ref_kind == "frame")
    window.preflight_panel.activate_row(frame_row)
    f = window.preflight_panel.findings[frame_row]
    assert window.canvas.selection.frame == f.ref == "i1"

    window.undo_stack.undo()
    assert "overset" not in [f.code for f in window.preflight_panel.findings]


def test_hidden_preflight_panel_is_not_refreshed_until_shown(window, sample, monkeypatch):
    import xjeditor.app.window as win

    calls = []
    real = win.preflight_findings
    monkeypatch.setattr(win, "preflight_findings", lambda *a: calls.append(1) or real(*a))
    window.open_path(sample)
    window.undo_stack.push(retitle(window, "s3", "不检查"))
    assert calls == []
    window.preflight_dock.show()
    assert calls == [1]
    assert window.preflight_panel.findings
