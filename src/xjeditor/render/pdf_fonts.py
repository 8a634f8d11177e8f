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
import mmap
import struct
import sys
import zlib
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from operator import itemgetter
from pathlib import Path

from reportlab.pdfbase import pdfdoc

#: zlib level of the streams deflated here and by the renderer (reportlab's default).
DEFLATE_LEVEL = 6

# OS/2 fsType bits (OpenType spec): what the font's licence allows an embedder to do.
FS_RESTRICTED = 0x0002  # must not be embedded at all (unless bits 2 or 3 are also set)
FS_NO_SUBSETTING = 0x0100  # may be embedded only whole
FS_BITMAP_ONLY = 0x0200  # only bitmaps may be embedded

# Composite glyph component flags (TrueType 'glyf' table).
_ARG_1_AND_2_ARE_WORDS = 0x0001
_ARGS_ARE_XY_VALUES = 0x0002
_WE_HAVE_A_SCALE = 0x0008
_MORE_COMPONENTS = 0x0020
_WE_HAVE_AN_X_AND_Y_SCALE = 0x0040
_WE_HAVE_A_TWO_BY_TWO = 0x0080

# Tables copied into a subset. hmtx, loca and glyf are rebuilt; head, hhea and maxp are
# copied with their glyph counts patched. cvt/fpgm/prep carry hinting the glyph
# programs may call. cmap is left out: a CIDFontType2 maps CIDs to glyphs itself.
_COPIED_TABLES = (b"OS/2", b"cvt ", b"fpgm", b"prep")

_BIG_ENDIAN = sys.byteorder == "big"


class FontEmbedError(Exception):
    """A font cannot be embedded: unreadable, not TrueType outlines, or its licence
    forbids embedding a subset (spec R47). ``en`` is English, ``zh`` Simplified Chinese."""

    def __init__(self, en: str, zh: str, path: Path | str | None = None) -> None:
        super().__init__(en)
        self.en = en
        self.zh = zh
        self.path = Path(path) if path is not None else None


def _u32_array(data: bytes) -> array:
    a = array("I", data)
    if not _BIG_ENDIAN:
        a.byteswap()
    return a


def _u16_array(data: bytes) -> array:
    a = array("H", data)
    if not _BIG_ENDIAN:
        a.byteswap()
    return a


# Compiled once: a struct call per glyph with the format parsed in advance.
_HMETRIC = struct.Struct(">Hh")  # an hmtx entry: advance width, left side bearing
_ADVANCE = struct.Struct(">H")
_LOCA_LONG = struct.Struct(">II")  # loca entries of a glyph and of the next one
_LOCA_SHORT = struct.Struct(">HH")


# Byte lanes are summed in pieces of at most this many bytes: 256 * 255 < 65521, so the
# Adler-32 sum of a piece (mod 65521) is its exact byte sum.
_LANE_PIECE = 256


def _checksum(data: bytes) -> int:
    """The sfnt table checksum: the sum of big-endian uint32s, the data zero-padded.

    Summing the words one by one in Python costs some 60 instructions a word, and a CJK
    subset has about a hundred thousand. Instead, the sum is taken by byte lanes: lane k
    holds byte k of every word (``data[k::4]``, copied at C speed), and the checksum is
    the sum over the lanes of (sum of lane k) << (24 - 8k). Each lane is summed by
    zlib.adler32 in 256-byte pieces: started from 0, the low half of an Adler-32 value
    is the byte sum modulo 65521, exact for a piece that short. Zero padding adds
    nothing, so the lanes need none.
    """
    adler32 = zlib.adler32
    total = 0
    for k in range(4):
        lane = data[k::4]
        lane_sum = 0
        for start in range(0, len(lane), _LANE_PIECE):
            lane_sum += adler32(lane[start : start + _LANE_PIECE], 0) & 0xFFFF
        total += lane_sum << (24 - 8 * k)
    return total & 0xFFFFFFFF


# ---------------------------------------------------------------------------------
# Reading a face
# ---------------------------------------------------------------------------------


