"""Story composition and flow: a story's parts set in their styles and flowed through the
columns of its thread of frames.

The order of work for one story:

1. the *head* — column tag, 引题, 主题, 副题 and the boxed 编者按 — is set across the
   headline span of the first frame and takes whole grid rows (spec R27, R34);
2. the *body* — byline, paragraphs, 小标题, photos with captions — is flowed row by row
   through the columns below it, then on through threaded frames, with jump lines where the
   thread changes page (R35);
3. the columns of the last frame are balanced (R28), and what does not fit is reported as
   the copyfit figure editors work by (超 N 字 / 缺 N 行), with the engine's notes (字格,
   行距, 寡行, 松行, 孤字) as ``Finding``s.

``layout_story`` runs these as named steps; the parts are set by ``setter.Setter`` and the
body is placed by ``flow.Flow``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ..model import (
    HEADLINE_KINDS,
    Align,
    Issue,
    ParagraphStyle,
    PartKind,
    Story,
    StoryPart,
    TextFrame,
    mm_to_pt,
)
from .compose import compose_paragraph
from .diagnostics import Severity, story_note
from .display import Box, ImagePlacement
from .flow import Block, Flow, Para, PlacedBlock
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
from .setter import Copyfit, Setter, StoryLayout, builtin_style, compose_lines, options_for

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .setter import FontSource

__all__ = ["Copyfit", "StoryLayout", "cut_thread", "head_rows", "layout_caption", "layout_story", "thread_rows"]


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
    lines = compose_lines(setter, part, style, width, text=text)
    if len(lines) <= 1 or "\n" in text:
        return lines
    halves = _couplet_halves(text)
    if 1 < len(halves) <= len(lines):
        by_half = [compose_lines(setter, part, style, width, text=h) for h in halves]
        if all(len(ls) == 1 for ls in by_half):
            return [ls[0] for ls in by_half]
    n = len(lines)
    lo, hi = width * (n - 1) / n, width  # the narrowest width keeping n lines, to 1 em
    best = lines
    while hi - lo > style.size:
        mid = (lo + hi) / 2.0
        trial = compose_lines(setter, part, style, mid, text=text)
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
            lines = compose_lines(setter, part, style, width, text=text)
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
        para = compose_paragraph(setter.runs(text, style, spans), inner, options_for(style))
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


# --------------------------------------------------------------------------- the body


def _body_elements(setter: Setter, story: Story, grid: Grid) -> list[Para | Block]:
    out: list[Para | Block] = []
    for i, part in enumerate(story.parts):
        if part.kind in HEADLINE_KINDS or part.kind == PartKind.NOTE:
            continue
        style = setter.style(part)
        if part.kind in (PartKind.PARAGRAPH, PartKind.BYLINE):
            if not part.text.strip():
                continue
            spans = [(s.start, s.end, s.style) for s in part.spans]
            out.append(Para(i, part.text, style, setter.runs(part.text, style, spans), options_for(style)))
        elif part.kind == PartKind.SUBHEAD:
            out.append(_subhead_block(setter, i, part, style, grid, story.id))
        elif part.kind == PartKind.PHOTO:
            out.append(_photo_block(setter, i, part, style, grid, story.id))
    return out


def _subhead_block(setter: Setter, index: int, part: StoryPart, style: ParagraphStyle,
                   grid: Grid, story_id: str) -> Block:
    cache: dict[float, list] = {}
    pitch = style.size * (1.0 + style.line_gap)

    def lines_at(width: float) -> list:
        if width not in cache:
            cache[width] = compose_lines(setter, part, style, width, indent=0.0)
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
    return Block(index, rows_for, place, chars, space_before=1, keep_with_next=2)


def _photo_block(setter: Setter, index: int, part: StoryPart, style: ParagraphStyle,
                 grid: Grid, story_id: str) -> Block:
    """A photo inside the text: the column's width, 3:2, caption below in its style."""
    cache: dict[float, list] = {}
    pitch = style.size * (1.0 + style.line_gap)
    caption = part.text + (f"（{part.credit} 摄）" if part.credit else "")

    def caption_lines(width: float) -> list:
        if width not in cache:
            cache[width] = compose_lines(setter, part, style, width, text=caption, indent=0.0) if caption else []
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
    return Block(index, rows_for, place, chars, space_before=0)


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


@dataclass
class _ContinuedHead:
    """The short repeated headline (续题) over a continuation on another page (R35)."""

    lines: list
    style: ParagraphStyle
    rows: int  # grid rows kept free for it at the top of its frame

    @property
    def pitch(self) -> float:
        return self.style.size * (1.0 + self.style.line_gap)


