"""Frame geometry: columns, the baseline grid, and runaround.

A text frame is cut into columns; each column into rows of the body baseline grid (spec
R27): every body line sits on a row, and headlines, photos and subheads take whole rows.
Rows are laid out in the order text flows through a thread of frames (column by column,
frame by frame), so the story flow just walks one list.

All values here are points on the page (origin top-left of the trim box, y downward).
"""

from __future__ import annotations

import math
from dataclasses import field

from ..dataclass_cache import dataclass
from ..model import ImageFrame, Page, TextFrame, mm_to_pt

# Top of the ideographic em box above the baseline, in em. CJK fonts draw ideographs in an
# em box from -0.12 to 0.88 em around the baseline; the grid places that box.
EM_BOX_ASCENT = 0.88

# A row narrower than this many body em (what runaround leaves) takes no text.
MIN_ROW_EM = 2.0


@dataclass(slots=True, eq=False)
class Row:
    """One line of a column's grid. Thousands are made per page, so it carries only what
    the flow reads; the page and frame are those of the ``Column`` holding it. Rows are
    shared by every column of the same geometry: never change one."""

    x: float  # left edge of the measure
    width: float  # measure; 0 when runaround leaves no room
    top: float  # top of the em box of a body line on this row
    baseline: float


@dataclass(slots=True)
class Column:
    """One column of a text frame on the baseline grid: where it is and its free rows."""

    page: int
    frame: str
    index: int
    x: float
    width: float
    top: float
    rows: list[Row] = field(default_factory=list)
    uniform: float | None = None  # the width of every row, when they all share one (no runaround)


@dataclass(frozen=True, slots=True)
class Grid:
    """The body grid a frame is set on."""

    size: float  # body size, pt
    pitch: float  # body line pitch, pt

    @classmethod
    def for_body(cls, size: float, line_gap: float) -> "Grid":
        return cls(size, size * (1.0 + line_gap))

    def rows_in(self, height: float) -> int:
        """How many body lines fit a height: the last line needs no gap below it."""
        if height + 1e-6 < self.size:
            return 0
        return int(math.floor((height - self.size) / self.pitch + 1e-6)) + 1

    def rows_for(self, height: float) -> int:
        """Whole rows a block of this height takes (at least one)."""
        return max(1, math.ceil((height - 1e-6) / self.pitch))


def column_boxes(frame: TextFrame) -> list[tuple[float, float]]:
    """(x, width) in points of each column of a text frame."""
    x0 = mm_to_pt(frame.rect.x)
    total = mm_to_pt(frame.rect.w)
    gutter = mm_to_pt(frame.gutter)
    n = max(1, frame.columns)
    width = round((total - gutter * (n - 1)) / n, 6)
    return [(x0 + i * (width + gutter), width) for i in range(n)]


def grid_warnings(frame: TextFrame, grid: Grid) -> list[str]:
    """Spec R25: a column should hold a whole number of body characters."""
    out = []
    for _, width in column_boxes(frame)[:1]:
        chars = width / grid.size
        if abs(chars - round(chars)) > 0.02:
            out.append(f"栏宽 {chars:.2f} 字，不是整字宽（字格）")
    return out


def leading_warnings(line_gap: float) -> list[str]:
    """Spec R26: body line gap between 0.5 and 1.0 em."""
    if 0.5 - 1e-9 <= line_gap <= 1.0 + 1e-9:
        return []
    return [f"正文行距 {line_gap:g} 字，不在 0.5–1 字之间"]


def exclusions(page: Page, *, skip: str = "") -> list[tuple[float, float, float, float]]:
    """Rectangles (x0, y0, x1, y1) text keeps out of on a page: image frames with runaround."""
    out = []
    for f in page.frames:
        if isinstance(f, ImageFrame) and f.runaround and f.id != skip:
            g = f.runaround_gap
            r = f.rect
            out.append((mm_to_pt(r.x - g), mm_to_pt(r.y - g), mm_to_pt(r.right + g), mm_to_pt(r.bottom + g)))
    return out


