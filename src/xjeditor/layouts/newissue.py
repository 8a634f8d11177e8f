"""A new, empty issue built from a layout's page masters."""

from __future__ import annotations

import datetime as _dt
import warnings

from ..model import BLACK, BoxFrame, ImageFrame, Issue, Page, PageKind, Rect, RuleFrame, TextFrame
from .cnformat import as_date
from .find import load_layout
from .layout import Layout, Master


class PageCountWarning(UserWarning):
    """The page count is not a multiple of 4 (spec R42)."""


def page_count_warning(pages: int) -> str | None:
    """The R42 warning for a page count, or None when it is a multiple of 4."""
    if pages % 4 == 0:
        return None
    return (f"a page count of {pages} is not a multiple of 4: a folded paper has 4, 8, 12 … pages "
            "(R42); blank pages will be needed at the press")


def add_page(issue: Issue, layout: Layout, master: Master | str, section: str = "", editor: str = "") -> Page:
    """Append a page made from a master (its default frames, with fresh ids) and return it."""
    m = layout.master(master) if isinstance(master, str) else master
    page = Page(width=layout.page_width, height=layout.page_height, kind=m.kind, template=m.name,
                section=section, editor=editor)
    issue.pages.append(page)
    ox, oy = layout.margin_left, layout.margin_top
    for el in m.frames:
        rect = Rect(round(ox + el.x, 4), round(oy + el.y, 4), el.w, el.h)
        if el.kind == "text":
            page.frames.append(TextFrame(issue.new_id("f"), rect, columns=el.columns, gutter=el.gutter,
                                         headline_columns=el.headline_columns, vertical_rule=el.vertical_rule))
        elif el.kind == "image":
            page.frames.append(ImageFrame(issue.new_id("img"), rect))
        elif el.kind == "box":
            page.frames.append(BoxFrame(issue.new_id("box"), rect, stroke=el.stroke,
                                        stroke_color=el.color or BLACK, fill=el.fill))
        elif el.kind == "rule":
            page.frames.append(RuleFrame(issue.new_id("rule"), round(ox + el.x1, 4), round(oy + el.y1, 4),
                                         round(ox + el.x2, 4), round(oy + el.y2, 4), width=el.width,
                                         color=el.color or BLACK))
    return page


def new_issue(layout: Layout | str, *, pages: int = 4, number: int = 1, total_number: int = 0,
              date: _dt.date | str | None = None, paper: str | None = None) -> Issue:
    """A blank issue: page 1 from the front-page master, the rest from the inner-page master,
    sections from the layout's list, the layout's style sheet and paper data.

    ``date`` defaults to today. A page count that is not a multiple of 4 works but issues a
    :class:`PageCountWarning` (R42)."""
    lay = load_layout(layout)
    if isinstance(pages, bool) or not isinstance(pages, int) or pages < 1:
        raise ValueError(f"pages must be a whole number of at least 1 (got {pages!r})")
    for name, value in (("number", number), ("total_number", total_number)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a whole number of at least 0 (got {value!r})")
    message = page_count_warning(pages)
    if message:
        warnings.warn(message, PageCountWarning, stacklevel=2)
    issue = Issue(
        paper=paper if paper is not None else (lay.paper.get("name") or Issue().paper),
        number=number,
        total_number=total_number,
        date=as_date(date) if date is not None else _dt.date.today(),
        sponsor=lay.paper.get("sponsor", ""),
        registration=lay.paper.get("registration", ""),
        address=lay.paper.get("address", ""),
        printer=lay.paper.get("printer", ""),
        editors=dict(lay.editors),
        layout=lay.name,
        styles=lay.stylesheet(),
    )
    front, inner = lay.master(PageKind.FRONT), lay.master(PageKind.INNER)
    for i in range(pages):
        add_page(issue, lay, front if i == 0 else inner, section=lay.section(i))
    return issue
