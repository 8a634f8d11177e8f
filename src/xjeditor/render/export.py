"""A display document written as a print PDF.

``xjeditor.pipeline.typeset_issue`` makes the document (furniture added, typeset once);
this module only draws it. The PDF writer (and reportlab) is imported when a PDF is
written, not when this module is.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import BinaryIO

    from ..pipeline import DisplayDocument
    from ..typeset.diagnostics import Finding
    from .pdfx import OutputIntent


def write_pdf(doc: DisplayDocument, out: str | Path | BinaryIO, *, pages: Sequence[int] | None = None,
              marks: bool = False, bleed_mm: float | None = None, pdfx: bool = True,
              progress: Callable[[int, int], None] | None = None,
              output_intent: OutputIntent | None = None, spreads: bool = False) -> list[Finding]:
    """Write the PDF of a display document; returns what the writer noticed.

    ``pages`` picks pages (zero-based indexes; all by default). ``bleed_mm`` overrides
    the pages' own bleed. ``spreads`` writes reader spreads (page 1 alone, then 2|3,
    4|5, ...) instead of single pages, one PDF page per spread. With ``pdfx`` the file
    is a PDF/X-1a:2003 with the bundled newsprint output intent (``resources/icc/``)
    unless ``output_intent`` names another one.
    """
    from .pdf import render_pdf
    from .pdfx import default_output_intent

    chosen = [doc.pages[i] for i in pages] if pages is not None else list(doc.pages)
    intent = output_intent
    if pdfx and intent is None:
        intent = default_output_intent()
    return render_pdf(chosen, out, fonts=doc.fonts, images=doc.images, title=doc.title,
                      bleed_mm=bleed_mm, marks=marks, pdfx=pdfx, progress=progress,
                      output_intent=intent if pdfx else None, spreads=spreads)
