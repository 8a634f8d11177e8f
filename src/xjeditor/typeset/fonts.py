"""The font registry and real-font metrics.

The registry maps the four newspaper roles (``FontRole`` values: song, biaosong, hei,
kai) and family names to font files, each with a fallback chain: a character the
font lacks is drawn from the first font in its chain that has it (e.g. kai -> song).

Metrics load fast. Each bundled font has a compact cache beside it
(``<font>.metrics.json``, written by ``tools/build_fonts.py``): the covered code points
as ranges, the most common advance width, and the advances that differ from it. The
cache names the font file's size and its ``head.checkSumAdjustment`` (a whole-file
checksum the font carries), so a stale cache is detected by reading a few hundred
bytes of the font. A font without a valid cache (a system font the user added, or a
rebuilt font) is read with fontTools once and its cache is kept in memory.

No Qt or reportlab here: the renderers register the files they get from ``path()``.
"""

from __future__ import annotations

import functools
import json
import struct
import threading
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from xjeditor import paths
from xjeditor.errors import BilingualError

from .sfnt import table_directory


CACHE_FORMAT = 1
CACHE_SUFFIX = ".metrics.json"

# The bundled fonts: role -> (file name, fallback roles). tools/build_fonts.py makes
# these files and records them in resources/fonts/fonts.json, which wins when present.
MANIFEST = "fonts.json"
BUNDLED_FONTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "song": ("NotoSerifCJKsc-Regular-xj.ttf", ("kai",)),  # kai only for U+2252 ≒
    "biaosong": ("NotoSerifCJKsc-Black-xj.ttf", ("song",)),
    "hei": ("NotoSansCJKsc-Bold-xj.ttf", ("song",)),
    "kai": ("XJWenKai-Regular.ttf", ("song",)),
}

# File types add_font() reads (for the editor's file picker); .ttc/.otc take a face index.
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")


class FontError(BilingualError):
    """A font file is missing, unreadable or not a font, or a font key is unknown.

    ``str(err)`` and ``err.en`` are English (for the CLI and logs); ``err.zh`` is the
    same message in Simplified Chinese for the editor's UI.
    """

    def __init__(self, en: str, zh: str, path: Path | str | None = None) -> None:
        super().__init__(en, zh, path=Path(path) if path is not None else None)

    @classmethod
    def missing_file(cls, path: Path | str) -> FontError:
        return cls(f"font file not found: {path}", f"找不到字体文件：{path}", path)

    @classmethod
    def unreadable(cls, path: Path | str, detail: str) -> FontError:
        return cls(
            f"cannot read font file {path}: {detail}",
            f"无法读取字体文件 {path}：{detail}",
            path,
        )

    @classmethod
    def unknown_key(cls, key: str) -> FontError:
        return cls(f"no font registered as {key!r}", f"未登记的字体：{key}")


# ---------------------------------------------------------------------------------
# Reading the few bytes of a font file that identify it
# ---------------------------------------------------------------------------------


def font_fingerprint(path: Path, index: int = 0) -> dict[str, int]:
    """File size and ``head.checkSumAdjustment`` of face ``index``: cheap to read, and
    changed by any rebuild of the font."""
    try:
        size = path.stat().st_size
        with path.open("rb") as f:

            def data_at(off: int, n: int) -> bytes:
                f.seek(off)
                b = f.read(n)
                if len(b) != n:
                    raise ValueError("file is truncated")
                return b

            _version, tables = table_directory(data_at, index)
            if b"head" in tables:
                (adj,) = struct.unpack(">I", data_at(tables[b"head"][0] + 8, 4))
                return {"size": size, "checksum_adjustment": adj}
    except FileNotFoundError:
        raise FontError.missing_file(path) from None
    except (OSError, ValueError, struct.error) as exc:
        raise FontError.unreadable(path, str(exc)) from exc
    raise FontError.unreadable(path, "no 'head' table")


# ---------------------------------------------------------------------------------
# The metrics cache
# ---------------------------------------------------------------------------------


