"""Stories: an article as a sequence of typed parts.

A story is what the editor writes and the typesetter flows into frames. Its parts keep
their newspaper roles (引题, 主题, 副题, byline, 编者按, body, 小标题, photo + caption,
column tag) so that styles, the headline block and copyfit can treat them as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum



class PartKind(StrEnum):
    COLUMN_TAG = "column"  # 栏目 【基层风采】 (text without the brackets)
    KICKER = "kicker"  # 引题
    TITLE = "title"  # 主题
    SUBTITLE = "subtitle"  # 副题
    BYLINE = "byline"  # □记者 陈毓磊
    NOTE = "note"  # 编者按 (one part per paragraph)
    PARAGRAPH = "para"  # body paragraph
    SUBHEAD = "subhead"  # 小标题 (one or two lines)
    PHOTO = "photo"  # a photo with its caption as text


PART_LABELS: dict[PartKind, str] = {
    PartKind.COLUMN_TAG: "栏目",
    PartKind.KICKER: "引题",
    PartKind.TITLE: "主题",
    PartKind.SUBTITLE: "副题",
    PartKind.BYLINE: "作者",
    PartKind.NOTE: "编者按",
    PartKind.PARAGRAPH: "正文",
    PartKind.SUBHEAD: "小标题",
    PartKind.PHOTO: "图片",
}

# The paragraph style each part kind is set in unless the part names another.
DEFAULT_PART_STYLE: dict[PartKind, str] = {
    PartKind.COLUMN_TAG: "column-tag",
    PartKind.KICKER: "kicker",
    PartKind.TITLE: "title",
    PartKind.SUBTITLE: "subtitle",
    PartKind.BYLINE: "byline",
    PartKind.NOTE: "note",
    PartKind.PARAGRAPH: "body",
    PartKind.SUBHEAD: "subhead",
    PartKind.PHOTO: "caption",
}

HEADLINE_KINDS = frozenset({PartKind.COLUMN_TAG, PartKind.KICKER, PartKind.TITLE, PartKind.SUBTITLE})


@dataclass
class Span:
    """A character style applied to text[start:end] of a part."""

    start: int
    end: int
    style: str

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span {self.start}..{self.end}")


@dataclass
class StoryPart:
    """One part of a story (headline line, byline, paragraph, subhead, photo, note...) with its text and style."""

    kind: PartKind
    # The text. "\n" is an explicit line break (a two-line subhead or headline).
    text: str = ""
    style: str | None = None  # paragraph style name; None = DEFAULT_PART_STYLE[kind]
    spans: list[Span] = field(default_factory=list)
    image: str | None = None  # PHOTO only: key of an ImageAsset in the issue (None = placeholder)
    credit: str = ""  # PHOTO only: photographer, shown as （某某 摄）

    @property
    def style_name(self) -> str:
        return self.style or DEFAULT_PART_STYLE[self.kind]


@dataclass
class Story:
    """An article: its parts in reading order, flowed into a thread of text frames."""

    id: str
    title: str = ""  # working name shown in the stories panel
    parts: list[StoryPart] = field(default_factory=list)
    section: str = ""  # e.g. 社区要闻
    notes: str = ""  # editor's private notes, never printed

    def parts_of(self, kind: PartKind) -> list[StoryPart]:
        return [p for p in self.parts if p.kind == kind]

    @property
    def headline(self) -> str:
        """The 主题 text (first title part), or the working title."""
        titles = self.parts_of(PartKind.TITLE)
        return titles[0].text.replace("\n", "") if titles else self.title

    def text_length(self) -> int:
        """Characters of printed text, line breaks and spaces not counted."""
        return sum(len("".join(p.text.split())) for p in self.parts)