class _Cmap:
    """Character to glyph look-up over one cmap subtable (format 4 or 12), by bisection
    over its segments: nothing is expanded into a per-character dict."""

    def __init__(self, data, offset: int) -> None:
        fmt = struct.unpack_from(">H", data, offset)[0]
        self.format = fmt
        # The segments are kept as lists: bisecting a list compares ints in place, while
        # every probe into an array would make a new int object.
        if fmt == 12:
            (n,) = struct.unpack_from(">I", data, offset + 12)
            groups = _u32_array(data[offset + 16 : offset + 16 + 12 * n]).tolist()
            self._starts = groups[0::3]
            self._ends = groups[1::3]
            self._gids = groups[2::3]
        elif fmt == 4:
            (seg2,) = struct.unpack_from(">H", data, offset + 6)
            base = offset + 14
            self._ends = _u16_array(data[base : base + seg2]).tolist()
            self._starts = _u16_array(data[base + seg2 + 2 : base + 2 * seg2 + 2]).tolist()
            self._deltas = _u16_array(data[base + 2 * seg2 + 2 : base + 3 * seg2 + 2]).tolist()
            self._range_base = base + 3 * seg2 + 2
            self._ranges = _u16_array(data[self._range_base : self._range_base + seg2]).tolist()
            self._data = data
        else:  # pragma: no cover - callers only pass formats 4 and 12
            raise ValueError(f"cmap format {fmt} is not supported")

    def glyph(self, cp: int) -> int:
        if self.format == 12:
            i = bisect_right(self._starts, cp) - 1
            if i >= 0 and cp <= self._ends[i]:
                return self._gids[i] + cp - self._starts[i]
            return 0
        if cp > 0xFFFF:
            return 0
        i = bisect_left(self._ends, cp)
        if i >= len(self._ends) or self._starts[i] > cp:
            return 0
        if self._ranges[i] == 0:
            return (cp + self._deltas[i]) & 0xFFFF
        at = self._range_base + 2 * i + self._ranges[i] + 2 * (cp - self._starts[i])
        (g,) = struct.unpack_from(">H", self._data, at)
        return (g + self._deltas[i]) & 0xFFFF if g else 0


