"""The display list drawn into a print-ready PDF with reportlab's canvas.

Nothing is laid out here: every glyph run, rule, box and image is drawn where the
display list puts it. What this module adds is what a printing plant needs:

- text as one text object per run, each character at exactly ``x + xs[i]`` (the most
  common gap as character spacing ``Tc``, ``TJ`` numbers for the others), in
  subset-embedded fonts with ToUnicode maps
  (``pdf_fonts``); no other font is referenced;
- CMYK only, with black text overprinting (spec R44);
- images cropped, downsampled and separated to CMYK JPEG (``pdf_images``); a placeholder
  for an empty frame, and for an image that cannot be read (with a finding);
- TrimBox, BleedBox and MediaBox on every page, crop marks on request (spec R41);
- PDF/X-1a:2003 document keys (``pdfx``), byte-identical output for identical input.

Coordinates: the display list has its origin at the top-left of the trim box with y
down; PDF user space has its origin at the bottom-left of the MediaBox with y up. The
trim box sits ``offset`` points in from the MediaBox's left and bottom edges, where
``offset`` is the bleed plus, with marks, the room they take.
"""

from __future__ import annotations

import io
import os
import sys
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from ..model import CMYK, ImageAsset, mm_to_pt
from ..paths import replace_file
from ..typeset.diagnostics import Finding, Severity
from ..typeset.display import Box, DisplayPage, GlyphRun, ImagePlacement, Rule
from .pdf_fonts import DEFLATE_LEVEL, FontEmbedError, FontSubset, SfntFace, flate_stream
from .pdf_images import (ImageError, ImageTooLarge, PreparedImage, cached_image, jpeg_stream, prepare_images)
from .pdfx import PDFX_PDF_VERSION, OutputIntent, attach_output_intent, install_info

__all__ = ["Finding", "FontEmbedError", "OutputIntent", "build_pdf", "reader_spreads", "render_pdf"]

PLACEHOLDER_FILL = CMYK(0, 0, 0, 0.12)
PLACEHOLDER_LINE = CMYK(0, 0, 0, 0.45)
PLACEHOLDER_LINE_WIDTH = 0.5  # points

# Crop marks (spec R41): K100 hairlines on the trim lines' extensions, outside the bleed.
MARK_WIDTH = 0.25  # points
MARK_GAP = 6.0  # points between the bleed edge and the start of a mark
MARK_LENGTH = 18.0  # points
MARK_MARGIN = 6.0  # points of MediaBox beyond the marks' outer ends
MARK_COLOR = CMYK(0, 0, 0, 1)

# A character overlapped by the next one by more than this (in em) gets a narrower
# advance (see _PageWriter.glyph_run).
NARROW_FROM_EM = 0.05

# TJ adjustments are written with two decimals (1/100 000 em): at 100 pt that places a
# character within 0.0005 pt, and rounding errors do not accumulate along a run.
_TJ_DECIMALS = 2

_LITTLE_ENDIAN = sys.byteorder == "little"


TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import BinaryIO, Protocol

    class _RegistryLike(Protocol):
        def path(self, key: str) -> Path: ...

    FontResolver = Callable[[str], "str | Path | tuple[str | Path, int]"] | _RegistryLike


def _num(v: float, decimals: int = 3) -> str:
    """A PDF number: fixed-point, trailing zeros dropped, no "-0"."""
    s = f"{v:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


class _Memo(dict):
    """``function(v)`` by value, each computed once: a dict that fills itself."""

    __slots__ = ("_function",)

    def __init__(self, function: Callable[[float], object]) -> None:
        super().__init__()
        self._function = function

    def __missing__(self, v: float):
        found = self[v] = self._function(v)
        return found


class _ExportMemo:
    """Numbers formatted and rounded once per export. Positions, sizes and the gaps
    between characters repeat from line to line and from column to column (the demo
    issue: 11,000 characters, 400 different gaps, 220 different positions), and
    formatting or rounding a float to a number of decimals costs far more than
    looking it up. Only pure functions of the value are kept, so the output is the
    same as computing each number where it is used. (0.0 and -0.0 share an entry,
    and both give the same output.)"""

    def __init__(self) -> None:
        self.num3 = _Memo(_num)  # positions and sizes
        self.num5 = _Memo(lambda v: _num(v, 5))  # character spacing
        self.num2 = _Memo(lambda v: _num(v, _TJ_DECIMALS))  # TJ numbers
        self.round5 = _Memo(lambda v: round(v, 5))  # gaps as compared
        self.round2 = _Memo(lambda v: round(v, _TJ_DECIMALS))  # TJ numbers


