"""Embedding TrueType fonts in a PDF as small subsets, fast.

The bundled CJK fonts are 7-13 MB TrueType files with 23,000+ glyphs; a newspaper page
uses a thousand or two of them. Parsing a whole font (as reportlab's ``TTFont`` does) costs
more than the rest of an export, and ``TTFont`` splits the glyphs into 256-glyph simple
fonts. Here a font file is memory-mapped and only what the document needs is read: the
table directory, the cmap, and the hmtx/loca/glyf entries of the glyphs used (plus the
components of composite glyphs).

Each face becomes one composite font in the PDF:

- a ``Type0`` font with ``Identity-H`` encoding: two bytes per character in the content
  stream, read as a CID;
- a ``CIDFontType2`` descendant whose ``FontFile2`` is a new TrueType file holding only
  the glyphs used, renumbered from 1 (glyph 0 stays ``.notdef``), with a ``CIDToGIDMap``;
- a ``ToUnicode`` CMap so that text extraction returns the original characters.

CIDs are handed out per *character* in order of first use, not per glyph. Two characters
drawn with one glyph (the bundled fonts draw U+00B7 · with the glyph of U+30FB ・) get two
CIDs pointing at the same glyph, so each still extracts as itself. A character shown with
a narrower advance than its glyph's (compressed punctuation) gets a CID of its own whose
glyph is a composite of the original with that advance, so the embedded font's widths
always agree with the PDF's /W array.

Nothing here knows about pages: ``FontSubset.encode`` gives the renderer the bytes and
widths of each character, and ``FontSubset.add_to_document`` writes the font objects
into a reportlab ``PDFDocument`` at the end.
"""

from __future__ import annotations

import hashlib
import zlib
from array import array
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter

from reportlab.pdfbase import pdfdoc

from ..typeset.sfnt import ADVANCE, BIG_ENDIAN, FontEmbedError, SfntFace
from .pdf_subset import GlyphSpec, build_truetype_subset

__all__ = ["DEFLATE_LEVEL", "CharCode", "FontEmbedError", "FontSubset", "SfntFace", "flate_stream",
           "to_unicode_cmap"]

#: zlib level of the streams deflated here and by the renderer (reportlab's default).
DEFLATE_LEVEL = 6


@dataclass(frozen=True, slots=True)
class CharCode:
    """How one character is shown: its two-byte code as four hex digits, and its
    advance in text space units (1/1000 of the font size)."""

    hex: str
    width: float
    missing: bool = False


class _HexTable(dict):
    """``ord(ch)`` -> the four hex digits of the CID of ``ch`` (with its natural
    advance): the table ``str.translate`` takes to turn a whole run into its codes.

    A character not seen before gets its CID from ``__missing__``, which
    ``str.translate`` calls as it meets the character, so CIDs are handed out in order
    of first use exactly as if the characters had been looked up one by one.
    ``__missing__`` stores what it returns: a second look-up of the same character
    (``str.translate`` may make one) finds it.
    """

    __slots__ = ("_add",)

    def __init__(self, add: Callable[[int], str]) -> None:
        super().__init__()
        self._add = add

    def __missing__(self, cp: int) -> str:
        return self._add(cp)


_SPEC_OF = itemgetter(1)  # the glyph spec of a (character, spec) pair in FontSubset._cids


