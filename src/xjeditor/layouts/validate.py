"""Checking a parsed layout against the house rules (live area, whole-character
columns, masthead size, masters, templates that render)."""

from __future__ import annotations

import datetime as _dt

from ..model import PageKind, StyleSheet, default_stylesheet
from .errors import LayoutError, LayoutValueError
from .layout import EPS, LIVE_MARGIN_MM, WHOLE_CHAR_TOLERANCE, BaseGrid, Element, Layout
from .templates import render_template, template_context

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: Issue data used to try every template once when a layout is loaded.
SAMPLE_ISSUE: dict[str, Any] = {
    "paper": "新泾镇社区晨报",
    "number": 152,
    "total_number": 1234,
    "date": _dt.date(2021, 1, 15),
    "sponsor": "主办单位",
    "registration": "内部资料 免费交流",
    "address": "编辑部地址",
    "printer": "印刷单位",
    "editors": {"主编": "某某"},
}


class _Problems(list):
    """The problems found in one layout, in the order they are found."""

    def __init__(self, layout: Layout) -> None:
        super().__init__()
        self.layout = layout

    def add(self, table: str, key: str | None, message: str, message_zh: str) -> None:
        where = f"{table}.{key}" if key else table
        self.append(LayoutValueError(f"{where}: {message}", f"{where}：{message_zh}", path=self.layout.path,
                                     line=self.layout.line_of(table, key)))


def validate_layout(layout: Layout) -> list[LayoutError]:
    """Every problem of a parsed layout (empty when it is sound), each naming file and line:
    type area and furniture inside the live area (R41), columns of whole body characters
    (R25), the masthead larger than any other style (R37), styles that exist, masters for
    front and inner pages, and templates that render with sample issue data."""
    problems = _Problems(layout)
    _check_type_area(layout, problems)
    try:
        sheet = layout._shared_stylesheet()  # only read here
    except LayoutError as exc:
        problems.append(exc)
        sheet = default_stylesheet()
    kinds = {m.kind for m in layout.masters.values()}
    for kind in PageKind:
        if kind not in kinds:
            problems.add("masters", None, f"no master for {kind.value} pages", f"缺少 {kind.value} 版面的母版")
    _check_elements(layout, sheet, problems)
    _check_masthead(sheet, problems)
    _check_templates(layout, problems)
    return list(problems)


def _check_type_area(layout: Layout, problems: _Problems) -> None:
    """The type area inside the trim with the live-area margin (R41); body text at least 六号."""
    grid = layout.grid
    top, right, bottom, left = layout.margins
    for side, value, key in (("top", top, "top"), ("right", right, "left"), ("bottom", bottom, "top"),
                             ("left", left, "left")):
        if value < -EPS:
            problems.add("margins", key, f"the type area ({grid.width:.2f} × {grid.height:.2f} mm) runs past "
                         f"the {side} edge of the trim", f"版心（{grid.width:.2f} × {grid.height:.2f} mm）超出成品尺寸")
        elif value < LIVE_MARGIN_MM - EPS:
            problems.add("margins", key, f"{side} margin {value:.2f} mm is under the {LIVE_MARGIN_MM:g} mm "
                         "live-area margin (R41)",
                         f"{side} 边距 {value:.2f} mm 小于 {LIVE_MARGIN_MM:g} mm 的安全边距（R41）")
    if grid.body_size < 7.5 - EPS:
        problems.add("grid", "body_size", "body text below 六号 (7.5 pt) (R32)", "正文小于六号（R32）")


def _check_elements(layout: Layout, sheet: StyleSheet, problems: _Problems) -> None:
    """Every element inside the live area, furniture in styles that exist, default text
    frames of whole-character columns inside the type area."""
    grid = layout.grid
    top, right, bottom, left = layout.margins
    x0, y0 = -left + LIVE_MARGIN_MM, -top + LIVE_MARGIN_MM  # live area in type-area coordinates
    x1, y1 = grid.width + right - LIVE_MARGIN_MM, grid.height + bottom - LIVE_MARGIN_MM
    for master in layout.masters.values():
        for el in master.elements + master.frames:
            bx0, by0, bx1, by1 = el.bounds()
            if bx0 < x0 - EPS or by0 < y0 - EPS or bx1 > x1 + EPS or by1 > y1 + EPS:
                problems.add(el.table, None, f"{el.kind} {el.id!r} reaches outside the live area "
                             f"({LIVE_MARGIN_MM:g} mm inside the trim, R41)",
                             f"元素 {el.id!r} 超出安全区（成品边内 {LIVE_MARGIN_MM:g} mm，R41）")
            if el.kind == "text" and el in master.elements and el.style not in sheet.paragraph:
                problems.add(el.table, "style", f"no paragraph style {el.style!r}", f"没有段落样式 {el.style!r}")
        for el in master.frames:
            if el.kind == "text":
                _check_frame(el, grid, problems)


def _check_frame(el: Element, grid: BaseGrid, problems: _Problems) -> None:
    """A default text frame: columns of whole body characters (R25), inside the type area."""
    col = (el.w - (el.columns - 1) * el.gutter) / el.columns
    chars = col / grid.em
    if abs(chars - round(chars)) > WHOLE_CHAR_TOLERANCE or round(chars) < 1:
        problems.add(el.table, "w", f"columns are {chars:.2f} body characters wide, not a whole number (R25)",
                     f"栏宽 {chars:.2f} 字，不是整字宽（R25）")
    if (el.x < -EPS or el.y < -EPS or el.x + el.w > grid.width + 0.01
            or el.y + el.h > grid.height + 0.01):
        problems.add(el.table, None, f"frame {el.id!r} reaches outside the type area", f"框 {el.id!r} 超出版心")


def _check_masthead(sheet: StyleSheet, problems: _Problems) -> None:
    """The masthead larger than every other paragraph style (R37)."""
    masthead = sheet.paragraph.get("masthead")
    if masthead is None:
        return
    for style in sheet.paragraph.values():
        if style.name != "masthead" and style.size >= masthead.size - EPS:
            problems.add("styles.masthead", "size", f"the masthead ({masthead.size:g} pt) must be larger than "
                         f"style {style.name!r} ({style.size:g} pt) (R37)",
                         f"报头（{masthead.size:g} pt）须大于样式 {style.name!r}（{style.size:g} pt）（R37）")


def _check_templates(layout: Layout, problems: _Problems) -> None:
    """Every furniture template renders with the sample issue data."""
    for master in layout.masters.values():
        page = {"kind": master.kind.value, "template": master.name, "section": layout.section(1), "editor": "某某"}
        ctx = template_context(SAMPLE_ISSUE, page, 2 if master.kind == PageKind.INNER else 1, 4, layout)
        for el in master.elements:
            for key in ("when", "text"):
                if (el.table, key) in layout.sources:
                    try:
                        render_template(layout, el.table, key, ctx)
                    except LayoutError as exc:
                        problems.append(exc)
