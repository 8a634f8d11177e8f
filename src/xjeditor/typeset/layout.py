"""Lay out a whole issue: every page's frames and stories into display pages.

``layout_issue`` is the one entry point (``xjeditor.pipeline`` calls it, with the
issue's furniture added); it returns the display pages and, per story, where it runs,
its copyfit figure and the typesetter's findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..model import BoxFrame, FitMode, ImageFrame, Issue, RuleFrame, mm_to_pt, pt_to_mm
from .diagnostics import Finding, Severity
from .display import Box, DisplayPage, ImagePlacement, Item, Rule
from .imagesize import image_size_px
from .story import StoryLayout, layout_caption, layout_story, thread_rows

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .story import FontSource

PLACEHOLDER_ASPECT = 1.5  # width / height assumed for an empty image frame's content
# Grid rows the text frames of all threads of an issue may have together: some ten times
# a 64-page broadsheet's (see grid.MAX_FRAME_ROWS).
MAX_ISSUE_ROWS = 1_000_000


@dataclass
class IssueLayout:
    """A whole issue laid out: the display pages and each story's layout."""

    pages: list[DisplayPage]
    stories: dict[str, StoryLayout] = field(default_factory=dict)
    diagnostics: list[Finding] = field(default_factory=list)  # about the whole issue (fonts not installed)


def place_image(frame: ImageFrame, size_px: tuple[int, int] | None) -> ImagePlacement:
    """Where the whole image goes so that the frame shows the right part of it. A frame
    with no area (or one its caption fills) shows nothing: the image gets no size."""
    fx, fy, fw, fh = (mm_to_pt(v) for v in (frame.rect.x, frame.rect.y, frame.rect.w, frame.rect.h))
    if fw <= 0 or fh <= 0:
        return ImagePlacement((fx, fy, max(fw, 0.0), max(fh, 0.0)), fx, fy, 0.0, 0.0, frame.image, frame=frame.id)
    if size_px is None or frame.image is None:
        return ImagePlacement((fx, fy, fw, fh), fx, fy, fw, fh, frame.image, frame=frame.id)
    pw, ph = size_px
    aspect = pw / ph if pw > 0 and ph > 0 else PLACEHOLDER_ASPECT
    if frame.fit == FitMode.MANUAL:
        iw = mm_to_pt(pw / 300.0 * 25.4) * frame.scale
        ih = iw / aspect
        ix, iy = fx + mm_to_pt(frame.offset_x), fy + mm_to_pt(frame.offset_y)
    else:
        cover = frame.fit == FitMode.FILL
        by_width = (fw / fh < aspect) != cover  # fit: limited by width when the image is wider
        if by_width:
            iw, ih = fw, fw / aspect
        else:
            iw, ih = fh * aspect, fh
        ix, iy = fx + (fw - iw) / 2.0, fy + (fh - ih) / 2.0
    return ImagePlacement((fx, fy, fw, fh), ix, iy, iw, ih, frame.image, frame=frame.id)


def layout_issue(issue: Issue, fonts: FontSource) -> IssueLayout:
    """Lay out every page: rules, boxes, pictures with their captions, then the stories
    in issue order (each page gets the items of the stories running on it in that order)."""
    pages = [DisplayPage(mm_to_pt(p.width), mm_to_pt(p.height), number=i + 1) for i, p in enumerate(issue.pages)]
    text_items: list[list[Item]] = [[] for _ in issue.pages]
    sizes: dict[str, tuple[int, int] | None] = {}
    captions: dict[str, StoryLayout] = {}
    for pi, page in enumerate(issue.pages):
        for f in page.frames:
            if isinstance(f, BoxFrame):
                pages[pi].items.append(Box(mm_to_pt(f.rect.x), mm_to_pt(f.rect.y), mm_to_pt(f.rect.w),
                                           mm_to_pt(f.rect.h), f.stroke, f.stroke_color, f.fill))
            elif isinstance(f, RuleFrame):
                pages[pi].items.append(Rule(mm_to_pt(f.x1), mm_to_pt(f.y1), mm_to_pt(f.x2), mm_to_pt(f.y2),
                                            f.width, f.color))
            elif isinstance(f, ImageFrame):
                if f.image and f.image not in sizes:
                    asset = issue.images.get(f.image)
                    sizes[f.image] = image_size_px(asset.data) if asset else None
                shown = f
                caption = issue.stories.get(f.caption_story) if f.caption_story else None
                if caption is not None:
                    x, w, bottom = mm_to_pt(f.rect.x), mm_to_pt(f.rect.w), mm_to_pt(f.rect.bottom)
                    sl, height = layout_caption(issue, f.id, pi, x, w, bottom, caption, fonts)
                    captions[caption.id] = sl
                    for items in sl.items.values():
                        text_items[pi].extend(items)
                    shown = replace(f, rect=replace(f.rect, h=max(0.0, f.rect.h - pt_to_mm(height))))
                pages[pi].items.append(place_image(shown, sizes.get(f.image) if f.image else None))
    result = IssueLayout(pages)
    result.stories.update(captions)
    stories = [story for story in issue.stories.values() if story.id not in captions]
    budget: dict[str, int] = {}  # story -> grid rows its thread may have (issue order)
    left = MAX_ISSUE_ROWS
    for story in stories:
        budget[story.id] = left
        left -= thread_rows(issue, story, left)
    for story in stories:
        sl = layout_story(issue, story, fonts, row_budget=budget[story.id])
        result.stories[story.id] = sl
        for pi, items in sl.items.items():
            text_items[pi].extend(items)
    for pi, items in enumerate(text_items):
        pages[pi].items.extend(items)
    fallbacks: dict[str, str] = {}
    for sl in result.stories.values():
        for font, used in sl.font_fallbacks.items():
            fallbacks.setdefault(font, used)
    result.diagnostics.extend(
        Finding(Severity.WARNING, "font-not-installed", f"font {font!r} is not installed; {used} is used instead",
                f"字体 {font!r} 未安装，改用 {used}", None, font, "font")
        for font, used in fallbacks.items())
    return result