class _PrintCanvas(Canvas):
    """reportlab's canvas without its page preamble.

    The stock preamble selects the canvas's initial font (Helvetica, never embedded) on
    every page and may set colours; a print PDF must reference no unembedded font and
    this renderer sets every colour itself.
    """

    def _make_preamble(self) -> None:
        self._preamble = ""


# ---------------------------------------------------------------------------------
# Fonts and images shared by all pages of one export
# ---------------------------------------------------------------------------------


class _FontBook:
    """One ``FontSubset`` per font key, named F1, F2, ... in order of first use."""

    def __init__(self, resolve: FontResolver) -> None:
        self._resolve = resolve
        self.subsets: dict[str, FontSubset] = {}  # by font key
        self._faces: dict[tuple[Path, int], SfntFace] = {}
        self._by_face: dict[tuple[Path, int], FontSubset] = {}

    def _locate(self, key: str) -> tuple[Path, int]:
        r = self._resolve
        if callable(r):
            found = r(key)
            if isinstance(found, tuple):
                return Path(found[0]), int(found[1])
            return Path(found), 0
        index = r.index(key) if hasattr(r, "index") else 0
        return Path(r.path(key)), index

    def subset(self, key: str) -> FontSubset:
        found = self.subsets.get(key)
        if found is None:
            where = self._locate(key)
            found = self._by_face.get(where)  # two keys may name the same file
            if found is None:
                face = SfntFace(*where)
                self._faces[where] = face
                found = FontSubset(face, f"F{len(self._by_face) + 1}")
                self._by_face[where] = found
            self.subsets[key] = found
        return found

    def add_to_document(self, doc: pdfdoc.PDFDocument) -> None:
        for subset in self._by_face.values():
            if subset.used:
                subset.add_to_document(doc)

    def close(self) -> None:
        for face in self._faces.values():
            face.close()


class _ImageBook:
    """Prepared images as image XObjects, each made once per export.

    ``prepare`` converts all images of the document up front, several cache misses in
    worker processes (``pdf_images.prepare_images``); XObjects are named in drawing
    order, so the output does not depend on which worker finished first.
    """

    def __init__(self, doc: pdfdoc.PDFDocument, images: Mapping[str, ImageAsset]) -> None:
        self._doc = doc
        self._images = images
        self._prepared: dict[tuple, PreparedImage | ImageError | None] = {}
        self._names: dict[tuple, str] = {}

    @staticmethod
    def _key(item: ImagePlacement) -> tuple:
        return (item.image, item.clip, item.ix, item.iy, item.iw, item.ih)

    def display_name(self, key: str) -> str:
        asset = self._images.get(key)
        return (asset.original_name if asset else "") or key[:12]

    def prepare(self, placements: Iterable[ImagePlacement]) -> None:
        jobs: dict[tuple, ImagePlacement] = {}
        for item in placements:
            if item.image is not None and item.image in self._images:
                jobs.setdefault(self._key(item), item)
        jobs = {k: v for k, v in jobs.items() if k not in self._prepared}
        for k, item in list(jobs.items()):  # cache hits: no need for threads
            try:
                known, prepared = cached_image(self._images[item.image], item.clip, item.ix, item.iy,
                                               item.iw, item.ih)
            except ImageError:
                continue
            if known:
                self._prepared[k] = prepared
                del jobs[k]
        if not jobs:
            return
        # Several cache misses: prepared in worker processes (pdf_images.prepare_images)
        results = prepare_images([(self._images[item.image], item.clip, item.ix, item.iy, item.iw, item.ih)
                                  for item in jobs.values()])
        self._prepared.update(zip(jobs, results, strict=True))

    def get(self, item: ImagePlacement) -> tuple[str, PreparedImage] | None:
        """(XObject name, prepared image), or None when nothing of it shows. Raises
        KeyError for an unknown image key and ImageError for unreadable data."""
        key = self._key(item)
        if key not in self._prepared:
            self._images[item.image]  # noqa: B018 - KeyError for an unknown image
            self.prepare([item])
        prepared = self._prepared[key]
        if isinstance(prepared, ImageError):
            raise prepared
        if prepared is None:
            return None
        name = self._names.get(key)
        if name is None:
            name = self._names[key] = f"XJImage{len(self._names) + 1}"
            self._doc.Reference(_image_xobject(prepared), pdfdoc.xObjectName(name))
        return name, prepared


