"""Editing frames: image frames that switch to manual without jumping, rules resized by
their ends, deleting a frame in the middle of a thread; and recovery of never-saved issues
at start-up."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, QSettings, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from xjeditor.app import recovery
from xjeditor.app.canvas import SELECT_COLOR, TOOL_RULE, Selection
from xjeditor.app.commands import AddFrameCommand, EditStoryCommand, SetFrameAttrsCommand
from xjeditor.app.dialogs import ask_untitled_recovery as real_ask_untitled_recovery
from xjeditor.app.document import Document
from xjeditor.app.window import MainWindow
from xjeditor.fileformat import load_issue
from xjeditor.model import FitMode, PartKind, Rect, RuleFrame, StoryPart, TextFrame, mm_to_pt
from xjeditor.typeset.display import GlyphRun, ImagePlacement, Rule

from app_demo import BODY, COL, GUT, PITCH, X0, Y0, retitle


@pytest.fixture
def recovery_dir(monkeypatch, tmp_path) -> Path:
    folder = tmp_path / "appdata" / "recovery"
    monkeypatch.setattr(recovery, "recovery_folder", lambda: folder)
    return folder


def _new_window(tmp_path, name: str) -> MainWindow:
    return MainWindow(QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat))


def _close(window) -> None:
    window.undo_stack.setClean()
    window.close()


# ---- 1. recovery of issues that were never saved ------------------------------------------
def _crash_untitled(tmp_path, sample, title: str) -> tuple[MainWindow, Path]:
    """An editor with a never-saved issue that autosaved an edit and is still running."""
    w = _new_window(tmp_path, "crashed")
    w.set_document(Document(load_issue(sample)))
    w.undo_stack.push(retitle(w, "s3", title))
    assert w.autosave()
    files = recovery.untitled_recovery_files()
    assert len(files) == 1 and files[0].name.startswith("未命名-")
    return w, files[0]


def _crash(window, rec: Path) -> None:
    """The editor's process dies: its copy and its lock file stay, the lock names a process
    that is gone."""
    window.autosave_timer.stop()
    recovery.release(window._recovery_lock)
    window._recovery_lock = None
    gone = subprocess.Popen([sys.executable, "-c", ""])
    gone.wait()
    Path(str(rec) + recovery.LOCK_SUFFIX).write_text(f"{gone.pid}\nxjeditor\n\n")
    window._recovery_file = None
    window.undo_stack.setClean()  # (only so that tearing the stack down emits nothing)
    window.deleteLater()


def test_untitled_recovery_is_offered_at_start_up_and_goes_once_saved(
        app, sample, fake_dialogs, tmp_path, recovery_dir):
    crashed, rec = _crash_untitled(tmp_path, sample, "没有保存过的标题")
    edited = load_issue(rec)
    fake_dialogs.untitled_recovery = "recover"

    # while the editor that writes the copy still runs, another one starting does not offer it
    other = _new_window(tmp_path, "other")
    try:
        assert not other.offer_untitled_recovery()
        assert fake_dialogs.names() == []
    finally:
        _close(other)

    _crash(crashed, rec)
    again = _new_window(tmp_path, "again")
    try:
        assert again.offer_untitled_recovery()
        assert fake_dialogs.names() == ["ask_untitled_recovery"]
        name, when = fake_dialogs.calls[0][1]
        assert name == f"{edited.paper}第{edited.number}期" and "年" in when
        # recovered as an untitled, modified issue holding the autosaved edit
        assert again.doc.path is None and again.doc.issue == edited
        assert again.doc.issue.stories["s3"].headline == "没有保存过的标题"
        assert not again.undo_stack.isClean()
        assert again.windowTitle().startswith("未命名* — ")
        assert "已恢复未保存的新建期刊" in again.statusBar().currentMessage()
        assert rec.exists()  # kept until the issue is saved or discarded
        # the lock the dead editor left is this editor's now
        lock_file = Path(str(rec) + recovery.LOCK_SUFFIX)
        assert lock_file.read_text().split("\n")[0] == str(os.getpid())

        # further edits autosave into the same copy
        again.undo_stack.push(retitle(again, "s3", "恢复后又改"))
        assert again.autosave()
        assert recovery.untitled_recovery_files() == [rec]
        assert load_issue(rec).stories["s3"].headline == "恢复后又改"

        # Save As writes the file and the copy goes
        target = tmp_path / "saved.xjb"
        fake_dialogs.save_path = str(target)
        assert again.save()
        assert load_issue(target).stories["s3"].headline == "恢复后又改"
        assert not rec.exists() and list(recovery_dir.iterdir()) == []
        assert again.windowTitle().startswith("saved.xjb — ")
    finally:
        _close(again)


def test_untitled_recovery_discard_later_and_discard_on_close(app, sample, fake_dialogs, tmp_path, recovery_dir):
    first = load_issue(sample)
    second = load_issue(sample)
    second.number = 153
    old, new = recovery_dir / "未命名-1.xjb.recovery", recovery_dir / "未命名-2.xjb.recovery"
    recovery.write_recovery(first, old)
    recovery.write_recovery(second, new)
    st = new.stat()
    os.utime(old, ns=(st.st_atime_ns, st.st_mtime_ns - 10**9))
    broken = recovery_dir / "未命名-0.xjb.recovery"
    broken.write_bytes(b"not an issue")
    os.utime(broken, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))

    w = _new_window(tmp_path, "w")
    try:
        # 以后再说: asked once (newest readable copy first), everything stays for the next start
        fake_dialogs.untitled_recovery = "cancel"
        assert not w.offer_untitled_recovery()
        assert [c[1][0] for c in fake_dialogs.calls] == [f"{second.paper}第153期"]
        assert old.exists() and new.exists() and broken.exists()
        assert w.doc.path is None and w.undo_stack.isClean()

        # 丢弃: each copy deleted in turn; the unreadable one is left alone
        fake_dialogs.calls.clear()
        fake_dialogs.untitled_recovery = "discard"
        assert not w.offer_untitled_recovery()
        assert fake_dialogs.names() == ["ask_untitled_recovery", "ask_untitled_recovery"]
        assert not old.exists() and not new.exists() and broken.exists()
        assert "无法读取" in w.statusBar().currentMessage()
        assert w.undo_stack.isClean() and w.doc.issue.pages == []

        # recovered, then discarded when the window closes: the copy goes
        broken.unlink()
        recovery.write_recovery(second, new)
        fake_dialogs.untitled_recovery = "recover"
        assert w.offer_untitled_recovery()
        assert w.doc.issue.number == 153 and not w.undo_stack.isClean()
        fake_dialogs.unsaved = "discard"
        assert w.close()
        assert not new.exists() and list(recovery_dir.iterdir()) == []
    finally:
        _close(w)


def test_the_untitled_recovery_prompt_is_in_chinese(app, monkeypatch):
    shown = {}

    def fake_exec(box):
        shown["text"] = box.text()
        shown["buttons"] = [b.text() for b in box.buttons()]
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    assert real_ask_untitled_recovery(None, "新泾镇社区晨报第152期", "2024年5月1日 09:30") == "cancel"
    assert shown["text"].startswith("发现未保存的新建期刊“新泾镇社区晨报第152期”")
    assert shown["text"].endswith("是否恢复？")
    assert set(shown["buttons"]) == {"恢复", "丢弃", "以后再说"}


# ---- 2. switching an image frame to manual keeps the picture where it is -------------------
def _placement(window, page: int, frame_id: str) -> ImagePlacement:
    return next(it for it in window.doc.typeset.pages[page].items
                if isinstance(it, ImagePlacement) and it.frame == frame_id)


def _same_place(a: ImagePlacement, b: ImagePlacement) -> bool:
    return all(abs(u - v) < 0.05 for u, v in ((a.ix, b.ix), (a.iy, b.iy), (a.iw, b.iw), (a.ih, b.ih)))


@pytest.mark.parametrize("start_mode", [FitMode.FILL, FitMode.FIT])
def test_manual_starts_from_what_fit_or_fill_shows_and_undo_restores(window, demo, start_mode):
    page, fid = 0, "img-001-4-jianxing-photo1"
    f = window.doc.issue.pages[page].frame(fid)
    # a stored manual scale and offset that are not what the frame shows
    window.undo_stack.push(SetFrameAttrsCommand(window.doc, page, fid,
                                                {"fit": start_mode, "scale": 2.5, "offset_x": 40.0,
                                                 "offset_y": -30.0}, "准备"))
    stored = (f.fit, f.scale, f.offset_x, f.offset_y)
    shown = _placement(window, page, fid)
    count = window.undo_stack.count()

    window.canvas.select(Selection(page, fid))
    window.act_manual_image.trigger()
    assert f.fit == FitMode.MANUAL and window.undo_stack.count() == count + 1
    assert f.scale != 2.5
    assert _same_place(_placement(window, page, fid), shown)  # the picture did not jump
    assert window.properties_panel.fit.currentData() == FitMode.MANUAL

    # a Ctrl+wheel step now scales what the user saw, not the stale stored scale
    iw = _placement(window, page, fid).iw
    window.canvas.imageScaled.emit(page, fid, 1.1)
    assert _placement(window, page, fid).iw == pytest.approx(iw * 1.1, rel=1e-3)

    window.undo_stack.undo()
    window.undo_stack.undo()
    assert (f.fit, f.scale, f.offset_x, f.offset_y) == stored
    assert _same_place(_placement(window, page, fid), shown)

    # the same through the 属性 panel's 图片适配 box
    panel = window.properties_panel
    panel.fit.setCurrentIndex(panel.fit.findData(FitMode.MANUAL))
    assert f.fit == FitMode.MANUAL and f.scale != 2.5
    assert _same_place(_placement(window, page, fid), shown)
    window.undo_stack.undo()
    assert (f.fit, f.scale, f.offset_x, f.offset_y) == stored
    window.undo_stack.undo()
    assert window.doc.issue == load_issue(demo) and window.undo_stack.isClean()


# ---- 3. rules: end handles, length in the 属性 panel ---------------------------------------
def _scene(window, page: int, x_mm: float, y_mm: float) -> QPointF:
    return window.canvas.items_[page].mapToScene(QPointF(mm_to_pt(x_mm), mm_to_pt(y_mm)))


def _view_pos(window, page: int, x_mm: float, y_mm: float):
    return window.canvas.mapFromScene(_scene(window, page, x_mm, y_mm))


def _drag(window, page: int, a: tuple[float, float], b: tuple[float, float],
          mods=Qt.KeyboardModifier.NoModifier) -> None:
    """Press at a, move and release at b (mm on the page), with real mouse events."""
    vp = window.canvas.viewport()
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, mods, _view_pos(window, page, *a))
    mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
    for point in (mid, b):
        QTest.mouseMove(vp, _view_pos(window, page, *point))
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, mods, _view_pos(window, page, *b))


def _pixel(window, page: int, x_mm: float, y_mm: float) -> QColor:
    window.canvas.viewport().repaint()
    image = window.canvas.viewport().grab().toImage()
    p = _view_pos(window, page, x_mm, y_mm)
    return image.pixelColor(p.x(), p.y())


def test_rule_ends_are_dragged_with_snapping_as_one_undo_step(window, demo, qtbot):
    start = load_issue(demo)
    c = window.canvas
    page = 1
    c.set_tool(TOOL_RULE)
    y = Y0 + 20 * PITCH
    assert c.tool_press(_scene(window, page, X0 + 0.3, y))
    c.tool_release(_scene(window, page, X0 + COL - 0.2, y + 0.2))
    rule = next(f for f in window.doc.issue.pages[page].frames if isinstance(f, RuleFrame)
                and f.id not in {g.id for g in start.pages[page].frames})
    assert c.selection == Selection(page, rule.id)
    c.set_zoom(1.5)
    c.show_frame(page, rule.id)
    qtbot.wait(10)
    x1, ry = rule.x1, rule.y1
    assert rule.x2 == pytest.approx(X0 + COL, abs=0.01)

    # the selected rule shows a handle on each end
    for x in (rule.x1, rule.x2):
        assert _pixel(window, page, x, ry) == SELECT_COLOR

    # drag the right end to a little past the 2nd column's right edge: it snaps there and
    # stays horizontal; the left end does not move
    count = window.undo_stack.count()
    _drag(window, page, (rule.x2, ry), (X0 + 2 * COL + GUT + 0.5, ry + 3.0))
    assert window.undo_stack.count() == count + 1
    assert rule.x2 == pytest.approx(X0 + 2 * COL + GUT, abs=0.01)
    assert (rule.x1, rule.y1, rule.y2) == (x1, ry, ry)
    assert window.properties_panel.length.value() == pytest.approx(2 * COL + GUT, abs=0.01)
    drawn = [it for it in window.doc.typeset.pages[page].items
             if isinstance(it, Rule) and abs(it.y1 - mm_to_pt(ry)) < 0.01]
    assert any(abs(it.x2 - mm_to_pt(rule.x2)) < 0.01 for it in drawn)

    # the left end, with Alt: free, no snapping
    _drag(window, page, (rule.x1, ry), (X0 + 5.3, ry), Qt.KeyboardModifier.AltModifier)
    assert rule.x1 == pytest.approx(X0 + 5.3, abs=0.05)
    assert window.undo_stack.count() == count + 2

    # an end dragged onto the other one: too short, nothing changes
    _drag(window, page, (rule.x1, ry), (rule.x2, ry), Qt.KeyboardModifier.AltModifier)
    assert window.undo_stack.count() == count + 2
    assert "线条太短" in window.statusBar().currentMessage()

    # undo: one step per drag
    window.undo_stack.undo()
    assert rule.x1 == x1 and rule.x2 == pytest.approx(X0 + 2 * COL + GUT, abs=0.01)
    window.undo_stack.undo()
    assert (rule.x1, rule.x2) == (x1, pytest.approx(X0 + COL, abs=0.01))

    # a vertical rule's end moves only vertically, snapping to a row's bottom
    v = window.doc.issue.pages[page].frame("rule-社区要闻-8")
    c.select(Selection(page, v.id))
    c.show_frame(page, v.id)
    qtbot.wait(10)
    old_bottom = v.y2
    _drag(window, page, (v.x2, v.y2), (v.x2 + 4.0, Y0 + 30 * PITCH + BODY + 0.4))
    assert v.x1 == v.x2 == pytest.approx(111.8938)
    assert v.y2 == pytest.approx(Y0 + 30 * PITCH + BODY, abs=0.01)
    window.undo_stack.undo()
    assert v.y2 == old_bottom

    while window.undo_stack.canUndo():
        window.undo_stack.undo()
    assert window.doc.issue == start and window.undo_stack.isClean()


def test_rule_length_and_width_in_the_properties_panel(window, demo):
    start = load_issue(demo)
    page = 3
    rule = window.doc.issue.pages[page].frame("rule-社区生活-9")
    window.canvas.select(Selection(page, rule.id))
    panel = window.properties_panel
    assert panel.form.isRowVisible(panel.length) and panel.form.isRowVisible(panel.line_width)
    assert not panel.form.isRowVisible(panel.w) and not panel.form.isRowVisible(panel.h)
    assert panel.length.value() == pytest.approx(rule.x2 - rule.x1, abs=0.01)

    x1, y = rule.x1, rule.y1
    count = window.undo_stack.count()
    panel.length.setValue(50.0)
    assert (rule.x1, rule.y1, rule.y2) == (x1, y, y) and rule.x2 == pytest.approx(x1 + 50.0)
    panel.length.stepUp()  # spin-box steps merge into the same undo step
    assert rule.x2 == pytest.approx(x1 + 50.5)
    assert window.undo_stack.count() == count + 1
    panel.line_width.setValue(1.5)
    assert rule.width == 1.5

    # a vertical rule grows downwards
    v = window.doc.issue.pages[page].frame("rule-社区生活-11")
    window.canvas.select(Selection(page, v.id))
    panel.length.setValue(100.0)
    assert v.x1 == v.x2 and v.y2 == pytest.approx(v.y1 + 100.0)

    # a text frame shows width and height again, not a length
    window.canvas.select(Selection(page, "t-004-5-jiati"))
    assert panel.form.isRowVisible(panel.w) and not panel.form.isRowVisible(panel.length)

    while window.undo_stack.canUndo():
        window.undo_stack.undo()
    assert window.doc.issue == start


# ---- 4. deleting a frame keeps its thread flowing ---------------------------------------------
STORY = "000-3-xuexi"  # t-000-3-xuexi (page 1) -> t-000-3-xuexi-2 (page 2)


def _story_pages(window, story_id: str) -> set[int]:
    return {i for i, p in enumerate(window.doc.typeset.pages)
            for it in p.items if isinstance(it, GlyphRun) and it.story == story_id}


def _stories_row(window, story_id: str) -> tuple[str, str, str, str]:
    return next(r for r in window.stories_panel.rows() if r[0] == story_id)


def _three_frame_thread(window) -> str:
    """Thread a third frame (page 3) after the story's second frame; returns its id."""
    issue = window.doc.issue
    third = TextFrame(issue.new_id("f"), Rect(X0, Y0 + 10, COL, 60 * PITCH))
    window.undo_stack.push(AddFrameCommand(window.doc, 2, third))
    assert window.thread_frames(1, "t-000-3-xuexi-2", 2, third.id)
    # enough text to run into the third frame
    parts = window.doc.story_parts(STORY) + [StoryPart(PartKind.PARAGRAPH, "社区志愿者风雨无阻守护家园。" * 40)
                                             for _ in range(6)]
    window.undo_stack.push(EditStoryCommand(window.doc, STORY, parts))
    assert {0, 1, 2} <= _story_pages(window, STORY)
    return third.id


