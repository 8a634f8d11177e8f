"""The body flow: paragraphs and blocks (photos, subheads) placed into the rows of a
thread's columns, line by line, with what did not fit counted for the copyfit figure.

A ``Flow`` only decides where things go: its ``placements`` are drawn by the story
(``story.layout_story``) once the flow is final, after the column balancing has tried
its limits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import repeat
from typing import NamedTuple

from ..model import CMYK, ParagraphStyle
from .compose import ComposedLine, ComposeOptions, Run, compose_paragraph
from .grid import Column, Row


@dataclass
class Para:
    """A body paragraph waiting to be flowed into columns."""

    part: int
    text: str
    style: ParagraphStyle
    runs: list[Run]
    opts: ComposeOptions
    keep_rows: int = 0  # rows of space before (subheads)


@dataclass
class Block:
    """A body element set as a whole (photo, note, two-line subhead) waiting to be flowed."""

    part: int
    rows_for: Callable[[float], int]  # column width -> rows
    place: Callable[[Column, int, int, int], None]  # (column, first row index, rows, page)
    chars: int
    space_before: int = 0  # rows left empty before it, unless at the top of a column
    keep_with_next: int = 0  # rows of following text that must share its column (R30)


class PlacedLine(NamedTuple):
    """A body line and the grid row it stands on."""

    line: ComposedLine
    row: Row
    color: CMYK | None
    page: int


class PlacedBlock(NamedTuple):
    """A block and the rows of a column it takes."""

    block: Block
    column: Column
    first: int  # index of its first row in the column
    rows: int


@dataclass
class Cursor:
    """Where the flow stands: a column and a row in it."""

    col: int = 0  # index into the column list
    row: int = 0  # index into that column's rows


class Flow:
    """Places body elements into the rows of a list of columns."""

    def __init__(self, columns: list[Column], limits: dict[int, int]):
        self.columns = columns
        self.limits = limits  # column index -> max rows used (balancing)
        self._limited = [c.rows if limits.get(i) is None else c.rows[:limits[i]] for i, c in enumerate(columns)]
        # _same_from[i]: the one measure of every row from column i on, when they share one
        self._same_from: list[float | None] = [None] * len(columns)
        after: float | None = None
        for i in range(len(columns) - 1, -1, -1):
            w = columns[i].uniform
            after = w if w is not None and (i == len(columns) - 1 or after == w) else None
            self._same_from[i] = after
        self.cur = Cursor()
        self.used: dict[int, int] = {}  # column -> rows consumed (incl. blanks)
        self.overset_chars = 0
        self.overset_lines = 0
        self.widows = 0
        self.orphans = 0
        self.loose_lines = 0
        # what to draw once the flow is final
        self.placements: list[PlacedLine | PlacedBlock] = []

    def _rows(self, ci: int) -> list[Row]:
        return self._limited[ci]

    def _next_free(self) -> Row | None:
        """Advance the cursor to the next row with room, or None when out of space."""
        while self.cur.col < len(self.columns):
            rows = self._rows(self.cur.col)
            while self.cur.row < len(rows):
                if rows[self.cur.row].width > 0:
                    return rows[self.cur.row]
                self.cur.row += 1
            self.cur.col += 1
            self.cur.row = 0
        return None

    def _at_column_top(self) -> bool:
        """Is the cursor on the first row of its column that takes text?"""
        return all(r.width <= 0 for r in self._rows(self.cur.col)[:self.cur.row])

    def _take(self) -> None:
        self.used[self.cur.col] = self.cur.row + 1
        self.cur.row += 1

    def _upcoming_widths(self, n: int) -> list[float]:
        col, row = self.cur.col, self.cur.row
        rows = self._rows(col)
        if row + n <= len(rows):  # the usual case: this column has the rows
            widths = [r.width for r in rows[row:row + n] if r.width > 0]
            if len(widths) == n:
                return widths
        widths = []
        while col < len(self.columns) and len(widths) < n:
            rows = self._rows(col)
            while row < len(rows) and len(widths) < n:
                if rows[row].width > 0:
                    widths.append(rows[row].width)
                row += 1
            col += 1
            row = 0
        return widths

    def paragraph(self, el: Para) -> None:
        first = self._next_free()
        if first is None:
            self._overset_para(el)
            return
        measure: float | tuple[float, ...] | None = self._same_from[self.cur.col]
        if measure is None:  # runaround or unequal frames ahead: one width per line
            est = max(4, int(len(el.text) * el.style.size / max(first.width, 1.0)) + 4)
            widths = self._upcoming_widths(est)
            fallback = widths[-1] if widths else first.width
            # one width when the rows ahead agree (cached per paragraph), else one per line
            measure = widths[0] if widths.count(widths[0]) == len(widths) else (*widths, fallback)
        para = compose_paragraph(el.runs, measure, el.opts)
        self.orphans += para.orphan
        self.loose_lines += sum(1 for ln in para.lines if ln.loose)
        cur = self.cur
        rows = self._rows(cur.col)
        n_rows = len(rows)
        page = self.columns[cur.col].page
        lines = para.lines
        last = len(lines) - 1
        color = el.style.color
        r = cur.row
        if self.columns[cur.col].uniform is not None and r + last < n_rows:
            # the usual case: the whole paragraph on the next rows of a column without
            # runaround (so no line of it can be a widow at the column top)
            self.placements.extend(map(PlacedLine, lines, rows[r:r + last + 1], repeat(color), repeat(page)))
            cur.row = r + last + 1
            self.used[cur.col] = cur.row
            return
        place = self.placements.append
        for k, line in enumerate(lines):
            r = cur.row
            if r < n_rows and rows[r].width > 0:  # the usual case: the next row of this column
                row = rows[r]
            else:
                row = self._next_free()
                if row is None:
                    rest = lines[k:]
                    self.overset_lines += len(rest)
                    self.overset_chars += sum(count_chars(el.text[ln.start:ln.end]) for ln in rest)
                    return
                rows = self._rows(cur.col)
                n_rows = len(rows)
                page = self.columns[cur.col].page
            if k == last and k > 0 and self._at_column_top():
                self.widows += 1  # R30: a paragraph's last line alone at the top of a column
            cur.row += 1
            self.used[cur.col] = cur.row
            place(PlacedLine(line, row, color, page))

    def _overset_para(self, el: Para) -> None:
        self.overset_chars += count_chars(el.text)
        self.overset_lines += 1

    def block(self, el: Block) -> None:
        while True:
            if self._next_free() is None:
                self.overset_chars += el.chars
                self.overset_lines += 1
                return
            col = self.columns[self.cur.col]
            rows = self._rows(self.cur.col)
            need = el.rows_for(col.width)
            start = self.cur.row
            if start > 0 and el.space_before:
                start += el.space_before
            end = start + need
            fits = end + el.keep_with_next <= len(rows) and all(r.width > 0 for r in rows[start:end])
            if fits or (self.cur.row == 0 and end <= len(rows)):
                self.placements.append(PlacedBlock(el, col, start, need))
                self.cur.row = end
                self.used[self.cur.col] = end
                return
            if self.cur.row == 0 and end > len(rows):  # taller than a whole column: give up here
                self.overset_chars += el.chars
                self.overset_lines += need
                return
            self.cur.col += 1
            self.cur.row = 0

    def run(self, elements: list[Para | Block]) -> None:
        for el in elements:
            if isinstance(el, Para):
                self.paragraph(el)
            else:
                self.block(el)


def count_chars(text: str) -> int:
    return len("".join(text.split()))