def _image_xobject(im: PreparedImage) -> pdfdoc.PDFStream:
    d = {
        "Type": pdfdoc.PDFName("XObject"),
        "Subtype": pdfdoc.PDFName("Image"),
        "Width": im.width_px,
        "Height": im.height_px,
        "BitsPerComponent": 8,
        "ColorSpace": pdfdoc.PDFName("DeviceCMYK"),
        "Filter": pdfdoc.PDFName("DCTDecode"),
    }
    if im.inverted:
        d["Decode"] = pdfdoc.PDFArray([1, 0, 1, 0, 1, 0, 1, 0])
    return jpeg_stream(pdfdoc.PDFDictionary(d), im)  # a JPEG kept in a file is read only as it is written


# ---------------------------------------------------------------------------------
# One page
# ---------------------------------------------------------------------------------


class _PageWriter:
    """Draws one display page on the canvas, tracking the state it has set so that
    colours, overprint, line width and font are written only when they change."""

    def __init__(self, canvas: _PrintCanvas, page: DisplayPage, ox: float, oy: float, fonts: _FontBook,
                 images: _ImageBook, findings: list[Finding], memo: _ExportMemo | None = None) -> None:
        self.c = canvas
        # What canvas.addLiteral does, without its checks, for the literal of each glyph
        # run (the page's list of operators stays the same object until the page is shown).
        self._literal = canvas._code.append
        self.memo = _ExportMemo() if memo is None else memo  # shared by the pages of an export
        self.page = page
        self.ox = ox  # PDF x of the trim box's left edge
        self.top = oy + page.height  # PDF y of the trim box's top edge
        self.fonts = fonts
        self._subsets = fonts.subsets  # font key -> subset, for a quick look-up
        self.images = images
        self.findings = findings
        self._missing: dict[str, set[str]] = {}
        self._reset_state()

    def _reset_state(self) -> None:
        self._fill: CMYK | None = None
        self._fill_inked = False  # whether the fill colour has any ink
        self._stroke: CMYK | None = None
        self._line_width: float | None = None
        self._font: tuple[str, float] | None = None
        self._tc: float | None = None  # character spacing (Tc), points
        self._overprint: bool | None = None  # the fill overprint last given to the canvas

    # ---- state ----------------------------------------------------------
    def save(self) -> None:
        self.c.saveState()

    def restore(self) -> None:
        self.c.restoreState()
        self._reset_state()  # Q brings back state set before q; forget what we knew

    def fill(self, color: CMYK) -> None:
        if color is not self._fill:
            if color != self._fill:
                self.c.setFillColorCMYK(color.c, color.m, color.y, color.k)
            self._fill = color
            self._fill_inked = color.total_ink > 0

    def stroke(self, color: CMYK, width: float) -> None:
        if color != self._stroke:
            self.c.setStrokeColorCMYK(color.c, color.m, color.y, color.k)
            self._stroke = color
        if width != self._line_width:
            self.c.setLineWidth(width)
            self._line_width = width

    def overprint(self, on: bool) -> None:
        # The canvas itself writes a gs only when the value changes; asking it only
        # then spares its calls for every run. (restore() forgets the value: Q may change it.)
        on = bool(on)
        if on is not self._overprint:
            self.c.setFillOverprint(on)
            self._overprint = on

    # ---- items ----------------------------------------------------------
    def draw(self) -> None:
        # Overprint mode 1: with overprint on, a 0 in a CMYK fill leaves the plates
        # below untouched, so K100 text over a picture keeps the picture's C, M, Y.
        self.c.setOverprintMask(1)
        for item in self.page.items:
            if isinstance(item, GlyphRun):
                self.glyph_run(item)
            elif isinstance(item, Rule):
                self.rule(item)
            elif isinstance(item, Box):
                self.box(item)
            elif isinstance(item, ImagePlacement):
                self.image(item)
        for key, chars in self._missing.items():
            text = "".join(sorted(chars))
            self.findings.append(Finding(
                Severity.ERROR, "glyph-missing",
                f"page {self.page.number}: font {key} has no glyph for {text}",
                f"第 {self.page.number} 版：字体 {key} 缺字 {text}",
                self.page.number, key, "font",
            ))

    def glyph_run(self, run: GlyphRun) -> None:
        text = run.text
        if not text:
            return
        # A page has thousands of characters: the work per character is done by C calls
        # and comprehensions over the whole run, and every number is rounded and
        # formatted once per export (self.memo).
        subset = self._subsets.get(run.font) or self.fonts.subset(run.font)
        memo = self.memo
        # The codes of the run as one string, four hex digits a character (new
        # characters get their CIDs in text order; see FontSubset.hex_table), and the
        # same codes as numbers, to look up the advances.
        hexes = text.translate(subset.hex_table)
        cids = array("H", bytes.fromhex(hexes))
        if _LITTLE_ENDIAN:
            cids.byteswap()
        size = run.size
        unit = size / 1000.0  # text space units -> points
        xs = run.xs
        widths = subset.widths  # by CID
        # gaps[i]: the space between glyph i's advance and glyph i + 1 (justification,
        # Han-Latin spacing, compression)
        gaps = [b - a - widths[c] * unit for a, b, c in zip(xs, xs[1:], cids)]
        # Where the next character starts inside this one's advance (compressed
        # punctuation), show this one with a narrower advance: the glyph is drawn the
        # same, and text extraction sees boxes in order instead of an overlap (which
        # pdftotext would take as a line break).
        too_close = -(NARROW_FROM_EM * size)
        for i in [i for i, gap in enumerate(gaps) if gap < too_close]:
            room = xs[i + 1] - xs[i]
            cid = subset.cid(text[i], round(max(0.0, room) / size * subset.units_per_em))
            hexes = f"{hexes[:4 * i]}{cid:04X}{hexes[4 * i + 4:]}"
            gaps[i] = room - widths[cid] * unit
        if subset.missing and not subset.missing.isdisjoint(text):
            self._missing.setdefault(run.font, set()).update(subset.missing.intersection(text))
        color = run.color
        if color is not self._fill:
            self.fill(color)
        # Overprinting a colour without ink would make the text vanish.
        on = bool(run.overprint and self._fill_inked)
        if on is not self._overprint:
            self.overprint(on)
        # The most common gap (a justified line's letter-spacing) becomes the character
        # spacing Tc; only the other gaps need a TJ adjustment.
        # (Gaps are compared to 1/100000 pt: close enough that the TJ number of a gap
        # equal to Tc rounds to 0. An export has a few hundred different gaps, so each
        # is rounded once: memo.round5.)
        ops = ""
        shown = ""
        if gaps:
            rounded = list(map(memo.round5.__getitem__, gaps))
            first = rounded[0]
            n_first = rounded.count(first)
            uniform = n_first == len(rounded)
            if uniform or len(rounded) <= 2 or 2 * n_first > len(rounded):
                common = first  # (more than half of the gaps: the most common one)
            else:
                common = max(set(rounded), key=rounded.count)
            if self._tc is None or common != self._tc:
                ops = f"{memo.num5[common]} Tc "
                self._tc = common
            if not uniform:  # TJ numbers for the gaps other than Tc, splitting the string there
                tc = self._tc  # equal to common
                round2 = memo.round2
                parts: list[str] = []
                start = 0
                for i in [i for i, r in enumerate(rounded) if r != tc]:
                    a = round2[(tc - gaps[i]) / unit]
                    if a:
                        parts.append(f"<{hexes[4 * start:4 * i + 4]}> {memo.num2[a]}")
                        start = i + 1
                parts.append(f"<{hexes[4 * start:]}>")
                shown = " ".join(parts)
        if not shown:
            shown = f"<{hexes}>"
        font = (subset.resource_name, size)
        # the size to 5 decimals: an error in it grows with every advance along the line
        tf = "" if font == self._font else f"/{font[0]} {memo.num5[size]} Tf "
        self._font = font
        x = self.ox + run.x + xs[0]
        y = self.top - run.y
        num3 = memo.num3
        self._literal(f"BT {tf}{ops}1 0 0 1 {num3[x]} {num3[y]} Tm [{shown}] TJ ET")

    def rule(self, rule: Rule) -> None:
        if rule.width <= 0:
            return
        self.stroke(rule.color, rule.width)
        self.c.line(self.ox + rule.x1, self.top - rule.y1, self.ox + rule.x2, self.top - rule.y2)

    def box(self, box: Box) -> None:
        stroke = box.stroke > 0
        fill = box.fill is not None
        if not (stroke or fill):
            return
        if fill:
            self.fill(box.fill)
            self.overprint(False)
        if stroke:
            self.stroke(box.stroke_color, box.stroke)
        self.c.rect(self.ox + box.x, self.top - box.y - box.h, box.w, box.h, stroke=int(stroke), fill=int(fill))

    def image(self, item: ImagePlacement) -> None:
        if item.image is None:
            self.placeholder(item.clip)
            return
        try:
            made = self.images.get(item)
        except KeyError:
            self.placeholder(item.clip)
            self.findings.append(Finding(
                Severity.ERROR, "image-missing",
                f"page {self.page.number}: image {item.image[:12]} of frame {item.frame or '?'} is not in the issue",
                f"第 {self.page.number} 版：图框 {item.frame or '?'} 的图片 {item.image[:12]} 不在本期文件中",
                self.page.number, item.frame, "frame" if item.frame else "",
            ))
            return
        except ImageTooLarge as exc:  # refused, not drawn as a placeholder: the export stops
            name = self.images.display_name(item.image)
            raise ImageTooLarge(f"page {self.page.number}: image {name} of frame {item.frame or '?'} "
                                f"is too large: {exc}") from None
        except ImageError as exc:
            self.placeholder(item.clip)
            name = self.images.display_name(item.image)
            self.findings.append(Finding(
                Severity.ERROR, "image-unreadable",
                f"page {self.page.number}: image {name} of frame {item.frame or '?'} cannot be read ({exc})",
                f"第 {self.page.number} 版：图框 {item.frame or '?'} 的图片 {name} 无法读取（{exc}）",
                self.page.number, item.frame, "frame" if item.frame else "",
            ))
            return
        if made is None:
            return
        name, im = made
        cx, cy, cw, ch = item.clip
        self.save()
        path = self.c.beginPath()
        path.rect(self.ox + cx, self.top - cy - ch, cw, ch)
        self.c.clipPath(path, stroke=0, fill=0)
        internal = pdfdoc.xObjectName(name)
        self.c.addLiteral(f"{_num(im.w, 4)} 0 0 {_num(im.h, 4)} {_num(self.ox + im.x, 4)} "
                          f"{_num(self.top - im.y - im.h, 4)} cm /{internal} Do")
        self.c._formsinuse.append(name)  # lists the XObject in this page's resources
        self.restore()

    def placeholder(self, clip: tuple[float, float, float, float]) -> None:
        """A light grey box with a diagonal cross: an empty or unreadable image."""
        cx, cy, cw, ch = clip
        x0, y0 = self.ox + cx, self.top - cy - ch
        x1, y1 = x0 + cw, y0 + ch
        self.fill(PLACEHOLDER_FILL)
        self.overprint(False)
        self.stroke(PLACEHOLDER_LINE, PLACEHOLDER_LINE_WIDTH)
        self.c.rect(x0, y0, cw, ch, stroke=1, fill=1)
        self.c.line(x0, y0, x1, y1)
        self.c.line(x0, y1, x1, y0)

    def crop_marks(self, x0: float, y0: float, x1: float, y1: float, bleed: float,
                   folds: Sequence[float] = ()) -> None:
        """Eight marks on the extensions of the trim edges (x0, y0)-(x1, y1), starting
        outside the bleed; on a spread also a pair at each inside edge (``folds``)."""
        near, far = bleed + MARK_GAP, bleed + MARK_GAP + MARK_LENGTH
        self.stroke(MARK_COLOR, MARK_WIDTH)
        for x in (x0, x1):
            self.c.line(x, y0 - far, x, y0 - near)
            self.c.line(x, y1 + near, x, y1 + far)
        for y in (y0, y1):
            self.c.line(x0 - far, y, x0 - near, y)
            self.c.line(x1 + near, y, x1 + far, y)
        for x in folds:
            self.c.line(x, y0 - far, x, y0 - near)
            self.c.line(x, y1 + near, x, y1 + far)


