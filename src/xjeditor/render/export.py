"""From an issue to its pages: furniture added, typeset once, then drawn by a renderer.

The CLI and the editor both come through here, so the PDF, the PNG previews and the
screen are drawn from the same display list. Typesetting through this module does not
import the PDF writer (nor reportlab).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..model import ImageAsset
from ..typeset.display import DisplayPage
from ..typeset.fonts import FontRegistry, default_registry

TYPE_CHECKING = False
if TYPE_CHECKING:
    # The PDF writer (and reportlab) is imported when a PDF is written.
    from ..model import Issue
    from ..typeset.layout import IssueLayout
    from .pdf import Finding
    from .pdfx import OutputIntent


@dataclass
class Typeset:
    """An issue typeset with its furniture: the display pages and what the engine noticed."""

    issue: Issue  # the issue as typeset: furniture frames and stories added
    layout: IssueLayout
    bleed_mm: float = 0.0
    warnings: list[str] = field(default_factory=list)

    @property
    def pages(self) -> list[DisplayPage]:
        return self.layout.pages


_registry: FontRegistry | None = None


def shared_registry() -> FontRegistry:
    """The bundled fonts' registry, made once per process."""
    global _registry
    if _registry is None:
        _registry = default_registry()
    return _registry


def typeset_issue(issue: Issue, registry: FontRegistry | None = None,
                  on_page: Callable[[DisplayPage], None] | None = None) -> Typeset:
    """Typeset the issue with its layout's furniture (masthead, running heads).

    ``on_page`` is given each display page, in order, as soon as it is complete
    (``layout_issue``), while the later ones are still being typeset."""
    warnings: list[str] = []
    bleed = 0.0
    full = issue
    if issue.layout:
        from ..layouts import LayoutError, issue_with_furniture, load_layout

        try:
            lay = load_layout(issue.layout)
            full = issue_with_furniture(issue, lay)
            bleed = float(getattr(lay, "bleed", 0.0) or 0.0)
        except LayoutError as exc:
            warnings.append(f"版式 {issue.layout!r} 不可用，报头报眉未排：{exc}")
    from ..typeset.layout import layout_issue

    def finished(page: DisplayPage) -> None:
        page.bleed = bleed * 72.0 / 25.4
        if on_page is not None:
            on_page(page)

    result = layout_issue(full, registry or shared_registry(), finished if on_page is not None else None)
    warnings.extend(result.warnings)  # (fonts the issue names that are not installed)
    if on_page is None:
        for page in result.pages:
            finished(page)
    return Typeset(full, result, bleed, warnings)


def parse_page_range(spec: str, count: int) -> list[int]:
    """'1-4', '2', '1,3-4' -> zero-based page indexes; raises ValueError with a clear text."""
    out: list[int] = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        a, _, b = part.partition("-")
        try:
            lo = int(a)
            hi = int(b) if b else lo
        except ValueError:
            raise ValueError(f"bad page range {spec!r}") from None
        if not (1 <= lo <= hi <= count):
            raise ValueError(f"page range {part!r} is outside 1-{count}")
        out.extend(range(lo - 1, hi))
    if not out:
        raise ValueError(f"bad page range {spec!r}")
    return sorted(set(out))


@dataclass
class ExportFacts:
    """What writing an issue's PDF needs of the issue besides its display pages: the
    document's title, the number of pages, the pictures."""

    title: str
    page_count: int
    images: dict[str, ImageAsset]

    @classmethod
    def of(cls, issue: Issue) -> ExportFacts:
        return cls(f"{issue.paper} 第{issue.number}期", len(issue.pages), dict(issue.images))


def export_pdf(issue: Issue, out: str | Path, *, pages: Sequence[int] | None = None,
               marks: bool = False, bleed_mm: float | None = None, pdfx: bool = True,
               registry: FontRegistry | None = None,
               progress: Callable[[int, int], None] | None = None,
               typeset: Typeset | None = None, display: Iterable[DisplayPage] | None = None,
               output_intent: OutputIntent | None = None, spreads: bool = False) -> list[Finding]:
    """Typeset (unless given) and write the PDF; returns the renderer's findings.

    ``typeset`` or ``display`` (the display pages of the whole issue, as typeset
    elsewhere) spare the typesetting; ``pages`` picks from them. ``display`` may be an
    iterator giving the pages in order while they are being typeset: each is drawn as
    it comes.

    ``spreads`` writes reader spreads (page 1 alone, then 2|3, 4|5, ...) instead of
    single pages, one PDF page per spread.

    With ``pdfx`` the file is a PDF/X-1a:2003 with the bundled newsprint output intent
    (``resources/icc/``) unless ``output_intent`` names another one.
    """
    reg = registry or shared_registry()
    if display is None:
        display = (typeset or typeset_issue(issue, reg)).pages
    return write_pdf(ExportFacts.of(issue), display, out, pages=pages, marks=marks, bleed_mm=bleed_mm,
                     pdfx=pdfx, registry=reg, progress=progress, output_intent=output_intent, spreads=spreads)


def write_pdf(facts: ExportFacts, display: Iterable[DisplayPage], out: str | Path, *,
              pages: Sequence[int] | None = None, marks: bool = False, bleed_mm: float | None = None,
              pdfx: bool = True, registry: FontRegistry | None = None,
              progress: Callable[[int, int], None] | None = None,
              output_intent: OutputIntent | None = None, spreads: bool = False) -> list[Finding]:
    """Write the PDF of an issue's display pages (a list, or an iterator giving them as
    they are typeset); the issue itself is not needed, only ``facts``. The options are
    those of ``export_pdf``."""
    from .pdf import render_pdf
    from .pdfx import default_output_intent

    reg = registry or shared_registry()
    if isinstance(display, Sequence):
        chosen: Iterable[DisplayPage] = [display[i] for i in (pages if pages is not None else range(len(display)))]
        count = None
    else:  # a stream: its pages are picked as they come
        wanted = set(pages) if pages is not None else None
        chosen = (page for i, page in enumerate(display) if wanted is None or i in wanted)
        count = len(wanted) if wanted is not None else facts.page_count
    intent = output_intent
    if pdfx and intent is None:
        intent = default_output_intent()
    return render_pdf(chosen, out, fonts=reg, images=facts.images, title=facts.title,
                      bleed_mm=bleed_mm, marks=marks, pdfx=pdfx, progress=progress,
                      output_intent=intent if pdfx else None, spreads=spreads, count=count)