class FontSubset:
    """The characters one document shows in one face; becomes one Type0 font.

    A character normally has one CID. ``cid(ch, advance)`` gives it another CID whose
    glyph has the same outline and a smaller advance: the renderer uses it where the
    next character starts inside this one's advance (compressed punctuation), so that
    text extraction sees glyph boxes that do not overlap.

    The renderer works on whole runs: ``text.translate(subset.hex_table)`` gives the
    codes of a run as one hex string (four digits a character), and ``widths[cid]`` the
    advance of each CID. ``code`` and ``encode`` give the same as ``CharCode`` objects.
    """

    def __init__(self, face: SfntFace, resource_name: str) -> None:
        face.check_embedding_allowed()
        self.face = face
        self.resource_name = resource_name  # e.g. "F1", used as /F1 in content streams
        self._cids: list[tuple[str, GlyphSpec]] = []  # CID n is self._cids[n - 1]
        #: the advance of CID n in text space units (1/1000 em), at index n
        self.widths: list[float] = [0.0]
        #: ord(ch) -> the hex code of ch, for str.translate (see _HexTable)
        self.hex_table = _HexTable(self._add_natural)
        self._variants: dict[tuple[str, int], int] = {}  # (ch, advance) -> CID
        self._charcodes: dict[int, CharCode] = {}  # by CID, made on request
        self.missing: set[str] = set()
        self._scale = 1000.0 / face.units_per_em
        self._specs_text: tuple[int, str] | None = None  # (CID count, _glyph_specs_text())

    @property
    def units_per_em(self) -> int:
        return self.face.units_per_em

    def _too_many(self) -> FontEmbedError:
        return FontEmbedError(
            f"more than 65535 different characters in {self.face.ps_name}",
            f"字体 {self.face.ps_name} 中用到的字符超过 65535 个",
            self.face.path,
        )

    def _new_cid(self, ch: str, gid: int, advance: int | None, width: float) -> int:
        cid = len(self._cids) + 1
        if cid > 0xFFFF:
            raise self._too_many()
        if gid == 0:
            self.missing.add(ch)
        self._cids.append((ch, (gid, advance)))
        self.widths.append(width)
        return cid

    def _add_natural(self, cp: int) -> str:
        """Give the character ``chr(cp)`` its CID (natural advance); its hex code.

        This runs once for every character a document shows, so it does the work of
        ``face.glyph_id``, ``face.advance`` and ``_new_cid`` itself."""
        face = self.face
        gid = face._cmap.glyph(cp)
        if gid >= face.num_glyphs:
            gid = 0
        n = face._num_hmetrics
        (advance,) = ADVANCE.unpack_from(face._map, face._hmtx + 4 * (gid if gid < n else n - 1))
        cid = len(self._cids) + 1
        if cid > 0xFFFF:
            raise self._too_many()
        ch = chr(cp)
        if gid == 0:
            self.missing.add(ch)
        self._cids.append((ch, (gid, None)))
        self.widths.append(advance * self._scale)
        code = self.hex_table[cp] = f"{cid:04X}"
        return code

    def cid(self, ch: str, advance: int | None = None) -> int:
        """The CID of a character, optionally with another advance (font units); a new
        one when the character (or that advance of it) was not shown before."""
        if advance is None:
            return int(self.hex_table[ord(ch)], 16)
        found = self._variants.get((ch, advance))
        if found is None:
            gid = self.face.glyph_id(ch)
            if advance == self.face.advance(gid):
                found = self.cid(ch)
            else:
                found = self._new_cid(ch, gid, advance, advance * self._scale)
            self._variants[(ch, advance)] = found
        return found

    def code(self, ch: str, advance: int | None = None) -> CharCode:
        """The code of a character, optionally with another advance (font units)."""
        cid = self.cid(ch, advance)
        found = self._charcodes.get(cid)
        if found is None:
            gid = self._cids[cid - 1][1][0]
            found = self._charcodes[cid] = CharCode(f"{cid:04X}", self.widths[cid], gid == 0)
        return found

    def encode(self, text: str) -> list[CharCode]:
        return [self.code(ch) for ch in text]

    @property
    def used(self) -> bool:
        return bool(self._cids)

    def _glyph_specs_text(self) -> str:
        """The glyph specs in CID order as text, "gid,advance" each ("12,None"), joined
        by ";"; made once for the subset tag (CIDs are only added)."""
        known = self._specs_text
        if known is None or known[0] != len(self._cids):
            text = ";".join(map("%d,%s".__mod__, map(_SPEC_OF, self._cids)))  # at C speed
            known = self._specs_text = (len(self._cids), text)
        return known[1]

    def subset_tag(self) -> str:
        """Six capital letters naming this subset, derived from its glyphs (stable)."""
        digest = hashlib.sha256(f"{self.face.ps_name};{self._glyph_specs_text()}".encode()).digest()
        return "".join(chr(ord("A") + b % 26) for b in digest[:6])

    # ---- PDF objects ----------------------------------------------------
    def program(self) -> tuple[bytes, dict[GlyphSpec, int]]:
        """The subset font program and the new glyph id of each glyph spec."""
        return build_truetype_subset(self.face, [spec for _, spec in self._cids])

    def cid_to_gid_map(self, new_gid: dict[GlyphSpec, int]) -> bytes:
        """The content of the /CIDToGIDMap stream: the new glyph id (``program()[1]``)
        of each CID, CID 0 first, as big-endian uint16s."""
        cid_to_gid = array("H", [0] + [new_gid[spec] for _, spec in self._cids])
        if not BIG_ENDIAN:
            cid_to_gid.byteswap()
        return cid_to_gid.tobytes()

    def to_unicode(self) -> bytes:
        """The ToUnicode CMap of the subset."""
        return to_unicode_cmap([ch for ch, _ in self._cids]).encode("ascii")

    def add_to_document(self, doc: pdfdoc.PDFDocument, *, compress: bool = True) -> None:
        """Write the font objects and list the font under its resource name in the
        document's shared font dictionary (the /Font resource of every page).
        ``compress``: the font program, ToUnicode CMap and CIDToGIDMap deflated."""
        face = self.face
        name = self.resource_name
        data, new_gid = self.program()
        base_font = f"{self.subset_tag()}+{face.ps_name}"
        cid_to_gid = self.cid_to_gid_map(new_gid)
        default_width, widths = self._widths()
        if compress:  # deflated here: reportlab leaves a stream with a Filter alone
            font_file = pdfdoc.PDFStream(pdfdoc.PDFDictionary({
                "Length1": len(data), "Filter": _FLATE_DECODE}), zlib.compress(data, DEFLATE_LEVEL))
            cmap_stream = flate_stream(zlib.compress(self.to_unicode(), DEFLATE_LEVEL))
            filters = [pdfdoc.PDFZCompress]
        else:
            font_file = pdfdoc.PDFStream(pdfdoc.PDFDictionary({"Length1": len(data)}), data, None)
            cmap_stream = pdfdoc.PDFStream(content=self.to_unicode(), filters=None)
            filters = None
        base_name = pdfdoc.PDFName(base_font)  # the other names written as PDFName writes them
        scale = self._scale
        descriptor = pdfdoc.PDFDictionary({
            "Type": "/FontDescriptor",
            "FontName": base_name,
            "Flags": 4,  # symbolic: glyphs are chosen by CID, not by a standard encoding
            "FontBBox": pdfdoc.PDFArray([round(v * scale) for v in face.bbox]),
            "ItalicAngle": round(face.italic_angle, 3),
            "Ascent": round(face.ascent * scale),
            "Descent": round(face.descent * scale),
            "CapHeight": round(face.cap_height * scale),
            "StemV": 80,
            "FontFile2": doc.Reference(font_file, f"{name}.FontFile2"),
        })
        cid_map = pdfdoc.PDFStream(content=cid_to_gid, filters=filters)
        cid_font = pdfdoc.PDFDictionary({
            "Type": "/Font",
            "Subtype": "/CIDFontType2",
            "BaseFont": base_name,
            "CIDSystemInfo": pdfdoc.PDFDictionary({
                "Registry": pdfdoc.PDFString("Adobe"),
                "Ordering": pdfdoc.PDFString("Identity"),
                "Supplement": 0,
            }),
            "FontDescriptor": doc.Reference(descriptor, f"{name}.FontDescriptor"),
            "DW": default_width,
            "W": widths,
            "CIDToGIDMap": doc.Reference(cid_map, f"{name}.CIDToGIDMap"),
        })
        font = pdfdoc.PDFDictionary({
            "Type": "/Font",
            "Subtype": "/Type0",
            "BaseFont": base_name,
            "Encoding": "/Identity-H",
            "DescendantFonts": pdfdoc.PDFArray([doc.Reference(cid_font, f"{name}.CIDFont")]),
            "ToUnicode": doc.Reference(cmap_stream, f"{name}.ToUnicode"),
        })
        ref = doc.Reference(font, name)
        doc.idToObject["BasicFonts"].dict[name] = ref

    def _widths(self) -> tuple[int | float, str]:
        """/DW (the most common width) and a /W array (as PDF source) for the rest."""
        widths = self.widths[1:]
        counts = Counter(widths)
        # the first of the most common widths, as Counter.most_common(1) (without heapq)
        default = max(counts, key=counts.__getitem__) if widths else 1000
        out: list[str] = []
        run: list[str] = []
        run_start = 0
        numbers: dict[float, str] = {}  # _num(w) by width: few different widths
        for cid in [cid for cid, w in enumerate(widths, start=1) if w != default]:
            w = widths[cid - 1]
            text = numbers.get(w)
            if text is None:
                text = numbers[w] = _num(w)
            if run and cid == run_start + len(run):
                run.append(text)
            else:
                if run:
                    out.append(f"{run_start} [{' '.join(run)}]")
                run_start, run = cid, [text]
        if run:
            out.append(f"{run_start} [{' '.join(run)}]")
        return _int_if_whole(default), "[" + "\n".join(out) + "]"