class SfntFace:
    """One TrueType face of a font file, read lazily through a memory map.

    Only glyph outlines in a ``glyf`` table are supported (CFF outlines would need a
    ``FontFile3`` path); the bundled fonts are TrueType.
    """

    def __init__(self, path: Path | str, index: int = 0) -> None:
        self.path = Path(path)
        self.index = index
        try:
            with self.path.open("rb") as f:
                self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        except FileNotFoundError:
            raise FontEmbedError(f"font file not found: {path}", f"找不到字体文件：{path}", path) from None
        except (OSError, ValueError) as exc:
            raise FontEmbedError(
                f"cannot read font file {path}: {exc}", f"无法读取字体文件 {path}：{exc}", path
            ) from exc
        try:
            self._read_directory(index)
            self._read_metrics()
        except FontEmbedError:
            self.close()
            raise
        except (struct.error, ValueError, KeyError, IndexError) as exc:
            self.close()
            raise FontEmbedError(
                f"cannot read font file {path}: {exc}", f"无法读取字体文件 {path}：{exc}", path
            ) from exc

    # ---- structure ------------------------------------------------------
    def _read_directory(self, index: int) -> None:
        m = self._map
        tag = m[0:4]
        base = 0
        if tag == b"ttcf":
            (count,) = struct.unpack_from(">I", m, 8)
            if not 0 <= index < count:
                raise ValueError(f"face index {index} out of range (collection has {count})")
            (base,) = struct.unpack_from(">I", m, 12 + 4 * index)
            tag = m[base : base + 4]
        elif index:
            raise ValueError(f"face index {index} given for a single-face font")
        if tag == b"OTTO":
            raise FontEmbedError(
                f"{self.path.name} has CFF outlines; only TrueType outlines can be embedded",
                f"{self.path.name} 是 CFF 轮廓字体，只能嵌入 TrueType 轮廓字体",
                self.path,
            )
        if tag not in (b"\x00\x01\x00\x00", b"true"):
            raise ValueError("not a TrueType font")
        (num,) = struct.unpack_from(">H", m, base + 4)
        self.tables: dict[bytes, tuple[int, int]] = {}
        for i in range(num):
            t, _sum, off, length = struct.unpack_from(">4sIII", m, base + 12 + 16 * i)
            self.tables[t] = (off, length)
        for required in (b"head", b"hhea", b"maxp", b"hmtx", b"loca", b"glyf", b"cmap"):
            if required not in self.tables:
                raise ValueError(f"no {required.decode()!r} table")

    def table(self, tag: bytes) -> bytes:
        off, length = self.tables[tag]
        return self._map[off : off + length]

    def _read_metrics(self) -> None:
        m = self._map
        head = self.tables[b"head"][0]
        self.units_per_em = struct.unpack_from(">H", m, head + 18)[0]
        self.bbox = struct.unpack_from(">hhhh", m, head + 36)
        self._long_loca = struct.unpack_from(">h", m, head + 50)[0] == 1
        hhea = self.tables[b"hhea"][0]
        self.ascent, self.descent = struct.unpack_from(">hh", m, hhea + 4)
        self._num_hmetrics = struct.unpack_from(">H", m, hhea + 34)[0]
        self.num_glyphs = struct.unpack_from(">H", m, self.tables[b"maxp"][0] + 4)[0]
        self._hmtx = self.tables[b"hmtx"][0]
        self._loca = self.tables[b"loca"][0]
        self._glyf = self.tables[b"glyf"][0]
        self.fs_type = 0
        self.cap_height = self.ascent
        if b"OS/2" in self.tables:
            os2, length = self.tables[b"OS/2"]
            self.fs_type = struct.unpack_from(">H", m, os2 + 8)[0]
            version = struct.unpack_from(">H", m, os2)[0]
            if version >= 2 and length >= 90:
                self.cap_height = struct.unpack_from(">h", m, os2 + 88)[0] or self.ascent
        self.italic_angle = 0.0
        if b"post" in self.tables:
            fixed = struct.unpack_from(">i", m, self.tables[b"post"][0] + 4)[0]
            self.italic_angle = fixed / 65536.0
        self.ps_name = self._postscript_name()
        self._cmap = self._pick_cmap()

    def _pick_cmap(self) -> _Cmap:
        m = self._map
        base = self.tables[b"cmap"][0]
        (count,) = struct.unpack_from(">H", m, base + 2)
        found: dict[tuple[int, int, int], int] = {}
        for i in range(count):
            pid, eid, off = struct.unpack_from(">HHI", m, base + 4 + 8 * i)
            fmt = struct.unpack_from(">H", m, base + off)[0]
            found[(pid, eid, fmt)] = base + off
        for key in ((3, 10, 12), (0, 4, 12), (0, 6, 12), (3, 1, 4), (0, 3, 4), (0, 1, 4), (3, 0, 4)):
            if key in found:
                return _Cmap(m, found[key])
        raise ValueError("no Unicode cmap (format 4 or 12)")

    def _postscript_name(self) -> str:
        m = self._map
        name = ""
        if b"name" in self.tables:
            base = self.tables[b"name"][0]
            count, strings = struct.unpack_from(">2xHH", m, base)
            for i in range(count):
                pid, eid, _lang, nid, length, off = struct.unpack_from(">6H", m, base + 6 + 12 * i)
                if nid != 6:
                    continue
                raw = m[base + strings + off : base + strings + off + length]
                if pid == 3 or pid == 0:
                    name = raw.decode("utf-16-be", "replace")
                    break
                if pid == 1 and not name:
                    name = raw.decode("latin-1")
        clean = "".join(ch for ch in name if "!" <= ch <= "~" and ch not in "()<>[]{}/%#")
        return clean or "".join(ch for ch in self.path.stem if ch.isascii() and ch.isalnum()) or "Font"

    # ---- glyphs ---------------------------------------------------------
    def glyph_id(self, ch: str) -> int:
        """The glyph of a character; 0 (.notdef) when the font has none."""
        gid = self._cmap.glyph(ord(ch))
        return gid if gid < self.num_glyphs else 0

    def advance(self, gid: int) -> int:
        """The advance width of a glyph, in font units (``hmetric(gid)[0]``)."""
        n = self._num_hmetrics
        return _ADVANCE.unpack_from(self._map, self._hmtx + 4 * (gid if gid < n else n - 1))[0]

    def hmetric(self, gid: int) -> tuple[int, int]:
        """(advance width, left side bearing) of a glyph, in font units."""
        n = self._num_hmetrics
        if gid < n:
            return _HMETRIC.unpack_from(self._map, self._hmtx + 4 * gid)
        (advance,) = struct.unpack_from(">H", self._map, self._hmtx + 4 * (n - 1))
        (lsb,) = struct.unpack_from(">h", self._map, self._hmtx + 4 * n + 2 * (gid - n))
        return advance, lsb

    def glyph_data(self, gid: int) -> bytes:
        if self._long_loca:
            start, end = _LOCA_LONG.unpack_from(self._map, self._loca + 4 * gid)
        else:
            start, end = _LOCA_SHORT.unpack_from(self._map, self._loca + 2 * gid)
            start, end = 2 * start, 2 * end
        if end <= start:
            return b""
        return self._map[self._glyf + start : self._glyf + end]

    def close(self) -> None:
        m = getattr(self, "_map", None)
        if m is not None:
            self._cmap = None  # holds a reference into the map for format 4
            m.close()
            self._map = None

    def __enter__(self) -> SfntFace:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def check_embedding_allowed(self) -> None:
        """Spec R47: refuse fonts whose licence forbids embedding a subset."""
        fs = self.fs_type
        what = None
        if fs & 0x000F == FS_RESTRICTED:
            what = ("its licence forbids embedding", "其授权禁止嵌入")
        elif fs & FS_NO_SUBSETTING:
            what = ("its licence forbids embedding a subset", "其授权禁止子集嵌入")
        elif fs & FS_BITMAP_ONLY:
            what = ("its licence allows embedding bitmaps only", "其授权只允许嵌入点阵")
        if what:
            raise FontEmbedError(
                f"font {self.ps_name} ({self.path.name}) cannot be embedded: {what[0]} (fsType {fs:#06x})",
                f"字体 {self.ps_name}（{self.path.name}）不能嵌入：{what[1]}",
                self.path,
            )


