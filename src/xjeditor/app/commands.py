"""Undo commands: each ``redo`` calls one document mutator, each ``undo`` its inverse.

Commands keep deep copies of what they replace, so undoing restores the model exactly
(``issue == the issue as loaded``), which the tests check.
"""

from __future__ import annotations

import copy

from PySide6.QtGui import QUndoCommand

from ..model import Frame, ImageAsset, Page, Rect, RuleFrame, Story, StoryPart
from .document import Document, PageLink

# ids for QUndoCommand.mergeWith: consecutive moves of one frame merge into one step
MOVE_FRAME_ID = 1001
# live typing in the story editor: one step per burst of typing in one part
LIVE_EDIT_ID = 1002


class EditStoryCommand(QUndoCommand):
    """Replace a story's parts (the story editor's 应用, a style applied to a part, …).

    ``burst`` marks live typing: commands of the same story and the same burst (the same
    part, typed without a pause long enough to end the burst) merge into one undo step."""

    def __init__(self, doc: Document, story_id: str, parts: list[StoryPart], label: str = "",
                 *, text: str = "", burst: object = None) -> None:
        story = doc.issue.stories[story_id]
        super().__init__(text or f"编辑稿件“{label or story.headline or story_id}”")
        self.doc = doc
        self.story_id = story_id
        self.old = copy.deepcopy(story.parts)
        self.new = copy.deepcopy(parts)
        self.burst = burst

    def id(self) -> int:  # noqa: A003 - Qt's name
        return LIVE_EDIT_ID if self.burst is not None else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, EditStoryCommand) or self.burst is None:
            return False
        if other.story_id != self.story_id or other.burst != self.burst:
            return False
        self.new = copy.deepcopy(other.new)
        if self.new == self.old:  # typed and deleted again: nothing left to undo
            self.setObsolete(True)
        return True

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
        # A rule is moved by adding the offset to its ends, and adding it back on undo
        # would not give the same floats: its ends before and after are kept instead.
        self.old_ends = _rule_ends(doc, page_index, frame_id)
        self.new_ends: dict | None = None

    def id(self) -> int:  # noqa: A003 - Qt's name
        return MOVE_FRAME_ID

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, SetFrameGeometryCommand):
            return False
        if (other.page_index, other.frame_id) != (self.page_index, self.frame_id):
            return False
        self.new = copy.copy(other.new)
        self.new_ends = other.new_ends
        return True

    def redo(self) -> None:
        if self.new_ends is not None:
            self.doc.set_frame_attrs(self.page_index, self.frame_id, self.new_ends)
            return
        self.doc.set_frame_geometry(self.page_index, self.frame_id, self.new)
        self.new_ends = _rule_ends(self.doc, self.page_index, self.frame_id)

    def undo(self) -> None:
        if self.old_ends is not None:
            self.doc.set_frame_attrs(self.page_index, self.frame_id, self.old_ends)
        else:
            self.doc.set_frame_geometry(self.page_index, self.frame_id, self.old)


def _rule_ends(doc: Document, page_index: int, frame_id: str) -> dict | None:
    """The ends of a rule as they are now (None for other frames)."""
    f = doc.issue.pages[page_index].frame(frame_id)
    return {name: getattr(f, name) for name in ("x1", "y1", "x2", "y2")} if isinstance(f, RuleFrame) else None


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


class MovePageCommand(QUndoCommand):
    """Move a page to another position (threads follow their frames, so jump lines follow)."""

    def __init__(self, doc: Document, index: int, to: int) -> None:
        super().__init__(f"移动第 {index + 1} 版到第 {to + 1} 版")
        self.doc = doc
        self.index = index
        self.to = to

    def redo(self) -> None:
        self.doc.move_page(self.index, self.to)

    def undo(self) -> None:
        self.doc.move_page(self.to, self.index)


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


