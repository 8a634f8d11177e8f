"""The issue as plain data: no Qt, no reportlab, no file I/O."""

from .issue import (
    BoxFrame,
    IMAGE_EXTENSIONS,
    FitMode,
    Frame,
    ImageAsset,
    ImageFrame,
    Issue,
    Page,
    PageKind,
    Rect,
    RuleFrame,
    TextFrame,
)
from .story import DEFAULT_PART_STYLE, HEADLINE_KINDS, PART_LABELS, PartKind, Span, Story, StoryPart
from .styles import (
    BLACK,
    CMYK,
    FONT_ROLE_LABELS,
    WHITE,
    Align,
    CharacterStyle,
    FontRole,
    Kinsoku,
    ParagraphStyle,
    PunctStyle,
    StyleSheet,
    default_stylesheet,
)
from .units import ZIHAO, describe_size, mm_to_pt, pt_to_mm, pt_to_zihao, zihao_to_pt

__all__ = [name for name in dir() if not name.startswith("_")]
