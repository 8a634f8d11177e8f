"""Document and undo commands without a window: threads across a deleted page survive undo."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from PySide6.QtGui import QUndoStack

from xjeditor.app.commands import AddPageCommand, DeletePageCommand, EditStoryCommand, SetFrameGeometryCommand
from xjeditor.app.document import Document
from xjeditor.fileformat import FileChangedError, file_hash, save_issue
from xjeditor.model import Page, Rect, TextFrame

SAMPLE = Path(__file__).resolve().parents[2] / "seeds" / "sample.xjb"


def test_delete_page_cuts_threads_into_it_and_undo_restores_them(qapp):
    doc = Document.open(SAMPLE)
    doc.issue.pages[0].frame("f1").next = "f4"  # s1 continues on page 2
    start = copy.deepcopy(doc.issue)
    seen = []
    doc.subscribe(seen.append)
    stack = QUndoStack()
    stack.push(DeletePageCommand(doc, 1))
    assert len(doc.issue.pages) == 1 and doc.issue.pages[0].frame("f1").next is None
    assert len(doc.typeset.pages) == 1
    stack.push(AddPageCommand(doc, page=Page()))
    stack.push(SetFrameGeometryCommand(doc, 0, "f2", Rect(1, 2, 30, 40)))
    stack.push(SetFrameGeometryCommand(doc, 0, "f2", Rect(5, 6, 30, 40)))  # merges with the move before
    assert stack.count() == 3
    parts = doc.story_parts("s2")
    parts[0].text = "新标题"
    stack.push(EditStoryCommand(doc, "s2", parts))
    assert doc.issue.stories["s2"].headline == "新标题"
    while stack.canUndo():
        stack.undo()
    assert doc.issue == start
    assert seen  # listeners heard every change


def test_rule_frames_move_by_their_box(qapp):
    doc = Document.open(SAMPLE)
    box = doc.frame_geometry(0, "r1")
    doc.set_frame_geometry(0, "r1", Rect(box.x + 10, box.y + 5, box.w, box.h))
    moved = doc.frame_geometry(0, "r1")
    assert (round(moved.x - box.x, 6), round(moved.y - box.y, 6)) == (10, 5)


def test_save_refuses_to_overwrite_a_changed_file(tmp_path):
    path = tmp_path / "a.xjb"
    path.write_bytes(SAMPLE.read_bytes())
    doc = Document.open(path)
    other = copy.deepcopy(doc.issue)
    other.paper = "别的报"
    save_issue(other, path)
    with pytest.raises(FileChangedError):
        doc.save()
    digest = doc.save(overwrite=True)
    assert digest == file_hash(path) == doc.file_hash
    assert isinstance(doc.issue.pages[0].frame("f1"), TextFrame)
