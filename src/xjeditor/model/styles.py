"""Paragraph and character styles and font roles (and, from ``model.color``, colours).

Styles are plain data. Fonts are named by *role* (the four newspaper faces) or by a
family name the user picked; the typesetter's font registry resolves them to files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from .color import BLACK as BLACK, CMYK as CMYK, WHITE as WHITE  # (here too, as before model.color)


class FontRole(StrEnum):
    """The four faces a Chinese newspaper is set in."""

    SONG = "song"  # 书宋: body text
    BIAOSONG = "biaosong"  # 标宋: heavy serif headlines
    HEI = "hei"  # 黑体: sans headlines, subheads, labels
    KAI = "kai"  # 楷体: editor's notes, captions, jump lines


FONT_ROLE_LABELS: dict[FontRole, str] = {
    FontRole.SONG: "书宋",
    FontRole.BIAOSONG: "标宋",
    FontRole.HEI: "黑体",
    FontRole.KAI: "楷体",
}


class Align(StrEnum):
    JUSTIFY = "justify"  # both edges, last line flush left (spec R22)
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


class PunctStyle(StrEnum):
    """Punctuation width styles (spec R14)."""

    HOUSE = "house"  # the 社区晨报 house style for body text
    GB = "gb"  # full-width with GB compression of adjacent marks (全身 + R11-R13)
    FULL = "full"  # every mark a full em, no compression
    KAIMING = "kaiming"  # 开明: 。？！． full, other marks half
    BANJIAO = "banjiao"  # 半角: every mark half an em


class Kinsoku(StrEnum):
    """避头尾 strictness (spec R3)."""

    NONE = "none"
    BASIC = "basic"
    GB = "gb"
    STRICT = "strict"


@dataclass
class ParagraphStyle:
    """How a paragraph is set. Sizes in points; indents and gaps in em of ``size``."""

    name: str  # stable id, e.g. "body"
    label: str  # what the editor sees, e.g. "正文"
    font: str = FontRole.SONG  # a FontRole value or a registered family name
    size: float = 9.0  # points (小五)
    line_gap: float = 0.5  # em between lines: pitch = size * (1 + line_gap) (spec R26)
    indent: float = 0.0  # first-line indent in em (spec R24)
    align: Align = Align.JUSTIFY
    punct: PunctStyle = PunctStyle.HOUSE
    kinsoku: Kinsoku = Kinsoku.GB
    han_latin_space: float = 0.25  # em between Han and Latin/digits (spec R19)
    tracking: float = 0.0  # extra em between characters
    color: CMYK = BLACK
    space_before: float = 0.0  # in body lines (grid pitches)
    space_after: float = 0.0
    max_lines: int = 0  # 0 = no limit; headlines may be limited


@dataclass
class CharacterStyle:
    """An override applied to a span of a paragraph; None keeps the paragraph's value."""

    name: str
    label: str
    font: str | None = None
    size: float | None = None
    color: CMYK | None = None


@dataclass
class StyleSheet:
    """The issue's paragraph and character styles, by name."""

    paragraph: dict[str, ParagraphStyle] = field(default_factory=dict)
    character: dict[str, CharacterStyle] = field(default_factory=dict)

    def add(self, style: ParagraphStyle | CharacterStyle) -> None:
        if isinstance(style, ParagraphStyle):
            self.paragraph[style.name] = style
        else:
            self.character[style.name] = style


def default_stylesheet() -> StyleSheet:
    """The 社区晨报 house styles (spec R32-R33), body 小五 书宋 on a 1.5 pitch."""
    sheet = StyleSheet()
    P = ParagraphStyle
    for style in (
        P("body", "正文", FontRole.SONG, 9.0, indent=2.0),
        P("title-lead", "主题（头条）", FontRole.BIAOSONG, 36.0, line_gap=0.15, align=Align.CENTER,
          punct=PunctStyle.GB),
        P("title", "主题", FontRole.BIAOSONG, 22.0, line_gap=0.2, align=Align.CENTER, punct=PunctStyle.GB),
        P("kicker", "引题", FontRole.KAI, 14.0, line_gap=0.3, align=Align.CENTER, punct=PunctStyle.GB),
        P("subtitle", "副题", FontRole.KAI, 14.0, line_gap=0.3, align=Align.CENTER, punct=PunctStyle.GB),
        P("byline", "作者", FontRole.SONG, 9.0, align=Align.LEFT),
        P("note", "编者按", FontRole.KAI, 9.0, indent=2.0),
        P("subhead", "小标题", FontRole.HEI, 9.0, align=Align.CENTER, punct=PunctStyle.GB),
        P("caption", "图片说明", FontRole.KAI, 7.5, align=Align.LEFT),
        P("column-tag", "栏目", FontRole.HEI, 12.0, align=Align.LEFT, punct=PunctStyle.GB),
        P("jump", "转版", FontRole.KAI, 7.5, align=Align.RIGHT),
        P("running-head", "报眉", FontRole.SONG, 7.5, align=Align.LEFT),
    ):
        sheet.add(style)
    for cstyle in (
        CharacterStyle("note-label", "编者按标签", font=FontRole.HEI),
        CharacterStyle("emphasis", "强调", font=FontRole.HEI),
    ):
        sheet.add(cstyle)
    return sheet
