"""The editor window on the sample issue: pages, stories, edits, undo, files, errors."""

from __future__ import annotations

import copy

from PySide6.QtCore import QPointF, Qt

from xjeditor.app.canvas import Selection
from xjeditor.fileformat import file_hash, load_issue, load_issue_with_hash, save_issue
from xjeditor.model import PartKind, Rect
from xjeditor.typeset.display import GlyphRun as DisplayGlyphRun

from app_demo import retitle


def story_text(window, story_id: str) -> str:
    return "".join(it.text for page in window.doc.typeset.pages for it in page.items
                   if isinstance(it, DisplayGlyphRun) and it.story == story_id)


def test_open_shows_pages_in_scene_and_stories_with_copyfit(window, sample, fake_dialogs):
    assert window.open_path(sample)
    issue = window.doc.issue
    ts = window.doc.typeset
    assert len(window.canvas.items_) == len(issue.pages) == len(ts.pages) == 2
    page_items = [it for it in window.canvas.scene().items() if it in window.canvas.items_]
    assert len(page_items) == 2
    assert window.pages_panel.count() == 2
    rows = {sid: (headline, status, pages) for sid, headline, status, pages in window.stories_panel.rows()}
    assert set(rows) == {sid for sid in issue.stories if not sid.startswith("_")}
    for sid, (headline, status, pages) in rows.items():
        lay = ts.stories[sid]
        assert status == lay.copyfit.status
        assert pages == "、".join(str(p + 1) for p in lay.pages)
    assert rows["s1"][0] == "新泾邻里食堂正式开张"
    assert any(s.startswith(("超", "缺")) or s == "正好" for _, s, _ in rows.values())
    assert window.windowTitle().startswith("sample.xjb — ")
    assert fake_dialogs.calls == []
    assert window.recent_files() == [str(sample.resolve())]


def test_edit_story_repaints_and_undo_restores_the_loaded_model(window, sample, qtbot):
    window.open_path(sample)
    loaded, _ = load_issue_with_hash(sample)
    before_text = story_text(window, "s2")
    before_status = window.story_status("s2")

    window.stories_panel.select_story("s2")
    editor = window.story_editor
    assert editor.story_id == "s2"
    assert editor.head[PartKind.TITLE].toPlainText() == "书记感言"
    editor.head[PartKind.TITLE].setPlainText("书记的话")
    editor.body.setPlainText(editor.body.toPlainText() + "\n" + "社区志愿者风雨无阻，守护家园。" * 20)
    qtbot.mouseClick(editor.apply_button, Qt.MouseButton.LeftButton)

    assert window.doc.issue.stories["s2"].headline == "书记的话"
    after_text = story_text(window, "s2")
    assert after_text != before_text and "书记的话" in after_text
    assert window.story_status("s2") != before_status
    assert window.windowTitle().startswith("sample.xjb* — ")
    rows = {sid: status for sid, _, status, _ in window.stories_panel.rows()}
    assert rows["s2"] == window.story_status("s2")
    assert "书记的话" in editor.caption.text()

    window.undo_stack.undo()
    assert window.doc.issue == loaded
    assert story_text(window, "s2") == before_text
    assert window.undo_stack.isClean()
    assert window.windowTitle().startswith("sample.xjb — ")
    assert editor.head[PartKind.TITLE].toPlainText() == "书记感言"  # the form follows the undo


def test_unchanged_form_pushes_nothing(window, sample):
    window.open_path(sample)
    for sid in window.doc.issue.stories:
        window.stories_panel.select_story(sid)
        window.story_editor.apply()
    assert window.undo_stack.count() == 0


def test_save_close_reopen_gives_identical_content(window, sample, fake_dialogs, app, tmp_path):
    from PySide6.QtCore import QSettings

    from xjeditor.app.window import MainWindow

    window.open_path(sample)
    window.stories_panel.select_story("s1")
    window.story_editor.head[PartKind.KICKER].setPlainText("家门口吃上热乎饭菜")
    window.story_editor.apply()
    assert not window.undo_stack.isClean()
    assert window.save()
    assert window.undo_stack.isClean() and "*" not in window.windowTitle()
    assert window.doc.file_hash == file_hash(sample)
    edited = copy.deepcopy(window.doc.issue)
    window.close()

    again = MainWindow(QSettings(str(tmp_path / "s2.ini"), QSettings.Format.IniFormat))
    try:
        assert again.open_path(sample)
        assert again.doc.issue == edited
        assert again.doc.issue.stories["s1"].parts[0].text == "家门口吃上热乎饭菜"
    finally:
        again.close()
    assert "ask_file_changed" not in fake_dialogs.names()


def test_saving_over_a_file_changed_on_disk_asks_and_does_not_overwrite(window, sample, fake_dialogs):
    window.open_path(sample)
    window.undo_stack.push(retitle(window, "s3", "别人没改过的标题"))
    # someone else saves the file meanwhile
    other = load_issue(sample)
    other.paper = "别人改过的报名"
    save_issue(other, sample)
    theirs = file_hash(sample)

    fake_dialogs.file_changed = "cancel"
    assert not window.save()
    assert fake_dialogs.names() == ["ask_file_changed"]
    assert file_hash(sample) == theirs
    assert not window.undo_stack.isClean()

    fake_dialogs.file_changed = "overwrite"  # the user's explicit choice
    assert window.save()
    assert load_issue(sample).stories["s3"].headline == "别人没改过的标题"
    assert window.undo_stack.isClean()


