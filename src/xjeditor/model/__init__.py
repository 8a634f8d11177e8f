"""The issue as plain data: no Qt, no reportlab, no file I/O.

Every name of the model is importable from here (``from xjeditor.model import Issue``).
"""

from .color import BLACK, CMYK, WHITE
from .image import IMAGE_EXTENSIONS, ImageAsset
from .issue import BoxFrame, FitMode, Frame, ImageFrame, Issue, Page, PageKind, Rect, RuleFrame, TextFrame
from .story import DEFAULT_PART_STYLE, HEADLINE_KINDS, PART_LABELS, PartKind, Span, Story, StoryPart
from .styles import (
    FONT_ROLE_LABELS,
    Align,
    CharacterStyle,
    FontRole,
    Kinsoku,
    ParagraphStyle,
    PunctStyle,
    StyleSheet,
    default_stylesheet,
)
from .units import (
    MM_PER_INCH,
    MM_PER_PT,
    PT_PER_INCH,
    ZIHAO,
    describe_size,
    mm_to_pt,
    pt_to_mm,
    pt_to_zihao,
    zihao_to_pt,
)

__all__ = [
    "BLACK", "CMYK", "WHITE",
    "IMAGE_EXTENSIONS", "ImageAsset",
    "BoxFrame", "FitMode", "Frame", "ImageFrame", "Issue", "Page", "PageKind", "Rect", "RuleFrame", "TextFrame",
    "DEFAULT_PART_STYLE", "HEADLINE_KINDS", "PART_LABELS", "PartKind", "Span", "Story", "StoryPart",
    "FONT_ROLE_LABELS", "Align", "CharacterStyle", "FontRole", "Kinsoku", "ParagraphStyle", "PunctStyle",
    "StyleSheet", "default_stylesheet",
    "MM_PER_INCH", "MM_PER_PT", "PT_PER_INCH", "ZIHAO", "describe_size", "mm_to_pt", "pt_to_mm", "pt_to_zihao",
    "zihao_to_pt",
]
