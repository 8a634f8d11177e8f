"""Editing stories: live reflow while typing, the 样式 panel, moving pages."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from xjeditor.app.stylespanel import CHARACTER, PARAGRAPH
from xjeditor.fileformat import load_issue
from xjeditor.model import PartKind, Span
from xjeditor.typeset.display import GlyphRun

STORY = "000-3-xuexi"  # jumps from page 1 to page 2
# QTest.keyClicks types ASCII only (Chinese comes in through the input-method test)
TYPED = " The volunteers keep the estate safe in wind and rain." * 3


def story_runs(window, story_id: str) -> list[GlyphRun]:
    return [it for p in window.doc.typeset.pages for it in p.items
            if isinstance(it, GlyphRun) and it.story == story_id]


def jump_lines(window) -> list[tuple[int, str]]:
    return [(i, it.text) for i, p in enumerate(window.doc.typeset.pages) for it in p.items
            if isinstance(it, GlyphRun) and ("转第" in it.text or "接第" in it.text)]


def focus(window, qtbot, widget) -> None:
    window.activateWindow()
    widget.setFocus(Qt.FocusReason.MouseFocusReason)
    qtbot.waitUntil(widget.hasFocus, timeout=3000)


def put_cursor(widget, line: int, start: int = 0, end: int | None = None) -> None:
    """Cursor into ``line`` of a plain-text field, selecting [start, end) of that line."""
    block = widget.document().findBlockByNumber(line)
    cur = QTextCursor(block)
    cur.setPosition(block.position() + start)
    if end is not None:
        cur.setPosition(block.position() + end, QTextCursor.MoveMode.KeepAnchor)
    widget.setTextCursor(cur)


def open_story(window, story_id: str):
    window.stories_panel.select_story(story_id)
    assert window.story_editor.story_id == story_id
    return window.story_editor


def test_typing_reflows_live_as_one_undo_step(window, demo, qtbot):
    start = load_issue(demo)
    editor = open_story(window, STORY)
    before_runs = story_runs(window, STORY)
    before_status = window.story_status(STORY)
    focus(window, qtbot, editor.body)
    editor.body.moveCursor(QTextCursor.MoveOperation.End)
    QTest.keyClicks(editor.body, TYPED)

    qtbot.waitUntil(lambda: window.undo_stack.count() == 1, timeout=3000)
    qtbot.wait(300)  # the whole burst, and nothing after it
    assert window.undo_stack.count() == 1
    last = window.doc.issue.stories[STORY].parts[-1]
    assert last.text.endswith(TYPED)
    after_runs = story_runs(window, STORY)
    assert after_runs != before_runs
    assert "volunteers" in "".join(r.text for r in after_runs)
    assert window.story_status(STORY) != before_status  # copyfit follows the typing
    assert not editor.is_dirty()
    assert editor.body.hasFocus() and editor.body.textCursor().atEnd()  # the form was not reloaded

    # a second burst after a pause in the same part merges as well; another part is a new step
    QTest.keyClicks(editor.body, "More.")
    qtbot.waitUntil(lambda: window.doc.issue.stories[STORY].parts[-1].text.endswith("More."), timeout=3000)
    assert window.undo_stack.count() == 1
    put_cursor(editor.body, 0)
    QTest.keyClicks(editor.body, "Start ")
    qtbot.waitUntil(lambda: window.undo_stack.count() == 2, timeout=3000)
    assert window.doc.issue.stories[STORY].parts[1].text.startswith("Start ")

    window.undo_stack.undo()
    window.undo_stack.undo()
    assert window.doc.issue == start
    assert story_runs(window, STORY) == before_runs
    assert window.undo_stack.isClean()
    assert not editor.body.toPlainText().endswith("More.")  # the form follows the undo


def test_focus_out_applies_at_once(window, demo, qtbot):
    editor = open_story(window, STORY)
    editor.live_timer.setInterval(60_000)  # only the focus change can apply it
    focus(window, qtbot, editor.head[PartKind.TITLE])
    editor.head[PartKind.TITLE].moveCursor(QTextCursor.MoveOperation.End)
    QTest.keyClicks(editor.head[PartKind.TITLE], "!")
    assert window.undo_stack.count() == 0
    focus(window, qtbot, editor.body)
    assert window.undo_stack.count() == 1
    assert window.doc.issue.stories[STORY].headline.endswith("!")


def test_preedit_is_not_applied_and_the_committed_text_is(window, demo, qtbot):
    editor = open_story(window, STORY)
    focus(window, qtbot, editor.body)
    editor.body.moveCursor(QTextCursor.MoveOperation.End)
    pre = QInputMethodEvent("shequ", [])
    QApplication.sendEvent(editor.body, pre)
    qtbot.wait(400)
    assert window.undo_stack.count() == 0
    assert "shequ" not in window.doc.issue.stories[STORY].parts[-1].text
    commit = QInputMethodEvent("", [])
    commit.setCommitString("社区")
    QApplication.sendEvent(editor.body, commit)
    qtbot.waitUntil(lambda: window.undo_stack.count() == 1, timeout=3000)
    assert window.doc.issue.stories[STORY].parts[-1].text.endswith("社区")


def test_a_failed_typeset_keeps_the_typed_text(window, demo, qtbot, monkeypatch):
    from xjeditor.app import document

    editor = open_story(window, STORY)

    def broken(_issue):
        raise RuntimeError("字体缺失")

    monkeypatch.setattr(document, "typeset_issue", broken)
    focus(window, qtbot, editor.body)
    editor.body.moveCursor(QTextCursor.MoveOperation.End)
    QTest.keyClicks(editor.body, "kept")
    qtbot.waitUntil(lambda: window.undo_stack.count() == 1, timeout=3000)
    assert editor.body.toPlainText().endswith("kept")
    assert "排版失败" in window.statusBar().currentMessage()
    assert "文字仍保留" in window.statusBar().currentMessage()


def test_styles_panel_lists_styles_with_font_and_size(window, demo):
    panel = window.styles_panel
    rows = {name: (label, font, size) for name, label, font, size in panel.rows(PARAGRAPH)}
    assert rows["body"] == ("正文", "书宋", "小五 (9 pt)")
    assert rows["title"][1] == "标宋" and rows["subhead"][1] == "黑体" and rows["note"][1] == "楷体"
    assert "pt" in rows["title"][2]
    chars = {name: (label, font) for name, label, font, _ in panel.rows(CHARACTER)}
    assert chars["emphasis"] == ("强调", "黑体")


def test_paragraph_style_changes_the_runs_and_undoes(window, demo, qtbot):
    start = load_issue(demo)
    editor = open_story(window, STORY)
    focus(window, qtbot, editor.body)
    put_cursor(editor.body, 0, 2)  # into the first body paragraph
    ctx = editor.current_part()
    assert ctx is not None and window.doc.issue.stories[STORY].parts[ctx.part].kind == PartKind.PARAGRAPH
    assert window.styles_panel.current_style() == "body"
    first_text = window.doc.issue.stories[STORY].parts[ctx.part].text
    probe = first_text[:6]

    def run_of(text):
        return next(r for r in story_runs(window, STORY) if probe in r.text)

    old = run_of(probe)
    item = window.styles_panel.item(PARAGRAPH, "subhead")
    window.styles_panel.tree.itemDoubleClicked.emit(item, 0)
    part = window.doc.issue.stories[STORY].parts[ctx.part]
    assert part.style == "subhead"
    assert window.undo_stack.count() == 1
    assert window.styles_panel.current_style() == "subhead"
    new = run_of(probe)
    assert (new.font, new.size) != (old.font, old.size)
    assert editor.body.toPlainText().splitlines()[0] == first_text

    window.undo_stack.undo()
    assert window.doc.issue == start
    assert (run_of(probe).font, run_of(probe).size) == (old.font, old.size)


def test_character_style_on_a_selection_adds_a_span(window, demo, qtbot):
    start = load_issue(demo)
    editor = open_story(window, STORY)
    focus(window, qtbot, editor.body)
    put_cursor(editor.body, 1, 3, 8)  # five characters of the second body paragraph
    ctx = editor.current_part()
    assert (ctx.start, ctx.end) == (3, 8)
    assert window.apply_character_style("emphasis")
    part = window.doc.issue.stories[STORY].parts[ctx.part]
    assert part.spans == [Span(3, 8, "emphasis")]
    assert window.undo_stack.count() == 1
    window.undo_stack.undo()
    assert window.doc.issue == start


def test_character_style_needs_a_selection(window, demo, qtbot):
    editor = open_story(window, STORY)
    focus(window, qtbot, editor.body)
    put_cursor(editor.body, 1, 3)
    assert not window.apply_character_style("emphasis")
    assert window.undo_stack.count() == 0
    assert "选中" in window.statusBar().currentMessage()


def test_moving_page_two_down_renumbers_the_jump_lines(window, demo):
    start = load_issue(demo)
    assert jump_lines(window) == [(0, "（下转第2版）"), (1, "（上接第1版）")]
    window.canvas.scroll_to_page(1)
    window._page_changed(1)
    assert window.act_page_down.isEnabled()
    window.act_page_down.trigger()
    assert jump_lines(window) == [(0, "（下转第3版）"), (2, "（上接第1版）")]
    assert window.undo_stack.count() == 1
    assert window.doc.issue.pages[2].frames == start.pages[1].frames
    assert window.pages_panel.count() == 4

    assert window.move_page(2, 0)  # and up to the front
    assert jump_lines(window)[0] == (0, "（上接第2版）")
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert window.doc.issue == start
    assert jump_lines(window) == [(0, "（下转第2版）"), (1, "（上接第1版）")]


def test_a_drop_request_from_the_pages_panel_moves_the_page(window, demo, qtbot):
    with qtbot.waitSignal(window.pages_panel.pageMoveRequested) as blocker:
        window.pages_panel.pageMoveRequested.emit(1, 2)
    assert blocker.args == [1, 2]
    assert jump_lines(window)[0] == (0, "（下转第3版）")


def test_new_issue_through_the_dialog(window, fake_dialogs):
    import datetime as dt

    from xjeditor.app.dialogs import NewIssueSettings

    fake_dialogs.new_issue = NewIssueSettings("社区晨报-四开", 8, 7, 200, dt.date(2024, 6, 1))
    window.act_new.trigger()
    assert "ask_new_issue" in fake_dialogs.names()
    issue = window.doc.issue
    assert len(issue.pages) == 8 and issue.number == 7 and issue.total_number == 200
    assert window.pages_panel.count() == 8
    assert window.undo_stack.count() == 0 and window.undo_stack.isClean()
    assert window.styles_panel.rows(PARAGRAPH)  # the template's styles are listed


def test_character_styles_move_with_their_text_when_the_part_is_edited():
    from xjeditor.app.storyform import carry_spans
    from xjeditor.model import Span

    spans = [Span(0, 2, "emphasis"), Span(5, 8, "emphasis"), Span(3, 6, "note-label")]
    old = "新泾镇召开换届动员会"
    # typing before a span moves it; a span the edit cuts into keeps the rest
    new = "新泾镇今天召开换届动员会"
    assert carry_spans(old, new, spans) == [Span(0, 2, "emphasis"), Span(7, 10, "emphasis"),
                                            Span(5, 8, "note-label")]
    # deleting the styled text drops the span
    assert carry_spans("ab重要cd", "abcd", [Span(2, 4, "emphasis")]) == []
    assert carry_spans("abcd", "abcd", spans) == spans
