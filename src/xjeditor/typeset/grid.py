"""Frame geometry: columns, the baseline grid, and runaround.

A text frame is cut into columns; each column into rows of the body baseline grid (spec
R27): every body line sits on a row, and headlines, photos and subheads take whole rows.
Rows are laid out in the order text flows through a thread of frames (column by column,
frame by frame), so the story flow just walks one list.

All values here are points on the page (origin top-left of the trim box, y downward).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..model import ImageFrame, Page, TextFrame, mm_to_pt
from .diagnostics import Finding, story_note

# Top of the ideographic em box above the baseline, in em. CJK fonts draw ideographs in an
# em box from -0.12 to 0.88 em around the baseline; the grid places that box.
EM_BOX_ASCENT = 0.88

# A row narrower than this many body em (what runaround leaves) takes no text.
MIN_ROW_EM = 2.0

# Grid rows a frame may have, all its columns together, and a thread of frames (a
# broadsheet frame of 12 columns of agate type has some 2,400): the schema lets a frame
# have 99 columns of 2 pt rows on a page 1.2 m high, which would be 200,000 rows a frame.
# A frame's columns end early beyond this, and a thread's frames beyond its limit get
# no rows (the text is overset).
MAX_FRAME_ROWS = 20_000
MAX_THREAD_ROWS = 100_000
# Rows the caches below keep, all entries together.
MAX_CACHED_ROWS = 300_000


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

    def frame_rows(self, frame: TextFrame) -> int:
        """Rows of each column of a text frame (``MAX_FRAME_ROWS`` for all its columns)."""
        n = max(1, frame.columns)
        height = mm_to_pt(frame.rect.bottom) - mm_to_pt(frame.rect.y)
        return min(self.rows_in(height), max(1, MAX_FRAME_ROWS // n))


def column_boxes(frame: TextFrame) -> list[tuple[float, float]]:
    """(x, width) in points of each column of a text frame."""
    x0 = mm_to_pt(frame.rect.x)
    total = mm_to_pt(frame.rect.w)
    gutter = mm_to_pt(frame.gutter)
    n = max(1, frame.columns)
    # (never negative: gutters wider than the frame leave columns with no room)
    width = max(0.0, round((total - gutter * (n - 1)) / n, 6))
    return [(x0 + i * (width + gutter), width) for i in range(n)]


def grid_warnings(frame: TextFrame, grid: Grid, story: str = "") -> list[Finding]:
    """Spec R25: a column should hold a whole number of body characters."""
    out = []
    for _, width in column_boxes(frame)[:1]:
        chars = width / grid.size
        if abs(chars - round(chars)) > 0.02:
            out.append(story_note("typeset-column-width", story,
                                  f"a column is {chars:.2f} characters wide, not a whole number (R25)",
                                  f"栏宽 {chars:.2f} 字，不是整字宽（字格）"))
    return out


def leading_warnings(line_gap: float, story: str = "") -> list[Finding]:
    """Spec R26: body line gap between 0.5 and 1.0 em."""
    if 0.5 - 1e-9 <= line_gap <= 1.0 + 1e-9:
        return []
    return [story_note("typeset-leading", story, f"the body line gap is {line_gap:g} em, not 0.5 to 1 em (R26)",
                       f"正文行距 {line_gap:g} 字，不在 0.5–1 字之间")]


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
_cached_rows = {"frames": 0, "uniform": 0}  # rows held by each cache


def _keep(cache: dict, name: str, key: tuple, value: list, rows: int) -> None:
    """Add an entry to a cache, the oldest going first when it holds too many entries
    or rows."""
    while cache and (len(cache) >= _ROWS_CACHE_MAX or _cached_rows[name] + rows > MAX_CACHED_ROWS):
        old = cache.pop(next(iter(cache)))
        _cached_rows[name] -= sum(len(c) for c in old) if name == "frames" else len(old)
    cache[key] = value
    _cached_rows[name] += rows


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
        _keep(_ROWS_CACHE, "frames", key, cached, sum(len(c) for c in cached))
    top = mm_to_pt(frame.rect.y)
    return [Column(page_index, frame.id, ci, cx, cw, top, list(rows), None if excl else cw)
            for ci, ((cx, cw), rows) in enumerate(zip(column_boxes(frame), cached))]


def clear_cache() -> None:
    _ROWS_CACHE.clear()
    _UNIFORM_CACHE.clear()
    _cached_rows.update(frames=0, uniform=0)


def _uniform_rows(x: float, width: float, first: float, pitch: float, count: int, ascent: float) -> list[Row]:
    """``count`` full-width rows from the one whose top is ``first``: the usual column."""
    key = (x, width, first, pitch, count, ascent)
    rows = _UNIFORM_CACHE.get(key)
    if rows is None:
        rows = [Row(x, width, t, t + ascent) for t in [first + i * pitch for i in range(count)]]
        _keep(_UNIFORM_CACHE, "uniform", key, rows, len(rows))
    return rows


def _build_rows(frame: TextFrame, grid: Grid, excl: list[tuple[float, float, float, float]],
                start_rows: dict[int, float]) -> list[list[Row]]:
    top = mm_to_pt(frame.rect.y)
    min_width = MIN_ROW_EM * grid.size
    n_rows = grid.frame_rows(frame)
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