@dataclass(frozen=True, slots=True)
class _Jump:
    """A jump line where the thread changes page (R35): 下转 on the last row of the frame
    before the change, 上接 on the first row of the frame after it."""

    column: int  # index into the thread's columns
    row: Row  # the row kept for it
    page: int  # index of the page it points to
    outgoing: bool  # 下转 (else 上接)

    @property
    def text(self) -> str:
        return f"（下转第{self.page + 1}版）" if self.outgoing else f"（上接第{self.page + 1}版）"


@dataclass
class _Thread:
    """The frames a story runs through, cut into columns of grid rows."""

    chain: list[tuple[int, TextFrame]]  # (page index, frame), in thread order
    columns: list[Column] = field(default_factory=list)
    frame_of: list[int] = field(default_factory=list)  # column index -> index into chain
    continued: dict[int, _ContinuedHead] = field(default_factory=dict)  # frame index -> its 续题
    jumps: list[_Jump] = field(default_factory=list)

    def columns_of(self, k: int) -> list[int]:
        """Indexes of the columns of the ``k``-th frame."""
        return [i for i, f in enumerate(self.frame_of) if f == k]


def layout_story(issue: Issue, story: Story, fonts: FontSource, *,
                 row_budget: int = MAX_THREAD_ROWS) -> StoryLayout:
    """Set one story into its thread of frames; items go to the pages they fall on.

    ``row_budget``: the grid rows the thread's frames may have together (``layout_issue``
    shares a budget among all the stories of an issue, ``thread_rows``)."""
    layout = StoryLayout(story.id)
    setter = Setter(issue, fonts, layout)
    body_style = issue.styles.paragraph.get("body")
    grid = _body_grid(issue)
    layout.diagnostics.extend(leading_warnings(body_style.line_gap if body_style else 0.5, story.id))
    chain = _kept_frames(issue, story, grid, row_budget, layout)
    if not chain:
        layout.copyfit.overset_chars = story.text_length()
        layout.diagnostics.append(story_note("story-unplaced", story.id, "the story is not placed in any frame",
                                             "稿件未排入任何文本框", Severity.WARNING))
        return layout

    first_page, first = chain[0]
    head, start_rows = _head_across(setter, story, first, grid)
    thread = _Thread(chain, continued=_continued_heads(setter, story, chain, grid))
    _cut_columns(issue, thread, grid, start_rows, layout)
    _reserve_jumps(thread)
    jump_style = setter.usable(issue.styles.paragraph.get("jump") or body_style or builtin_style("jump"))
    result = _flow_balanced(thread, _body_elements(setter, story, grid))

    # Drawn in reading order, so that text extraction (pdftotext, copy) follows the story:
    # the head, then on each page the 续题 and 上接 line, the body, the 下转 line.
    if head is not None:
        head.place(column_boxes(first)[0][0], mm_to_pt(first.rect.y), first_page)
    last_used = max({thread.frame_of[i] for i in result.used} | {0})
    _draw_continued_heads(setter, story.id, thread, last_used)
    _draw_jumps(setter, story.id, thread, jump_style, last_used, outgoing=False)
    for placed in result.placements:
        if isinstance(placed, PlacedBlock):
            placed.block.place(placed.column, placed.first, placed.rows, placed.column.page)
        else:
            setter.glyph_runs(placed.line, placed.row.x, placed.row.baseline, placed.color, placed.page, story.id)
    _draw_jumps(setter, story.id, thread, jump_style, last_used, outgoing=True)

    _report(layout, result, thread, last_used)
    layout.pages = sorted(layout.items)
    return layout


def _kept_frames(issue: Issue, story: Story, grid: Grid, row_budget: int,
                 layout: StoryLayout) -> list[tuple[int, TextFrame]]:
    """The story's thread of frames, less those beyond the row budget (noted)."""
    chain = issue.story_frames(story.id)
    kept, _rows = cut_thread(chain, grid, row_budget)
    if len(kept) < len(chain):
        cut = len(chain) - len(kept)
        layout.diagnostics.append(story_note(
            "typeset-thread-cut", story.id, f"too many grid rows: the last {cut} frames of the thread are left empty",
            f"文本框的网格行数过多，文本框链的后 {cut} 个框未排"))
    return kept


def _head_across(setter: Setter, story: Story, first: TextFrame, grid: Grid) -> tuple[Head | None, dict[int, float]]:
    """The story's head set across the headline span of its first frame, and where the
    text starts in the columns under it (column index -> top; none without a head)."""
    boxes = column_boxes(first)
    span = max(1, min(first.headline_columns or first.columns, first.columns))
    head_w = boxes[span - 1][0] + boxes[span - 1][1] - boxes[0][0]
    head = _head(setter, story, head_w, grid)
    start_rows: dict[int, float] = {}
    if head is not None:
        head_top = mm_to_pt(first.rect.y)
        for ci in range(span):
            start_rows[ci] = head_top + head.rows * grid.pitch
    return head, start_rows


