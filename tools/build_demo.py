#!/usr/bin/env python3
"""Build ``seeds/demo.xjb``: a four-page 社区晨报 四开 demo issue laid out from the seed stories.

    .venv/bin/python tools/build_demo.py [OUTPUT]

The issue is made with ``xjeditor.layouts.new_issue("社区晨报-四开", pages=4, …)``, so page 1
carries the masthead and pages 2–4 the running heads. The default text frame of each page is
replaced by frames placed here on the layout's grid: every text frame, image frame and rule
starts on a whole column and a whole grid row of the type area.

What goes where (an editor's choice; the seeds hold more text than four pages take):

- 第1版 要闻: the lead story (000-3, the town's 2021 study meeting, 主题 in the lead style)
  across the page, jumping to page 2 (下转第2版 / 上接第1版); under it the 两委 election
  meeting (000-2) and the public-service day (001-4), each with its photo.
- 第2版 社区要闻: the lead's continuation, the deputies' visit (001-3) with its photo; the
  上科实业 feature (000-1: 栏目, 引题, byline, 编者按 box, two-line subheads, two photos).
- 第3版 党建: the party-branch story (001-1) with two photos; the 书记感言 sidebar (001-2) in
  a tinted box; the 进博 volunteer team (003-1) with one of its two photos.
- 第4版 社区生活: the lift-building story (004-5, 主题 and 副题); the owners' committees
  meeting (003-2) with three photos, the third beside it in the right-hand columns; two
  short reports with 主题 and 副题 (004-2, 004-3).

Headlines narrower than their text get explicit breaks where an editor would put them
(``HEAD_BREAKS``); the lead's 主题 uses the ``title-lead`` style.

Left out: the three 华漕镇 stories of seed 002 (another town's news), 004-1 (a second study
meeting) and 004-4.

Loading the stories, the script normalises ASCII punctuation in Chinese text to full width
(``,`` ``:`` ``;`` ``!`` ``?`` ``(`` ``)`` and straight quotes become ，：；！？（）“”‘’; a comma
or colon between two ASCII digits, as in 10:30, is kept). The seed stories themselves keep
their punctuation as given. Photo parts are taken out of the stories and become caption
stories (one PHOTO part each) of image frames holding generated pictures.

Frame heights are found by typesetting: a story that ends a column stack is given the rows
left to the page bottom and its photos are sized so the text fits; other stories get the
fewest whole rows in which they fit. No story is overset (``tests/test_demo.py`` checks).

The output is deterministic: fixed dates, pictures drawn from fixed shapes and seeds, and
the issue writer's deterministic zip. ``tests/test_demo.py`` checks that the committed file
equals what this script builds; re-run it after changing the layout, the engine, the seed
stories or this script.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from xjeditor.fileformat import issue_to_bytes, save_issue  # noqa: E402
from xjeditor.fileformat.storytext import parse_story  # noqa: E402
from xjeditor.layouts import load_layout, new_issue  # noqa: E402
from xjeditor.model import (  # noqa: E402
    CMYK,
    BoxFrame,
    ImageAsset,
    ImageFrame,
    Issue,
    PartKind,
    Rect,
    RuleFrame,
    Story,
    StoryPart,
    TextFrame,
)

OUTPUT = ROOT / "seeds" / "demo.xjb"
SEED_STORIES = ROOT / "seeds" / "stories"
LABEL_FONT = ROOT / "resources" / "fonts" / "NotoSansCJKsc-Bold-xj.ttf"

LAYOUT_NAME = "社区晨报-四开"
NUMBER = 152
TOTAL_NUMBER = 1036
DATE = dt.date(2021, 1, 15)
EDITORS = {"主编": "周明", "副主编": "沈立群"}
SECTIONS = ["要闻", "社区要闻", "党建", "社区生活"]
PAGE_EDITORS = ["周明", "陆晓燕", "沈立群", "陆晓燕"]

# The story that jumps from page 1 to page 2 (tests/test_demo.py reads this).
JUMP_STORY = "000-3-xuexi"


# --------------------------------------------------------------------------- the grid


class G:
    """The 四开 grid in mm: columns and rows of the type area."""

    lay = load_layout(LAYOUT_NAME)
    ox = lay.margin_left
    oy = lay.margin_top
    col = lay.grid.column
    gutter = lay.grid.gutter
    pitch = lay.grid.pitch
    size = lay.grid.em  # body size in mm
    columns = lay.grid.columns
    rows = lay.grid.lines

    @classmethod
    def x(cls, c: int) -> float:
        return round(cls.ox + c * (cls.col + cls.gutter), 4)

    @classmethod
    def w(cls, n: int) -> float:
        return round(n * cls.col + (n - 1) * cls.gutter, 4)

    @classmethod
    def y(cls, r: int) -> float:
        return round(cls.oy + r * cls.pitch, 4)

    @classmethod
    def text_h(cls, n: int) -> float:
        """A text frame of n rows (half the inter-line gap below its last line)."""
        return round(n * cls.pitch - (cls.pitch - cls.size) / 2, 4)

    @classmethod
    def block_h(cls, n: int) -> float:
        """A picture or box n rows deep: top of the first row to the em box foot of the last."""
        return round((n - 1) * cls.pitch + cls.size, 4)

    @classmethod
    def gap_y(cls, r: int) -> float:
        """The middle of the white space of gap row r (between row r-1's text and row r+1)."""
        return round(cls.oy + r * cls.pitch + cls.size / 2 - (cls.pitch - cls.size) / 4, 4)

    @classmethod
    def gutter_x(cls, c: int) -> float:
        """The middle of the gutter left of column c."""
        return round(cls.x(c) - cls.gutter / 2, 4)


# --------------------------------------------------------------------------- stories

_DIGIT_KEEP = {",", ":"}
_ASCII_TO_FULL = {",": "，", ":": "：", ";": "；", "!": "！", "?": "？", "(": "（", ")": "）"}


def normalise(text: str) -> str:
    """ASCII punctuation in Chinese text to full width; see the module docstring."""
    out: list[str] = []
    double_open = single_open = True
    for i, ch in enumerate(text):
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if ch in _ASCII_TO_FULL:
            if ch in _DIGIT_KEEP and prev.isascii() and prev.isdigit() and nxt.isascii() and nxt.isdigit():
                out.append(ch)
            else:
                out.append(_ASCII_TO_FULL[ch])
                if ch in ",:;!?" and nxt == " ":
                    continue
        elif ch == '"':
            out.append("“" if double_open else "”")
            double_open = not double_open
        elif ch == "'":
            out.append("‘" if single_open else "’")
            single_open = not single_open
        else:
            out.append(ch)
    return re.sub(r"([，：；！？]) +", r"\1", "".join(out))


def load_story(stem: str) -> Story:
    story = parse_story((SEED_STORIES / f"{stem}.story").read_text(encoding="utf-8"), stem)
    for part in story.parts:
        part.text = "\n".join(normalise(line) for line in part.text.split("\n"))
    return story


@dataclass
class Photo:
    """A picture of a story placed in an image frame, relative to the story's frame."""

    caption: str  # caption story id
    col: int  # first column, relative to the story frame
    cols: int
    row: int | None  # first row below the head; None = at the foot of the frame
    rows: int
    scene: str
    seed: int


@dataclass
class Placed:
    story: str
    page: int
    col: int
    cols: int
    row: int
    rows: int
    head_cols: int = 0
    photos: list[Photo] = field(default_factory=list)
    frame_id: str = ""
    next: str | None = None


# --------------------------------------------------------------------------- pictures


def _sky(draw, w, h, horizon, top=(150, 190, 230), bottom=(225, 235, 240)) -> None:
    for y in range(horizon):
        t = y / max(1, horizon - 1)
        draw.line([(0, y), (w, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom)))


def _person(draw, x, foot, height, rng, shirt=None) -> None:
    head = height * 0.16
    body_w = height * 0.34
    colour = shirt or rng.choice([(60, 70, 110), (150, 40, 40), (70, 110, 80), (90, 90, 90), (180, 150, 90),
                                  (40, 60, 140), (120, 60, 100)])
    draw.rounded_rectangle([x - body_w / 2, foot - height * 0.78, x + body_w / 2, foot],
                           radius=body_w * 0.3, fill=colour)
    draw.ellipse([x - head / 2, foot - height, x + head / 2, foot - height + head * 1.1], fill=(235, 200, 170))
    draw.chord([x - head / 2, foot - height, x + head / 2, foot - height + head * 1.1], 180, 360, fill=(30, 30, 30))


def _meeting(draw, w, h, rng) -> None:
    draw.rectangle([0, 0, w, h], fill=(222, 214, 196))
    draw.rectangle([0, h * 0.62, w, h], fill=(150, 110, 80))  # floor
    draw.rectangle([w * 0.12, h * 0.06, w * 0.88, h * 0.2], fill=(190, 30, 35))  # banner
    for i in range(8):
        draw.rectangle([w * (0.17 + i * 0.085), h * 0.11, w * (0.22 + i * 0.085), h * 0.15], fill=(250, 220, 120))
    draw.rectangle([w * 0.1, h * 0.24, w * 0.9, h * 0.3], fill=(120, 40, 40))  # rostrum cloth
    for i in range(7):  # people on the rostrum
        _person(draw, w * (0.16 + i * 0.113), h * 0.34, h * 0.13, rng, shirt=(50, 50, 60))
    draw.rectangle([w * 0.08, h * 0.33, w * 0.92, h * 0.37], fill=(140, 30, 35))
    for r in range(3):  # the audience, seen from behind
        for c in range(9):
            x = w * (0.06 + c * 0.11) + (r % 2) * w * 0.04
            _person(draw, x, h * (0.7 + r * 0.14), h * (0.2 + r * 0.03), rng)


def _buildings(draw, w, h, rng) -> None:
    horizon = int(h * 0.72)
    _sky(draw, w, h, horizon)
    draw.rectangle([0, horizon, w, h], fill=(110, 150, 90))
    x = -w * 0.02
    while x < w:
        bw = w * rng.uniform(0.14, 0.22)
        floors = rng.randint(5, 11)
        fh = h * 0.055
        top = horizon - floors * fh
        colour = rng.choice([(215, 200, 175), (200, 130, 110), (230, 225, 210), (180, 190, 200)])
        draw.rectangle([x, top, x + bw, horizon], fill=colour, outline=(90, 80, 70))
        for f in range(floors):
            for k in range(4):
                wx = x + bw * (0.08 + k * 0.23)
                wy = top + f * fh + fh * 0.25
                lit = rng.random() < 0.3
                draw.rectangle([wx, wy, wx + bw * 0.14, wy + fh * 0.45],
                               fill=(250, 230, 150) if lit else (110, 140, 170))
        x += bw + w * 0.03
    for k in range(6):
        tx = w * (0.08 + k * 0.17)
        draw.rectangle([tx - w * 0.006, horizon - h * 0.02, tx + w * 0.006, horizon + h * 0.06], fill=(100, 75, 50))
        draw.ellipse([tx - w * 0.04, horizon - h * 0.12, tx + w * 0.04, horizon + h * 0.01], fill=(60, 125, 60))


def _stalls(draw, w, h, rng) -> None:
    horizon = int(h * 0.45)
    _sky(draw, w, h, horizon)
    draw.rectangle([0, horizon, w, h], fill=(190, 185, 175))  # the square
    for k in range(4):  # canopy tents
        x0 = w * (0.02 + k * 0.25)
        colour = [(200, 40, 40), (40, 90, 170), (200, 40, 40), (230, 160, 30)][k]
        draw.polygon([(x0, h * 0.38), (x0 + w * 0.22, h * 0.38), (x0 + w * 0.2, h * 0.28), (x0 + w * 0.02, h * 0.28)],
                     fill=colour)
        draw.rectangle([x0 + w * 0.01, h * 0.38, x0 + w * 0.015, h * 0.62], fill=(80, 80, 80))
        draw.rectangle([x0 + w * 0.205, h * 0.38, x0 + w * 0.21, h * 0.62], fill=(80, 80, 80))
        draw.rectangle([x0 + w * 0.02, h * 0.52, x0 + w * 0.2, h * 0.6], fill=(245, 245, 245))  # table
        _person(draw, x0 + w * 0.11, h * 0.52, h * 0.16, rng, shirt=(200, 40, 40))
    for k in range(14):  # the queue
        _person(draw, w * (0.04 + k * 0.07), h * (0.86 + (k % 3) * 0.04), h * 0.3, rng)


def _flag(draw, w, h, rng) -> None:
    draw.rectangle([0, 0, w, h], fill=(200, 215, 230))
    draw.rectangle([0, h * 0.68, w, h], fill=(160, 150, 140))
    draw.rectangle([w * 0.05, h * 0.05, w * 0.95, h * 0.22], fill=(30, 80, 160))  # backdrop
    draw.line([(w * 0.45, h * 0.25), (w * 0.45, h * 0.8)], fill=(120, 100, 60), width=max(2, int(w * 0.008)))
    draw.polygon([(w * 0.45, h * 0.26), (w * 0.72, h * 0.3), (w * 0.7, h * 0.5), (w * 0.45, h * 0.47)],
                 fill=(210, 30, 30))
    draw.regular_polygon((w * 0.5, h * 0.33, h * 0.03), 5, fill=(250, 220, 60))
    for x in (0.32, 0.58):
        _person(draw, w * x, h * 0.86, h * 0.5, rng, shirt=(40, 40, 50))
    for k in range(10):
        _person(draw, w * (0.02 + k * 0.105), h * 1.02, h * 0.32, rng, shirt=(210, 60, 40))


def _expo(draw, w, h, rng) -> None:
    draw.rectangle([0, 0, w, h], fill=(235, 235, 240))
    draw.rectangle([0, h * 0.66, w, h], fill=(170, 175, 185))
    for k in range(3):  # booths
        x0 = w * (0.03 + k * 0.33)
        colour = [(30, 120, 180), (220, 120, 30), (60, 150, 80)][k]
        draw.rectangle([x0, h * 0.1, x0 + w * 0.29, h * 0.22], fill=colour)
        draw.rectangle([x0, h * 0.22, x0 + w * 0.29, h * 0.6], fill=(250, 250, 250), outline=(150, 150, 150))
        for s in range(3):
            for t in range(4):
                bx = x0 + w * (0.02 + t * 0.068)
                by = h * (0.27 + s * 0.1)
                draw.rectangle([bx, by, bx + w * 0.045, by + h * 0.06], fill=rng.choice(
                    [(200, 60, 60), (240, 200, 80), (120, 170, 90), (150, 100, 60)]))
    for k in range(9):
        _person(draw, w * (0.05 + k * 0.11), h * (0.9 + (k % 2) * 0.06), h * 0.34, rng)


def _lift(draw, w, h, rng) -> None:
    horizon = int(h * 0.8)
    _sky(draw, w, h, horizon)
    draw.rectangle([0, horizon, w, h], fill=(120, 150, 100))
    bx, bw = w * 0.12, w * 0.6
    top = h * 0.1
    draw.rectangle([bx, top, bx + bw, horizon], fill=(220, 205, 180), outline=(100, 90, 80))
    floors = 6
    fh = (horizon - top) / floors
    for f in range(floors):
        for k in range(4):
            wx = bx + bw * (0.07 + k * 0.24)
            draw.rectangle([wx, top + f * fh + fh * 0.25, wx + bw * 0.13, top + f * fh + fh * 0.7],
                           fill=(110, 140, 170))
    sx = bx + bw + w * 0.01  # the new lift shaft, glass
    draw.rectangle([sx, top - h * 0.04, sx + w * 0.12, horizon], fill=(170, 205, 225), outline=(80, 90, 100), width=2)
    for f in range(floors + 1):
        draw.line([(sx, top + f * fh), (sx + w * 0.12, top + f * fh)], fill=(80, 90, 100), width=2)
    draw.rectangle([sx, top + fh * 2.1, sx + w * 0.12, top + fh * 2.9], fill=(200, 200, 200))  # the car
    for k in range(4):
        _person(draw, w * (0.78 + k * 0.06), h * 0.97, h * 0.22, rng)


SCENES = {"meeting": _meeting, "buildings": _buildings, "stalls": _stalls, "flag": _flag, "expo": _expo,
          "lift": _lift}


def make_picture(scene: str, seed: int, aspect: float) -> bytes:
    """A generated placeholder photo (JPEG) of a simple scene, labelled 示意图."""
    from PIL import Image, ImageDraw, ImageFont

    h = 600
    w = max(200, int(round(h * aspect)))
    im = Image.new("RGB", (w, h), (255, 255, 255))
    draw = ImageDraw.Draw(im)
    SCENES[scene](draw, w, h, random.Random(seed))
    font = ImageFont.truetype(str(LABEL_FONT), 22)
    label = "示意图"
    x0, y0, x1, y1 = draw.textbbox((0, 0), label, font=font)
    draw.rectangle([8, h - 16 - (y1 - y0), 24 + (x1 - x0), h - 6], fill=(40, 40, 40))
    draw.text((16 - x0, h - 11 - (y1 - y0) - y0), label, font=font, fill=(255, 255, 255))
    out = io.BytesIO()
    im.save(out, "JPEG", quality=80, optimize=False, progressive=False, subsampling=2)
    return out.getvalue()


# --------------------------------------------------------------------------- the plan

STORIES = ["000-3-xuexi", "000-2-huanjie", "001-3-rendadaibiao", "000-1-shangke", "001-4-jianxing",
           "001-1-zhibu", "001-2-shujiganyan", "003-1-jinbo", "003-2-yeweihui", "004-5-jiati",
           "004-2-shuzhi", "004-3-juminqu"]
LEAD_TITLE_STYLE = "title-lead"
LEAD_ROWS_PAGE_1 = 15  # the rest of the lead goes to page 2
# Photos left out (an editor's choice: the story has room for one picture).
DROPPED_PHOTOS = {"003-1-jinbo-photo2"}
# Where headlines set narrower than one line break (排题): the couplet halves on their own
# lines, names and phrases kept whole.
HEAD_BREAKS = {
    "新泾镇召开 2021年居民区“两委”换届动员会": "新泾镇召开 2021年居民区\n“两委”换届动员会",
    "区、镇人大代表参观虹桥街道基层立法联系点": "区、镇人大代表参观\n虹桥街道基层立法联系点",
    "述职测评晒成绩 铆足干劲启新程": "述职测评晒成绩\n铆足干劲启新程",
    "新泾镇举办 2021 年度基层党组织书记述职评议会": "新泾镇举办 2021 年度\n基层党组织书记述职评议会",
    "夯实治理之基 凝聚奋发之力": "夯实治理之基\n凝聚奋发之力",
    "东虹桥片区成立“进博先锋党员突击队”": "东虹桥片区成立\n“进博先锋党员突击队”",
    "践行初心使命 激扬“新泾”精神": "践行初心使命\n激扬“新泾”精神",
}


def demo_stories() -> tuple[dict[str, Story], dict[str, Story]]:
    """The demo's stories (photo parts taken out) and their caption stories, by id."""
    stories: dict[str, Story] = {}
    captions: dict[str, Story] = {}
    for stem in STORIES:
        story = load_story(stem)
        kept = []
        photos = 0
        for part in story.parts:
            if part.kind in (PartKind.TITLE, PartKind.SUBTITLE, PartKind.KICKER):
                part.text = HEAD_BREAKS.get(part.text, part.text)
            if part.kind == PartKind.PHOTO:
                photos += 1
                cid = f"{stem}-photo{photos}"
                if cid in DROPPED_PHOTOS:
                    continue
                captions[cid] = Story(cid, title=f"图片说明：{part.text or story.title}",
                                      parts=[StoryPart(PartKind.PHOTO, part.text, credit=part.credit)])
            else:
                kept.append(part)
        story.parts = kept
        stories[stem] = story
    for part in stories[JUMP_STORY].parts:  # the lead's 主题 in the lead-story style
        if part.kind == PartKind.TITLE:
            part.style = LEAD_TITLE_STYLE
    return stories, captions


@dataclass
class Plan:
    """A story's frame on a page, in whole columns and rows of the type area."""

    story: str | None  # None: a continuation frame
    page: int
    col: int
    cols: int
    row: int = 0
    rows: int = 0
    head_cols: int = 0
    photos: list[Photo] = field(default_factory=list)
    frame_id: str = ""
    next: str | None = None
    boxed: bool = False  # a sidebar: the frame set 1 em in from a tinted box
    alone: bool = False  # a picture alone (its one photo fills the plan's rectangle)
    head_rows: int = 0  # found by typesetting

    @property
    def bottom(self) -> int:  # last row
        return self.row + self.rows - 1


def _head_rows(issue: Issue, story: Story, width_mm: float) -> int:
    """Rows the story's head takes across a width (the engine's own measure)."""
    from xjeditor.model import mm_to_pt
    from xjeditor.pipeline import shared_registry
    from xjeditor.typeset.story import head_rows

    return head_rows(issue, story, shared_registry(), mm_to_pt(width_mm))


def text_frame(plan: Plan) -> TextFrame:
    if plan.boxed:
        em = G.size
        rect = Rect(round(G.x(plan.col) + em, 4), G.y(plan.row + 1), round(G.w(plan.cols) - 2 * em, 4),
                    G.text_h(plan.rows - 2))
    else:
        rect = Rect(G.x(plan.col), G.y(plan.row), G.w(plan.cols), G.text_h(plan.rows))
    return TextFrame(plan.frame_id, rect, columns=plan.cols, gutter=G.gutter, story=plan.story,
                     next=plan.next, headline_columns=plan.head_cols)


def photo_frame(plan: Plan, photo: Photo) -> ImageFrame:
    if plan.alone:
        rect = Rect(G.x(plan.col), G.y(plan.row), G.w(plan.cols), G.block_h(plan.rows))
        return ImageFrame(f"img-{photo.caption}", rect, caption_story=photo.caption)
    if photo.row is None:
        first = plan.rows - photo.rows
    else:
        under_head = not plan.head_cols or photo.col < plan.head_cols
        first = (plan.head_rows if under_head else 0) + photo.row
    rect = Rect(G.x(plan.col + photo.col), G.y(plan.row + first), G.w(photo.cols), G.block_h(photo.rows))
    return ImageFrame(f"img-{photo.caption}", rect, caption_story=photo.caption)


def realise(plans: list[Plan], stories: dict[str, Story], captions: dict[str, Story],
            images: dict[str, ImageAsset] | None = None) -> Issue:
    """The issue with the planned frames (and, when given, the images of the photos)."""
    issue = new_issue(LAYOUT_NAME, pages=4, number=NUMBER, total_number=TOTAL_NUMBER, date=DATE)
    issue.editors = dict(EDITORS)
    for page, section, editor in zip(issue.pages, SECTIONS, PAGE_EDITORS):
        page.frames = []  # the master's default frame: replaced by the planned ones
        page.section = section
        page.editor = editor
    for plan in plans:
        page = issue.pages[plan.page]
        if plan.story is not None:
            issue.stories[plan.story] = stories[plan.story]
        if not plan.alone:
            page.frames.append(text_frame(plan))
        for photo in plan.photos:
            frame = photo_frame(plan, photo)
            caption = captions[photo.caption]
            if images is not None:
                key = issue.add_image(images[photo.caption])
                frame.image = key
                caption.parts[0].image = key
            issue.stories[caption.id] = caption
            page.frames.append(frame)
    return issue


# --------------------------------------------------------------------------- fitting


class Fitter:
    """Finds frame heights and photo sizes by typesetting the plans placed so far."""

    def __init__(self, stories: dict[str, Story], captions: dict[str, Story]) -> None:
        self.stories = stories
        self.captions = captions
        self.placed: list[Plan] = []
        self._styles_issue = realise([], stories, captions)

    def copyfit(self, plans: list[Plan], story: str):
        from xjeditor.pipeline import typeset_issue

        return typeset_issue(realise(plans, self.stories, self.captions)).stories[story].copyfit

    def _prepare(self, plan: Plan) -> None:
        if not plan.frame_id:
            plan.frame_id = f"t-{plan.story}" if plan.story else f"t-{JUMP_STORY}-2"
        if plan.story and not plan.boxed:
            span = plan.head_cols or plan.cols
            plan.head_rows = _head_rows(self._styles_issue, self.stories[plan.story], G.w(span))

    def fixed(self, plan: Plan) -> Plan:
        self._prepare(plan)
        self.placed.append(plan)
        return plan

    def shrink(self, plan: Plan, story: str | None = None, lo: int = 3) -> Plan:
        """The fewest rows (from ``lo``) in which the story fits."""
        self._prepare(plan)
        story = story or plan.story
        for rows in range(lo, G.rows - plan.row + 1):
            plan.rows = rows
            if self.copyfit([*self.placed, plan], story).fits:
                break
        self.placed.append(plan)
        return plan

    def fill(self, plan: Plan, bottom: int = G.rows - 1, story: str | None = None) -> Plan:
        """Rows down to ``bottom``; the photos as large as the text lets them be (all grow
        or shrink together by whole rows)."""
        self._prepare(plan)
        story = story or plan.story
        plan.rows = bottom - plan.row + 1
        base = [p.rows for p in plan.photos]
        if plan.photos:
            for delta in range(40, -min(base) + 5, -1):
                for p, b in zip(plan.photos, base):
                    p.rows = b + delta
                if max(self._photo_bottoms(plan)) > plan.rows:
                    continue
                if self.copyfit([*self.placed, plan], story).fits:
                    break
        self.placed.append(plan)
        return plan

    @staticmethod
    def _photo_bottoms(plan: Plan) -> list[int]:
        out = []
        for p in plan.photos:
            if p.row is None:
                out.append(plan.rows)
            else:
                under_head = not plan.head_cols or p.col < plan.head_cols
                out.append((plan.head_rows if under_head else 0) + p.row + p.rows)
        return out

    def photo(self, plan: Plan, bottom: int = G.rows - 1) -> Plan:
        """A picture alone, filling its column stack down to ``bottom``."""
        plan.rows = bottom - plan.row + 1
        plan.frame_id = f"img-{plan.photos[0].caption}"
        plan.alone = True
        self.placed.append(plan)
        return plan


def hrule(page, col: int, cols: int, gap_row: int, width: float = 0.5) -> RuleFrame:
    y = G.gap_y(gap_row)
    return RuleFrame(f"rule-{page.section}-{len(page.frames) + 1}", G.x(col), y, round(G.x(col) + G.w(cols), 4), y, width=width)


def vrule(page, col: int, first_row: int, last_row: int, width: float = 0.5) -> RuleFrame:
    x = G.gutter_x(col)
    return RuleFrame(f"rule-{page.section}-{len(page.frames) + 1}", x, G.y(first_row), x,
                     round(G.y(last_row) + G.size, 4), width=width)


def plan_issue(stories: dict[str, Story], captions: dict[str, Story]) -> tuple[list[Plan], list[tuple]]:
    """Place every story; returns the plans and the rules to draw (page, kind, args)."""
    fit = Fitter(stories, captions)
    rules: list[tuple] = []
    last = G.rows - 1
    gap = 2  # a story starts two rows below the last row of the one above (one row of space)

    # ---- 第1版 要闻: masthead on rows 0-9; the lead across the page, two stories under it
    lead = fit.fixed(Plan(JUMP_STORY, 0, 0, 5, row=10, rows=LEAD_ROWS_PAGE_1, next=f"t-{JUMP_STORY}-2"))
    rules.append((0, "h", 0, 5, lead.bottom + 1, 1.0))
    top = lead.bottom + gap
    fit.fill(Plan("000-2-huanjie", 0, 0, 3, row=top, photos=[
        Photo("000-2-huanjie-photo1", 0, 3, 0, 12, "meeting", 21)]))
    fit.fill(Plan("001-4-jianxing", 0, 3, 2, row=top, photos=[
        Photo("001-4-jianxing-photo1", 0, 2, 0, 12, "stalls", 14)]))
    rules.append((0, "v", 3, top, last))

    # ---- 第2版 社区要闻: the lead continued, the 上科实业 feature, the service day
    cont = fit.shrink(Plan(None, 1, 0, 2, row=2, frame_id=f"t-{JUMP_STORY}-2"), story=JUMP_STORY)
    rules.append((1, "h", 0, 2, cont.bottom + 1))
    fit.fill(Plan("001-3-rendadaibiao", 1, 0, 2, row=cont.bottom + gap, photos=[
        Photo("001-3-rendadaibiao-photo1", 0, 2, 0, 12, "buildings", 13)]))
    fit.fill(Plan("000-1-shangke", 1, 2, 3, row=2, photos=[
        Photo("000-1-shangke-photo1", 1, 2, 0, 12, "meeting", 11),
        Photo("000-1-shangke-photo2", 0, 2, None, 12, "stalls", 12)]))
    rules.append((1, "v", 2, 2, last))

    # ---- 第3版 党建: the branch story with the 书记感言 sidebar; the 进博 team
    fit.fill(Plan("001-1-zhibu", 2, 0, 3, row=2, photos=[
        Photo("001-1-zhibu-photo1", 1, 2, 0, 12, "buildings", 31),
        Photo("001-1-zhibu-photo2", 0, 2, None, 12, "stalls", 32)]))
    box = fit.shrink(Plan("001-2-shujiganyan", 2, 3, 2, row=2, boxed=True), lo=6)
    fit.fill(Plan("003-1-jinbo", 2, 3, 2, row=box.bottom + gap, photos=[
        Photo("003-1-jinbo-photo1", 0, 2, 0, 12, "flag", 41)]))
    rules.append((2, "box", box))
    rules.append((2, "v", 3, 2, last))

    # ---- 第4版 社区生活: 加梯 and the owners' committees on the left; two short reports
    #      and a picture of the owners' committees story on the right
    lift = fit.shrink(Plan("004-5-jiati", 3, 0, 3, row=2))
    rules.append((3, "h", 0, 3, lift.bottom + 1))
    fit.fill(Plan("003-2-yeweihui", 3, 0, 3, row=lift.bottom + gap, photos=[
        Photo("003-2-yeweihui-photo1", 1, 2, 0, 10, "meeting", 51),
        Photo("003-2-yeweihui-photo2", 0, 2, None, 10, "meeting", 52)]))
    a = fit.shrink(Plan("004-2-shuzhi", 3, 3, 2, row=2))
    rules.append((3, "h", 3, 2, a.bottom + 1))
    b = fit.shrink(Plan("004-3-juminqu", 3, 3, 2, row=a.bottom + gap))
    rules.append((3, "h", 3, 2, b.bottom + 1))
    fit.photo(Plan(None, 3, 3, 2, row=b.bottom + gap, photos=[
        Photo("003-2-yeweihui-photo3", 0, 2, 0, 0, "flag", 53)]))
    rules.append((3, "v", 3, 2, b.bottom))  # the picture beside 003-2 stays with it
    return fit.placed, rules


# --------------------------------------------------------------------------- the issue

SIDEBAR_TINT = CMYK(0.0, 0.04, 0.12, 0.0)


def build_demo_issue() -> Issue:
    from xjeditor.pipeline import typeset_issue

    stories, captions = demo_stories()
    plans, rules = plan_issue(stories, captions)
    # pictures drawn to the shape their frames show (the frame less its caption)
    shown = {}
    for page in typeset_issue(realise(plans, stories, captions)).pages:
        for item in page.items:
            if getattr(item, "frame", "").startswith("img-"):
                _, _, w, h = item.clip
                shown[item.frame[4:]] = w / max(h, 1.0)
    images = {}
    for plan in plans:
        for photo in plan.photos:
            images[photo.caption] = ImageAsset(make_picture(photo.scene, photo.seed, shown[photo.caption]),
                                               "image/jpeg", f"{photo.caption}.jpg")
    issue = realise(plans, stories, captions, images)
    for page_index, kind, *args in rules:
        page = issue.pages[page_index]
        if kind == "h":
            page.frames.append(hrule(page, *args))
        elif kind == "v":
            page.frames.append(vrule(page, *args))
        elif kind == "box":
            plan = args[0]
            page.frames.insert(0, BoxFrame(f"box-{plan.story}", Rect(G.x(plan.col), G.y(plan.row), G.w(plan.cols),
                                                                     G.block_h(plan.rows)),
                                           stroke=0.5, fill=SIDEBAR_TINT))
    return issue


def main(argv: list[str]) -> int:
    output = Path(argv[1]) if len(argv) > 1 else OUTPUT
    issue = build_demo_issue()
    digest = save_issue(issue, output)
    print(f"wrote {output} ({len(issue_to_bytes(issue)):,} bytes, sha256 {digest[:16]}…)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