class AddFrameCommand(QUndoCommand):
    """Add a new frame on top of a page's frames."""

    def __init__(self, doc: Document, page_index: int, frame: Frame) -> None:
        kind = FRAME_KIND_ZH.get(getattr(frame, "kind", ""), "框")
        super().__init__(f"添加{kind} {frame.id}")
        self.doc = doc
        self.page_index = page_index
        self.frame = copy.deepcopy(frame)
        self.index = len(doc.issue.pages[page_index].frames)

    def redo(self) -> None:
        self.doc.insert_frame(self.page_index, self.index, copy.deepcopy(self.frame))

    def undo(self) -> None:
        self.doc.remove_frame(self.page_index, self.frame.id)


class DeleteFrameCommand(QUndoCommand):
    """Delete a frame; its thread is re-linked around it (the story keeps flowing), and
    undo puts the frame and the links back as they were."""

    def __init__(self, doc: Document, page_index: int, frame_id: str) -> None:
        super().__init__(f"删除框 {frame_id}")
        self.doc = doc
        self.page_index = page_index
        self.frame_id = frame_id
        self.index = 0
        self.frame: Frame | None = None
        self.links: list[PageLink] = []

    def redo(self) -> None:
        self.index, frame, self.links = self.doc.remove_frame(self.page_index, self.frame_id)
        self.frame = copy.deepcopy(frame)

    def undo(self) -> None:
        assert self.frame is not None
        self.doc.insert_frame(self.page_index, self.index, copy.deepcopy(self.frame), self.links)


class SetFrameAttrsCommand(QUndoCommand):
    """Change plain attributes of one frame (thread, story, image, fit, columns, …)."""

    def __init__(self, doc: Document, page_index: int, frame_id: str, attrs: dict, text: str,
                 merge_id: int = -1) -> None:
        super().__init__(text)
        self.doc = doc
        self.page_index = page_index
        self.frame_id = frame_id
        self.new = copy.deepcopy(attrs)
        self.old = doc.frame_attrs(page_index, frame_id, attrs)
        self._merge_id = merge_id

    def id(self) -> int:  # noqa: A003 - Qt's name
        return self._merge_id

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, SetFrameAttrsCommand) or other.id() != self.id():
            return False
        if (other.page_index, other.frame_id) != (self.page_index, self.frame_id):
            return False
        if set(other.new) != set(self.new):
            return False
        self.new = copy.deepcopy(other.new)
        return True

    def redo(self) -> None:
        self.doc.set_frame_attrs(self.page_index, self.frame_id, self.new)

    def undo(self) -> None:
        self.doc.set_frame_attrs(self.page_index, self.frame_id, self.old)


class AddStoryCommand(QUndoCommand):
    def __init__(self, doc: Document, story: Story, text: str = "") -> None:
        super().__init__(text or f"新建稿件“{story.headline or story.id}”")
        self.doc = doc
        self.story = copy.deepcopy(story)

    def redo(self) -> None:
        self.doc.add_story(copy.deepcopy(self.story))

    def undo(self) -> None:
        self.doc.remove_story(self.story.id)


class AddImageCommand(QUndoCommand):
    """Add an image asset to the issue (undo removes it unless it was already there)."""

    def __init__(self, doc: Document, asset: ImageAsset) -> None:
        super().__init__(f"添加图片 {asset.original_name}")
        self.doc = doc
        self.asset = asset
        self.existed = asset.key in doc.issue.images

    def redo(self) -> None:
        if not self.existed:
            self.doc.add_image(self.asset)

    def undo(self) -> None:
        if not self.existed:
            self.doc.remove_image(self.asset.key)


FRAME_KIND_ZH = {"text": "文字框", "image": "图片框", "box": "底框", "rule": "线条"}

# merge ids of property edits: typing in a spin box gives one undo step per field
ATTR_MERGE_IDS = {"columns": 1101, "gutter": 1102, "width": 1103, "scale": 1104, "offset": 1105,
                  "length": 1106}
