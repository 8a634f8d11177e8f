"""The open issue as the editor holds it: model, file path, file hash and the typeset result.

``Document`` is plain Python (no Qt), so it and the commands that change it can be tested
without a window. Every change goes through one of the small mutators below; each one
drops the cached typeset and tells the listeners what changed. The window re-typesets
lazily (``document.typeset``) and repaints from the display list.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..fileformat import load_issue_with_hash, save_issue
from ..layouts import LayoutError, add_page, load_layout
from ..model import Frame, ImageAsset, Issue, Page, PageKind, Rect, RuleFrame, Story, StoryPart, TextFrame
from ..render.export import Typeset, typeset_issue

# What a change touched, so listeners can refresh only what they show.
CHANGE_ALL = "all"  # a new issue, or a whole reload
CHANGE_STORY = "story"
CHANGE_FRAME = "frame"
CHANGE_PAGES = "pages"

Listener = Callable[[str], None]


class TypesetFailed(Exception):
    """The issue could not be typeset (a missing font, a broken style); ``message_zh`` for the UI."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause
        self.message_zh = f"排版失败：{cause}"


@dataclass
class PageLink:
    """A text frame attribute changed when a frame or page was removed, with the value to
    put back on undo: a ``next`` pointer that pointed into what was removed, or (``attr``
    ``"story"``) the story a continuation frame took over from a deleted first frame."""

    page: int
    frame: str
    target: str | None
    attr: str = "next"

    def restore(self, issue: Issue) -> None:
        f = issue.pages[self.page].frame(self.frame)
        if isinstance(f, TextFrame):
            setattr(f, self.attr, self.target)