# ---------------------------------------------------------------------------------
# The document
# ---------------------------------------------------------------------------------


def page_offset(bleed: float, marks: bool) -> float:
    """Distance in points from the MediaBox's lower-left corner to the trim box's."""
    return bleed + (MARK_GAP + MARK_LENGTH + MARK_MARGIN if marks else 0.0)


def reader_spreads(pages: Iterable[DisplayPage]) -> list[list[DisplayPage]]:
    """The pages grouped into reader spreads (what the reader sees when the paper lies
    open): an even folio on the left with the next folio on its right, every other page
    alone. For a whole issue that is page 1 alone (the front page is a right-hand page),
    then 2|3, 4|5, ..., and the last page alone when the count is even. With only some
    pages exported, a page whose partner is not among them stands alone."""
    return list(_sheets(pages, spreads=True))


def _sheets(pages: Iterable[DisplayPage], *, spreads: bool) -> Iterator[list[DisplayPage]]:
    """The PDF pages to draw, in order: each display page alone, or reader spreads
    (``reader_spreads``)."""
    left: DisplayPage | None = None  # an even page waiting for its right-hand partner
    for page in pages:
        if not spreads:
            yield [page]
            continue
        if left is not None:
            if page.number == left.number + 1:
                yield [left, page]
                left = None
                continue
            yield [left]
            left = None
        if page.number % 2 == 0:
            left = page
        else:
            yield [page]
    if left is not None:
        yield [left]


