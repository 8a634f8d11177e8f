"""Story composition and flow: a story's parts set in their styles and flowed through the
columns of its thread of frames.

The order of work for one story:

1. the *head* — column tag, 引题, 主题, 副题 and the boxed 编者按 — is set across the
   headline span of the first frame and takes whole grid rows (spec R27, R34);
2. the *body* — byline, paragraphs, 小标题, photos with captions — is flowed row by row
   through the columns below it, then on through threaded frames, with jump lines where the
   thread changes page (R35);
3. the columns of the last frame are balanced (R28), and what does not fit is reported as
   the copyfit figure editors work by (超 N 字 / 缺 N 行).
"""

from __future__ import annotations

import math
import re
from itertools import repeat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from ..model import (
    DEFAULT_PART_STYLE,
    HEADLINE_KINDS,
    Align,
    Issue,
    ParagraphStyle,
    PartKind,
    Story,
    StoryPart,
    TextFrame,
    default_stylesheet,
    mm_to_pt,
)
from .compose import ComposedParagraph, ComposeOptions, Run, compose_paragraph
from .display import Box, GlyphRun, ImagePlacement, Item
from .fonts import FontError
from .grid import (
    EM_BOX_ASCENT,
    MAX_THREAD_ROWS,
    Column,
    Grid,
    Row,
    column_boxes,
    frame_columns,
    grid_warnings,
    leading_warnings,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Protocol

    from .metrics import FontMetrics

    class FontSource(Protocol):
        """What story composition needs from the font registry (FontRegistry is one)."""

        def metrics(self, key: str) -> FontMetrics: ...

        def fallbacks(self, key: str) -> list[str]: ...


# --------------------------------------------------------------------------- copyfit


@dataclass
class Copyfit:
    """How a story fits its frames: characters and lines over, or rows left empty."""

    overset_chars: int = 0  # characters that did not fit (超 N 字)
    overset_lines: int = 0
    underset_lines: int = 0  # empty rows left in the last frame (缺 N 行)

    @property
    def status(self) -> str:
        if self.overset_chars or self.overset_lines:
            return f"超 {self.overset_chars} 字" if self.overset_chars else f"超 {self.overset_lines} 行"
        if self.underset_lines:
            return f"缺 {self.underset_lines} 行"
        return "正好"

    @property
    def fits(self) -> bool:
        return not (self.overset_chars or self.overset_lines)


@dataclass
class StoryLayout:
    """A story as set: its display items by page, copyfit figure, warnings and jumps."""

    story: str
    items: dict[int, list[Item]] = field(default_factory=dict)  # page index -> items
    copyfit: Copyfit = field(default_factory=Copyfit)
    warnings: list[str] = field(default_factory=list)
    missing: dict[str, str] = field(default_factory=dict)  # character -> font key lacking it
    pages: list[int] = field(default_factory=list)  # page indexes the story appears on
    font_fallbacks: dict[str, str] = field(default_factory=dict)  # font not installed -> font used
    jumps: list[tuple[int, int]] = field(default_factory=list)  # (from page, to page) indexes
    loose_lines: int = 0  # lines stretched more than 1/4 em a gap (R23)
    orphans: int = 0  # paragraphs whose last line is one character that could not be mended (R29)

    def add(self, page: int, item: Item) -> None:
        self.items.setdefault(page, []).append(item)


# --------------------------------------------------------------------------- runs and lines


class Setter:
    """Turns parts into composer runs and composed lines into glyph runs."""

    def __init__(self, issue: Issue, fonts: FontSource, layout: StoryLayout) -> None:
        self.issue = issue
        self.fonts = fonts
        self.layout = layout
        self._known: dict[str, bool] = {}  # font key -> whether the registry has it

    def style(self, part: StoryPart) -> ParagraphStyle:
        """The part's paragraph style: its own, else the sheet's body style, else the
        built-in default of that name or of the part's kind (a sheet may be empty)."""
        styles = self.issue.styles.paragraph
        style = styles.get(part.style_name) or styles.get("body")
        if style is None:
            style = builtin_style(part.style_name, DEFAULT_PART_STYLE.get(part.kind, "body"))
        return self.usable(style)

    def usable(self, style: ParagraphStyle) -> ParagraphStyle:
        """``style`` with a font the registry has: a family name that is not installed
        is replaced by the font of its role (the built-in style of the same name, else
        书宋), and noted in ``font_fallbacks``."""
        font = self.font_key(str(style.font), builtin_style(style.name).font)
        return style if font == str(style.font) else replace(style, font=font)

    def font_key(self, font: str, fallback: str) -> str:
        """``font`` when the registry can give its metrics, else ``fallback``."""
        ok = self._known.get(font)
        if ok is None:
            try:
                self.fonts.metrics(font)
                ok = True
            except FontError:
                ok = False
            self._known[font] = ok
        if ok:
            return font
        fallback = str(fallback)
        self.layout.font_fallbacks.setdefault(font, fallback)
        return fallback

    def runs(self, text: str, style: ParagraphStyle, spans: Sequence[tuple[int, int, str]] = ()) -> list[Run]:
        """Runs of ``text`` in the style's font, character styles applied, and characters the
        font lacks taken from its fallbacks (reported when no fallback has them either)."""
        if not spans:  # the usual paragraph: one style throughout
            return [Run(t, f, s, self.fonts.metrics(f))
                    for t, f, s in self._with_fallbacks(text, str(style.font), style.size) if t]
        pieces: list[tuple[str, str, float]] = []  # (text, font key, size)
        cuts = sorted({0, len(text), *[p for s, e, _ in spans for p in (s, e) if 0 <= p <= len(text)]})
        cstyles = self.issue.styles.character
        for a, b in zip(cuts, cuts[1:]):
            font, size = str(style.font), style.size
            for s, e, name in spans:
                cs = cstyles.get(name)
                if cs and s <= a and b <= e:
                    font = self.font_key(str(cs.font), font) if cs.font else font
                    size = cs.size or size
            pieces.extend(self._with_fallbacks(text[a:b], font, size))
        return [Run(t, f, s, self.fonts.metrics(f)) for t, f, s in pieces if t]

    def _with_fallbacks(self, text: str, font: str, size: float) -> list[tuple[str, str, float]]:
        primary = self.fonts.metrics(font)
        lacking = primary.missing(text)
        if not lacking:
            return [(text, font, size)]
        chain = self.fonts.fallbacks(font)
        owner: dict[str, str] = {}
        for ch in lacking:
            for fb in chain:
                if self.fonts.metrics(fb).has_glyph(ch):
                    owner[ch] = fb
                    break
            else:
                self.layout.missing.setdefault(ch, font)
        out: list[tuple[str, str, float]] = []
        for ch in text:
            f = owner.get(ch, font)
            if out and out[-1][1] == f:
                out[-1] = (out[-1][0] + ch, f, size)
            else:
                out.append((ch, f, size))
        return out

    def glyph_runs(self, line, x: float, baseline: float, color, page: int, story: str) -> None:
        items = self.layout.items.get(page)
        if items is None:
            items = self.layout.items[page] = []
        for seg in line.segments:
            if seg.text:
                items.append(GlyphRun(seg.font, seg.size, x, baseline, seg.text, seg.xs, color, True, story))


_OPTIONS: dict[tuple, ComposeOptions] = {}
_BUILTIN: dict[str, ParagraphStyle] = {}


def builtin_style(name: str, kind_default: str = "body") -> ParagraphStyle:
    """The built-in default style ``name`` (model.default_stylesheet), else the one
    named ``kind_default``, else body: what a part is set in when the issue's sheet has
    neither its style nor a body style."""
    if not _BUILTIN:
        _BUILTIN.update(default_stylesheet().paragraph)
    return _BUILTIN.get(name) or _BUILTIN.get(kind_default) or _BUILTIN["body"]


def _options(style: ParagraphStyle, *, indent: float | None = None, align: Align | None = None) -> ComposeOptions:
    """The composer options of a style (made once per style: every paragraph asks)."""
    key = (style.punct, style.kinsoku, style.indent, style.han_latin_space, style.align, indent, align)
    opts = _OPTIONS.get(key)
    if opts is None:
        opts = ComposeOptions.from_style(style)
        if indent is not None:
            opts = opts.with_(indent=indent)
        if align is not None:
            opts = opts.with_(align=align)
        if len(_OPTIONS) > 256:
            _OPTIONS.clear()
        _OPTIONS[key] = opts
    return opts


def _compose_lines(setter: Setter, part: StoryPart, style: ParagraphStyle, width: float,
                   text: str | None = None, **kw) -> list:
    """All lines of a part set at one width; explicit line breaks start new paragraphs."""
    lines = []
    for chunk in (text if text is not None else part.text).split("\n"):
        if not chunk.strip():
            continue
        para = compose_paragraph(setter.runs(chunk, style), width, _options(style, **kw))
        lines.extend(para.lines)
    return lines


# --------------------------------------------------------------------------- the head


def _continued_style(setter: Setter) -> ParagraphStyle:
    """The 续题 over a continuation: the sheet's ``continued`` style, else the 主题 style
    at 小四 or smaller."""
    styles = setter.issue.styles.paragraph
    if "continued" in styles:
        return setter.usable(styles["continued"])
    title = setter.usable(styles.get("title") or styles.get("body") or builtin_style("title"))
    return replace(title, name="continued", label="续题", size=min(title.size, 12.0), line_gap=0.2)


# A space between two ideographs in a headline separates the halves of a couplet
# (述职测评晒成绩 铆足干劲启新程): the place a headline breaks when it must.
# (Checked character by character: a regex with these ranges in look-arounds takes
# milliseconds to compile at every start.)
_SPACE_RUN = re.compile("[ \u3000]+")
_COUPLET_LEFT = "“”‘’）》」』！？。，；："
_COUPLET_RIGHT = "“‘（《「『"


def _is_ideograph(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def _couplet_halves(text: str) -> list[str]:
    """The halves of a headline split at the spaces between ideographs (or a closing mark
    and an ideograph or opening mark); the text itself when it has none."""
    text = text.strip()
    halves: list[str] = []
    start = 0
    for m in _SPACE_RUN.finditer(text):
        a, b = m.span()
        if 0 < a and b < len(text):
            left, right = text[a - 1], text[b]
            if (_is_ideograph(left) or left in _COUPLET_LEFT) and (_is_ideograph(right) or right in _COUPLET_RIGHT):
                halves.append(text[start:a])
                start = b
    halves.append(text[start:])
    return [h for h in halves if h]


def _headline_lines(setter: Setter, part: StoryPart, style: ParagraphStyle, width: float, text: str) -> list:
    """Headline lines as an editor breaks them: at the couplet's space when it has one and
    the halves fit, else balanced (the narrowest measure that keeps the line count), never
    a long first line over a stub."""
    lines = _compose_lines(setter, part, style, width, text=text)
    if len(lines) <= 1 or "\n" in text:
        return lines
    halves = _couplet_halves(text)
    if 1 < len(halves) <= len(lines):
        by_half = [_compose_lines(setter, part, style, width, text=h) for h in halves]
        if all(len(ls) == 1 for ls in by_half):
            return [ls[0] for ls in by_half]
    n = len(lines)
    lo, hi = width * (n - 1) / n, width  # the narrowest width keeping n lines, to 1 em
    best = lines
    while hi - lo > style.size:
        mid = (lo + hi) / 2.0
        trial = _compose_lines(setter, part, style, mid, text=text)
        if len(trial) == n:
            best, hi = trial, mid
        else:
            lo = mid
    return best


@dataclass
class Head:
    """A composed headline block: the rows it takes and how to place it."""

    rows: int  # body rows the head takes, including the gap below it
    place: Callable[[float, float, int], None]  # (x, top, page) -> items into the layout


def _head(setter: Setter, story: Story, width: float, grid: Grid) -> Head | None:
    head_parts = [p for p in story.parts if p.kind in HEADLINE_KINDS or p.kind == PartKind.NOTE]
    if not head_parts:
        return None
    blocks: list[tuple[float, Callable[[float, float, int], None]]] = []  # (height, place)
    for part in head_parts:
        style = setter.style(part)
        if part.kind == PartKind.NOTE:
            continue
        text = part.text
        if part.kind == PartKind.COLUMN_TAG and not text.startswith("【"):
            text = f"【{text}】"
        if part.kind in (PartKind.KICKER, PartKind.TITLE, PartKind.SUBTITLE):
            lines = _headline_lines(setter, part, style, width, text)
        else:
            lines = _compose_lines(setter, part, style, width, text=text)
        pitch = style.size * (1.0 + style.line_gap)
        height = style.size + pitch * (len(lines) - 1) if lines else 0.0
        blocks.append((height + style.size * style.line_gap,
                       _line_placer(setter, lines, style, pitch, story.id)))
    notes = [p for p in head_parts if p.kind == PartKind.NOTE]
    if notes:
        blocks.append(_note_box(setter, notes, width, grid, story.id))
    total = sum(h for h, _ in blocks)
    rows = grid.rows_for(total) + 1  # one empty row between the head and the text

    def place(x: float, top: float, page: int) -> None:
        # centre the content in the head's rows, from the first row's top to the em-box
        # bottom of its last row (the gap row stays empty)
        room = (rows - 1) * grid.pitch - (grid.pitch - grid.size)
        y = top + max(0.0, (room - total) / 2.0)
        for h, put in blocks:
            put(x, y, page)
            y += h

    return Head(rows, place)


def head_rows(issue: Issue, story: Story, fonts: FontSource, width: float) -> int:
    """Body grid rows the story's head block (headlines, column tag, 编者按) takes when set
    across ``width`` points, the empty row below it included; 0 when it has no head.
    Layout tools use it to size a frame before the story is placed."""
    body = issue.styles.paragraph.get("body")
    grid = Grid.for_body(body.size if body else 9.0, body.line_gap if body else 0.5)
    head = _head(Setter(issue, fonts, StoryLayout(story.id)), story, width, grid)
    return head.rows if head is not None else 0


def _line_placer(setter: Setter, lines: list, style: ParagraphStyle, pitch: float,
                 story_id: str) -> Callable[[float, float, int], None]:
    def put(x: float, top: float, page: int) -> None:
        for i, line in enumerate(lines):
            baseline = top + i * pitch + EM_BOX_ASCENT * style.size
            setter.glyph_runs(line, x, baseline, style.color, page, story_id)
    return put


def _note_box(setter: Setter, notes: list[StoryPart], width: float, grid: Grid,
              story_id: str) -> tuple[float, Callable[[float, float, int], None]]:
    """The 编者按 block: 楷体 paragraphs in a ruled box, the label ``编者按：`` in 黑体."""
    pad = grid.size
    inner = max(0.0, width - 2 * pad)
    composed: list[tuple[list, ParagraphStyle]] = []
    for part in notes:
        style = setter.style(part)
        text = part.text
        spans = [(s.start, s.end, s.style) for s in part.spans]
        if text.startswith("编者按：") and not spans:
            spans = [(0, 4, "note-label")]
        para = compose_paragraph(setter.runs(text, style, spans), inner, _options(style))
        composed.append((para.lines, style))
    pitch = max(st.size * (1.0 + st.line_gap) for _, st in composed)
    n_lines = sum(len(ls) for ls, _ in composed)
    body_h = grid.size + pitch * (n_lines - 1) if n_lines else 0.0
    box_h = grid.rows_for(body_h + 2 * pad * 0.75) * grid.pitch - (grid.pitch - grid.size)
    gap_after = grid.pitch - grid.size

    def put(x: float, top: float, page: int) -> None:
        setter.layout.add(page, Box(x, top, width, box_h, stroke=0.5))
        y0 = top + (box_h - body_h) / 2.0
        i = 0
        for lines, style in composed:
            for line in lines:
                baseline = y0 + i * pitch + EM_BOX_ASCENT * style.size
                setter.glyph_runs(line, x + pad, baseline, style.color, page, story_id)
                i += 1

    return box_h + gap_after, put


# --------------------------------------------------------------------------- the body flow


@dataclass
class _Para:
    """A body paragraph waiting to be flowed into columns."""

    part: int
    text: str
    style: ParagraphStyle
    runs: list[Run]
    opts: ComposeOptions
    keep_rows: int = 0  # rows of space before (subheads)


@dataclass
class _Block:
    """A body element set as a whole (photo, note, two-line subhead) waiting to be flowed."""

    part: int
    rows_for: Callable[[float], int]  # column width -> rows
    place: Callable[[Column, int, int, int], None]  # (column, first row index, rows, page)
    chars: int
    space_before: int = 0  # rows left empty before it, unless at the top of a column
    keep_with_next: int = 0  # rows of following text that must share its column (R30)


def _body_elements(setter: Setter, story: Story, grid: Grid) -> list[_Para | _Block]:
    out: list[_Para | _Block] = []
    for i, part in enumerate(story.parts):
        if part.kind in HEADLINE_KINDS or part.kind == PartKind.NOTE:
            continue
        style = setter.style(part)
        if part.kind in (PartKind.PARAGRAPH, PartKind.BYLINE):
            if not part.text.strip():
                continue
            spans = [(s.start, s.end, s.style) for s in part.spans]
            out.append(_Para(i, part.text, style, setter.runs(part.text, style, spans), _options(style)))
        elif part.kind == PartKind.SUBHEAD:
            out.append(_subhead_block(setter, i, part, style, grid, story.id))
        elif part.kind == PartKind.PHOTO:
            out.append(_photo_block(setter, i, part, style, grid, story.id))
    return out


def _subhead_block(setter: Setter, index: int, part: StoryPart, style: ParagraphStyle,
                   grid: Grid, story_id: str) -> _Block:
    cache: dict[float, list] = {}
    pitch = style.size * (1.0 + style.line_gap)

    def lines_at(width: float) -> list:
        if width not in cache:
            cache[width] = _compose_lines(setter, part, style, width, indent=0.0)
        return cache[width]

    def rows_for(width: float) -> int:
        n = len(lines_at(width))
        return grid.rows_for(style.size + pitch * (n - 1)) if n else 0

    def place(col: Column, first: int, rows: int, page: int) -> None:
        lines = lines_at(col.width)
        height = style.size + pitch * (len(lines) - 1)
        top = col.rows[first].top + (rows * grid.pitch - (grid.pitch - grid.size) - height) / 2.0
        for k, line in enumerate(lines):
            baseline = top + k * pitch + EM_BOX_ASCENT * style.size
            setter.glyph_runs(line, col.x, baseline, style.color, page, story_id)

    chars = len("".join(part.text.split()))
    return _Block(index, rows_for, place, chars, space_before=1, keep_with_next=2)


def _photo_block(setter: Setter, index: int, part: StoryPart, style: ParagraphStyle,
                 grid: Grid, story_id: str) -> _Block:
    """A photo inside the text: the column's width, 3:2, caption below in its style."""
    cache: dict[float, list] = {}
    pitch = style.size * (1.0 + style.line_gap)
    caption = part.text + (f"（{part.credit} 摄）" if part.credit else "")

    def caption_lines(width: float) -> list:
        if width not in cache:
            cache[width] = _compose_lines(setter, part, style, width, text=caption, indent=0.0) if caption else []
        return cache[width]

    def image_rows(width: float) -> int:
        return grid.rows_for(width * 2.0 / 3.0)

    def rows_for(width: float) -> int:
        n = len(caption_lines(width))
        cap_h = style.size + pitch * (n - 1) if n else 0.0
        return image_rows(width) + (grid.rows_for(cap_h + grid.pitch - grid.size) if n else 0)

    def place(col: Column, first: int, rows: int, page: int) -> None:
        top = col.rows[first].top
        ih = image_rows(col.width) * grid.pitch - (grid.pitch - grid.size)
        setter.layout.add(page, ImagePlacement((col.x, top, col.width, ih), col.x, top, col.width, ih,
                                               part.image, frame=""))
        y = top + ih + (grid.pitch - grid.size)
        for k, line in enumerate(caption_lines(col.width)):
            baseline = y + k * pitch + EM_BOX_ASCENT * style.size
            setter.glyph_runs(line, col.x, baseline, style.color, page, story_id)

    chars = len("".join(caption.split()))
    return _Block(index, rows_for, place, chars, space_before=0)


# --------------------------------------------------------------------------- flowing


@dataclass
class _Cursor:
    """Where the flow stands: a column and a row in it."""

    col: int = 0  # index into the column list
    row: int = 0  # index into that column's rows


class _Flow:
    """Places body elements into the rows of a list of columns."""

    def __init__(self, setter: Setter, columns: list[Column], story: Story, limits: dict[int, int]):
        self.setter = setter
        self.columns = columns
        self.story = story
        self.limits = limits  # column index -> max rows used (balancing)
        self._limited = [c.rows if limits.get(i) is None else c.rows[:limits[i]] for i, c in enumerate(columns)]
        # _same_from[i]: the one measure of every row from column i on, when they share one
        self._same_from: list[float | None] = [None] * len(columns)
        after: float | None = None
        for i in range(len(columns) - 1, -1, -1):
            w = columns[i].uniform
            after = w if w is not None and (i == len(columns) - 1 or after == w) else None
            self._same_from[i] = after
        self.cur = _Cursor()
        self.used: dict[int, int] = {}  # column -> rows consumed (incl. blanks)
        self.overset_chars = 0
        self.overset_lines = 0
        self.widows = 0
        self.orphans = 0
        self.loose_lines = 0
        # what to draw once the flow is final: (line, row, colour, page) or (block, column, first row, rows)
        self.placements: list[tuple] = []

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

    def paragraph(self, el: _Para) -> None:
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
            self.placements.extend(zip(lines, rows[r:r + last + 1], repeat(color), repeat(page)))
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
                    self.overset_chars += sum(_chars(el.text[ln.start:ln.end]) for ln in rest)
                    return
                rows = self._rows(cur.col)
                n_rows = len(rows)
                page = self.columns[cur.col].page
            if k == last and k > 0 and self._at_column_top():
                self.widows += 1  # R30: a paragraph's last line alone at the top of a column
            cur.row += 1
            self.used[cur.col] = cur.row
            place((line, row, color, page))

    def _overset_para(self, el: _Para) -> None:
        self.overset_chars += _chars(el.text)
        self.overset_lines += 1

    def block(self, el: _Block) -> None:
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
                self.placements.append((el, col, start, need))
                self.cur.row = end
                self.used[self.cur.col] = end
                return
            if self.cur.row == 0 and end > len(rows):  # taller than a whole column: give up here
                self.overset_chars += el.chars
                self.overset_lines += need
                return
            self.cur.col += 1
            self.cur.row = 0

    def run(self, elements: list[_Para | _Block]) -> None:
        for el in elements:
            if isinstance(el, _Para):
                self.paragraph(el)
            else:
                self.block(el)


def _chars(text: str) -> int:
    return len("".join(text.split()))


# --------------------------------------------------------------------------- entry point


def _body_grid(issue: Issue) -> Grid:
    body = issue.styles.paragraph.get("body")
    return Grid.for_body(body.size if body else 9.0, body.line_gap if body else 0.5)


def cut_thread(chain: list[tuple[int, TextFrame]], grid: Grid,
               budget: int) -> tuple[list[tuple[int, TextFrame]], int]:
    """The frames of a thread that get grid rows, and how many rows they have together:
    at most ``MAX_THREAD_ROWS`` and ``budget``, the first frame always unless it alone
    has more than ``budget`` (no file makes the engine build millions of rows)."""
    limit = min(MAX_THREAD_ROWS, budget)
    rows = 0
    for k, (_pi, frame) in enumerate(chain):
        more = grid.frame_rows(frame) * max(1, frame.columns)
        if rows + more > limit and (k > 0 or budget < more):
            return chain[:k], rows
        rows += more
    return chain, rows


def thread_rows(issue: Issue, story: Story, budget: int) -> int:
    """Grid rows ``layout_story`` gives the story's thread with ``row_budget=budget``."""
    return cut_thread(issue.story_frames(story.id), _body_grid(issue), budget)[1]


def layout_story(issue: Issue, story: Story, fonts: FontSource, *,
                 row_budget: int = MAX_THREAD_ROWS) -> StoryLayout:
    """Set one story into its thread of frames; items go to the pages they fall on.

    ``row_budget``: the grid rows the thread's frames may have together (``layout_issue``
    shares a budget among all the stories of an issue, ``thread_rows``)."""
    layout = StoryLayout(story.id)
    chain = issue.story_frames(story.id)
    setter = Setter(issue, fonts, layout)
    body_style = issue.styles.paragraph.get("body")
    grid = _body_grid(issue)
    layout.warnings.extend(leading_warnings(body_style.line_gap if body_style else 0.5))
    kept, _rows = cut_thread(chain, grid, row_budget)
    if len(kept) < len(chain):
        cut = len(chain) - len(kept)
        layout.warnings.append(f"文本框的网格行数过多，文本框链的后 {cut} 个框未排 | too many grid rows: "
                               f"the last {cut} frames of the thread are left empty")
        chain = kept
    if not chain:
        layout.copyfit.overset_chars = story.text_length()
        layout.warnings.append("稿件未排入任何文本框")
        return layout

    first_page, first = chain[0]
    start_rows: dict[int, float] = {}
    boxes = column_boxes(first)
    span = first.headline_columns or first.columns
    span = max(1, min(span, first.columns))
    head_x = boxes[0][0]
    head_w = boxes[span - 1][0] + boxes[span - 1][1] - head_x
    head = _head(setter, story, head_w, grid)
    if head is not None:
        head_top = mm_to_pt(first.rect.y)
        for ci in range(span):
            start_rows[ci] = head_top + head.rows * grid.pitch

    # Where the thread changes page, the continuation opens under a short repeated
    # headline (续题, spec R35); its rows are kept free at the top of that frame.
    cont_heads: dict[int, tuple[list, ParagraphStyle, int]] = {}  # frame index -> (lines, style, rows)
    for k in range(1, len(chain)):
        if chain[k][0] != chain[k - 1][0] and story.headline:
            cstyle = _continued_style(setter)
            fbox = column_boxes(chain[k][1])
            cwidth = fbox[-1][0] + fbox[-1][1] - fbox[0][0]
            clines = _compose_lines(setter, StoryPart(PartKind.TITLE, story.headline), cstyle, cwidth,
                                    text=story.headline, indent=0.0, align=Align.CENTER)
            cpitch = cstyle.size * (1.0 + cstyle.line_gap)
            cont_heads[k] = (clines, cstyle, grid.rows_for(cstyle.size + cpitch * (len(clines) - 1)))

    columns: list[Column] = []
    frame_of_col: list[int] = []
    for k, (pi, frame) in enumerate(chain):
        starts = start_rows if k == 0 else None
        if k in cont_heads:
            ftop = mm_to_pt(frame.rect.y)
            starts = {ci: ftop + cont_heads[k][2] * grid.pitch for ci in range(frame.columns)}
        cols = frame_columns(pi, issue.pages[pi], frame, grid, start_rows=starts)
        columns.extend(cols)
        frame_of_col.extend([k] * len(cols))
        for w in grid_warnings(frame, grid):
            if w not in layout.warnings:
                layout.warnings.append(w)

    # Reserve rows for jump lines where the thread changes page (R35).
    jump_style = setter.usable(issue.styles.paragraph.get("jump") or body_style or builtin_style("jump"))
    reserved: list[tuple[int, Row, str]] = []  # (column index, row, text)
    for k in range(len(chain) - 1):
        pa, pb = chain[k][0], chain[k + 1][0]
        if pa == pb:
            continue
        last_col = max(i for i, f in enumerate(frame_of_col) if f == k)
        first_col = frame_of_col.index(k + 1)
        if columns[last_col].rows:
            reserved.append((last_col, columns[last_col].rows.pop(), f"（下转第{pb + 1}版）"))
        if columns[first_col].rows:
            reserved.append((first_col, columns[first_col].rows.pop(0), f"（上接第{pa + 1}版）"))

    elements = _body_elements(setter, story, grid)

    def flow(limits: dict[int, int]) -> _Flow:
        f = _Flow(setter, columns, story, limits)
        f.run(elements)
        return f

    result = flow({})
    last_frame = frame_of_col[min(result.cur.col, len(columns) - 1)] if result.used else 0
    # Balance the columns of the frame the story ends in (R28), when it ends early.
    if result.overset_lines == 0 and result.used:
        end_cols = [i for i, f in enumerate(frame_of_col) if f == last_frame]
        used_rows = sum(result.used.get(i, 0) for i in end_cols)
        capacity = sum(len(columns[i].rows) for i in end_cols)
        if used_rows < capacity and len(end_cols) > 1:
            tallest = max(len(columns[i].rows) for i in end_cols)
            h = math.ceil(used_rows / len(end_cols))
            # A photo or subhead in the last frame needs its rows in one column: no shorter
            # limit can fit, so the trials start there (everything before the last frame
            # flows the same in every trial, so the same blocks land in it).
            in_end = {id(columns[i]) for i in end_cols}
            for placed in result.placements:
                if isinstance(placed[0], _Block) and id(placed[1]) in in_end:
                    h = max(h, placed[3])

            def fits(trial: _Flow) -> bool:
                return trial.overset_lines == 0 and trial.overset_chars == 0 and \
                    all(frame_of_col[i] <= last_frame for i in trial.used)

            # The lowest limit that fits, as a row-by-row search finds it, in fewer trials:
            # a trial that leaves L lines over needs at least L more usable rows, so the
            # next trial is the first limit that adds them (a column whose lower rows a
            # picture takes gains nothing from a higher limit); from a limit that fits, the
            # limits below it are tried until one does not.
            tried: dict[int, _Flow] = {}

            def attempt(limit: int) -> _Flow:
                if limit not in tried:
                    tried[limit] = flow({i: limit for i in end_cols})
                return tried[limit]

            lowest = h
            while h < tallest:
                trial = attempt(h)
                if fits(trial):
                    while h > lowest:
                        lower = attempt(h - 1)
                        if not fits(lower):
                            break
                        h, trial = h - 1, lower
                    result = trial
                    break
                step, gained = 1, 0
                while h + step < tallest:
                    gained += sum(1 for i in end_cols if h + step - 1 < len(columns[i].rows)
                                  and columns[i].rows[h + step - 1].width > 0)
                    if gained >= trial.overset_lines:
                        break
                    step += 1
                h += step

    # Drawn in reading order, so that text extraction (pdftotext, copy) follows the story:
    # the head, then on each page the 上接 line, the body, the 下转 line.
    if head is not None:
        head.place(head_x, mm_to_pt(first.rect.y), first_page)
    used_frames = {frame_of_col[i] for i in result.used} | {0}
    last_used = max(used_frames)

    def jump_lines(outgoing: bool) -> None:
        for ci, row, text in reserved:
            k = frame_of_col[ci]
            is_out = text.startswith("（下转")
            if is_out != outgoing or not (k < last_used if is_out else k <= last_used):
                continue
            align = Align.RIGHT if is_out else Align.LEFT
            para = compose_paragraph(setter.runs(text, jump_style), columns[ci].width,
                                     _options(jump_style, indent=0.0, align=align))
            for line in para.lines[:1]:
                setter.glyph_runs(line, columns[ci].x, row.baseline, jump_style.color, columns[ci].page, story.id)
            if is_out:
                layout.jumps.append((chain[k][0], chain[k + 1][0]))

    for k, (clines, cstyle, _rows) in cont_heads.items():
        if k <= last_used:
            pi, frame = chain[k]
            x0 = column_boxes(frame)[0][0]
            cpitch = cstyle.size * (1.0 + cstyle.line_gap)
            for j, line in enumerate(clines):
                baseline = mm_to_pt(frame.rect.y) + j * cpitch + EM_BOX_ASCENT * cstyle.size
                setter.glyph_runs(line, x0, baseline, cstyle.color, pi, story.id)
    jump_lines(outgoing=False)
    for placed in result.placements:
        if isinstance(placed[0], _Block):
            block, col, start, need = placed
            block.place(col, start, need, col.page)
        else:
            line, row, color, page = placed
            setter.glyph_runs(line, row.x, row.baseline, color, page, story.id)
    jump_lines(outgoing=True)

    layout.loose_lines, layout.orphans = result.loose_lines, result.orphans
    if result.widows:
        layout.warnings.append(f"{result.widows} 处段末行落在栏首（寡行），可删字或加字调整")
    layout.copyfit.overset_chars = result.overset_chars
    layout.copyfit.overset_lines = result.overset_lines
    if result.overset_lines == 0:
        # 缺 N 行: the rows left in the frame the story ends in and in every frame after it
        # in the thread, with the rows kept there for 续题 and jump lines, which stay empty
        # when the story does not get that far
        under = sum(
            len(columns[i].rows) - result.used.get(i, 0) if columns[i].uniform is not None
            else sum(1 for r in columns[i].rows[result.used.get(i, 0):] if r.width > 0)
            for i, f in enumerate(frame_of_col) if f >= last_used)
        for ci, _row, text in reserved:
            k = frame_of_col[ci]
            if k > last_used or (k == last_used and text.startswith("（下转")):
                under += 1
        under += sum(rows for k, (_, _, rows) in cont_heads.items() if k > last_used)
        layout.copyfit.underset_lines = under
    layout.pages = sorted(layout.items)
    return layout


def layout_caption(issue: Issue, frame_id: str, page: int, x: float, width: float, bottom: float,
                   story: Story, fonts: FontSource) -> tuple[StoryLayout, float]:
    """The caption of an image frame, set at the frame's width and standing on its bottom
    edge; returns the layout and the height it takes (the image keeps the rest)."""
    layout = StoryLayout(story.id)
    setter = Setter(issue, fonts, layout)
    lines: list[tuple[list, ParagraphStyle]] = []
    for part in story.parts:
        text = part.text + (f"（{part.credit} 摄）" if part.credit else "")
        if not text.strip():
            continue
        style = setter.style(part)
        lines.append((_compose_lines(setter, part, style, width, text=text, indent=0.0), style))
    flat = [(ln, st) for group, st in lines for ln in group]
    if not flat:
        return layout, 0.0
    gap = flat[0][1].size * 0.5  # between the picture and its caption
    pitches = [st.size * (1.0 + st.line_gap) for _, st in flat]
    height = gap + sum(pitches[:-1]) + flat[-1][1].size
    y = bottom - height + gap
    for (line, style), pitch in zip(flat, pitches):
        setter.glyph_runs(line, x, y + EM_BOX_ASCENT * style.size, style.color, page, story.id)
        y += pitch
    layout.pages = [page]
    return layout, height
