"""The one sfnt (TrueType/OpenType) reader of the project.

:func:`table_directory` reads where a face's tables are; the font registry uses it for a
font's fingerprint (:func:`xjeditor.typeset.fonts.font_fingerprint`). :class:`SfntFace`
memory-maps a TrueType font and reads only what is asked of it: the table directory,
the cmap, and the hmtx/loca/glyf entries of single glyphs. The PDF renderer's subsetter
(:mod:`xjeditor.render.pdf_subset`) builds on it. A whole font (covered characters, every
advance width) is read with fontTools, once, for a font's metrics cache
(:func:`xjeditor.typeset.fonts.build_metrics_cache`).
"""

from __future__ import annotations

import mmap
import struct
import sys
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from pathlib import Path

from ..errors import BilingualError

# OS/2 fsType bits (OpenType spec): what the font's licence allows an embedder to do.
FS_RESTRICTED = 0x0002  # must not be embedded at all (unless bits 2 or 3 are also set)
FS_NO_SUBSETTING = 0x0100  # may be embedded only whole
FS_BITMAP_ONLY = 0x0200  # only bitmaps may be embedded

# Composite glyph component flags (TrueType 'glyf' table).
_ARG_1_AND_2_ARE_WORDS = 0x0001
ARGS_ARE_XY_VALUES = 0x0002
_WE_HAVE_A_SCALE = 0x0008
_MORE_COMPONENTS = 0x0020
_WE_HAVE_AN_X_AND_Y_SCALE = 0x0040
_WE_HAVE_A_TWO_BY_TWO = 0x0080

BIG_ENDIAN = sys.byteorder == "big"

#: sfnt versions of a face: TrueType outlines (two spellings) and CFF outlines.
_SFNT_VERSIONS = (b"\x00\x01\x00\x00", b"true", b"OTTO")


class FontEmbedError(BilingualError):
    """A font cannot be embedded: unreadable, not TrueType outlines, or its licence
    forbids embedding a subset (spec R47). ``en`` is English, ``zh`` Simplified Chinese."""

    def __init__(self, en: str, zh: str, path: Path | str | None = None) -> None:
        super().__init__(en, zh, path=Path(path) if path is not None else None)


def u32_array(data: bytes) -> array:
    a = array("I", data)
    if not BIG_ENDIAN:
        a.byteswap()
    return a


def u16_array(data: bytes) -> array:
    a = array("H", data)
    if not BIG_ENDIAN:
        a.byteswap()
    return a


# Compiled once: a struct call per glyph with the format parsed in advance.
HMETRIC = struct.Struct(">Hh")  # an hmtx entry: advance width, left side bearing
ADVANCE = struct.Struct(">H")
LOCA_LONG = struct.Struct(">II")  # loca entries of a glyph and of the next one
LOCA_SHORT = struct.Struct(">HH")



def table_directory(read: Callable[[int, int], bytes], index: int = 0) -> tuple[bytes, dict[bytes, tuple[int, int]]]:
    """The sfnt version tag of face ``index`` and its tables: tag -> (offset, length).

    ``read(offset, n)`` returns ``n`` bytes of the file from ``offset`` (it raises
    ValueError when the file is shorter). Raises ValueError for anything that is not a
    TrueType/OpenType font or collection, or a face index it does not have."""
    tag = read(0, 4)
    base = 0
    if tag == b"ttcf":
        (count,) = struct.unpack(">I", read(8, 4))
        if not 0 <= index < count:
            raise ValueError(f"face index {index} out of range (collection has {count})")
        (base,) = struct.unpack(">I", read(12 + 4 * index, 4))
        tag = read(base, 4)
    elif index:
        raise ValueError(f"face index {index} given for a single-face font")
    if tag not in _SFNT_VERSIONS:
        raise ValueError("not a TrueType/OpenType font")
    (num,) = struct.unpack(">H", read(base + 4, 2))
    directory = read(base + 12, 16 * num)
    tables: dict[bytes, tuple[int, int]] = {}
    for i in range(num):
        t, _sum, off, length = struct.unpack_from(">4sIII", directory, 16 * i)
        tables[t] = (off, length)
    return tag, tables


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
            groups = u32_array(data[offset + 16 : offset + 16 + 12 * n]).tolist()
            self._starts = groups[0::3]
            self._ends = groups[1::3]
            self._gids = groups[2::3]
        elif fmt == 4:
            (seg2,) = struct.unpack_from(">H", data, offset + 6)
            base = offset + 14
            self._ends = u16_array(data[base : base + seg2]).tolist()
            self._starts = u16_array(data[base + seg2 + 2 : base + 2 * seg2 + 2]).tolist()
            self._deltas = u16_array(data[base + 2 * seg2 + 2 : base + 3 * seg2 + 2]).tolist()
            self._range_base = base + 3 * seg2 + 2
            self._ranges = u16_array(data[self._range_base : self._range_base + seg2]).tolist()
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

        def read(offset: int, n: int) -> bytes:
            data = m[offset : offset + n]
            if len(data) != n:
                raise ValueError("file is truncated")
            return data

        tag, self.tables = table_directory(read, index)
        if tag == b"OTTO":
            raise FontEmbedError(
                f"{self.path.name} has CFF outlines; only TrueType outlines can be embedded",
                f"{self.path.name} 是 CFF 轮廓字体，只能嵌入 TrueType 轮廓字体",
                self.path,
            )
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
        return ADVANCE.unpack_from(self._map, self._hmtx + 4 * (gid if gid < n else n - 1))[0]

    def hmetric(self, gid: int) -> tuple[int, int]:
        """(advance width, left side bearing) of a glyph, in font units."""
        n = self._num_hmetrics
        if gid < n:
            return HMETRIC.unpack_from(self._map, self._hmtx + 4 * gid)
        (advance,) = struct.unpack_from(">H", self._map, self._hmtx + 4 * (n - 1))
        (lsb,) = struct.unpack_from(">h", self._map, self._hmtx + 4 * n + 2 * (gid - n))
        return advance, lsb

    def glyph_data(self, gid: int) -> bytes:
        if self._long_loca:
            start, end = LOCA_LONG.unpack_from(self._map, self._loca + 4 * gid)
        else:
            start, end = LOCA_SHORT.unpack_from(self._map, self._loca + 2 * gid)
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