def build_pdf(pages: Sequence[DisplayPage], *, fonts: FontResolver,
              images: Mapping[str, ImageAsset] | None = None, title: str = "",
              bleed_mm: float | None = None, marks: bool = False, pdfx: bool = True,
              output_intent: OutputIntent | None = None,
              progress: Callable[[int, int], None] | None = None,
              spreads: bool = False) -> tuple[bytes, list[Finding]]:
    """The PDF of the display pages, and what the export noticed. See ``render_pdf``."""
    canvas, findings = _draw_document(pages, fonts=fonts, images=images, title=title, bleed_mm=bleed_mm,
                                      marks=marks, pdfx=pdfx, output_intent=output_intent, progress=progress,
                                      spreads=spreads)
    return canvas.getpdfdata(), findings


def _draw_document(pages: Sequence[DisplayPage], *, fonts: FontResolver,
                   images: Mapping[str, ImageAsset] | None, title: str, bleed_mm: float | None,
                   marks: bool, pdfx: bool, output_intent: OutputIntent | None,
                   progress: Callable[[int, int], None] | None,
                   spreads: bool) -> tuple[_PrintCanvas, list[Finding]]:
    """The canvas with every page drawn and every shared object added (fonts, output
    intent), ready to be written (``getpdfdata``); and the findings."""
    findings: list[Finding] = []
    canvas = _PrintCanvas(
        io.BytesIO(),  # never written: the document's bytes are taken with getpdfdata
        # reportlab's own time stamp fixed: install_info dates the document (document_time)
        invariant=1,
        pageCompression=1,
        pdfVersion=PDFX_PDF_VERSION,
        enforceColorSpace="cmyk",
    )
    doc = canvas._doc
    install_info(doc, title, pdfx=pdfx)
    book = _FontBook(fonts)
    image_book = _ImageBook(doc, images or {})
    total = len(pages)
    # the images of all pages prepared together (in worker processes when several are new)
    image_book.prepare(item for page in pages for item in page.items if isinstance(item, ImagePlacement))
    done = 0
    memo = _ExportMemo()
    try:
        for sheet in _sheets(pages, spreads=spreads):
            _draw_sheet(canvas, sheet, bleed_mm, marks, book, image_book, findings, memo)
            for _ in sheet:
                done += 1
                if progress is not None:
                    progress(done, total)
        book.add_to_document(doc)
    finally:
        book.close()
    if output_intent is not None:
        attach_output_intent(doc, output_intent)
    elif pdfx:
        findings.append(Finding(
            Severity.WARNING, "pdfx-no-output-intent",
            "no output intent (CMYK profile) is embedded yet: the file is not a complete PDF/X-1a",
            "尚未嵌入输出意图（CMYK 特性文件）：文件还不是完整的 PDF/X-1a",
        ))
    return canvas, findings