def composite_components(data: bytes) -> list[tuple[int, int]]:
    """(byte offset of the glyph index, glyph index) of each component of a composite
    glyph; an empty list for a simple glyph."""
    if len(data) < 10 or struct.unpack_from(">h", data, 0)[0] >= 0:
        return []
    out: list[tuple[int, int]] = []
    pos = 10
    while True:
        flags, gid = struct.unpack_from(">HH", data, pos)
        out.append((pos + 2, gid))
        pos += 4 + (4 if flags & _ARG_1_AND_2_ARE_WORDS else 2)
        if flags & _WE_HAVE_A_SCALE:
            pos += 2
        elif flags & _WE_HAVE_AN_X_AND_Y_SCALE:
            pos += 4
        elif flags & _WE_HAVE_A_TWO_BY_TWO:
            pos += 8
        if not flags & _MORE_COMPONENTS:
            return out


# ---------------------------------------------------------------------------------
# Writing a subset
# ---------------------------------------------------------------------------------


GlyphSpec = tuple[int, "int | None"]  # (glyph id, advance override in font units or None)

_PADDING = (b"", b"\0\0\0", b"\0\0", b"\0")  # by length % 4: zeros up to a multiple of four


def _narrowed(data: bytes, base: int) -> bytes:
    """A composite glyph drawing glyph ``base`` unchanged: the body of a glyph that
    differs from ``base`` only in its advance width (set in hmtx)."""
    if not data:
        return b""  # no outline (a space): nothing to refer to
    header = data[2:10]  # the base glyph's bounding box
    return struct.pack(">h", -1) + header + struct.pack(">HHbb", _ARGS_ARE_XY_VALUES, base, 0, 0)