class Document:
    """An issue being edited: the model, where it lives on disk, and its typeset form."""

    def __init__(self, issue: Issue, path: str | os.PathLike[str] | None = None,
                 file_hash: str | None = None) -> None:
        self.issue = issue
        self.path: Path | None = Path(path) if path is not None else None
        self.file_hash = file_hash  # of the file as we last read or wrote it
        self._typeset: Typeset | None = None
        self._listeners: list[Listener] = []

    # ---- files --------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> "Document":
        """Read an issue file; raises :class:`IssueFileError` (with ``message_zh``)."""
        issue, digest = load_issue_with_hash(path)
        return cls(issue, path, digest)

    def save(self, path: str | os.PathLike[str] | None = None, *, overwrite: bool = False) -> str:
        """Write the issue atomically and return the new hash.

        Saving to the file we opened passes its hash as ``expected_hash``, so a file changed
        on disk by someone else raises :class:`FileChangedError` instead of being replaced;
        ``overwrite=True`` is the user's explicit choice to replace it anyway. Saving under a
        new name (Save As) has nothing to compare with."""
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("the document has no file name yet: use Save As")
        same_file = self.path is not None and _same_path(target, self.path)
        expected = self.file_hash if (same_file and not overwrite) else None
        digest = save_issue(self.issue, target, expected_hash=expected)
        self.path = target
        self.file_hash = digest
        return digest

    @property
    def display_name(self) -> str:
        return self.path.name if self.path is not None else "未命名"

    # ---- typesetting ---------------------------------------------------------------
    @property
    def typeset(self) -> Typeset:
        """The issue typeset with its furniture; computed once per change."""
        if self._typeset is None:
            try:
                self._typeset = typeset_issue(self.issue)
            except Exception as exc:  # a font or style problem: the UI shows it, keeps running
                raise TypesetFailed(exc) from exc
        return self._typeset

    # ---- listeners -----------------------------------------------------------------
    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def changed(self, what: str = CHANGE_ALL) -> None:
        self._typeset = None
        for listener in list(self._listeners):
            listener(what)

    # ---- model mutators (the undo commands call these) ----------------------------
    def story_parts(self, story_id: str) -> list[StoryPart]:
        return copy.deepcopy(self.issue.stories[story_id].parts)

    def set_story_parts(self, story_id: str, parts: list[StoryPart]) -> None:
        self.issue.stories[story_id].parts = copy.deepcopy(parts)
        self.changed(CHANGE_STORY)

    def frame(self, page_index: int, frame_id: str) -> Frame:
        found = self.issue.pages[page_index].frame(frame_id)
        if found is None:
            raise KeyError(f"no frame {frame_id!r} on page {page_index + 1}")
        return found

    def frame_geometry(self, page_index: int, frame_id: str) -> Rect:
        """A frame's box in mm (a rule's box is the one its two ends span)."""
        f = self.frame(page_index, frame_id)
        if isinstance(f, RuleFrame):
            return Rect(min(f.x1, f.x2), min(f.y1, f.y2), abs(f.x2 - f.x1), abs(f.y2 - f.y1))
        return copy.copy(f.rect)

    def set_frame_geometry(self, page_index: int, frame_id: str, rect: Rect) -> None:
        f = self.frame(page_index, frame_id)
        if isinstance(f, RuleFrame):
            dx = rect.x - min(f.x1, f.x2)
            dy = rect.y - min(f.y1, f.y2)
            f.x1, f.x2, f.y1, f.y2 = f.x1 + dx, f.x2 + dx, f.y1 + dy, f.y2 + dy
        else:
            f.rect = Rect(rect.x, rect.y, rect.w, rect.h)
        self.changed(CHANGE_FRAME)

    def insert_frame(self, page_index: int, index: int, frame: Frame,
                     links: list[PageLink] = ()) -> None:
        """Put a frame into a page's stacking order (``links``: ``next`` pointers to restore)."""
        frames = self.issue.pages[page_index].frames
        frames.insert(max(0, min(index, len(frames))), frame)
        for link in links:
            link.restore(self.issue)
        self.changed(CHANGE_FRAME)

    def remove_frame(self, page_index: int, frame_id: str) -> tuple[int, Frame, list[PageLink]]:
        """Take a frame off its page and keep its thread whole: the frame before it now runs
        on into the frame after it, and when it was the thread's first frame the next frame
        takes over its story. What changed is returned, to restore on undo."""
        frames = self.issue.pages[page_index].frames
        index = next(i for i, f in enumerate(frames) if f.id == frame_id)
        frame = frames.pop(index)
        after = frame.next if isinstance(frame, TextFrame) else None
        links: list[PageLink] = []
        for pi, other in enumerate(self.issue.pages):
            for f in other.frames:
                if isinstance(f, TextFrame) and f.next == frame_id:
                    links.append(PageLink(pi, f.id, f.next))
                    f.next = after if after != f.id else None
        if isinstance(frame, TextFrame) and frame.story and after:
            found = self.issue.find_frame(after)
            if found is not None and isinstance(found[1], TextFrame) and not found[1].story:
                links.append(PageLink(found[0], after, None, "story"))
                found[1].story = frame.story
        self.changed(CHANGE_FRAME)
        return index, frame, links

    def frame_attrs(self, page_index: int, frame_id: str, names) -> dict:
        f = self.frame(page_index, frame_id)
        return {name: copy.deepcopy(getattr(f, name)) for name in names}

    def set_frame_attrs(self, page_index: int, frame_id: str, attrs: dict) -> None:
        """Set plain attributes of a frame (``next``, ``story``, ``image``, ``fit``, …)."""
        f = self.frame(page_index, frame_id)
        for name, value in attrs.items():
            if not hasattr(f, name):
                raise AttributeError(f"{type(f).__name__} has no {name!r}")
            setattr(f, name, copy.deepcopy(value))
        self.changed(CHANGE_FRAME)

    def add_story(self, story: Story) -> None:
        self.issue.stories[story.id] = copy.deepcopy(story)
        self.changed(CHANGE_STORY)

    def remove_story(self, story_id: str) -> Story:
        story = self.issue.stories.pop(story_id)
        self.changed(CHANGE_STORY)
        return story

    def add_image(self, asset: ImageAsset) -> str:
        key = self.issue.add_image(asset)
        self.changed(CHANGE_FRAME)
        return key

    def remove_image(self, key: str) -> None:
        self.issue.images.pop(key, None)
        self.changed(CHANGE_FRAME)

    def make_page(self) -> Page:
        """A new inner page: from the layout's inner master when the layout is known, else an
        empty page of the last page's size."""
        if self.issue.layout:
            try:
                lay = load_layout(self.issue.layout)
                scratch = copy.deepcopy(self.issue)
                index = len(scratch.pages)
                return add_page(scratch, lay, lay.master(PageKind.INNER), section=lay.section(index))
            except (LayoutError, KeyError, TypeError, ValueError):
                pass
        last = self.issue.pages[-1] if self.issue.pages else Page()
        return Page(width=last.width, height=last.height)

    def insert_page(self, index: int, page: Page, links: list[PageLink] = ()) -> None:
        self.issue.pages.insert(index, page)
        for link in links:
            link.restore(self.issue)
        self.changed(CHANGE_PAGES)

    def move_page(self, index: int, to: int) -> None:
        """Move the page at ``index`` so that it ends up at ``to`` (frames keep their ids,
        so threads and the jump lines computed from them follow)."""
        pages = self.issue.pages
        if not (0 <= index < len(pages) and 0 <= to < len(pages)):
            raise IndexError(f"cannot move page {index + 1} to {to + 1} of {len(pages)}")
        pages.insert(to, pages.pop(index))
        self.changed(CHANGE_PAGES)

    def remove_page(self, index: int) -> tuple[Page, list[PageLink]]:
        """Remove a page; threads from other pages into it are cut (and returned, to restore)."""
        page = self.issue.pages.pop(index)
        gone = {f.id for f in page.frames}
        links: list[PageLink] = []
        for pi, other in enumerate(self.issue.pages):
            for f in other.frames:
                if isinstance(f, TextFrame) and f.next in gone:
                    links.append(PageLink(pi if pi < index else pi + 1, f.id, f.next))
                    f.next = None
        self.changed(CHANGE_PAGES)
        return page, links


def _same_path(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)
