"""Character classes for line composition, as precomputed tables.

Every character of a paragraph is mapped to a one-letter class with a single
``str.translate`` pass; the later stages run regular expressions over that class string
instead of looking at characters one by one.

Class letters (spec section A):

=====  ==========================================================  =====================
class  characters                                                   notes
=====  ==========================================================  =====================
``H``  ideographs, kana, hangul, CJK symbols, U+3000                  Han: R19, R29
``Z``  any other symbol (full-width letters, arrows, ...)            width from the font
``L``  Latin, Greek and Cyrillic letters, ASCII digits               R6 words, R19
``s``  ASCII ``. , : / @ _ & # = ~ ' ?``, no-break spaces           R6 joins ``3.14``
``g``  ASCII ``-`` ``+`` (signs and inner separators)                 R6 joins ``-5``
``a``  ASCII ``! ) ; ] }`` (closing)                                  R1
``b``  ASCII ``( [ {`` (opening)                                      R2
``y``  currency signs                                                 R2/R6 prefix
``u``  unit suffixes ``% ％ ‰ ℃ ° ′ ″``                               R1/R6 suffix
``x``  ``‼ ⁇ ⁈ ⁉``                                                    R1
``P``  ``、，：；``  pause marks, ink in the left half                R10
``F``  ``。．``     full stops, ink bottom-left                       R10
``Q``  ``？！``     ink in the left half; two of them make one unit  R5
``C``  closing quotes and brackets, ink in the left half             R10
``O``  opening quotes and brackets, ink in the right half            R10
``M``  middle dots ``·・‧``, ink centred                              R9
``T``  ``～``, ink centred                                            R10
``V``  ``／`` ``–``, centred, nominally half an em                    R9
``D``  ``—`` (two make the 2-em dash)                                 R5
``E``  ``…`` ``⋯`` (two make the 2-em ellipsis)                       R5
``S``  spaces and tabs                                                 R7
``N``  a forced line break (``\\n``, U+2028)                           R22
=====  ==========================================================  =====================
"""

from __future__ import annotations

import re

# --------------------------------------------------------------------------- raw sets

OPENING = "“‘（［｛〔〖【〈《「『〘〚｟"
CLOSING = "”’）］｝〕〗】〉》」』〙〛｠"
PAUSE = "、，：；"
FULLSTOP = "。．"
QUESTION = "？！"
MIDDLE = "·・‧"
TILDE = "～"
NARROW = "／–"
DASH = "—"
ELLIPSIS = "…⋯"
CURRENCY = "￥¥＄$￡£€"
UNIT_SUFFIX = "%％‰℃°′″"
DOUBLE_MARKS = "‼⁇⁈⁉"
ASCII_CLOSE = "!);]}"
ASCII_OPEN = "([{"
ASCII_INNER = ".,:/@_&#=~'?\u00a0\u202f"
ASCII_SIGN = "-+"
SPACES = " \t\u2002\u2003\u2009"  # a no-break space is not one: it joins words (class s)
FORCED = "\n\u2028"

# R1: may not start a line (行首禁则). A lone "—" is handled by the unit stage.
LINE_START_PROHIBITED = frozenset(
    "、，。．：；？！" + CLOSING + "·～／–—" + "‼⁇⁈⁉" + "%％‰℃°′″" + "!),.:;?]}" + "・‧"
)
# R2: may not end a line (行尾禁则). Currency before digits is joined to its number (R6).
LINE_END_PROHIBITED = frozenset(OPENING + "([{")

# Classes whose marks are CJK punctuation set by the punctuation style (R9-R14).
CJK_PUNCT_CLASSES = "PFQCOMTVDE"
# Marks with a blank half on their right (ink left) and on their left (ink right).
BLANK_RIGHT_CLASSES = "PFQC"
BLANK_LEFT_CLASSES = "O"
LATIN_CLASSES = "Lsgabyu"

_CLASS_OF: dict[str, str] = {}


def _assign(chars: str, cls: str) -> None:
    for ch in chars:
        _CLASS_OF[ch] = cls