def build_truetype_subset(face: SfntFace, glyphs: list[GlyphSpec]) -> tuple[bytes, dict[GlyphSpec, int]]:
    """A TrueType file holding ``.notdef``, the given glyphs (in that order) and the
    components they need; returns the file and glyph spec -> new glyph id.

    A spec is ``(glyph id, None)`` for a glyph as it is, or ``(glyph id, advance)`` for
    a glyph with another advance width: a one-component composite of the original, so
    the outline is shared and the font's widths agree with the PDF's /W.
    """
    order: list[GlyphSpec] = [(0, None)]
    new_id: dict[GlyphSpec, int] = {(0, None): 0}
    for spec in glyphs:
        if spec not in new_id:
            new_id[spec] = len(order)
            order.append(spec)

    def add(spec: GlyphSpec) -> int:
        found = new_id.get(spec)
        if found is None:
            found = new_id[spec] = len(order)
            order.append(spec)
        return found

    # face.glyph_data and face.hmetric, inlined: this loop runs for every glyph
    font, glyf_at, hmtx_at, n_hmetrics = face._map, face._glyf, face._hmtx, face._num_hmetrics
    if face._long_loca:
        loca_entries, loca_at, loca_step, loca_unit = _LOCA_LONG.unpack_from, face._loca, 4, 1
    else:
        loca_entries, loca_at, loca_step, loca_unit = _LOCA_SHORT.unpack_from, face._loca, 2, 2
    hmetric = _HMETRIC.unpack_from
    bodies: list[bytes] = []
    new_advances: list[int] = []
    new_lsbs: list[int] = []
    depth = 0  # extra composite nesting added by advance variants
    i = 0
    while i < len(order):  # order grows as components are found
        gid, advance = order[i]
        start, end = loca_entries(font, loca_at + loca_step * gid)
        data = font[glyf_at + start * loca_unit : glyf_at + end * loca_unit] if end > start else b""
        adv, lsb = hmetric(font, hmtx_at + 4 * gid) if gid < n_hmetrics else face.hmetric(gid)
        if advance is not None:
            body = _narrowed(data, add((gid, None)))
            adv = advance
            depth = 1
        else:
            body = data
            # numberOfContours < 0: a composite glyph, whose components are renumbered
            if len(data) >= 10 and data[0] & 0x80:
                buf = bytearray(data)
                for at, g in composite_components(data):
                    struct.pack_into(">H", buf, at, add((g, None)))
                body = bytes(buf)
        bodies.append(body)
        new_advances.append(adv)
        new_lsbs.append(lsb)
        i += 1

    # glyf: the bodies, each padded to four bytes; loca: where each starts (long offsets)
    glyf = b"".join([body + _PADDING[len(body) & 3] if len(body) & 3 else body for body in bodies])
    loca = array("I", accumulate([len(body) + (-len(body) & 3) for body in bodies], initial=0))
    if not _BIG_ENDIAN:
        loca.byteswap()

    # hmtx: (advance, lsb) pairs; the lsbs' int16 bits as uint16
    hmtx = array("H", bytes(4 * len(bodies)))
    hmtx[0::2] = array("H", new_advances)
    hmtx[1::2] = array("H", array("h", new_lsbs).tobytes())
    if not _BIG_ENDIAN:
        hmtx.byteswap()

    n = len(order)
    head = bytearray(face.table(b"head"))
    struct.pack_into(">I", head, 8, 0)  # checkSumAdjustment, set below
    struct.pack_into(">h", head, 50, 1)  # indexToLocFormat: long offsets
    hhea = bytearray(face.table(b"hhea"))
    struct.pack_into(">H", hhea, 34, n)
    maxp = bytearray(face.table(b"maxp"))
    struct.pack_into(">H", maxp, 4, n)
    if depth and len(maxp) >= 32:  # keep maxp's composite limits true for the variants
        points, contours, cpoints, ccontours = struct.unpack_from(">4H", maxp, 6)
        elements, nesting = struct.unpack_from(">2H", maxp, 28)
        struct.pack_into(">2H", maxp, 10, max(points, cpoints), max(contours, ccontours))
        struct.pack_into(">2H", maxp, 28, max(elements, 1), nesting + 1)
    post = struct.pack(">IihhIIIII", 0x00030000, int(round(face.italic_angle * 65536)), 0, 0, 0, 0, 0, 0, 0)

    tables: dict[bytes, bytes] = {
        b"head": bytes(head),
        b"hhea": bytes(hhea),
        b"maxp": bytes(maxp),
        b"hmtx": hmtx.tobytes(),
        b"loca": loca.tobytes(),
        b"glyf": glyf,
        b"post": post,
    }
    for tag in _COPIED_TABLES:
        if tag in face.tables:
            tables[tag] = face.table(tag)
    return _assemble_sfnt(tables), new_id


def _assemble_sfnt(tables: dict[bytes, bytes]) -> bytes:
    tags = sorted(tables)
    num = len(tags)
    power = 1
    while power * 2 <= num:
        power *= 2
    search_range = power * 16
    header = struct.pack(">IHHHH", 0x00010000, num, search_range, power.bit_length() - 1, num * 16 - search_range)
    directory = bytearray()
    parts: list[bytes] = []
    offset = 12 + 16 * num
    # Every table starts on a four-byte boundary and is zero-padded, so the checksum of
    # the whole file is the sum of the table checksums and the checksum of the header
    # and directory: no second pass over the file.
    total = 0
    head_part = -1
    for tag in tags:
        data = tables[tag]
        table_sum = _checksum(data)
        total += table_sum
        directory += struct.pack(">4sIII", tag, table_sum, offset, len(data))
        if tag == b"head":
            head_part = len(parts)
        parts.append(data)
        pad = (-len(data)) % 4
        if pad:
            parts.append(b"\0" * pad)
        offset += len(data) + pad
    front = header + bytes(directory)
    total += _checksum(front)
    head = bytearray(parts[head_part])  # its checkSumAdjustment is 0 in the sums above
    struct.pack_into(">I", head, 8, (0xB1B0AFBA - total) & 0xFFFFFFFF)
    parts[head_part] = bytes(head)
    return b"".join([front, *parts])


# ---------------------------------------------------------------------------------
# One face in one document
# ---------------------------------------------------------------------------------


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
        (advance,) = _ADVANCE.unpack_from(face._map, face._hmtx + 4 * (gid if gid < n else n - 1))
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
        if not _BIG_ENDIAN:
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
        if not _BIG_ENDIAN:
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
