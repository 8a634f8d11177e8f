"""Frame tools with snapping, threading, images, the 属性 panel."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QFileDialog

from xjeditor.app import dialogs
from xjeditor.app.canvas import TOOL_IMAGE, TOOL_RULE, TOOL_TEXT, Selection
from xjeditor.app.commands import EditStoryCommand
from xjeditor.fileformat import load_issue
from xjeditor.model import FitMode, ImageFrame, PartKind, RuleFrame, StoryPart, TextFrame, mm_to_pt
from xjeditor.typeset.display import GlyphRun, ImagePlacement

from app_demo import BODY, COL, GUT, PITCH, X0, Y0


def scene(window, page: int, x_mm: float, y_mm: float) -> QPointF:
    return window.canvas.items_[page].mapToScene(QPointF(mm_to_pt(x_mm), mm_to_pt(y_mm)))


def draw(window, tool: str, page: int, a: tuple[float, float], b: tuple[float, float],
         mods=Qt.KeyboardModifier.NoModifier):
    """Drag with a frame tool from a to b (mm on the page); returns the new frame."""
    c = window.canvas
    c.set_tool(tool)
    before = {f.id for f in window.doc.issue.pages[page].frames}
    assert c.tool_press(scene(window, page, *a), mods)
    c.tool_move(scene(window, page, (a[0] + b[0]) / 2, (a[1] + b[1]) / 2), mods)
    c.tool_release(scene(window, page, *b), mods)
    new = [f for f in window.doc.issue.pages[page].frames if f.id not in before]
    assert len(new) == 1
    return new[0]


def glyph_pages(window, story_id: str) -> set[int]:
    return {i for i, p in enumerate(window.doc.typeset.pages)
            for it in p.items if isinstance(it, GlyphRun) and it.story == story_id}


def page_text(window, page: int) -> str:
    return "".join(it.text for it in window.doc.typeset.pages[page].items if isinstance(it, GlyphRun))


def test_text_tool_draws_a_frame_snapped_to_the_grid_and_undo_removes_it(window, demo):
    start = load_issue(demo)
    # from a little off the 2nd column's left edge and row 3's top to a little off the 3rd
    # column's right edge and row 12's bottom
    f = draw(window, TOOL_TEXT, 1, (X0 + COL + GUT + 0.4, Y0 + 3 * PITCH + 0.3),
             (X0 + 3 * COL + 2 * GUT - 0.3, Y0 + 11 * PITCH + BODY + 0.4))
    assert isinstance(f, TextFrame)
    assert f.rect.x == pytest.approx(X0 + COL + GUT, abs=0.01)
    assert f.rect.y == pytest.approx(Y0 + 3 * PITCH, abs=0.01)
    assert f.rect.right == pytest.approx(X0 + 3 * COL + 2 * GUT, abs=0.02)
    assert f.rect.bottom == pytest.approx(Y0 + 11 * PITCH + BODY, abs=0.02)
    assert f.columns == 2 and f.gutter == pytest.approx(GUT, abs=0.001)
    assert window.canvas.selection == Selection(1, f.id)
    assert window.properties_panel.x.value() == pytest.approx(f.rect.x, abs=0.01)

    # Alt draws freely
    g = draw(window, TOOL_IMAGE, 1, (X0 + 0.4, Y0 + 0.3), (X0 + 30.0, Y0 + 30.0), Qt.KeyboardModifier.AltModifier)
    assert isinstance(g, ImageFrame) and g.rect.x == pytest.approx(X0 + 0.4, abs=0.02)
    r = draw(window, TOOL_RULE, 1, (X0 + 0.3, 200.0), (X0 + COL - 0.2, 200.6))
    assert isinstance(r, RuleFrame) and r.y1 == r.y2 and r.x1 == pytest.approx(X0, abs=0.01)

    # moving snaps too: drag the text frame by a little more than a column
    c = window.canvas
    c.select(Selection(1, f.id))
    c._drag = ("move", scene(window, 1, 0, 0), window.doc.frame_geometry(1, f.id))
    moved = c.drag_preview(scene(window, 1, COL + GUT + 0.5, 0.2))
    assert moved.x == pytest.approx(X0 + 2 * (COL + GUT), abs=0.01)
    assert moved.y == pytest.approx(f.rect.y, abs=0.01)
    c._drag = None

    # Delete removes the selected frame; undo brings it back
    c.select(Selection(1, r.id))
    window.delete_frame()
    assert window.doc.issue.pages[1].frame(r.id) is None
    window.undo_stack.undo()
    assert window.doc.issue.pages[1].frame(r.id) is not None
    while window.undo_stack.canUndo():
        window.undo_stack.undo()
    assert window.doc.issue == start and window.undo_stack.isClean()


def test_thread_two_new_frames_across_pages_and_flow_a_new_story(window, demo):
    start = load_issue(demo)
    a = draw(window, TOOL_TEXT, 2, (X0, Y0), (X0 + COL, Y0 + 10 * PITCH + BODY))
    b = draw(window, TOOL_TEXT, 3, (X0, Y0), (X0 + COL, Y0 + 30 * PITCH + BODY))
    window.canvas.select(Selection(2, a.id))
    sid = window.new_story("新建的串接稿件")
    assert window.doc.issue.pages[2].frame(a.id).story == sid
    assert window.story_editor.story_id == sid
    parts = window.doc.story_parts(sid) + [StoryPart(PartKind.PARAGRAPH, "社区居民踊跃参加志愿服务活动。" * 12)
                                           for _ in range(4)]
    window.undo_stack.push(EditStoryCommand(window.doc, sid, parts))
    assert glyph_pages(window, sid) == {2}

    # 串接 with the tool: the next click on a frame (on another page) continues the text there
    window.canvas.select(Selection(2, a.id))
    window.act_thread.trigger()
    assert window.canvas.tool == "thread"
    window.canvas.thread_click(scene(window, 3, X0 + 10, Y0 + 10))
    assert window.doc.issue.pages[2].frame(a.id).next == b.id
    assert window.canvas.tool == "select"
    assert glyph_pages(window, sid) == {2, 3}
    assert "下转第4版" in page_text(window, 2) and "上接第3版" in page_text(window, 3)
    lines = window.canvas.thread_lines()  # the thread is drawn while a frame of it is selected
    assert len(lines) == 1
    window.canvas.viewport().repaint()

    # a cycle is refused, and 断开串接 cuts the thread
    assert not window.thread_frames(3, b.id, 2, a.id)
    window.canvas.select(Selection(2, a.id))
    window.unthread()
    assert window.doc.issue.pages[2].frame(a.id).next is None
    assert glyph_pages(window, sid) == {2}

    while window.undo_stack.canUndo():
        window.undo_stack.undo()
    assert window.doc.issue == start and window.undo_stack.isClean()


def test_place_story_moves_a_story_into_a_new_frame(window, demo, monkeypatch):
    start = load_issue(demo)
    f = draw(window, TOOL_TEXT, 3, (X0, Y0), (X0 + 2 * COL + GUT, Y0 + 30 * PITCH + BODY))
    monkeypatch.setattr(dialogs, "choose_story", lambda _parent, items: "004-5-jiati")
    window.act_place_story.trigger()
    frames = [fr.id for _, fr in window.doc.issue.story_frames("004-5-jiati")]
    assert frames == [f.id]
    assert window.doc.issue.pages[3].frame("t-004-5-jiati").story is None
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert window.doc.issue == start


def _png(tmp_path: Path) -> Path:
    path = tmp_path / "photo.png"
    Image.new("RGB", (300, 200), (200, 40, 40)).save(path)
    return path


def test_place_an_image_fit_fill_pan_scale_and_caption(window, demo, tmp_path, monkeypatch, fake_dialogs):
    start = load_issue(demo)
    frame = draw(window, TOOL_IMAGE, 0, (X0, Y0 + 10 * PITCH), (X0 + COL, Y0 + 20 * PITCH + BODY))
    png = _png(tmp_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(png), ""))
    window.act_place_image.trigger()
    f = window.doc.issue.pages[0].frame(frame.id)
    assert f.image and f.image in window.doc.issue.images
    assert window.doc.issue.images[f.image].media_type == "image/png"
    placed = [it for it in window.doc.typeset.pages[0].items
              if isinstance(it, ImagePlacement) and it.frame == frame.id]
    assert placed and placed[0].image == f.image
    assert placed[0].iw > placed[0].clip[2]  # FILL: a 3:2 image covers the tall frame

    window.act_fit_image.trigger()
    assert f.fit == FitMode.FIT
    fit = [it for it in window.doc.typeset.pages[0].items if isinstance(it, ImagePlacement) and it.frame == f.id][0]
    assert fit.iw <= fit.clip[2] + 0.01
    window.act_manual_image.trigger()
    assert f.fit == FitMode.MANUAL
    start_scale = f.scale  # what FIT showed (test_frame_edits checks it in detail)
    window.canvas.imagePanned.emit(0, f.id, 5.0, -3.0)
    assert (f.offset_x, f.offset_y) == (5.0, -3.0)
    window.canvas.imageScaled.emit(0, f.id, 1.1)
    window.canvas.imageScaled.emit(0, f.id, 1.1)  # Ctrl+wheel steps merge into one undo step
    assert f.scale == pytest.approx(start_scale * 1.21, rel=0.001)

    # a broken file and an unsupported one change nothing and say so in Chinese
    bad = tmp_path / "broken.png"
    bad.write_bytes(png.read_bytes()[:60])
    gif = tmp_path / "anim.gif"
    Image.new("RGB", (10, 10)).save(gif)
    count = window.undo_stack.count()
    for path in (bad, gif):
        fake_dialogs.calls.clear()
        assert not window.place_image(0, f.id, path)
        assert fake_dialogs.names() == ["show_error"]
        assert "无法置入图片" in fake_dialogs.calls[0][1][0]
    assert window.undo_stack.count() == count

    # 添加图片说明: a caption story linked from the frame, opened in the story editor
    window.canvas.select(Selection(0, f.id))
    cid = window.add_caption()
    story = window.doc.issue.stories[cid]
    assert [p.kind for p in story.parts] == [PartKind.PHOTO]
    assert f.caption_story == cid and window.story_editor.story_id == cid

    while window.undo_stack.canUndo():
        window.undo_stack.undo()
    assert window.doc.issue == start and window.undo_stack.isClean()


def test_properties_panel_edits_follow_undo_and_selection(window, demo, qtbot):
    start = load_issue(demo)
    c = window.canvas
    c.select(Selection(0, "t-001-4-jianxing"))
    panel = window.properties_panel
    assert panel.x.value() == pytest.approx(163.4875, abs=0.01)
    assert panel.form.isRowVisible(panel.columns) and not panel.form.isRowVisible(panel.fit)
    panel.x.setValue(120.0)
    f = window.doc.issue.pages[0].frame("t-001-4-jianxing")
    assert f.rect.x == 120.0
    assert any(isinstance(it, GlyphRun) and it.story == "001-4-jianxing" and abs(it.x - mm_to_pt(120.0)) < 30
               for it in window.doc.typeset.pages[0].items)
    panel.columns.setValue(3)
    assert f.columns == 3
    window.undo_stack.undo()
    assert f.columns != 3 and panel.columns.value() == f.columns
    window.undo_stack.undo()
    assert f.rect.x == pytest.approx(163.4875) and panel.x.value() == pytest.approx(163.4875, abs=0.01)
    window.undo_stack.redo()
    assert panel.x.value() == 120.0

    c.select(Selection(0, "img-001-4-jianxing-photo1"))
    assert panel.form.isRowVisible(panel.fit) and not panel.form.isRowVisible(panel.columns)
    panel.runaround.setChecked(False)
    assert window.doc.issue.pages[0].frame("img-001-4-jianxing-photo1").runaround is False
    panel.fit.setCurrentIndex(panel.fit.findData(FitMode.FIT))
    assert window.doc.issue.pages[0].frame("img-001-4-jianxing-photo1").fit == FitMode.FIT

    rule = next(fr for fr in window.doc.issue.pages[0].frames if isinstance(fr, RuleFrame))
    c.select(Selection(0, rule.id))
    assert panel.form.isRowVisible(panel.line_width)
    panel.line_width.setValue(2.0)
    assert rule.width == 2.0

    c.select(None)
    assert panel.title.text() == "未选择框"
    while window.undo_stack.canUndo():
        window.undo_stack.undo()
    assert window.doc.issue == start and window.undo_stack.isClean()
    assert window.windowTitle().startswith("demo.xjb —")