def test_file_changed_then_save_as_writes_elsewhere(window, sample, fake_dialogs, tmp_path):
    window.open_path(sample)
    window.undo_stack.push(retitle(window, "s3", "另存的标题"))
    other = load_issue(sample)
    other.number = 99
    save_issue(other, sample)
    theirs = file_hash(sample)
    fake_dialogs.file_changed = "save_as"
    fake_dialogs.save_path = str(tmp_path / "mine.xjb")
    assert window.save()
    assert file_hash(sample) == theirs
    assert load_issue(tmp_path / "mine.xjb").stories["s3"].headline == "另存的标题"
    assert window.doc.path.name == "mine.xjb" and window.windowTitle().startswith("mine.xjb — ")


def test_corrupt_file_shows_the_error_and_keeps_the_current_issue(window, sample, fake_dialogs, tmp_path):
    window.open_path(sample)
    bad = tmp_path / "坏文件.xjb"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip")
    assert not window.open_path(bad)
    assert fake_dialogs.names() == ["show_error"]
    _title, text, detail = fake_dialogs.calls[0][1]
    assert "坏文件.xjb" in text and detail  # detail is the error's message_zh
    assert window.doc.path == sample
    assert len(window.canvas.items_) == 2
    window.undo_stack.push(retitle(window, "s2", "仍可编辑"))  # still usable
    assert window.doc.issue.stories["s2"].headline == "仍可编辑"
    missing = tmp_path / "没有这个文件.xjb"
    assert not window.open_path(missing)
    assert fake_dialogs.names() == ["show_error", "show_error"]  # no question about unsaved edits first
    assert "没有这个文件.xjb" in fake_dialogs.calls[1][1][1] and fake_dialogs.calls[1][1][2]
    assert window.doc.issue.stories["s2"].headline == "仍可编辑" and not window.undo_stack.isClean()


def test_closing_with_unsaved_changes_asks(window, sample, fake_dialogs):
    window.open_path(sample)
    window.undo_stack.push(retitle(window, "s2", "改了"))
    fake_dialogs.unsaved = "cancel"
    assert not window.close()
    assert window.isVisible()
    fake_dialogs.unsaved = "discard"
    assert window.close()
    assert fake_dialogs.names() == ["ask_unsaved", "ask_unsaved"]
    assert load_issue(sample).stories["s2"].headline == "书记感言"


def test_move_frame_and_pages_are_undoable(window, sample):
    window.open_path(sample)
    loaded = copy.deepcopy(window.doc.issue)
    runs_before = [it for it in window.doc.typeset.pages[0].items
                   if isinstance(it, DisplayGlyphRun) and it.story == "s2"]
    window._frame_edited(0, "f2", Rect(171.0, 93.0, 85.0, 102.0), Rect(171.0, 100.0, 85.0, 80.0))
    assert window.doc.issue.pages[0].frame("f2").rect == Rect(171.0, 100.0, 85.0, 80.0)
    runs_after = [it for it in window.doc.typeset.pages[0].items
                  if isinstance(it, DisplayGlyphRun) and it.story == "s2"]
    assert runs_after[0].y != runs_before[0].y
    window.add_page()
    assert len(window.doc.issue.pages) == 3 and len(window.canvas.items_) == 3
    window.canvas.scroll_to_page(1)
    window.delete_page()
    assert len(window.doc.issue.pages) == 2 and window.pages_panel.count() == 2
    while window.undo_stack.canUndo():
        window.undo_stack.undo()
    assert window.doc.issue == loaded
    assert window.undo_stack.isClean()


def test_dragging_a_frame_moves_it(window, sample, qtbot):
    window.open_path(sample)
    canvas = window.canvas
    canvas.set_zoom(0.5)
    item = canvas.items_[0]
    from xjeditor.model import mm_to_pt

    start = canvas.mapFromScene(item.mapToScene(QPointF(mm_to_pt(200), mm_to_pt(150))))
    end = start + (canvas.mapFromScene(QPointF(mm_to_pt(10), 0)) - canvas.mapFromScene(QPointF(0, 0)))
    vp = canvas.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=start)
    assert canvas.selection == Selection(0, "f2")
    qtbot.mouseMove(vp, end)
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=end)
    assert window.undo_stack.count() == 1
    assert abs(window.doc.issue.pages[0].frame("f2").rect.x - 181.0) < 1.0
    assert "文字框 f2" in window.selection_label.text()
    assert window.story_editor.story_id == "s2"  # clicking a frame opens its story


def test_zoom_fit_and_actual_size(window, sample):
    window.open_path(sample)
    c = window.canvas
    c.actual_size()
    assert c.zoom == 1.0 and window.zoom_label.text() == "缩放 100%"
    c.zoom_in()
    assert c.zoom > 1.0
    c.fit_page(1)
    assert c.zoom < 1.0 and c.current_page() == 1
    assert window.page_label.text() == "第 2/2 版"
    for flag in ("baseline", "bleed", "margins", "columns", "frames"):
        c.set_guides(**{flag: True})
    c.viewport().grab()  # paints every guide without error


def test_new_issue_from_layout(window, fake_dialogs):
    import datetime as dt

    from xjeditor.app.dialogs import NewIssueSettings

    fake_dialogs.new_issue = NewIssueSettings("社区晨报-四开", 4, 12, 345, dt.date(2024, 5, 6))
    assert window.new_issue()
    issue = window.doc.issue
    assert len(issue.pages) == 4 and issue.number == 12 and issue.layout == "社区晨报-四开"
    assert len(window.canvas.items_) == 4
    assert all(not sid.startswith("_") for sid, *_ in window.stories_panel.rows())
    assert window.doc.typeset.stories  # the furniture was typeset…
    assert window.windowTitle().startswith("未命名 — ")
    window.add_page()
    assert len(window.doc.issue.pages) == 5
    fake_dialogs.save_path = None
    assert not window.save()  # no name yet: Save As, cancelled
    assert fake_dialogs.names()[-1] == "get_save_path"
