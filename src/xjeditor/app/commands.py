"""Undo commands: each ``redo`` calls one document mutator, each ``undo`` its inverse.

Commands keep deep copies of what they replace, so undoing restores the model exactly
(``issue == the issue as loaded``), which the tests check.
"""

from __future__ import annotations

import copy

from PySide6.QtGui import QUndoCommand

from ..model import Page, Rect, StoryPart
from .document import Document, PageLink

# ids for QUndoCommand.mergeWith: consecutive moves of one frame merge into one step
MOVE_FRAME_ID = 1001


class EditStoryCommand(QUndoCommand):
    """Replace a story's parts (the story editor's 应用)."""

    def __init__(self, doc: Document, story_id: str, parts: list[StoryPart], label: str = "") -> None:
        story = doc.issue.stories[story_id]
        super().__init__(f"编辑稿件“{label or story.headline or story_id}”")
        self.doc = doc
        self.story_id = story_id
        self.old = copy.deepcopy(story.parts)
        self.new = copy.deepcopy(parts)

    def redo(self) -> None:
        self.doc.set_story_parts(self.story_id, self.new)

    def undo(self) -> None:
        self.doc.set_story_parts(self.story_id, self.old)


class SetFrameGeometryCommand(QUndoCommand):
    """Move or resize a frame (geometry in mm)."""

    def __init__(self, doc: Document, page_index: int, frame_id: str, rect: Rect,
                 old: Rect | None = None, *, resize: bool = False) -> None:
        super().__init__(f"{'调整' if resize else '移动'}框 {frame_id}")
        self.doc = doc
        self.page_index = page_index
        self.frame_id = frame_id
        self.old = copy.copy(old) if old is not None else doc.frame_geometry(page_index, frame_id)
        self.new = copy.copy(rect)

    def id(self) -> int:  # noqa: A003 - Qt's name
        return MOVE_FRAME_ID

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, SetFrameGeometryCommand):
            return False
        if (other.page_index, other.frame_id) != (self.page_index, self.frame_id):
            return False
        self.new = copy.copy(other.new)
        return True

    def redo(self) -> None:
        self.doc.set_frame_geometry(self.page_index, self.frame_id, self.new)

    def undo(self) -> None:
        self.doc.set_frame_geometry(self.page_index, self.frame_id, self.old)


class AddPageCommand(QUndoCommand):
    def __init__(self, doc: Document, index: int | None = None, page: Page | None = None) -> None:
        super().__init__("添加版面")
        self.doc = doc
        self.index = len(doc.issue.pages) if index is None else index
        self.page = page if page is not None else doc.make_page()

    def redo(self) -> None:
        self.doc.insert_page(self.index, copy.deepcopy(self.page))

    def undo(self) -> None:
        self.doc.remove_page(self.index)


class DeletePageCommand(QUndoCommand):
    def __init__(self, doc: Document, index: int) -> None:
        super().__init__(f"删除第 {index + 1} 版")
        self.doc = doc
        self.index = index
        self.page: Page | None = None
        self.links: list[PageLink] = []

    def redo(self) -> None:
        page, self.links = self.doc.remove_page(self.index)
        self.page = copy.deepcopy(page)

    def undo(self) -> None:
        assert self.page is not None
        self.doc.insert_page(self.index, copy.deepcopy(self.page), self.links)