def _continued_heads(setter: Setter, story: Story, chain: list[tuple[int, TextFrame]],
                     grid: Grid) -> dict[int, _ContinuedHead]:
    """Where the thread changes page, the continuation opens under a short repeated
    headline (续题, spec R35): by frame index."""
    heads: dict[int, _ContinuedHead] = {}
    for k in range(1, len(chain)):
        if chain[k][0] == chain[k - 1][0] or not story.headline:
            continue
        style = _continued_style(setter)
        fbox = column_boxes(chain[k][1])
        width = fbox[-1][0] + fbox[-1][1] - fbox[0][0]
        lines = compose_lines(setter, StoryPart(PartKind.TITLE, story.headline), style, width,
                               text=story.headline, indent=0.0, align=Align.CENTER)
        pitch = style.size * (1.0 + style.line_gap)
        heads[k] = _ContinuedHead(lines, style, grid.rows_for(style.size + pitch * (len(lines) - 1)))
    return heads


def _cut_columns(issue: Issue, thread: _Thread, grid: Grid, start_rows: dict[int, float],
                 layout: StoryLayout) -> None:
    """The thread's frames cut into columns of grid rows, below the head in the first
    frame and below the 续题 in a continuation; grid notes (字格) per frame."""
    for k, (pi, frame) in enumerate(thread.chain):
        starts = start_rows if k == 0 else None
        continued = thread.continued.get(k)
        if continued is not None:
            ftop = mm_to_pt(frame.rect.y)
            starts = {ci: ftop + continued.rows * grid.pitch for ci in range(frame.columns)}
        cols = frame_columns(pi, issue.pages[pi], frame, grid, start_rows=starts)
        thread.columns.extend(cols)
        thread.frame_of.extend([k] * len(cols))
        for note in grid_warnings(frame, grid, layout.story):
            if note not in layout.diagnostics:
                layout.diagnostics.append(note)


def _reserve_jumps(thread: _Thread) -> None:
    """Keep rows for jump lines where the thread changes page (R35)."""
    chain, columns = thread.chain, thread.columns
    for k in range(len(chain) - 1):
        pa, pb = chain[k][0], chain[k + 1][0]
        if pa == pb:
            continue
        last_col = max(thread.columns_of(k))
        first_col = thread.frame_of.index(k + 1)
        if columns[last_col].rows:
            thread.jumps.append(_Jump(last_col, columns[last_col].rows.pop(), pb, True))
        if columns[first_col].rows:
            thread.jumps.append(_Jump(first_col, columns[first_col].rows.pop(0), pa, False))


def _flow_balanced(thread: _Thread, elements: list[Para | Block]) -> Flow:
    """The body flowed through the thread, the columns of the frame it ends in balanced
    (R28) when it ends early: the lowest row limit that fits."""
    columns = thread.columns

    def flow(limits: dict[int, int]) -> Flow:
        f = Flow(columns, limits)
        f.run(elements)
        return f

    result = flow({})
    if result.overset_lines or not result.used:
        return result
    last_frame = thread.frame_of[min(result.cur.col, len(columns) - 1)]
    end_cols = thread.columns_of(last_frame)
    used_rows = sum(result.used.get(i, 0) for i in end_cols)
    if used_rows >= sum(len(columns[i].rows) for i in end_cols) or len(end_cols) <= 1:
        return result
    # A photo or subhead in the last frame needs its rows in one column: no shorter
    # limit can fit, so the trials start there (everything before the last frame
    # flows the same in every trial, so the same blocks land in it).
    lowest = math.ceil(used_rows / len(end_cols))
    in_end = {id(columns[i]) for i in end_cols}
    for placed in result.placements:
        if isinstance(placed, PlacedBlock) and id(placed.column) in in_end:
            lowest = max(lowest, placed.rows)
    tried: dict[int, Flow] = {}

    def attempt(limit: int) -> Flow:
        if limit not in tried:
            tried[limit] = flow({i: limit for i in end_cols})
        return tried[limit]

    def fits(trial: Flow) -> bool:
        return trial.overset_lines == 0 and trial.overset_chars == 0 and \
            all(thread.frame_of[i] <= last_frame for i in trial.used)

    def usable(row: int) -> int:
        """Columns of the last frame whose row ``row`` takes text."""
        return sum(1 for i in end_cols if row < len(columns[i].rows) and columns[i].rows[row].width > 0)

    tallest = max(len(columns[i].rows) for i in end_cols)
    return _lowest_fit(attempt, fits, usable, lowest, tallest) or result


