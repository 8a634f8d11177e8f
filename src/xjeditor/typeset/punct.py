"""Punctuation styles (spec R9-R14, R20): box widths, line-edge trimming, compression.

A profile says, per punctuation class of ``charclass``, how wide the mark's box is in the
middle of a line (in em), whether adjacent marks are compressed (R13), which marks are
trimmed to half an em at a line end (R11) or lose their leading half at a line start (R12),
and whether full-width marks may shrink to half an em to justify a line (R20).

Glyphs are drawn with their ink where GB/T 15834 puts it (R10), whatever the box width:
marks with ink in the left half keep their origin at the box start, opening marks are
drawn ``box - advance`` from the box start (so a half-em box draws the 1-em glyph half an
em to the left) and centred marks ``(box - advance) / 2``.
"""

from __future__ import annotations

from dataclasses import dataclass

# Shrink levels of R20, each applied to every instance before the next.
SHRINK_LINE_END = 1
SHRINK_WORD_SPACE = 2
SHRINK_MIDDLE_DOT = 3
SHRINK_BRACKET = 4
SHRINK_PAUSE = 5
SHRINK_HAN_LATIN = 6
SHRINK_FULL_STOP = 7

#: R20 shrink level of each punctuation class (the line-end mark is level 1 whatever its class).
SHRINK_LEVEL = {"M": SHRINK_MIDDLE_DOT, "O": SHRINK_BRACKET, "C": SHRINK_BRACKET,
                "P": SHRINK_PAUSE, "F": SHRINK_FULL_STOP, "Q": SHRINK_FULL_STOP}


@dataclass(frozen=True, slots=True)
class PunctProfile:
    """How one punctuation style sets the marks: box widths, compression, trims (R9-R14, R20)."""

    name: str
    box: dict[str, float]  # class -> box width in em, mid-line
    adjacent: bool  # R13: compress a mark that touches another mark
    end_trim: str  # classes trimmed to 1/2 em at a line end (R11)
    start_trim: bool  # R12: an opening mark at a line start loses its leading half
    shrink: bool  # R20: full-width marks may shrink to 1/2 em to take in a line


_ALL_HALF = {"P": 0.5, "F": 0.5, "Q": 0.5, "C": 0.5, "O": 0.5, "M": 0.5, "T": 0.5, "V": 0.5,
             "D": 1.0, "E": 1.0}

PROFILES: dict[str, PunctProfile] = {
    # 全角, no compression at all: every mark takes a full em.
    "full": PunctProfile(
        "full", {"P": 1, "F": 1, "Q": 1, "C": 1, "O": 1, "M": 1, "T": 1, "V": 1, "D": 1, "E": 1},
        adjacent=False, end_trim="", start_trim=False, shrink=False),
    # 全身 with the GB compressions R11-R13.
    "gb": PunctProfile(
        "gb", {"P": 1, "F": 1, "Q": 1, "C": 1, "O": 1, "M": 0.5, "T": 1, "V": 0.5, "D": 1, "E": 1},
        adjacent=True, end_trim="PFQC", start_trim=True, shrink=True),
    # 开明: 。？！． full, every other mark half.
    "kaiming": PunctProfile(
        "kaiming", {"P": 0.5, "F": 1, "Q": 1, "C": 0.5, "O": 0.5, "M": 0.5, "T": 1, "V": 0.5,
                    "D": 1, "E": 1},
        adjacent=True, end_trim="", start_trim=False, shrink=True),
    # 开明 whose full stops are also trimmed at a line end (R11 on top of kaiming).
    "kaiming-end": PunctProfile(
        "kaiming-end", {"P": 0.5, "F": 1, "Q": 1, "C": 0.5, "O": 0.5, "M": 0.5, "T": 1, "V": 0.5,
                        "D": 1, "E": 1},
        adjacent=True, end_trim="FQ", start_trim=False, shrink=True),
    # 半角: every mark half an em (the 2-em dash and ellipsis keep their length).
    "banjiao": PunctProfile("banjiao", dict(_ALL_HALF), adjacent=False, end_trim="",
                            start_trim=False, shrink=False),
}

#: The 社区晨报 house style for body text: the compressed style that reproduces the most
#: original line breaks of the seed pages (tools/analyze_house_punct.py, docs/TYPESETTING.md).
HOUSE_STYLE = "banjiao"

PROFILES["house"] = PunctProfile(
    "house", PROFILES[HOUSE_STYLE].box, PROFILES[HOUSE_STYLE].adjacent,
    PROFILES[HOUSE_STYLE].end_trim, PROFILES[HOUSE_STYLE].start_trim, PROFILES[HOUSE_STYLE].shrink)


def profile(name: str) -> PunctProfile:
    try:
        return PROFILES[str(name)]
    except KeyError:
        raise ValueError(f"unknown punctuation style {name!r}; one of {', '.join(PROFILES)}") from None
