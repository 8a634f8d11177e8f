"""Stage 1 of composition: a paragraph's characters as flat arrays ready for breaking.

Everything is per character, in points, in plain lists (no object per character):

``w[c]``      box width of character ``c`` (punctuation already at its style's width and
              compressed against its neighbours, R9-R14)
``g[c]``      glue before ``c`` (Han-Latin spacing R19, a word space, 0), sparse dict
``goff[c]``   where the glyph is drawn relative to its box (R10), sparse dict
``brk[c]``    1 when a line may end at offset ``c`` (not inside a unit R5/R6, not against
              避头尾 R1-R4), a ``bytearray`` so ``find``/``rfind`` search it at C speed
``ub[c]``     1 at every unit boundary (used only by the R6 fallback)
``gp[c]``     1 when justification may add space before ``c`` (R21)
``etrim``     how much the box of ``c`` loses when it ends a line (R11), sparse
``strim``     how much the box of ``c`` loses when it starts a line (R12), sparse

and prefix sums (``cum``, ``cgp``, glue stretch) so that the width of any candidate line
is O(1) and the break search is a ``bisect``.

Spaces never become units: a run of spaces is glue carried by the character after it, so a
line edge drops it (R7) and a space between Han and Latin is replaced by the R19 spacing.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Sequence
from itertools import accumulate

from .charclass import BLANK_RIGHT_CLASSES, classify, prohibited_regexes
from .punct import SHRINK_LEVEL, PunctProfile

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# Units longer than one character (R5, R6).
# Dashes and ellipses pair up from the left; an odd one joins the last pair.
_UNIT_RE = re.compile(r"[yg]?L+(?:[sg]+L+)*u?|DDD(?!D)|DD|EEE(?!E)|EE|QQ")
# Spaces / forced breaks, and Han-Latin boundaries without a space (R19).
# (A Han-Latin boundary matches the one character before it: lookbehinds at every
# position would make the scan half as fast again.)
_GLUE_RE = re.compile(r"[SN]+|H(?=[yg]?L)|[Lu](?=H)")
_PUNCT_RE = re.compile(r"[PFQCOMTVDE]")
_SPACES_RE = re.compile(r"[SN]+")  # _GLUE_RE for a paragraph without Latin
_OFFSET_RE = re.compile(r"[OMTVDE]")  # marks drawn off their box start (R10)
# Boundaries inside Latin text that take no justification space: before ASCII closing and
# separator marks, after an ASCII opening bracket.
_ATTACHED_RE = re.compile(r"[Lsgabyu](?=[asgu])|b(?=[Lsgabyu])")  # the boundary after the match

_HAN_LATIN_Q = "Lyg"  # a Latin unit starts with one of these
_HAN_LATIN_P = "Lu"  # ... and ends with one of these
_CJK_PUNCT = "PFQCOMTVDE"


class _Advances(dict):
    """Advance widths in em of one FontMetrics, filled on first use; ``points(size)`` is
    the same table in points at one size (so a paragraph's widths are one ``map``)."""

    __slots__ = ("metrics", "_sized")

    def __init__(self, metrics: Any) -> None:
        # What the font's metrics already know from earlier paragraphs
        # (FileFontMetrics.known_advances), taken in one go.
        known = getattr(metrics, "known_advances", None)
        super().__init__(known() if known is not None else ())
        self.metrics = metrics
        self._sized: dict[float, _PointWidths] = {}

    def __missing__(self, ch: str) -> float:
        v = float(self.metrics.advance(ch))
        self[ch] = v
        return v

    def points(self, size: float) -> "_PointWidths":
        got = self._sized.get(size)
        if got is None:
            got = self._sized[size] = _PointWidths(self, size)
        return got

    def set_widths(self, size: float, prof: PunctProfile) -> "_SetWidths":
        key = (size, prof.name)
        got = self._sized.get(key)
        if got is None:
            got = self._sized[key] = _SetWidths(self.points(size), size, prof.box)
        return got


class _PointWidths(dict):
    __slots__ = ("em", "size")

    def __init__(self, em: _Advances, size: float) -> None:
        super().__init__()
        self.em, self.size = em, size

    def __missing__(self, ch: str) -> float:
        v = self[ch] = self.em[ch] * self.size
        return v


class _SetWidths(dict):
    """Points per character as set in one punctuation style at one size: a CJK mark's box
    width (R9), any other character's advance; ``offsets`` holds where a mark's glyph is
    drawn inside its box when that is not at the box start (R10: opening marks, centred
    marks, dashes, ellipses). For styles whose marks never exceed half an em, these are a
    mark's widths wherever it stands, so a paragraph's widths are one ``map``."""

    __slots__ = ("natural", "size", "box", "offsets")

    def __init__(self, natural: _PointWidths, size: float, box: dict[str, float]) -> None:
        super().__init__()
        self.natural, self.size, self.box = natural, size, box
        self.offsets: dict[str, float] = {}

    def __missing__(self, ch: str) -> float:
        v = nat = self.natural[ch]
        cls = classify(ch)
        if cls in _CJK_PUNCT:
            v = self.box[cls] * self.size
            off = v - nat if cls == "O" else (v - nat) * 0.5 if cls in "MTVDE" else 0.0
            if off:
                self.offsets[ch] = off
        self[ch] = v
        return v


_ADV_WEAK: "weakref.WeakKeyDictionary[Any, _Advances]" = weakref.WeakKeyDictionary()
_ADV_STRONG: dict[int, tuple[Any, _Advances]] = {}


# (metrics, its _Advances) of the last call: paragraphs come in runs of one font. One
# tuple, replaced whole, so that a thread never sees one font's metrics with another's table.
_LAST: tuple[Any, _Advances | None] = (None, None)


def advances(metrics: Any) -> _Advances:
    global _LAST
    last = _LAST
    if last[0] is metrics:
        return last[1]
    adv = _advances(metrics)
    _LAST = (metrics, adv)
    return adv


def _advances(metrics: Any) -> _Advances:
    try:
        return _ADV_WEAK[metrics]
    except KeyError:
        adv = _ADV_WEAK[metrics] = _Advances(metrics)
        return adv
    except TypeError:  # not weak-referenceable: keep it alive with its cache
        got = _ADV_STRONG.get(id(metrics))
        if got is None or got[0] is not metrics:
            got = _ADV_STRONG[id(metrics)] = (metrics, _Advances(metrics))
        return got[1]


class Prepared:
    """The arrays of one paragraph (see the module docstring)."""

    __slots__ = ("text", "k", "n", "w", "g", "goff", "brk", "ub", "gp", "etrim", "strim",
                 "cum", "gx", "cgp", "cws", "chl", "ws_cap", "hl_cap", "ws_shrink", "hl_shrink",
                 "pshrink", "forced", "sizes", "size", "run_bounds", "profile")


def prepare(text: str, runs: Sequence[tuple[int, int, float, Any]], prof: PunctProfile,
            kinsoku: str, han_latin: float) -> Prepared:
    """``runs``: (start, end, size in pt, FontMetrics) covering ``text`` in order.

    The steps, in order: widths, units, glue, 避头尾, punctuation, attached Latin marks,
    prefix sums; each fills its part of the arrays of :class:`Prepared`."""
    n = len(text)
    k = classify(text)
    P = Prepared()
    P.text, P.k, P.n, P.profile = text, k, n, prof
    P.run_bounds = [(a, b) for a, b, _, _ in runs]
    setw = _widths(P, runs, prof)
    _start_arrays(P)

    # Most paragraphs are ideographs and CJK punctuation only: the scans below are skipped
    # when the classes they look for are absent (a substring test runs at C speed).
    latin = "L" in k or "y" in k or "g" in k or "u" in k
    # Han-Latin boundaries without a space between (R19) are the edges of Latin units next
    # to an ideograph, taken from the unit scan; only a unit suffix standing alone (``u``
    # after no Latin letter) needs the full glue scan.
    hl_from_units = latin and "u" not in k and han_latin > 0.0

    if latin or "D" in k or "E" in k or "Q" in k:
        qpair, long_starts = _units(P, hl_from_units, han_latin)
    else:
        qpair, long_starts = _NO_PAIRS, _NO_STARTS
    glue = (_GLUE_RE if latin and not hl_from_units else
            _SPACES_RE if "S" in k or "N" in k else None)
    if glue is not None:
        _glue(P, glue, han_latin)
    if kinsoku != "none":
        _kinsoku(P, kinsoku, long_starts)
    if setw is not None:  # widths set already; the glyph offsets and paired ？！ remain
        _set_offsets(P, setw, qpair)
    elif any(ch in k for ch in _CJK_PUNCT):
        wide = _punctuation(P, prof, qpair)
        if wide:
            _trims(P, prof, wide, qpair)
    if "a" in k or "b" in k or "s" in k or "u" in k or "g" in k:
        _attached(P)
    _prefix_sums(P)
    return P


def _widths(P: Prepared, runs: Sequence[tuple[int, int, float, Any]], prof: PunctProfile) -> _SetWidths | None:
    """``P.w``, ``P.size``, ``P.sizes``: widths in points from each run's font.

    In one run, and in a punctuation style whose marks are at most half an em (no
    compression between marks, no line-edge trims: the house style), marks take their
    box widths here and need no pass of their own: then the set widths are returned."""
    text = P.text
    box = prof.box
    setw: _SetWidths | None = None
    if len(runs) == 1:
        size = runs[0][2]
        if box["P"] <= 0.5 and box["F"] <= 0.5 and box["Q"] <= 0.5 and box["C"] <= 0.5 and box["O"] <= 0.5:
            setw = advances(runs[0][3]).set_widths(size, prof)
            w = list(map(setw.__getitem__, text))
        else:
            w = list(map(advances(runs[0][3]).points(size).__getitem__, text))
        sizes = None
    else:
        w, sizes = [], []
        for a, b, sz, m in runs:
            w.extend(map(advances(m).points(sz).__getitem__, text[a:b]))
            sizes.extend([sz] * (b - a))
        size = runs[0][2] if runs else 0.0
    P.w, P.size, P.sizes = w, size, sizes
    return setw


def _start_arrays(P: Prepared) -> None:
    """Breaks, unit boundaries and justification points everywhere; no glue, no trims."""
    n = P.n
    brk = bytearray(b"\x01") * (n + 1)
    brk[0] = 0
    ub = bytearray(b"\x01") * (n + 1)
    ub[0] = 0
    gp = bytearray(b"\x01") * n
    if n:
        gp[0] = 0
    P.brk, P.ub, P.gp = brk, ub, gp
    P.g, P.goff, P.etrim, P.strim = {}, {}, {}, {}
    P.ws_cap, P.hl_cap, P.ws_shrink, P.hl_shrink = {}, {}, {}, {}
    P.pshrink, P.forced = {}, []


def _hl_space(P: Prepared, c: int, han_latin: float) -> None:
    """Han-Latin spacing (R19) before character ``c``."""
    sp = han_latin * (P.size if P.sizes is None else P.sizes[c])
    P.g[c] = sp
    P.hl_cap[c] = sp / 3.0  # 1/4 em stretches to 1/3 em
    P.hl_shrink[c] = sp * 0.5


_ZEROS = bytes(64)
_NO_PAIRS: frozenset[int] = frozenset()
_NO_STARTS: list[int] = []  # only read


def _units(P: Prepared, hl_from_units: bool, han_latin: float) -> tuple[set[int], list[int]]:
    """Units (R5, R6): no break and no justification space inside them. Returns the
    characters of paired ？！ and the starts of the 2-em dash and ellipsis units."""
    k, n, brk, ub, gp = P.k, P.n, P.brk, P.ub, P.gp
    qpair: set[int] = set()
    long_starts: list[int] = []
    zeros = _ZEROS
    for m in _UNIT_RE.finditer(k):
        s, e = m.span()
        if hl_from_units and k[s] in "ygL":
            if s > 0 and k[s - 1] == "H":
                _hl_space(P, s, han_latin)
            if e < n and k[e] == "H":
                _hl_space(P, e, han_latin)
        ln = e - s - 1
        if ln <= 0:
            continue
        z = zeros[:ln] if ln <= 64 else bytes(ln)
        brk[s + 1:e] = z
        ub[s + 1:e] = z
        gp[s + 1:e] = z
        if k[s] == "Q":
            qpair.add(s)
            qpair.add(s + 1)
        elif k[s] in "DE":
            long_starts.append(s)
    return qpair, long_starts


def _glue(P: Prepared, glue: re.Pattern[str], han_latin: float) -> None:
    """Spaces, forced breaks and Han-Latin spacing (R7, R19); ``glue`` finds them."""
    k, n, w, gp, g, forced = P.k, P.n, P.w, P.gp, P.g, P.forced
    size, sizes = P.size, P.sizes
    for m in glue.finditer(k):
        s, e = m.span()
        if k[s] not in "SN":  # Han next to Latin, no space in the source
            if han_latin > 0.0:
                _hl_space(P, s + 1, han_latin)
            continue
        space = w[s]  # a word space keeps its own width as glue
        for c in range(s, e):
            w[c] = 0.0
            gp[c] = 0
        if "N" in k[s:e]:
            forced.append((s, e))
            continue
        if s == 0 or e == n:
            continue
        p, q = k[s - 1], k[e]
        if (p == "H" and q in _HAN_LATIN_Q) or (p in _HAN_LATIN_P and q == "H"):
            if han_latin > 0.0:
                _hl_space(P, e, han_latin)
        elif p in _CJK_PUNCT or q in _CJK_PUNCT:
            pass  # CJK punctuation carries its own space
        else:  # a word space
            em = size if sizes is None else sizes[e]
            sp = space
            g[e] = sp
            P.ws_cap[e] = max(0.0, 0.5 * em - sp)
            P.ws_shrink[e] = max(0.0, sp - 0.25 * em)


def _kinsoku(P: Prepared, kinsoku: str, long_starts: list[int]) -> None:
    """避头尾 (R1-R4): a forbidden edge forbids every break that would create it,
    including breaks at spaces next to the mark."""
    text, k, n, brk = P.text, P.k, P.n, P.brk
    start_re, end_re = prohibited_regexes(kinsoku)
    starts = [m.start() for m in start_re.finditer(text)] if start_re else []
    # a lone dash may not start a line; the 2-em dash and ellipsis may, except in
    # strict mode (R3)
    if long_starts:
        if kinsoku == "strict":
            starts.extend(long_starts)
        else:
            ls = set(long_starts)
            starts = [c for c in starts if c not in ls]
    if "S" in k:
        for c in starts:
            brk[c] = 0
            j = c - 1
            while j > 0 and k[j] == "S":
                brk[j] = 0
                j -= 1
    else:
        for c in starts:
            brk[c] = 0
    if end_re is not None:
        for m in end_re.finditer(text):
            j = m.start() + 1
            brk[j] = 0
            while j < n and k[j] == "S":
                j += 1
                brk[j] = 0


def _set_offsets(P: Prepared, setw: _SetWidths, qpair: set[int]) -> None:
    """Punctuation already at its set width: glyph offsets (R10) and paired ？！."""
    text, k, w, goff = P.text, P.k, P.w, P.goff
    offsets = setw.offsets
    if offsets and ("O" in k or "M" in k or "T" in k or "V" in k or "D" in k or "E" in k):
        for m in _OFFSET_RE.finditer(k):
            c = m.start()
            off = offsets.get(text[c])
            if off:
                goff[c] = off
    for c in qpair:
        w[c] = 0.5 * P.size


def _punctuation(P: Prepared, prof: PunctProfile, qpair: set[int]) -> list[int]:
    """Punctuation widths, glyph offsets and compression (R9-R14). Returns the marks
    that may be wider than half an em (none when the style has no such marks)."""
    k, w, goff, size, sizes = P.k, P.w, P.goff, P.size, P.sizes
    box = prof.box
    adjacent = prof.adjacent
    wide = [c for c in "PFQCO" if box[c] > 0.5]  # marks that can lose a half em
    plist: list[int] = []
    for m in _PUNCT_RE.finditer(k):
        c = m.start()
        cls = k[c]
        em = size if sizes is None else sizes[c]
        bw = 0.5 if c in qpair else box[cls]
        natural = w[c]
        wc = w[c] = bw * em
        if cls == "O":
            off = wc - natural
            if off:
                goff[c] = off
        elif cls in "MTVDE":
            off = (wc - natural) * 0.5
            if off:
                goff[c] = off
        if wide:
            plist.append(c)
            if adjacent and c > 0 and cls in "PFQCO":
                pc = c - 1
                pk = k[pc]
                if pk in BLANK_RIGHT_CLASSES and pc not in qpair:
                    ph = 0.5 * (size if sizes is None else sizes[pc])
                    if w[pc] > ph + 1e-9:
                        w[pc] = ph  # 。” 》， ：“ ）（ take 1.5 em (R13)
                elif cls == "O" and pk == "O" and wc > 0.5 * em + 1e-9:
                    d = wc - 0.5 * em  # “《: the second opening loses its leading half
                    w[c] = wc - d
                    goff[c] = goff.get(c, 0.0) - d
    return plist


def _trims(P: Prepared, prof: PunctProfile, plist: list[int], qpair: set[int]) -> None:
    """What a mark wider than half an em loses at a line end (R11), a line start (R12)
    or in shrinking a line."""
    k, w, size, sizes = P.k, P.w, P.size, P.sizes
    end_trim = prof.end_trim
    start_trim = prof.start_trim
    shrink = prof.shrink
    etrim, strim, pshrink = P.etrim, P.strim, P.pshrink
    for c in plist:
        cls = k[c]
        if c in qpair:
            continue
        extra = w[c] - 0.5 * (size if sizes is None else sizes[c])
        if extra <= 1e-9:
            continue
        if cls in end_trim:
            etrim[c] = extra
        if cls == "O" and start_trim:
            strim[c] = extra
        if shrink:
            lvl = SHRINK_LEVEL.get(cls)
            if lvl is not None:
                pshrink[c] = (lvl, extra, cls)


def _attached(P: Prepared) -> None:
    """No justification space inside Latin text next to ASCII marks."""
    gp = P.gp
    for m in _ATTACHED_RE.finditer(P.k):
        gp[m.end()] = 0


def _prefix_sums(P: Prepared) -> None:
    """``cum`` (box widths and glue), ``gx`` (where each glyph is drawn), ``cgp``, and the
    running stretch of word spaces (``cws``) and Han-Latin spacing (``chl``)."""
    n, w, g = P.n, P.w, P.g
    if g:
        wg = w[:]
        for c, v in g.items():
            wg[c] += v
        cum = list(accumulate(wg, initial=0.0))
        gx = cum[:n]
        for c, v in g.items():
            gx[c] += v
    else:
        cum = list(accumulate(w, initial=0.0))
        gx = cum[:n]
    for c, v in P.goff.items():
        gx[c] += v
    P.cum, P.gx = cum, gx
    P.cgp = list(accumulate(P.gp))
    P.cws = _running_sum(P.ws_cap, n) if P.ws_cap else None
    P.chl = _running_sum(P.hl_cap, n) if P.hl_cap else None


def _running_sum(sparse: dict[int, float], n: int) -> list[float]:
    """Prefix sums of a sparse per-character value."""
    arr = [0.0] * n
    for c, v in sparse.items():
        arr[c] = v
    return list(accumulate(arr))
