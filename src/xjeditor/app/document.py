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
from ..fileformat.schema import FRAME_MARGIN_MM
from ..layouts import LayoutError, add_page, load_layout
from ..model import (
    Frame,
    ImageAsset,
    ImageFrame,
    Issue,
    Page,
    PageKind,
    Rect,
    RuleFrame,
    Story,
    StoryPart,
    TextFrame,
    pt_to_mm,
)
from ..pipeline import DisplayDocument, typeset_issue
from ..typeset.display import ImagePlacement
from ..typeset.layout import image_size_px

# What a change touched, so listeners can refresh only what they show.
CHANGE_ALL = "all"  # a new issue, or a whole reload
CHANGE_STORY = "story"
CHANGE_FRAME = "frame"
CHANGE_PAGES = "pages"
NATIVE_PPI = 300.0  # the typesetter shows a picture at scale 1.0 with this many pixels per inch

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
        self._typeset: DisplayDocument | None = None
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
    def typeset(self) -> DisplayDocument:
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

    # ---- rules the editor asks about (plain model questions, no Qt) ---------------------
    def within_reach(self, page_index: int, rect: Rect) -> Rect:
        """``rect`` (mm) moved, and cut if need be, so that it reaches no further beyond its
        page than an issue file allows (``FRAME_MARGIN_MM``): an issue can always be saved."""
        p, m = self.issue.pages[page_index], FRAME_MARGIN_MM
        w, h = min(rect.w, p.width + 2 * m), min(rect.h, p.height + 2 * m)
        x = min(max(rect.x, -m), p.width + m - w)
        y = min(max(rect.y, -m), p.height + m - h)
        return rect if (x, y, w, h) == (rect.x, rect.y, rect.w, rect.h) else Rect(x, y, w, h)

    def rule_ends_within_reach(self, page_index: int, ends) -> tuple[float, float, float, float]:
        """A rule's ends (x1, y1, x2, y2 in mm), each kept as far off the page as a file allows."""
        x1, y1, x2, y2 = (float(v) for v in ends)
        p, m = self.issue.pages[page_index], FRAME_MARGIN_MM
        x1, x2 = (min(max(v, -m), p.width + m) for v in (x1, x2))
        y1, y2 = (min(max(v, -m), p.height + m) for v in (y1, y2))
        return x1, y1, x2, y2

    def is_continuation(self, frame_id: str) -> bool:
        """True when some text frame's thread continues in ``frame_id``."""
        return any(isinstance(g, TextFrame) and g.next == frame_id
                   for p in self.issue.pages for g in p.frames)

    def thread_problem(self, src_page: int, src_id: str, dst_page: int, dst_id: str) -> str:
        """Why the text of ``src`` may not continue in ``dst`` (in Chinese), "" when it may."""
        issue = self.issue
        src = issue.pages[src_page].frame(src_id)
        dst = issue.pages[dst_page].frame(dst_id)
        if not isinstance(src, TextFrame) or not isinstance(dst, TextFrame):
            return "只能串接文字框"
        if src.id == dst.id:
            return "不能串接到自身"
        if dst.story:
            return f"目标框已排入稿件“{dst.story}”，请先移走"
        if any(isinstance(g, TextFrame) and g.next == dst.id and g.id != src.id
               for p in issue.pages for g in p.frames):
            return "目标框已是其他框的后续框"
        if any(f.id == src.id for _, f in issue.thread(dst)):
            return "串接会形成循环"
        return ""

    def manual_placement(self, page_index: int, frame_id: str) -> dict:
        """Scale and offsets in MANUAL mode that show what an image frame shows now under
        FILL/FIT (read from the display list; the scale is the typesetter's: 1.0 = the
        image's pixels at 300 ppi). Empty when the frame shows no picture."""
        f = self.issue.pages[page_index].frame(frame_id)
        if not isinstance(f, ImageFrame) or not f.image or f.image not in self.issue.images:
            return {}
        try:
            ts = self.typeset
        except TypesetFailed:
            return {}
        items = ts.pages[page_index].items if page_index < len(ts.pages) else []
        shown = next((it for it in items if isinstance(it, ImagePlacement) and it.frame == f.id and it.image), None)
        if shown is None:
            return {}
        attrs: dict = {"offset_x": round(pt_to_mm(shown.ix - shown.clip[0]), 3),
                       "offset_y": round(pt_to_mm(shown.iy - shown.clip[1]), 3)}
        size = image_size_px(self.issue.images[f.image].data)
        if size is not None and size[0] > 0:
            native_mm = size[0] / NATIVE_PPI * 25.4
            attrs["scale"] = round(pt_to_mm(shown.iw) / native_mm, 6)
        return attrs

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
