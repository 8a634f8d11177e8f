"""How the editor answers the mouse and the keyboard: Ctrl+wheel, Space+drag, which page is
the current one, status texts that follow edits, toolbar and panel sizes that stay put, and
clicks on empty page space."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QInputMethodEvent, QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolBar

from xjeditor.app import dialogs
from xjeditor.app.canvas import TOOL_SELECT, TOOL_TEXT, Selection
from xjeditor.model import FitMode, PartKind, mm_to_pt

PHOTO = (0, "img-000-2-huanjie-photo1")  # page 1 of the demo, a picture in a text frame


def _frame_center(window, page: int, frame_id: str) -> QPoint:
    r = window.doc.issue.pages[page].frame(frame_id).rect
    c = window.canvas
    scene = c.items_[page].mapToScene(QPointF(mm_to_pt(r.x + r.w / 2), mm_to_pt(r.y + r.h / 2)))
    return c.mapFromScene(scene)


def _view_pos(window, page: int, x_mm: float, y_mm: float) -> QPoint:
    c = window.canvas
    return c.mapFromScene(c.items_[page].mapToScene(QPointF(mm_to_pt(x_mm), mm_to_pt(y_mm))))


def _wheel(window, pos: QPoint, mods, steps: int = 1) -> None:
    vp = window.canvas.viewport()
    event = QWheelEvent(QPointF(pos), QPointF(vp.mapToGlobal(pos)), QPoint(0, 0), QPoint(0, 120 * steps),
                        Qt.MouseButton.NoButton, mods, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(vp, event)


def _click(window, pos: QPoint) -> None:
    QTest.mouseClick(window.canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)


# ---- Ctrl+wheel zooms, Alt+wheel scales the selected manual picture ------------------------
def test_ctrl_wheel_over_a_manual_picture_zooms_the_view(window, demo):
    page, fid = PHOTO
    assert window.set_fit_of(page, fid, FitMode.MANUAL)
    window.canvas.select(None)
    window.canvas.set_zoom(0.5)
    window.canvas.show_frame(page, fid)
    window.canvas.select(None)
    f = window.doc.issue.pages[page].frame(fid)
    scale, steps = f.scale, window.undo_stack.count()
    pos = _frame_center(window, page, fid)

    _wheel(window, pos, Qt.KeyboardModifier.ControlModifier)
    assert window.canvas.zoom > 0.5
    assert f.scale == scale and window.undo_stack.count() == steps

    # selected, the picture still does not scale with Ctrl: the view zooms
    window.canvas.show_frame(page, fid)
    zoom = window.canvas.zoom
    pos = _frame_center(window, page, fid)
    _wheel(window, pos, Qt.KeyboardModifier.ControlModifier)
    assert window.canvas.zoom > zoom and f.scale == scale

    # Alt+wheel scales the selected manual picture (one undo step), and leaves the zoom
    zoom = window.canvas.zoom
    pos = _frame_center(window, page, fid)
    _wheel(window, pos, Qt.KeyboardModifier.AltModifier)
    assert window.canvas.zoom == zoom
    assert window.doc.issue.pages[page].frame(fid).scale > scale
    assert "Alt+滚轮" in window.act_manual_image.statusTip()

    # …but not a picture that is not selected
    window.canvas.select(None)
    scale = window.doc.issue.pages[page].frame(fid).scale
    _wheel(window, pos, Qt.KeyboardModifier.AltModifier)
    assert window.doc.issue.pages[page].frame(fid).scale == scale


# ---- Space held: the hand tool -----------------------------------------------------------
def test_space_drag_pans_the_view_and_release_brings_the_tool_back(window, demo):
    c = window.canvas
    c.set_zoom(1.5)
    c.show_frame(*PHOTO)
    c.select(None)
    c.set_tool(TOOL_TEXT)
    c.setFocus()
    vp = c.viewport()
    page, fid = PHOTO
    before = window.doc.issue.pages[page].frame(fid).rect
    start = _frame_center(window, page, fid)
    h, v = c.horizontalScrollBar().value(), c.verticalScrollBar().value()

    QTest.keyPress(c, Qt.Key.Key_Space)
    assert vp.cursor().shape() == Qt.CursorShape.OpenHandCursor
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    assert vp.cursor().shape() == Qt.CursorShape.ClosedHandCursor
    for k in (1, 2, 3, 4):
        QTest.mouseMove(vp, start + QPoint(-20 * k, -10 * k))
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start + QPoint(-80, -40))
    QTest.keyRelease(c, Qt.Key.Key_Space)

    assert (c.horizontalScrollBar().value(), c.verticalScrollBar().value()) == (h + 80, v + 40)
    assert window.undo_stack.count() == 0  # nothing drawn, nothing moved
    assert window.doc.issue.pages[page].frame(fid).rect == before
    assert c.selection is None
    assert c.tool == TOOL_TEXT and vp.cursor().shape() == Qt.CursorShape.CrossCursor

    # Space+drag with the select tool does not move the frame under the pointer either
    c.set_tool(TOOL_SELECT)
    start = _frame_center(window, page, fid)
    QTest.keyPress(c, Qt.Key.Key_Space)
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(vp, start + QPoint(30, 30))
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start + QPoint(30, 30))
    QTest.keyRelease(c, Qt.Key.Key_Space)
    assert window.undo_stack.count() == 0 and window.doc.issue.pages[page].frame(fid).rect == before
    assert vp.cursor().shape() == Qt.CursorShape.ArrowCursor

    # released, a drag moves the frame again
    start = _frame_center(window, page, fid)
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(vp, start + QPoint(15, 0))
    QTest.mouseMove(vp, start + QPoint(30, 0))
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start + QPoint(30, 0))
    assert window.undo_stack.count() == 1


# ---- the selected frame's page is the current page ----------------------------------------
def test_page_actions_act_on_the_page_of_the_selected_frame(window, demo):
    c = window.canvas
    c.fit_all()
    c.scroll_to_page(2)
    assert window.page_label.text() == "第 3/4 版"
    text_frame = "t-000-3-xuexi"  # page 1
    _click(window, _frame_center(window, 0, text_frame))
    assert c.selection == Selection(0, text_frame)
    assert c.current_page() == 0 and window.page_label.text() == "第 1/4 版"
    assert not window.act_page_up.isEnabled() and window.act_page_down.isEnabled()

    window.act_page_down.trigger()
    assert window.doc.issue.pages[1].frame(text_frame) is not None
    assert c.selection == Selection(1, text_frame) and window.page_label.text() == "第 2/4 版"
    window.act_page_up.trigger()
    assert window.doc.issue.pages[0].frame(text_frame) is not None

    # scrolling elsewhere does not make another page current while the frame is selected
    c.fit_all()
    _click(window, _frame_center(window, 0, text_frame))
    c.horizontalScrollBar().setValue(c.horizontalScrollBar().maximum())
    assert window.page_label.text() == "第 1/4 版"
    second = [f.id for f in window.doc.issue.pages[1].frames]
    window.act_delete_page.trigger()
    assert len(window.doc.issue.pages) == 3
    assert [f.id for f in window.doc.issue.pages[0].frames] == second  # page 1 went


# ---- status texts follow the edits ----------------------------------------------------------
def test_status_bar_and_story_editor_title_follow_edits(window, demo, qtbot):
    c = window.canvas
    c.fit_all()
    fid = "t-000-3-xuexi"
    _click(window, _frame_center(window, 0, fid))
    assert "241.3×70.6" in window.selection_label.text()
    window.properties_panel.w.setValue(200.0)  # as if typed into the 属性 panel
    assert window.doc.issue.pages[0].frame(fid).rect.w == 200.0
    assert "200.0×70.6" in window.selection_label.text()
    window.act_undo.trigger()
    assert "241.3×70.6" in window.selection_label.text()

    # the story editor's title follows the headline typed into it
    sid = window.story_editor.story_id
    assert sid is not None
    title = window.story_editor.head[PartKind.TITLE]
    title.setFocus()
    qtbot.waitUntil(title.hasFocus)
    title.selectAll()
    typed = QInputMethodEvent()  # Chinese arrives from the input method, committed
    typed.setCommitString("新标题")
    QApplication.sendEvent(title, typed)
    qtbot.waitUntil(lambda: window.doc.issue.stories[sid].headline == "新标题", timeout=3000)
    assert "新标题" in window.story_editor.caption.text()
    window.act_undo.trigger()
    assert "新标题" not in window.story_editor.caption.text()


# ---- the toolbar and the left docks keep their place --------------------------------------
def test_undo_buttons_keep_short_labels_and_the_left_docks_their_width(window, demo):
    tb = window.findChild(QToolBar, "main-toolbar")
    undo = tb.widgetForAction(window.tb_undo)
    after = tb.widgetForAction(window.act_zoom_out)
    QApplication.processEvents()
    x, width = after.x(), window.pages_dock.width()
    assert undo.text() == "撤销" and not undo.isEnabled()

    window.canvas.fit_all()
    _click(window, _frame_center(window, *PHOTO))  # an image frame: fit and runaround rows
    window.properties_panel.w.setValue(120.0)
    QApplication.processEvents()
    command = window.undo_stack.undoText()
    assert command
    assert undo.isEnabled() and undo.text() == "撤销" and command in undo.toolTip()
    assert window.act_undo.text().endswith(command)  # the menu keeps the full text
    assert after.x() == x
    assert window.pages_dock.width() == width

    window.act_undo.trigger()
    QApplication.processEvents()
    redo = tb.widgetForAction(window.tb_redo)
    assert redo.text() == "重做" and command in redo.toolTip() and after.x() == x
    window.canvas.show_frame(1, "rule-社区要闻-7")  # a rule: its length row
    QApplication.processEvents()
    assert window.pages_dock.width() == width


# ---- a click on empty page space selects nothing ---------------------------------------------
def test_click_on_empty_page_space_selects_nothing(window, fake_dialogs):
    fake_dialogs.new_issue = dialogs.NewIssueSettings("社区晨报-四开", 4, 1, 0, dt.date(2024, 6, 1))
    assert window.new_issue()
    c = window.canvas
    c.fit_page(1)
    page = window.doc.issue.pages[1]
    (master,) = page.frames  # the text frame the page got from its master, empty
    r = master.rect
    _click(window, _view_pos(window, 1, r.x + r.w / 2, r.y + r.h / 2))
    assert c.selection is None
    assert window.selection_label.text() == ""
    # its edge (the dashed frame line) selects it; selected, it can be dragged from inside
    _click(window, _view_pos(window, 1, r.x + r.w / 2, r.y))
    assert c.selection == Selection(1, master.id)
    assert c.frame_at(1, QPointF(mm_to_pt(r.x + r.w / 2), mm_to_pt(r.y + r.h / 2))) == master.id
    # the 串接 tool takes an empty frame's inside as its target
    c.select(None)
    assert c.frame_at(1, QPointF(mm_to_pt(r.x + 20), mm_to_pt(r.y + 20)), whole=True) == master.id
    # furniture never: the masthead and running heads are not in the model's frames
    assert all(not f.id.startswith("_") for p in window.doc.issue.pages for f in p.frames)


def test_furniture_frames_are_never_hit(window, demo):
    from xjeditor.model import Rect, TextFrame

    page = window.doc.issue.pages[0]
    page.frames.insert(0, TextFrame("_p1_masthead", Rect(0, 0, page.width, page.height), story="s"))
    c = window.canvas
    assert c.frame_at(0, QPointF(mm_to_pt(5), mm_to_pt(5))) is None
    assert c.frame_at(0, QPointF(mm_to_pt(100), mm_to_pt(100))) == "t-000-3-xuexi"
