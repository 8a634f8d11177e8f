"""What the editor's soak test (``soak_editor.py``) found, each as a plain test."""

from __future__ import annotations

from xjeditor.app import dialogs
from xjeditor.fileformat import load_issue
from xjeditor.model import Rect

RULE = "rule-要闻-6"  # on the demo's first page, from x 15.85 mm


def test_undoing_a_rule_move_gives_its_ends_back_exactly(window, demo):
    start = load_issue(demo)
    old = window.doc.frame_geometry(0, RULE)
    moved = Rect(old.x + 36.0, old.y, old.w, old.h)  # 15.85 + 36.0 - 36.0 is not 15.85 in floats
    window.canvas.frameGeometryEdited.emit(0, RULE, old, moved)
    assert window.doc.issue.pages[0].frame(RULE).x1 == 51.85
    window.act_undo.trigger()
    assert window.doc.issue == start
    window.act_redo.trigger()
    window.act_undo.trigger()
    assert window.doc.issue == start and window.undo_stack.isClean()


def test_opening_the_open_file_after_saving_it_shows_what_was_saved(window, demo, fake_dialogs):
    window.act_add_page.trigger()
    fake_dialogs.unsaved = dialogs.SAVE  # 保存 when asked about the changes
    fake_dialogs.open_path = str(demo)
    window.act_open.trigger()  # 打开 the same file again
    assert "ask_unsaved" in fake_dialogs.names()
    assert len(window.doc.issue.pages) == 5 and window.doc.issue == load_issue(demo)
    assert len(window.canvas.items_) == 5
    window.act_add_page.trigger()
    assert window.save()  # the file is the one the editor wrote: no "changed on disk" question
    assert "ask_file_changed" not in fake_dialogs.names()
    assert len(load_issue(demo).pages) == 6


def test_a_frame_cannot_be_moved_further_off_the_page_than_a_file_allows(window, demo):
    from xjeditor.app.canvas import Selection
    from xjeditor.fileformat.schema import FRAME_MARGIN_MM

    frame = "t-000-3-xuexi"  # 241.3 mm wide, on a page 273 mm wide
    window.canvas.select(Selection(0, frame))
    window.properties_panel.x.setValue(286.6)  # typed into 横向位置 X
    rect = window.doc.frame_geometry(0, frame)
    assert rect.right == window.doc.issue.pages[0].width + FRAME_MARGIN_MM
    assert window.properties_panel.x.value() == rect.x
    old = window.doc.frame_geometry(0, frame)  # dragged far to the left on the canvas
    window.canvas.frameGeometryEdited.emit(0, frame, old, Rect(-400.0, old.y, old.w, old.h))
    assert window.doc.frame_geometry(0, frame).x == -FRAME_MARGIN_MM
    assert window.set_rule_ends(0, RULE, (15.85, 140.2531, 900.0, 140.2531))
    assert window.doc.issue.pages[0].frame(RULE).x2 == window.doc.issue.pages[0].width + FRAME_MARGIN_MM
    assert window.save()  # the issue file takes it
    assert load_issue(demo) == window.doc.issue
