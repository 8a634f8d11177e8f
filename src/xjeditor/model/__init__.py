"""The issue as plain data: no Qt, no reportlab, no file I/O.

Every name of the model is importable from here (``from xjeditor.model import Issue``).
The modules behind them are imported on first use of one of their names (PEP 562): the
PDF writer needs only colours, units and pictures, and its start-up is part of every
export.
"""

from __future__ import annotations

import importlib

# name -> the module of this package that defines it
_WHERE = {
    **dict.fromkeys(("IMAGE_EXTENSIONS", "ImageAsset"), "image"),
    **dict.fromkeys(("BoxFrame", "FitMode", "Frame", "ImageFrame", "Issue", "Page", "PageKind", "Rect",
                     "RuleFrame", "TextFrame"), "issue"),
    **dict.fromkeys(("DEFAULT_PART_STYLE", "HEADLINE_KINDS", "PART_LABELS", "PartKind", "Span", "Story",
                     "StoryPart"), "story"),
    **dict.fromkeys(("BLACK", "CMYK", "WHITE"), "color"),
    **dict.fromkeys(("FONT_ROLE_LABELS", "Align", "CharacterStyle", "FontRole", "Kinsoku", "ParagraphStyle",
                     "PunctStyle", "StyleSheet", "default_stylesheet"), "styles"),
    **dict.fromkeys(("MM_PER_INCH", "MM_PER_PT", "PT_PER_INCH", "ZIHAO", "describe_size", "mm_to_pt", "pt_to_mm", "pt_to_zihao", "zihao_to_pt"), "units"),
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{where}", __name__), name)
    globals()[name] = value  # found directly from now on
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))
