"""Start-up: every recovery file a crash left is offered, Qt's own texts are in Chinese, and
an editor that cannot open a window says why in one line instead of aborting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialogButtonBox

from xjeditor.app import display, recovery
from xjeditor.app.document import Document
from xjeditor.app.window import MainWindow
from xjeditor.fileformat import load_issue

from app_demo import retitle


@pytest.fixture
def recovery_dir(monkeypatch, tmp_path) -> Path:
    folder = tmp_path / "appdata" / "recovery"
    monkeypatch.setattr(recovery, "recovery_folder", lambda: folder)
    return folder


def _window(tmp_path, name: str) -> MainWindow:
    return MainWindow(QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat))


def _close(window) -> None:
    window.undo_stack.setClean()
    window.close()


def _crash(window, lock_file: Path) -> None:
    """The editor's process dies: its copy and its lock stay, the lock names a dead process."""
    window.autosave_timer.stop()
    recovery.release(window._recovery_lock)
    window._recovery_lock = None
    gone = subprocess.Popen([sys.executable, "-c", ""])
    gone.wait()
    lock_file.write_text(f"{gone.pid}\nxjeditor\n\n")
    window._recovery_file = None
    window.undo_stack.setClean()
    window.deleteLater()


def test_every_recovery_file_is_offered_at_start_up(app, sample, fake_dialogs, tmp_path, recovery_dir):
    # an editor with a saved issue and one with a never-saved issue autosave their edits
    saved = _window(tmp_path, "saved")
    assert saved.open_path(sample)
    saved.undo_stack.push(retitle(saved, "s3", "保存过的期刊又改了"))
    assert saved.autosave()
    rec = recovery.recovery_path_for(sample)
    note = recovery.note_path_for(rec)
    assert rec.exists() and note.exists()
    untitled = _window(tmp_path, "untitled")
    untitled.set_document(Document(load_issue(sample)))
    untitled.undo_stack.push(retitle(untitled, "s3", "从未保存"))
    assert untitled.autosave()
    (untitled_rec,) = recovery.untitled_recovery_files()

    # while they run, an editor starting offers neither
    other = _window(tmp_path, "other")
    try:
        assert not other.offer_recovery()
        assert "ask_recoveries" not in fake_dialogs.names()
    finally:
        _close(other)

    _crash(saved, Path(str(note) + recovery.LOCK_SUFFIX))
    _crash(untitled, Path(str(untitled_rec) + recovery.LOCK_SUFFIX))

    # the next start lists both in one dialog; 恢复 on the saved issue's copy
    again = _window(tmp_path, "again")
    try:
        fake_dialogs.recoveries = ("recover", 1)  # never-saved copies are listed first
        assert again.offer_recovery()
        assert fake_dialogs.names() == ["ask_recoveries"]
        items = fake_dialogs.calls[0][1][0]
        assert len(items) == 2 and items[1][0] == "sample.xjb" and items[1][2] == str(sample)
        names = {name for name, _when, _where in items}
        untitled = load_issue(untitled_rec)
        assert names == {"sample.xjb", f"{untitled.paper}第{untitled.number}期（未命名）"}
        assert all("年" in when for _name, when, _where in items)
        assert again.doc.path == sample
        assert again.doc.issue.stories["s3"].headline == "保存过的期刊又改了"
        assert not again.undo_stack.isClean() and again.windowTitle().startswith("sample.xjb* — ")
        assert "已恢复自动保存的修改" in again.statusBar().currentMessage()
        assert again.save()  # to the file: the copy and its note go
        assert load_issue(sample).stories["s3"].headline == "保存过的期刊又改了"
        assert not rec.exists() and not note.exists()
    finally:
        _close(again)

    # the other copy is still there for the next start: 丢弃 deletes it
    last = _window(tmp_path, "last")
    try:
        fake_dialogs.calls.clear()
        fake_dialogs.recoveries = ("discard", 0)
        assert not last.offer_recovery()
        assert fake_dialogs.names() == ["ask_recoveries"]
        assert len(fake_dialogs.calls[0][1][0]) == 1
        assert not untitled_rec.exists()
        assert recovery.untitled_recovery_files() == [] and recovery.noted_recovery_files() == []
    finally:
        _close(last)


def test_qt_dialogs_speak_chinese(app):
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
    assert box.button(QDialogButtonBox.StandardButton.Ok).text() == "确定"


def _env_without_display() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2] / "src")
    return env


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="display detection is for Linux")
def test_open_without_a_display_says_so_and_exits_2(sample):
    out = subprocess.run([sys.executable, "-m", "xjeditor", "open", str(sample)], env=_env_without_display(),
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "DISPLAY" in lines[0] and "没有图形显示" in lines[0]
    assert "qt.qpa" not in out.stderr


def test_display_problem_names_the_missing_packages(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(display, "missing_xcb_libraries",
                        lambda: ["libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-cursor.so.0"])
    problem = display.display_problem({"DISPLAY": ":0"})
    assert problem is not None and "\n" not in problem
    assert "libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0" in problem and "请安装" in problem
    assert display.display_problem({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}) is None
    assert display.display_problem({"QT_QPA_PLATFORM": "minimal"}) is None
    assert display.display_problem({"WAYLAND_DISPLAY": "wayland-0"}) is None
    assert "DISPLAY" in display.display_problem({})
    monkeypatch.setattr(display, "missing_xcb_libraries", lambda: [])
    monkeypatch.setattr(display, "x_server_reachable", lambda name: True)
    assert display.display_problem({"DISPLAY": ":0"}) is None
    assert display.debian_package("libxkbcommon-x11.so.0") == "libxkbcommon-x11-0"
    assert display.debian_package("libxcb-render-util.so.0.0.0") == "libxcb-render-util0"


def test_a_display_nobody_answers_at_is_reported(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(display, "missing_xcb_libraries", lambda: [])
    if display.x_server_reachable(":4242") is None:
        pytest.skip("no libxcb here")
    problem = display.display_problem({"DISPLAY": ":4242"})
    assert problem is not None and "无法连接到显示 DISPLAY=:4242" in problem


def test_file_dialog_texts_are_chinese(app):
    from PySide6.QtWidgets import QFileDialog, QLabel

    dialog = QFileDialog(None, "打开", "", "社区报文件 (*.xjb)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    texts = {label.objectName(): label.text() for label in dialog.findChildren(QLabel)}
    assert texts["lookInLabel"].startswith("查找范围") and texts["fileTypeLabel"].startswith("文件类型")
    assert texts["fileNameLabel"].startswith("文件名")
    dialog.deleteLater()
