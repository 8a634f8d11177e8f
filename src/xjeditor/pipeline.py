"""From an issue to its display document: furniture added, typeset once.

This is the one place where the layouts (mastheads, running heads) and the typesetter
are wired together. The editor, preflight, the CLI and the renderers all take their
pages from ``typeset_issue``, so the PDF, the PNG previews and the screen are drawn
from the same display list. Nothing here imports Qt or the PDF writer (reportlab).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import ImageAsset, Issue
from .typeset.diagnostics import Finding, Severity
from .typeset.display import DisplayPage
from .typeset.fonts import FontRegistry, default_registry
from .typeset.layout import layout_issue
from .typeset.story import StoryLayout

_registry: FontRegistry | None = None


def shared_registry() -> FontRegistry:
    """The bundled fonts' registry, made once per process."""
    global _registry
    if _registry is None:
        _registry = default_registry()
    return _registry


@dataclass
class DisplayDocument:
    """An issue typeset with its furniture: everything a renderer needs, and what the
    editor and preflight read of the result.

    ``pages`` have their bleed set (the layout's); ``images`` are the issue's pictures
    by key (what the pages' image placements name); ``fonts`` resolves the glyph runs'
    font keys. ``diagnostics`` concern the whole issue (a layout that cannot be used,
    a font that is not installed); each story's own are in ``stories[id].diagnostics``.
    """

    title: str  # the PDF's title: paper and issue number
    pages: list[DisplayPage]
    images: dict[str, ImageAsset]
    fonts: FontRegistry
    issue: Issue  # the issue as typeset: furniture frames and stories added
    stories: dict[str, StoryLayout] = field(default_factory=dict)  # story id -> where and how it is set
    diagnostics: list[Finding] = field(default_factory=list)
    bleed_mm: float = 0.0


def issue_title(issue: Issue) -> str:
    return f"{issue.paper} 第{issue.number}期"


def typeset_issue(issue: Issue, registry: FontRegistry | None = None) -> DisplayDocument:
    """Typeset the issue with its layout's furniture (masthead, running heads). A layout
    that cannot be loaded leaves the furniture out, with a finding."""
    diagnostics: list[Finding] = []
    bleed = 0.0
    full = issue
    if issue.layout:
        from .layouts import LayoutError, issue_with_furniture, load_layout

        try:
            lay = load_layout(issue.layout)
            full = issue_with_furniture(issue, lay)
            bleed = float(getattr(lay, "bleed", 0.0) or 0.0)
        except LayoutError as exc:
            diagnostics.append(Finding(
                Severity.WARNING, "layout-unavailable",
                f"layout {issue.layout!r} cannot be used; no masthead or running heads: {exc}",
                f"版式 {issue.layout!r} 不可用，报头报眉未排：{exc.text_zh}"))
    fonts = registry or shared_registry()
    result = layout_issue(full, fonts)
    diagnostics.extend(result.diagnostics)  # (fonts the issue names that are not installed)
    for page in result.pages:
        page.bleed = bleed * 72.0 / 25.4
    return DisplayDocument(issue_title(issue), result.pages, dict(full.images), fonts, full,
                           result.stories, diagnostics, bleed)


__all__ = ["DisplayDocument", "issue_title", "shared_registry", "typeset_issue"]
