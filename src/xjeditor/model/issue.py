"""The issue: pages holding frames, the stories flowed into them, styles and images.

All geometry is in millimetres from the top-left corner of the page's trim box.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from enum import StrEnum

from .image import ImageAsset
from .story import Story
from .color import BLACK, CMYK
from .styles import StyleSheet, default_stylesheet


@dataclass
class Rect:
    """A rectangle on the page in millimetres, from the trim box's top-left corner."""

    x: float
    y: float
    w: float
    h: float

    def __post_init__(self) -> None:
        if self.w < 0 or self.h < 0:
            raise ValueError(f"negative size {self.w}x{self.h}")

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def intersects(self, other: "Rect") -> bool:
        return self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom


class FitMode(StrEnum):
    FILL = "fill"  # cover the frame, crop the overflow (the newspaper default)
    FIT = "fit"  # whole image inside the frame
    MANUAL = "manual"  # scale and offset as stored


@dataclass
class TextFrame:
    """A frame of N columns that a story (or the rest of one) flows into."""

    id: str
    rect: Rect
    columns: int = 1
    gutter: float = 3.175  # mm (1 em of 小五)
    story: str | None = None  # story id; only the first frame of a thread names it
    next: str | None = None  # id of the frame the text continues in (any page)
    headline_columns: int = 0  # columns the headline block spans; 0 = all
    vertical_rule: bool = False  # hairlines between columns
    kind: str = field(default="text", init=False)


@dataclass
class ImageFrame:
    """A frame showing an image (fitted, filled or placed by hand), with an optional caption story."""

    id: str
    rect: Rect
    image: str | None = None  # key of an ImageAsset; None = empty frame (placeholder)
    fit: FitMode = FitMode.FILL
    scale: float = 1.0  # MANUAL: image mm per placed mm at 1.0 = native size at 300 ppi
    offset_x: float = 0.0  # MANUAL: mm the image is moved inside the frame
    offset_y: float = 0.0
    runaround: bool = True  # text in frames below keeps out (图文互斥)
    runaround_gap: float = 1.5  # mm
    caption_story: str | None = None  # a story of one PHOTO part, set below the image
    kind: str = field(default="image", init=False)


@dataclass
class RuleFrame:
    """A straight rule from (x1, y1) to (x2, y2), millimetres."""

    id: str
    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 0.5  # points
    color: CMYK = BLACK
    kind: str = field(default="rule", init=False)


@dataclass
class BoxFrame:
    """A rectangle with a stroke and an optional fill (boxes around notes, tinted panels)."""

    id: str
    rect: Rect
    stroke: float = 0.5  # points; 0 = none
    stroke_color: CMYK = BLACK
    fill: CMYK | None = None
    kind: str = field(default="box", init=False)


Frame = TextFrame | ImageFrame | RuleFrame | BoxFrame


class PageKind(StrEnum):
    FRONT = "front"  # page 1: masthead
    INNER = "inner"  # running head (报眉)


@dataclass
class Page:
    """One page of the issue: its trim size, master, section and frames."""

    width: float = 273.0  # mm, trim size (四开)
    height: float = 390.0
    kind: PageKind = PageKind.INNER
    template: str = ""  # name of the layout page master
    section: str = ""  # 版名, e.g. 社区要闻
    editor: str = ""  # 责任编辑 of this page
    frames: list[Frame] = field(default_factory=list)

    def frame(self, frame_id: str) -> Frame | None:
        for f in self.frames:
            if f.id == frame_id:
                return f
        return None


@dataclass
class Issue:
    """One issue of the paper: its pages, stories, styles, images and masthead facts."""

    paper: str = "新泾镇社区晨报"  # 报名
    number: int = 1  # 期号 (this year's, or the paper's own count)
    total_number: int = 0  # 总第N期; 0 = not printed
    date: _dt.date = field(default_factory=lambda: _dt.date(2021, 1, 15))
    sponsor: str = ""  # 主办
    registration: str = ""  # CN number or 内部资料 licence line
    address: str = ""  # editorial office address and phone
    printer: str = ""  # 印刷
    editors: dict[str, str] = field(default_factory=dict)  # role -> name, e.g. 主编 -> …
    layout: str = ""  # layout template name the issue was made from
    pages: list[Page] = field(default_factory=list)
    stories: dict[str, Story] = field(default_factory=dict)
    styles: StyleSheet = field(default_factory=default_stylesheet)
    images: dict[str, ImageAsset] = field(default_factory=dict)

    # --- look-ups ---------------------------------------------------------
    def find_frame(self, frame_id: str) -> tuple[int, Frame] | None:
        """(page index, frame) of a frame id, or None."""
        for i, page in enumerate(self.pages):
            f = page.frame(frame_id)
            if f is not None:
                return i, f
        return None

    def thread(self, first: TextFrame) -> list[tuple[int, TextFrame]]:
        """The chain of text frames starting at ``first``, with page indexes; stops on a cycle."""
        chain: list[tuple[int, TextFrame]] = []
        seen: set[str] = set()
        current: Frame | None = first
        while isinstance(current, TextFrame) and current.id not in seen:
            seen.add(current.id)
            found = self.find_frame(current.id)
            if found is None:
                break
            chain.append((found[0], current))
            nxt = self.find_frame(current.next) if current.next else None
            current = nxt[1] if nxt else None
        return chain

    def story_frames(self, story_id: str) -> list[tuple[int, TextFrame]]:
        for page in self.pages:
            for f in page.frames:
                if isinstance(f, TextFrame) and f.story == story_id:
                    return self.thread(f)
        return []

    def add_image(self, asset: ImageAsset) -> str:
        key = asset.key
        self.images.setdefault(key, asset)
        return key

    def new_id(self, prefix: str) -> str:
        """A fresh id like ``f12`` not used by any frame or story (deterministic)."""
        used = set(self.stories)
        for page in self.pages:
            used.update(f.id for f in page.frames)
        n = 1
        while f"{prefix}{n}" in used:
            n += 1
        return f"{prefix}{n}"

    @property
    def character_count(self) -> int:
        return sum(s.text_length() for s in self.stories.values())
