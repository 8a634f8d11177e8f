"""Page furniture: the masthead (报头) of page 1 and the running heads (报眉) of the others.

Furniture is generated from the issue's data through the layout's jinja2 templates every
time a page is set, and reaches the typesetter as ordinary model objects — text frames
holding generated one-part stories, rules and boxes — so the one engine sets it like any
other text. Generated ids start with ``_`` (``_p2_folio``); they are never stored in the
issue file.
"""

from __future__ import annotations

import copy
import math

from ..model import (
    BLACK,
    Align,
    BoxFrame,
    Frame,
    Issue,
    PartKind,
    Rect,
    RuleFrame,
    Story,
    StoryPart,
    TextFrame,
    pt_to_mm,
)
from .errors import LayoutValueError
from .find import load_layout
from .layout import Layout
from .templates import render_template, template_context

TYPE_CHECKING = False
if TYPE_CHECKING:
    pass

FURNITURE_PREFIX = "_"


def _lines(text: str) -> list[str]:
    """Non-blank lines, spaces and tabs trimmed (ideographic spaces are kept: they are type)."""
    return [ln.strip(" \t\r") for ln in text.split("\n") if ln.strip(" \t\r")]


def _snap(x: float, w: float, em: float, align: Align) -> tuple[float, float]:
    """A text frame narrowed to whole body characters (R25), kept where its style aligns."""
    chars = math.floor(w / em + 1e-6)
    if chars < 1:
        return x, w
    snapped = chars * em
    if align == Align.RIGHT:
        x += w - snapped
    elif align == Align.CENTER:
        x += (w - snapped) / 2.0
    return x, snapped


def furniture(issue: Issue, page_index: int, layout: Layout | str | None = None) -> tuple[list[Frame], list[Story]]:
    """The furniture of one page: frames (ids ``_p<N>_<element>``) and the stories they hold.

    ``layout`` is a :class:`Layout`, a layout name or file stem, or None for the layout the
    issue was made from. Raises :class:`~xjeditor.layouts.LayoutError` (a template error
    names the layout file and line)."""
    lay = load_layout(layout if layout is not None else issue.layout)
    return _furniture(issue, page_index, lay)


def _furniture(issue: Issue, page_index: int, lay: Layout) -> tuple[list[Frame], list[Story]]:
    page = issue.pages[page_index]
    master = lay.master_for(page)
    ctx = template_context(issue, page, page_index + 1, len(issue.pages), lay)
    ox, oy = lay.margin_left, lay.margin_top
    body = issue.styles.paragraph.get("body")
    em = pt_to_mm(body.size) if body else lay.grid.em
    sheet = None
    prefix = f"{FURNITURE_PREFIX}p{page_index + 1}_"
    frames: list[Frame] = []
    stories: list[Story] = []
    for el in master.elements:
        if el.when and not render_template(lay, el.table, "when", ctx).strip():
            continue
        fid = prefix + el.id
        if any(f.id == fid or f.id.startswith(fid + "_") for f in frames):
            raise LayoutValueError(f"{el.table}: two elements with id {el.id!r} on page {page_index + 1}",
                                   f"{el.table}：第{page_index + 1}版有两个 id 为 {el.id!r} 的元素",
                                   path=lay.path, line=lay.line_of(el.table, "id"))
        if el.kind == "rule":
            frames.append(RuleFrame(fid, round(ox + el.x1, 4), round(oy + el.y1, 4), round(ox + el.x2, 4),
                                    round(oy + el.y2, 4), width=el.width, color=el.color or BLACK))
            continue
        if el.kind == "box":
            frames.append(BoxFrame(fid, Rect(round(ox + el.x, 4), round(oy + el.y, 4), el.w, el.h),
                                   stroke=el.stroke, stroke_color=el.color or BLACK, fill=el.fill))
            continue
        if el.kind != "text":
            continue
        lines = _lines(render_template(lay, el.table, "text", ctx))
        if not lines:
            continue
        style = issue.styles.paragraph.get(el.style)
        if style is None:
            sheet = sheet or lay._shared_stylesheet()  # only read here
            style = sheet.paragraph.get(el.style)
        align = style.align if style else Align.LEFT
        x, w = _snap(ox + el.x, el.w, em, align)
        if el.part == PartKind.TITLE:
            pieces = ["\n".join(lines)]
        else:
            pieces = lines
        for k, text in enumerate(pieces):
            sid = fid if len(pieces) == 1 else f"{fid}_{k + 1}"
            y = oy + el.y + k * el.line_step
            frames.append(TextFrame(sid, Rect(round(x, 4), round(y, 4), round(w, 4), el.h), columns=1,
                                    gutter=0.0, story=sid))
            stories.append(Story(sid, title=el.label or el.id, section=page.section,
                                 parts=[StoryPart(el.part, text, style=el.style)]))
    return frames, stories


def issue_with_furniture(issue: Issue, layout: Layout | str | None = None) -> Issue:
    """A shallow copy of the issue with every page's furniture added (for typesetting).

    The issue itself is not touched; pages and the story table are new containers."""
    out = copy.copy(issue)
    out.pages = [copy.copy(p) for p in issue.pages]
    out.stories = dict(issue.stories)
    lay = load_layout(layout if layout is not None else issue.layout)
    sheet = lay._shared_stylesheet()
    missing = {n: s for n, s in sheet.paragraph.items() if n not in issue.styles.paragraph}
    if missing:
        missing = copy.deepcopy(missing)  # the layout's own styles are not handed out
        out.styles = copy.copy(issue.styles)
        out.styles.paragraph = {**issue.styles.paragraph, **missing}
    for i, page in enumerate(out.pages):
        frames, stories = _furniture(issue, i, lay)
        page.frames = list(page.frames) + frames
        for s in stories:
            out.stories[s.id] = s
    return out