def test_deleting_a_frame_in_the_middle_of_a_thread_relinks_it(window, demo):
    start = load_issue(demo)
    third = _three_frame_thread(window)
    before = copy.deepcopy(window.doc.issue)

    window.canvas.select(Selection(1, "t-000-3-xuexi-2"))
    window.act_delete_frame.trigger()
    issue = window.doc.issue
    assert issue.pages[1].frame("t-000-3-xuexi-2") is None
    assert issue.pages[0].frame("t-000-3-xuexi").next == third
    assert [f.id for _, f in issue.story_frames(STORY)] == ["t-000-3-xuexi", third]
    assert 2 in _story_pages(window, STORY) and 1 not in _story_pages(window, STORY)
    assert _stories_row(window, STORY)[3] == "1、3"  # the stories panel's 版 column
    jumps = [it.text for it in window.doc.typeset.pages[0].items
             if isinstance(it, GlyphRun) and it.story == STORY and "转第" in it.text]
    assert jumps == ["（下转第3版）"]  # the jump line now points at page 3

    window.undo_stack.undo()
    assert window.doc.issue == before
    assert 1 in _story_pages(window, STORY)

    # deleting the first frame: the next one takes the story over
    window.canvas.select(Selection(0, "t-000-3-xuexi"))
    window.act_delete_frame.trigger()
    assert window.doc.issue.pages[1].frame("t-000-3-xuexi-2").story == STORY
    assert [f.id for _, f in window.doc.issue.story_frames(STORY)] == ["t-000-3-xuexi-2", third]
    assert 0 not in _story_pages(window, STORY) and 1 in _story_pages(window, STORY)
    window.undo_stack.undo()
    assert window.doc.issue == before

    # the last frame: the thread just ends where it did before
    window.canvas.select(Selection(2, third))
    window.act_delete_frame.trigger()
    assert window.doc.issue.pages[1].frame("t-000-3-xuexi-2").next is None
    window.undo_stack.undo()
    assert window.doc.issue == before

    while window.undo_stack.canUndo():
        window.undo_stack.undo()
    assert window.doc.issue == start


def test_deleting_the_only_frame_of_a_story_leaves_it_unplaced(window, demo):
    start = load_issue(demo)
    sid = "001-2-shujiganyan"
    assert _stories_row(window, sid)[3] == "3"
    window.canvas.select(Selection(2, "t-001-2-shujiganyan"))
    window.act_delete_frame.trigger()
    assert sid in window.doc.issue.stories
    assert _stories_row(window, sid)[3] == "未排入"  # listed, marked unplaced
    window.undo_stack.undo()
    assert window.doc.issue == start
    assert _stories_row(window, sid)[3] == "3"