def _free_interval(x0: float, x1: float, y0: float, y1: float,
                   excl: list[tuple[float, float, float, float]]) -> tuple[float, float]:
    """The widest horizontal interval of [x0, x1] not covered by an exclusion in band y0..y1."""
    blocked = sorted((max(ex0, x0), min(ex1, x1)) for ex0, ey0, ex1, ey1 in excl
                     if ey0 < y1 and y0 < ey1 and ex0 < x1 and x0 < ex1)
    if not blocked:
        return x0, x1
    best = (x0, x0)
    cursor = x0
    for b0, b1 in blocked:
        if b0 > cursor and b0 - cursor > best[1] - best[0]:
            best = (cursor, b0)
        cursor = max(cursor, b1)
    if x1 - cursor > best[1] - best[0]:
        best = (cursor, x1)
    return best


_ROWS_CACHE: dict[tuple, list[list[Row]]] = {}
_UNIFORM_CACHE: dict[tuple, list[Row]] = {}
_ROWS_CACHE_MAX = 512


def frame_columns(page_index: int, page: Page, frame: TextFrame, grid: Grid,
                  *, start_rows: dict[int, float] | None = None) -> list[Column]:
    """The columns of a frame with their grid rows, runaround applied.

    ``start_rows`` maps a column index to the y (pt) below which its rows begin (used for the
    space a headline block takes); rows stay on the frame's grid. Rows are immutable and
    cached by geometry (re-layout after every keystroke asks for the same ones, and frames
    in the same place on different pages share them); each call gets fresh lists, which
    the flow may shorten.
    """
    excl = exclusions(page)
    r = frame.rect
    key = (r.x, r.y, r.w, r.h, frame.columns, frame.gutter, grid, tuple(excl),
           tuple(sorted((start_rows or {}).items())))
    cached = _ROWS_CACHE.get(key)
    if cached is None:
        cached = _build_rows(frame, grid, excl, start_rows or {})
        if len(_ROWS_CACHE) >= _ROWS_CACHE_MAX:
            del _ROWS_CACHE[next(iter(_ROWS_CACHE))]
        _ROWS_CACHE[key] = cached
    top = mm_to_pt(frame.rect.y)
    return [Column(page_index, frame.id, ci, cx, cw, top, list(rows), None if excl else cw)
            for ci, ((cx, cw), rows) in enumerate(zip(column_boxes(frame), cached))]


def clear_cache() -> None:
    _ROWS_CACHE.clear()
    _UNIFORM_CACHE.clear()


def _uniform_rows(x: float, width: float, first: float, pitch: float, count: int, ascent: float) -> list[Row]:
    """``count`` full-width rows from the one whose top is ``first``: the usual column."""
    key = (x, width, first, pitch, count, ascent)
    rows = _UNIFORM_CACHE.get(key)
    if rows is None:
        rows = [Row(x, width, t, t + ascent) for t in [first + i * pitch for i in range(count)]]
        if len(_UNIFORM_CACHE) >= _ROWS_CACHE_MAX:
            del _UNIFORM_CACHE[next(iter(_UNIFORM_CACHE))]
        _UNIFORM_CACHE[key] = rows
    return rows


def _build_rows(frame: TextFrame, grid: Grid, excl: list[tuple[float, float, float, float]],
                start_rows: dict[int, float]) -> list[list[Row]]:
    top = mm_to_pt(frame.rect.y)
    bottom = mm_to_pt(frame.rect.bottom)
    min_width = MIN_ROW_EM * grid.size
    n_rows = grid.rows_in(bottom - top)
    ascent = EM_BOX_ASCENT * grid.size
    out: list[list[Row]] = []
    for ci, (cx, cw) in enumerate(column_boxes(frame)):
        first_y = start_rows.get(ci, top) - 1e-6
        tops = [top + ri * grid.pitch for ri in range(n_rows)]
        if not excl:  # the usual case: every row the column's full width
            skip = next((i for i, t in enumerate(tops) if t >= first_y), n_rows)
            out.append(_uniform_rows(cx, cw, top + skip * grid.pitch, grid.pitch, n_rows - skip, ascent))
            continue
        rows: list[Row] = []
        for row_top in tops:
            if row_top < first_y:
                continue
            fx0, fx1 = _free_interval(cx, cx + cw, row_top, row_top + grid.size, excl)
            # rounded so that equal columns give equal measures (the composer caches by it)
            width = round(fx1 - fx0, 6) if fx1 - fx0 >= min_width else 0.0
            rows.append(Row(fx0, width, row_top, row_top + ascent))
        out.append(rows)
    return out