def _ranges(cps: Iterable[int]) -> list[int]:
    """Sorted code points as a flat list of inclusive ranges [a0, b0, a1, b1, ...]."""
    out: list[int] = []
    for cp in sorted(cps):
        if out and cp == out[-1] + 1:
            out[-1] = cp
        else:
            out.extend((cp, cp))
    return out


def build_metrics_cache(path: Path | str, index: int = 0) -> dict:
    """Read a font with fontTools and return its metrics cache (a JSON-able dict)."""
    path = Path(path)
    fingerprint = font_fingerprint(path, index)
    try:
        from fontTools.ttLib import TTFont, TTLibError

        try:
            font = TTFont(str(path), fontNumber=index, lazy=True)
            cmap = font.getBestCmap() or {}
            hmtx = font["hmtx"]
            upem = font["head"].unitsPerEm
            glyph_order = font.getGlyphOrder()
            notdef = hmtx[glyph_order[0]][0]
            family, style, name = _names(font)
            ascent, descent = _vertical_metrics(font)
            widths = {cp: hmtx[g][0] for cp, g in cmap.items()}
            font.close()
        except TTLibError as exc:
            raise FontError.unreadable(path, str(exc)) from exc
    except FontError:
        raise
    except Exception as exc:  # fontTools raises many kinds on a damaged file
        raise FontError.unreadable(path, f"{type(exc).__name__}: {exc}") from exc
    default = Counter(widths.values()).most_common(1)[0][0] if widths else notdef
    exceptions: list[int] = []
    for cp in sorted(widths):
        if widths[cp] != default:
            exceptions.extend((cp, widths[cp]))
    return {
        "format": CACHE_FORMAT,
        "file": path.name,
        "index": index,
        **fingerprint,
        "name": name,
        "family": family,
        "style": style,
        "units_per_em": upem,
        "ascent": ascent,
        "descent": descent,
        "notdef_advance": notdef,
        "default_advance": default,
        "glyph_count": len(glyph_order),
        "codepoint_count": len(widths),
        "ranges": _ranges(widths),
        "advances": exceptions,
    }


def _names(font) -> tuple[str, str, str]:
    """(family, style, full name) in English: the typographic family and style (name
    IDs 16/17) when present, else the legacy ones (1/2); the full name is ID 4."""
    table = font["name"]

    def get(*ids: int) -> str:
        for name_id in ids:
            rec = table.getName(name_id, 3, 1, 0x409) or table.getName(name_id, 1, 0, 0)
            if rec is not None:
                return rec.toUnicode()
        return ""

    family = get(16, 1) or Path(getattr(font.reader.file, "name", "font")).stem
    style = get(17, 2) or "Regular"
    full = get(4) or (family if style == "Regular" else f"{family} {style}")
    return family, style, full


def _vertical_metrics(font) -> tuple[int, int]:
    """Ascent and descent (positive) in font units: the OS/2 typographic values, which
    for CJK fonts describe the ideographic em box; hhea when there is no OS/2."""
    os2 = font.get("OS/2") if "OS/2" in font else None
    if os2 is not None and (os2.sTypoAscender or os2.sTypoDescender):
        return int(os2.sTypoAscender), int(-os2.sTypoDescender)
    hhea = font["hhea"]
    return int(hhea.ascent), int(-hhea.descent)


def cache_path_for(path: Path, index: int = 0) -> Path:
    stem = path.name.rsplit(".", 1)[0]
    suffix = CACHE_SUFFIX if index == 0 else f".{index}{CACHE_SUFFIX}"
    return path.with_name(stem + suffix)


def write_metrics_cache(path: Path | str, index: int = 0) -> Path:
    """Build the cache for a font and write it beside the font; returns its path."""
    path = Path(path)
    data = build_metrics_cache(path, index)
    out = cache_path_for(path, index)
    out.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    return out