def _build_table() -> str:
    # One byte a code point (every class is an ASCII letter), filled by slices and
    # decoded once: this runs at every start-up.
    table = bytearray(b"Z") * 0x10000
    han_ranges = [
        (0x2E80, 0x2FDF),  # radicals
        (0x3000, 0x303F),  # CJK symbols (the punctuation among them is reassigned below)
        (0x3040, 0x30FF),  # kana
        (0x3100, 0x31BF),  # bopomofo
        (0x31C0, 0x31FF),  # strokes, kana ext.
        (0x3200, 0x33FF),  # enclosed, compatibility
        (0x3400, 0x4DBF),  # ext. A
        (0x4E00, 0x9FFF),  # unified ideographs
        (0xA960, 0xA97F),
        (0xAC00, 0xD7AF),  # hangul
        (0xF900, 0xFAFF),  # compatibility ideographs
    ]
    for lo, hi in han_ranges:
        table[lo:hi + 1] = b"H" * (hi + 1 - lo)
    for lo, hi in ((0x41, 0x5A), (0x61, 0x7A), (0x30, 0x39)):
        table[lo:hi + 1] = b"L" * (hi + 1 - lo)
    for lo, hi in ((0xC0, 0x24F), (0x370, 0x3FF), (0x400, 0x4FF), (0x1E00, 0x1EFF)):
        for cp in [cp for cp in range(lo, hi + 1) if chr(cp).isalpha()]:
            table[cp] = 0x4C  # L
    for ch in ASCII_INNER:  # (the other ASCII symbols stay Z unless assigned below)
        if 0x21 <= ord(ch) < 0x7F and table[ord(ch)] == 0x5A:
            table[ord(ch)] = 0x73  # s
    _assign(ASCII_INNER, "s")
    _assign(ASCII_SIGN, "g")
    _assign(ASCII_CLOSE, "a")
    _assign(ASCII_OPEN, "b")
    _assign(CURRENCY, "y")
    _assign(UNIT_SUFFIX, "u")
    _assign(DOUBLE_MARKS, "x")
    _assign(PAUSE, "P")
    _assign(FULLSTOP, "F")
    _assign(QUESTION, "Q")
    _assign(CLOSING, "C")
    _assign(OPENING, "O")
    _assign(MIDDLE, "M")
    _assign(TILDE, "T")
    _assign(NARROW, "V")
    _assign(DASH, "D")
    _assign(ELLIPSIS, "E")
    _assign(SPACES, "S")
    _assign(FORCED, "N")
    for ch, cls in _CLASS_OF.items():
        table[ord(ch)] = ord(cls)
    return table.decode("ascii")


#: ``text.translate(CLASS_TABLE)`` gives the class string. Characters outside the BMP are
#: left unchanged by ``translate``; ``classify`` maps them to ``H``.
CLASS_TABLE: str = _build_table()
_NON_CLASS = re.compile(r"[^A-Za-z]")


def classify(text: str) -> str:
    """The class string of ``text``: one class letter per character."""
    k = text.translate(CLASS_TABLE)
    if not k.isascii():  # astral characters (ext. B ideographs, emoji) are Han-like
        k = _NON_CLASS.sub("H", k)
    return k


def char_class(ch: str) -> str:
    return classify(ch)


# --------------------------------------------------------------------------- 避头尾 levels


def prohibited_sets(level: str) -> tuple[frozenset[str], frozenset[str]]:
    """(may not start a line, may not end a line) for a strictness level (R3).

    ``none`` forbids nothing; ``basic`` is R1 + R2; ``gb`` adds ``／`` to the line-end
    set; ``strict`` adds nothing here, because its extra rule (no ``——``/``……`` at a
    line start) concerns two-character units and is applied by the unit stage."""
    if level == "none":
        return frozenset(), frozenset()
    start = LINE_START_PROHIBITED
    end = LINE_END_PROHIBITED
    if level in ("gb", "strict"):
        end = end | {"／"}
    return start, end


def _char_class_regex(chars: frozenset[str]) -> re.Pattern[str] | None:
    if not chars:
        return None
    return re.compile("[" + "".join(re.escape(c) for c in sorted(chars)) + "]")


_REGEX_CACHE: dict[str, tuple[re.Pattern[str] | None, re.Pattern[str] | None]] = {}


def prohibited_regexes(level: str) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """Compiled character-class regexes for ``prohibited_sets(level)``."""
    got = _REGEX_CACHE.get(level)
    if got is None:
        start, end = prohibited_sets(level)
        got = (_char_class_regex(start), _char_class_regex(end))
        _REGEX_CACHE[level] = got
    return got


def is_han(ch: str) -> bool:
    return classify(ch) == "H"