# Names as ``pdfdoc.PDFName`` makes them (a PDF name in PDF source: "/" and the name,
# which here needs no escapes), written out instead of made for every font object.
_FLATE_DECODE = "/FlateDecode"


def flate_stream(packed: bytes) -> pdfdoc.PDFStream:
    """A stream of data deflated beforehand (zlib), written exactly as reportlab writes
    a stream it deflates itself: reportlab leaves a stream that has a /Filter alone."""
    return pdfdoc.PDFStream(pdfdoc.PDFDictionary({"Filter": pdfdoc.PDFArray([_FLATE_DECODE])}),
                            packed)


def _num(v: float) -> str:
    s = f"{v:.3f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _int_if_whole(v: float) -> int | float:
    return int(v) if float(v).is_integer() else round(v, 3)


def to_unicode_cmap(chars: list[str]) -> str:
    """A ToUnicode CMap mapping CID n (two bytes) to ``chars[n - 1]``."""
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <FFFF>",
        "endcodespacerange",
    ]
    units = "".join(chars).encode("utf-16-be")
    if len(units) == 2 * len(chars):  # one UTF-16 unit each: four hex digits each
        cids = array("H", range(1, len(chars) + 1))
        if not BIG_ENDIAN:
            cids.byteswap()
        cid_hex = cids.tobytes().hex().upper().encode("ascii")
        unicode_hex = units.hex().upper().encode("ascii")
        for start in range(0, len(chars), 100):  # at most 100 mappings per block
            end = min(start + 100, len(chars))
            lines.append(f"{end - start} beginbfchar")
            lines.append(_bfchar_lines(cid_hex[4 * start : 4 * end], unicode_hex[4 * start : 4 * end]))
            lines.append("endbfchar")
    else:  # characters outside the BMP take two UTF-16 units
        entries = [f"<{cid:04X}> <{ch.encode('utf-16-be').hex().upper()}>" for cid, ch in enumerate(chars, start=1)]
        for start in range(0, len(entries), 100):  # at most 100 mappings per block
            block = entries[start : start + 100]
            lines.append(f"{len(block)} beginbfchar")
            lines.extend(block)
            lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines) + "\n"


_BFCHAR_LINE = b"<0000> <0000>\n"  # a code at bytes 1-4, its Unicode value at bytes 8-11


def _bfchar_lines(codes: bytes, values: bytes) -> str:
    """Lines "<code> <value>" for four-hex-digit codes and values (ASCII, four bytes
    each), without a newline after the last. Instead of formatting line by line, the
    digits are copied into a template of all the lines by stepped slices, at C speed:
    digit j of every code goes to byte 1 + j of every 14-byte line."""
    count = len(codes) // 4
    size = len(_BFCHAR_LINE)
    out = bytearray(_BFCHAR_LINE * count)
    for j in range(4):
        out[1 + j :: size] = codes[j::4]
        out[8 + j :: size] = values[j::4]
    return out[:-1].decode("ascii")