def _read_valid_cache(path: Path, index: int) -> dict | None:
    cache = cache_path_for(path, index)
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if data.get("format") != CACHE_FORMAT or data.get("index", 0) != index:
        return None
    fp = font_fingerprint(path, index)
    if data.get("size") != fp["size"] or data.get("checksum_adjustment") != fp["checksum_adjustment"]:
        return None
    return data


# ---------------------------------------------------------------------------------
# Metrics of one font file
# ---------------------------------------------------------------------------------


def _never_reported(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf")


class FileFontMetrics:
    """``FontMetrics`` of one font file (implements the protocol in ``metrics.py``)."""

    def __init__(self, data: dict, path: Path, *, from_cache: bool) -> None:
        self.path = path
        self.index: int = data.get("index", 0)
        self.name: str = data["name"]  # full name, e.g. "Noto Serif CJK SC Black"
        self.family: str = data.get("family", self.name)
        self.style: str = data.get("style", "Regular")
        self.from_cache = from_cache
        upem = float(data["units_per_em"])
        self.units_per_em = int(upem)
        self.ascent: float = data["ascent"] / upem
        self.descent: float = data["descent"] / upem
        self._notdef = data["notdef_advance"] / upem
        self._default = data["default_advance"] / upem
        self.codepoint_count: int = data["codepoint_count"]
        flat = data["ranges"]
        self._starts: list[int] = flat[0::2]
        self._ends: list[int] = flat[1::2]
        adv = data["advances"]
        self._exceptions: dict[int, float] = {
            cp: w / upem for cp, w in zip(adv[0::2], adv[1::2], strict=True)
        }
        self._memo: dict[str, float | None] = {}  # char -> advance, None if missing
        self._present: set[str] = set()  # characters seen to have a glyph (for missing())

    def __repr__(self) -> str:
        return f"<FileFontMetrics {self.name!r} {self.path.name}>"

    def _lookup(self, ch: str) -> float | None:
        cp = ord(ch)
        i = bisect_right(self._starts, cp) - 1
        if i < 0 or cp > self._ends[i]:
            result = None
        else:
            result = self._exceptions.get(cp, self._default)
        self._memo[ch] = result
        return result

    def advance(self, ch: str) -> float:
        try:
            w = self._memo[ch]
        except KeyError:
            w = self._lookup(ch)
        return self._notdef if w is None else w

    def has_glyph(self, ch: str) -> bool:
        try:
            w = self._memo[ch]
        except KeyError:
            w = self._lookup(ch)
        return w is not None

    def missing(self, text: str) -> list[str]:
        # text of characters already seen present: one C-level pass, no set built
        if self._present.issuperset(text):
            return []
        unknown = set(text) - self._present
        if not unknown:
            return []
        memo = self._memo
        lacking = []
        for ch in unknown:
            if (memo[ch] if ch in memo else self._lookup(ch)) is not None:
                self._present.add(ch)
            elif not _never_reported(ch):
                lacking.append(ch)
        if not lacking:
            return []
        return sorted(lacking, key=text.index)  # first-seen order

    def codepoints(self) -> Iterator[int]:
        """Every code point the font maps, in order."""
        for a, b in zip(self._starts, self._ends, strict=True):
            yield from range(a, b + 1)

    def known_advances(self) -> dict[str, float]:
        """The advance (em) of every character looked up so far that the font has."""
        memo = self._memo.copy()  # one C call: another thread may be adding to it
        return {ch: w for ch, w in memo.items() if w is not None}


_metrics_cache: dict[tuple[str, int], FileFontMetrics] = {}
_metrics_lock = threading.Lock()


def load_metrics(path: Path | str, index: int = 0) -> FileFontMetrics:
    """Metrics of a font file, loaded once per (file, face) and then shared."""
    given = path
    m = _metrics_cache.get((str(given), index))  # fast path: the path as given
    if m is not None:
        return m
    path = Path(path).resolve()
    key = (str(path), index)
    with _metrics_lock:
        m = _metrics_cache.get(key)
        if m is not None:
            return m
    if not path.is_file():
        raise FontError.missing_file(path)
    data = _read_valid_cache(path, index)
    from_cache = data is not None
    if data is None:
        data = build_metrics_cache(path, index)
    m = FileFontMetrics(data, path, from_cache=from_cache)
    with _metrics_lock:
        m = _metrics_cache.setdefault(key, m)
        _metrics_cache.setdefault((str(given), index), m)
        return m


def clear_metrics_cache() -> None:
    """Forget every loaded font's metrics (tests, or after fonts were rebuilt)."""
    with _metrics_lock:
        _metrics_cache.clear()


# ---------------------------------------------------------------------------------
# The registry
# ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FontEntry:
    """A font registered under a key: its file, face index, family and fallbacks."""

    key: str  # the role value or the family name it is registered under
    path: Path
    index: int = 0  # face index in a collection (.ttc/.otc)
    family: str = ""  # family name from the font's name table
    fallbacks: tuple[str, ...] = field(default=())


class FontRegistry:
    """Font keys (roles and family names) -> font files, metrics and fallback chains."""

    def __init__(self) -> None:
        self._entries: dict[str, FontEntry] = {}
        self._aliases: dict[str, str] = {}  # casefolded key or family -> key
        self._metrics: dict[str, FileFontMetrics] = {}  # key -> loaded metrics

    # -- registering ---------------------------------------------------------------

    def register(
        self,
        key: str,
        path: Path | str,
        index: int = 0,
        *,
        family: str = "",
        aliases: Iterable[str] = (),
        fallbacks: Iterable[str] = (),
        check: bool = True,
    ) -> FontEntry:
        """Register ``path`` (face ``index``) as ``key``; ``family`` and ``aliases`` also
        find it (case-insensitive) unless an earlier font took them. With ``check`` the
        file must exist and be a font."""
        key = str(key)
        path = Path(path)
        if check:
            if not path.is_file():
                raise FontError.missing_file(path)
            font_fingerprint(path, index)  # raises FontError if it is no font
        entry = FontEntry(key, path, index, family, tuple(str(f) for f in fallbacks))
        self._entries[key] = entry
        self._metrics.pop(key, None)
        self._aliases[key.casefold()] = key
        for alias in (family, *aliases):
            if alias:
                self._aliases.setdefault(alias.casefold(), key)
        return entry

    def add_font(self, path: Path | str, name: str | None = None, index: int = 0,
                 fallbacks: Iterable[str] = ("song",)) -> str:
        """Register a font the user picked (TTF/OTF, or face ``index`` of a TTC/OTC).

        The key is ``name`` or else the font's full name (e.g. "Noto Serif CJK SC
        Black"); it is returned. The family and full names also find it. By default
        characters the font lacks fall back to the song role."""
        path = Path(path)
        if not path.is_file():
            raise FontError.missing_file(path)
        metrics = load_metrics(path, index)  # reads and validates the font
        key = name or metrics.name
        chain = tuple(f for f in fallbacks if f != key and f in self._entries)
        self.register(key, path, index, family=metrics.family, aliases=(metrics.name,),
                      fallbacks=chain, check=False)
        return key

    def set_fallbacks(self, key: str, fallbacks: Iterable[str]) -> None:
        e = self.entry(key)
        self._entries[e.key] = FontEntry(e.key, e.path, e.index, e.family, tuple(fallbacks))

    # -- looking up ----------------------------------------------------------------

    def resolve(self, key: str) -> str:
        """The registered key for ``key`` (a key or family name, any case)."""
        if key in self._entries:
            return key
        k = self._aliases.get(str(key).casefold())
        if k is None:
            raise FontError.unknown_key(str(key))
        return k

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and (
            key in self._entries or key.casefold() in self._aliases
        )

    def entry(self, key: str) -> FontEntry:
        return self._entries[self.resolve(key)]

    def keys(self) -> list[str]:
        return list(self._entries)

    def path(self, key: str) -> Path:
        return self.entry(key).path

    def index(self, key: str) -> int:
        return self.entry(key).index

    def metrics(self, key: str) -> FileFontMetrics:
        """The font's metrics (raises ``FontError`` if its file is missing or bad)."""
        m = self._metrics.get(key)
        if m is None:
            e = self.entry(key)
            m = self._metrics[key] = load_metrics(e.path, e.index)
        return m

    def fallbacks(self, key: str) -> list[str]:
        """The keys tried after ``key``'s own font, in order (transitively, no repeats,
        unregistered keys skipped)."""
        first = self.resolve(key)
        chain: list[str] = []
        seen = {first}
        todo = list(self._entries[first].fallbacks)
        while todo:
            k = todo.pop(0)
            if k in seen or k not in self:
                continue
            k = self.resolve(k)
            if k in seen:
                continue
            seen.add(k)
            chain.append(k)
            todo.extend(self._entries[k].fallbacks)
        return chain

    def chain(self, key: str) -> list[str]:
        """``key`` itself followed by its fallbacks."""
        return [self.resolve(key), *self.fallbacks(key)]

    def font_for(self, ch: str, key: str) -> str | None:
        """The first key in ``key``'s chain whose font has ``ch``, or None."""
        for k in self.chain(key):
            if self.metrics(k).has_glyph(ch):
                return k
        return None

    def missing_glyphs(self, text: str, key: str) -> list[str]:
        """Distinct characters of ``text`` that neither ``key``'s font nor any of its
        fallbacks has, in first-seen order (whitespace and controls never count)."""
        chain = [self.metrics(k) for k in self.chain(key)]
        missing = chain[0].missing(text)
        for m in chain[1:]:
            if not missing:
                break
            missing = [ch for ch in missing if not m.has_glyph(ch)]
        return missing


def _bundled(base: Path) -> dict[str, tuple[str, tuple[str, ...], str, str]]:
    """role -> (file name, fallbacks, family, full name) from fonts.json, else the
    built-in list."""
    try:
        manifest = json.loads((base / MANIFEST).read_text(encoding="utf-8"))
        return {
            role: (r["file"], tuple(r.get("fallbacks", ())), r.get("family", ""),
                   r.get("full_name", ""))
            for role, r in manifest["roles"].items()
        }
    except (OSError, ValueError, KeyError, TypeError):
        return {role: (f, fb, "", "") for role, (f, fb) in BUNDLED_FONTS.items()}


def default_registry(fonts_dir: Path | None = None) -> FontRegistry:
    """A registry of the bundled fonts in ``resources/fonts/``, by role and family."""
    base = Path(fonts_dir) if fonts_dir is not None else paths.fonts_dir()
    reg = FontRegistry()
    for role, (file_name, fallbacks, family, full_name) in _bundled(base).items():
        # Registered even when the file is missing: using it raises a clear FontError.
        reg.register(role, base / file_name, family=family, aliases=(full_name,),
                     fallbacks=fallbacks, check=False)
    return reg


def missing_glyphs(text: str, key: str, registry: FontRegistry | None = None) -> list[str]:
    """``FontRegistry.missing_glyphs`` on the default registry (or ``registry``)."""
    return (registry or default_registry()).missing_glyphs(text, key)


# ---------------------------------------------------------------------------------
# Character sets the fonts are built and tested against
# ---------------------------------------------------------------------------------


@functools.cache
def gbk_characters() -> str:
    """Every character GBK encodes (Python's ``gbk`` codec), in code order: printable
    ASCII and the double-byte area; the user-defined (private use) areas are left out."""
    chars = [chr(c) for c in range(0x20, 0x7F)]
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            if trail == 0x7F:
                continue
            try:
                ch = bytes((lead, trail)).decode("gbk")
            except UnicodeDecodeError:
                continue
            if not 0xE000 <= ord(ch) <= 0xF8FF:
                chars.append(ch)
    return "".join(chars)


TONGYONG_FILE = "tongyong-guifan-8105.txt"


@functools.cache
def tongyong_guifan_characters() -> str:
    """The 8105 characters of the 通用规范汉字表 (2013), in the table's order."""
    path = paths.resources_dir() / "charsets" / TONGYONG_FILE
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return "".join(out)