def _draw_sheet(canvas: _PrintCanvas, sheet: Sequence[DisplayPage], bleed_mm: float | None, marks: bool,
                book: _FontBook, image_book: _ImageBook, findings: list[Finding],
                memo: _ExportMemo | None = None) -> None:
    """One PDF page holding the display pages of ``sheet`` side by side, trim to trim.

    The TrimBox surrounds them all (the inside edges, the 中缝, have no gap between
    them); the bleed and the marks go around the whole sheet. Each display page is
    drawn by its own writer, translated to its place; pages are not clipped against
    each other, so content crossing the 中缝 (跨版) shows on both sides.
    """
    if bleed_mm is None:
        bleed = max(page.bleed for page in sheet)
    else:
        bleed = mm_to_pt(bleed_mm)
    offset = page_offset(bleed, marks)
    if len(sheet) == 1:
        width, height = sheet[0].width, sheet[0].height
    else:
        width, height = sum(page.width for page in sheet), max(page.height for page in sheet)
    canvas.setPageSize((width + 2 * offset, height + 2 * offset))
    canvas.setTrimBox((offset, offset, offset + width, offset + height))
    canvas.setBleedBox((offset - bleed, offset - bleed, offset + width + bleed, offset + height + bleed))
    writers = []
    x = offset
    for page in sheet:
        writers.append(_PageWriter(canvas, page, x, offset, book, image_book, findings, memo))
        x += page.width
    if marks:  # keep the pages' content off the marks
        first = writers[0]
        first.save()
        path = canvas.beginPath()
        path.rect(offset - bleed, offset - bleed, width + 2 * bleed, height + 2 * bleed)
        canvas.clipPath(path, stroke=0, fill=0)
        for writer in writers:
            writer.draw()
        first.restore()
        first.crop_marks(offset, offset, offset + width, offset + height, bleed,
                         [w.ox for w in writers[1:]])
    else:
        for writer in writers:
            writer.draw()
    _finish_page(canvas)


