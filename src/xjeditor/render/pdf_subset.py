"""Writing a TrueType subset: a new font file holding only the glyphs a document uses
(and the components of composite glyphs), renumbered from 1, with ``.notdef`` as glyph 0.
A glyph shown with another advance width becomes a one-component composite of the
original. The tables are checksummed by byte lanes, fast (:func:`_checksum`)."""

from __future__ import annotations

import struct
import zlib
from array import array
from itertools import accumulate

from ..typeset.sfnt import (
    ARGS_ARE_XY_VALUES,
    BIG_ENDIAN,
    HMETRIC,
    LOCA_LONG,
    LOCA_SHORT,
    SfntFace,
    composite_components,
)

# Tables copied into a subset. hmtx, loca and glyf are rebuilt; head, hhea and maxp are
# copied with their glyph counts patched. cvt/fpgm/prep carry hinting the glyph
# programs may call. cmap is left out: a CIDFontType2 maps CIDs to glyphs itself.
_COPIED_TABLES = (b"OS/2", b"cvt ", b"fpgm", b"prep")

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



GlyphSpec = tuple[int, "int | None"]  # (glyph id, advance override in font units or None)

_PADDING = (b"", b"\0\0\0", b"\0\0", b"\0")  # by length % 4: zeros up to a multiple of four


def _narrowed(data: bytes, base: int) -> bytes:
    """A composite glyph drawing glyph ``base`` unchanged: the body of a glyph that
    differs from ``base`` only in its advance width (set in hmtx)."""
    if not data:
        return b""  # no outline (a space): nothing to refer to
    header = data[2:10]  # the base glyph's bounding box
    return struct.pack(">h", -1) + header + struct.pack(">HHbb", ARGS_ARE_XY_VALUES, base, 0, 0)


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
        loca_entries, loca_at, loca_step, loca_unit = LOCA_LONG.unpack_from, face._loca, 4, 1
    else:
        loca_entries, loca_at, loca_step, loca_unit = LOCA_SHORT.unpack_from, face._loca, 2, 2
    hmetric = HMETRIC.unpack_from
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
    if not BIG_ENDIAN:
        loca.byteswap()

    # hmtx: (advance, lsb) pairs; the lsbs' int16 bits as uint16
    hmtx = array("H", bytes(4 * len(bodies)))
    hmtx[0::2] = array("H", new_advances)
    hmtx[1::2] = array("H", array("h", new_lsbs).tobytes())
    if not BIG_ENDIAN:
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