def _lowest_fit(attempt: Callable[[int], Flow], fits: Callable[[Flow], bool], usable: Callable[[int], int],
                lowest: int, tallest: int) -> Flow | None:
    """The flow at the lowest row limit from ``lowest`` up (below ``tallest``) that fits,
    as a row-by-row search finds it, in fewer trials: a trial that leaves L lines over
    needs at least L more usable rows, so the next trial is the first limit that adds
    them (a column whose lower rows a picture takes gains nothing from a higher limit);
    from a limit that fits, the limits below it are tried until one does not."""
    h = lowest
    while h < tallest:
        trial = attempt(h)
        if fits(trial):
            while h > lowest:
                lower = attempt(h - 1)
                if not fits(lower):
                    break
                h, trial = h - 1, lower
            return trial
        step, gained = 1, 0
        while h + step < tallest:
            gained += usable(h + step - 1)
            if gained >= trial.overset_lines:
                break
            step += 1
        h += step
    return None


def _draw_continued_heads(setter: Setter, story_id: str, thread: _Thread, last_used: int) -> None:
    for k, continued in thread.continued.items():
        if k <= last_used:
            pi, frame = thread.chain[k]
            x0 = column_boxes(frame)[0][0]
            style = continued.style
            for j, line in enumerate(continued.lines):
                baseline = mm_to_pt(frame.rect.y) + j * continued.pitch + EM_BOX_ASCENT * style.size
                setter.glyph_runs(line, x0, baseline, style.color, pi, story_id)


def _draw_jumps(setter: Setter, story_id: str, thread: _Thread, style: ParagraphStyle, last_used: int, *,
                outgoing: bool) -> None:
    """The 下转 (``outgoing``) or 上接 lines of the frames the story reaches."""
    for jump in thread.jumps:
        k = thread.frame_of[jump.column]
        if jump.outgoing != outgoing or not (k < last_used if outgoing else k <= last_used):
            continue
        col = thread.columns[jump.column]
        align = Align.RIGHT if outgoing else Align.LEFT
        para = compose_paragraph(setter.runs(jump.text, style), col.width,
                                 options_for(style, indent=0.0, align=align))
        for line in para.lines[:1]:
            setter.glyph_runs(line, col.x, jump.row.baseline, style.color, col.page, story_id)
        if outgoing:
            setter.layout.jumps.append((thread.chain[k][0], thread.chain[k + 1][0]))


def _report(layout: StoryLayout, result: Flow, thread: _Thread, last_used: int) -> None:
    """The flow's figures into the layout: copyfit, 松行, 孤字 and 寡行."""
    sid = layout.story
    layout.loose_lines, layout.orphans = result.loose_lines, result.orphans
    if result.loose_lines:
        layout.diagnostics.append(story_note("typeset-loose-lines", sid, f"{result.loose_lines} loose lines",
                                             f"{result.loose_lines} 处松行"))
    if result.orphans:
        layout.diagnostics.append(story_note("typeset-orphans", sid,
                                             f"{result.orphans} 孤字 (single-character last lines)",
                                             f"{result.orphans} 处孤字"))
    if result.widows:
        layout.diagnostics.append(story_note(
            "typeset-widows", sid, f"{result.widows} widows (a paragraph's last line alone at the top of a column): "
            "cut or add a few characters", f"{result.widows} 处段末行落在栏首（寡行），可删字或加字调整"))
    layout.copyfit.overset_chars = result.overset_chars
    layout.copyfit.overset_lines = result.overset_lines
    if result.overset_lines == 0:
        layout.copyfit.underset_lines = _underset_rows(result, thread, last_used)


def _underset_rows(result: Flow, thread: _Thread, last_used: int) -> int:
    """缺 N 行: the rows left in the frame the story ends in and in every frame after it
    in the thread, with the rows kept there for 续题 and jump lines, which stay empty
    when the story does not get that far."""
    columns = thread.columns
    under = sum(
        len(columns[i].rows) - result.used.get(i, 0) if columns[i].uniform is not None
        else sum(1 for r in columns[i].rows[result.used.get(i, 0):] if r.width > 0)
        for i, f in enumerate(thread.frame_of) if f >= last_used)
    for jump in thread.jumps:
        k = thread.frame_of[jump.column]
        if k > last_used or (k == last_used and jump.outgoing):
            under += 1
    under += sum(c.rows for k, c in thread.continued.items() if k > last_used)
    return under


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
        lines.append((compose_lines(setter, part, style, width, text=text, indent=0.0), style))
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