def _finish_page(canvas: _PrintCanvas) -> None:
    """Close the page; give it a Flate-only content stream (reportlab would also
    ASCII85-encode it, a quarter larger) and let its content decide the document ID."""
    stream_text = "\n".join(canvas._code)
    canvas._doc.updateSignature(stream_text)
    canvas.showPage()
    page = canvas._doc.Pages.pages[-1]
    page.Contents = flate_stream(zlib.compress(page.stream.encode("utf8"), DEFLATE_LEVEL))


def render_pdf(pages: Sequence[DisplayPage], out: str | os.PathLike | BinaryIO, *, fonts: FontResolver,
               images: Mapping[str, ImageAsset] | None = None, title: str = "",
               bleed_mm: float | None = None, marks: bool = False, pdfx: bool = True,
               output_intent: OutputIntent | None = None,
               progress: Callable[[int, int], None] | None = None,
               spreads: bool = False) -> list[Finding]:
    """Write the display pages as a print PDF; returns the findings.

    A missing, unreadable or broken image never stops the export: it is drawn as a
    placeholder and reported. A font that cannot be embedded does (``FontEmbedError``,
    or the resolver's own error for an unknown key), and nothing is written then.

    ``fonts`` maps a run's font key to its TrueType file: a callable returning a path
    (or ``(path, face index)`` for a collection), or a ``FontRegistry``. ``images`` maps
    image keys to assets. ``bleed_mm`` overrides every page's own ``bleed`` (None keeps
    them). ``marks`` adds crop marks and the MediaBox room for them. ``pdfx`` writes the
    PDF/X-1a:2003 keys; ``output_intent`` embeds the output profile. ``spreads`` puts
    facing pages side by side on one PDF page each, in reader spreads (page 1 alone,
    then 2|3, 4|5, ...; see ``reader_spreads``), with one TrimBox around the spread.

    A path is written through a temporary file in the same folder and then renamed
    (``paths.replace_file``: a new file gets 0666 less the umask, an existing one keeps
    its mode), so an existing file is never left half-written. Unlike a saved issue, the
    file is not forced to disk before the rename: a PDF can always be made again from
    the issue, which is where the work is kept.
    """
    canvas, findings = _draw_document(pages, fonts=fonts, images=images, title=title, bleed_mm=bleed_mm,
                                      marks=marks, pdfx=pdfx, output_intent=output_intent, progress=progress,
                                      spreads=spreads)
    data = canvas.getpdfdata()
    if hasattr(out, "write"):
        out.write(data)
    else:
        replace_file(out, lambda fh, _tmp: fh.write(data))
    return findings
