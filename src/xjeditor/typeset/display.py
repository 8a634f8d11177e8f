"""The display list: what the typesetter hands to every renderer.

One ``DisplayPage`` per page holds items at fixed positions. Renderers (PDF, Qt/PNG, the
text dump) only draw these; nothing is composed again after this point.

Coordinates are points, origin at the top-left corner of the page's trim box, y downward.
Glyph runs are positioned by their baseline.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model.color import BLACK, CMYK


@dataclass(slots=True)
class GlyphRun:
    """Glyphs of one font, size and colour on one baseline.

    ``text[i]`` is drawn with its origin at ``(x + xs[i], y)``. ``xs`` already contains
    every adjustment (compression, justification, Han-Latin spacing, glyph offsets of
    compressed punctuation), so a renderer places each character as given.
    """

    font: str  # font key, resolved by the font registry
    size: float  # points
    x: float
    y: float  # baseline
    text: str
    xs: tuple[float, ...]
    color: CMYK = BLACK
    overprint: bool = True
    story: str = ""  # story id the text belongs to ("" for page furniture)

    def __post_init__(self) -> None:
        if len(self.xs) != len(self.text):
            raise ValueError(f"{len(self.text)} characters but {len(self.xs)} positions")

    def __reduce__(self) -> tuple:
        # Pickled as its fields (``xjeditor export`` pipes pages from the process that
        # typesets): half the work of the default for a class with slots, both ways.
        return (GlyphRun, (self.font, self.size, self.x, self.y, self.text, self.xs, self.color,
                           self.overprint, self.story))


@dataclass(slots=True)
class Rule:
    """A stroked line from (x1, y1) to (x2, y2), points."""

    x1: float
    y1: float
    x2: float
    y2: float
    width: float = 0.5  # points
    color: CMYK = BLACK


@dataclass(slots=True)
class Box:
    """A rectangle, stroked and/or filled."""

    x: float
    y: float
    w: float
    h: float
    stroke: float = 0.5  # points; 0 = no stroke
    stroke_color: CMYK = BLACK
    fill: CMYK | None = None


@dataclass(slots=True)
class ImagePlacement:
    """An image clipped to a frame. ``clip`` is the frame; the whole image is placed at
    ``(ix, iy, iw, ih)``, so the part outside the clip is cropped away."""

    clip: tuple[float, float, float, float]  # x, y, w, h
    ix: float
    iy: float
    iw: float
    ih: float
    image: str | None  # ImageAsset key; None draws a placeholder
    frame: str = ""  # frame id


Item = GlyphRun | Rule | Box | ImagePlacement


@dataclass
class DisplayPage:
    """One page of the display list: trim size, bleed, folio and the items to draw."""

    width: float  # trim size in points
    height: float
    items: list[Item] = field(default_factory=list)
    bleed: float = 0.0  # points on every side
    number: int = 1  # folio


def dump(pages: list[DisplayPage]) -> str:
    """A text dump of the display list, numbers rounded to 0.01 pt, for regression tests."""

    def f(v: float) -> str:
        s = f"{v:.2f}"
        return "0.00" if s == "-0.00" else s

    def c(col: CMYK | None) -> str:
        return "none" if col is None else f"cmyk({col.c:g},{col.m:g},{col.y:g},{col.k:g})"

    out: list[str] = []
    for page in pages:
        out.append(f"page {page.number} {f(page.width)}x{f(page.height)} bleed {f(page.bleed)}")
        for it in page.items:
            if isinstance(it, GlyphRun):
                xs = " ".join(f(v) for v in it.xs)
                out.append(f"  text {it.font} {f(it.size)} at {f(it.x)},{f(it.y)} {c(it.color)}"
                           f"{' op' if it.overprint else ''} {it.text!r} [{xs}]")
            elif isinstance(it, Rule):
                out.append(f"  rule {f(it.x1)},{f(it.y1)} {f(it.x2)},{f(it.y2)} w {f(it.width)} {c(it.color)}")
            elif isinstance(it, Box):
                out.append(f"  box {f(it.x)},{f(it.y)} {f(it.w)}x{f(it.h)} stroke {f(it.stroke)} "
                           f"{c(it.stroke_color)} fill {c(it.fill)}")
            elif isinstance(it, ImagePlacement):
                cx, cy, cw, ch = it.clip
                out.append(f"  image {it.image or 'placeholder'} clip {f(cx)},{f(cy)} {f(cw)}x{f(ch)} "
                           f"at {f(it.ix)},{f(it.iy)} {f(it.iw)}x{f(it.ih)}")
    return "\n".join(out) + "\n"
