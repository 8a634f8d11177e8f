"""Units of measure: millimetres, points and the Chinese 号 (zihao) type sizes.

Geometry in the model is in millimetres (what the layout editor and the printing plant
speak); type sizes are in points. The 号 system follows GB/T 40070 / the Word table
(spec R31).
"""

from __future__ import annotations

PT_PER_INCH = 72.0
MM_PER_INCH = 25.4
MM_PER_PT = MM_PER_INCH / PT_PER_INCH


def mm_to_pt(mm: float) -> float:
    return mm / MM_PER_PT


def pt_to_mm(pt: float) -> float:
    return pt * MM_PER_PT


# 字号 name -> size in points, largest first (spec R31).
ZIHAO: dict[str, float] = {
    "初号": 42.0,
    "小初": 36.0,
    "一号": 26.0,
    "小一": 24.0,
    "二号": 22.0,
    "小二": 18.0,
    "三号": 16.0,
    "小三": 15.0,
    "四号": 14.0,
    "小四": 12.0,
    "五号": 10.5,
    "小五": 9.0,
    "六号": 7.5,
    "小六": 6.5,
    "七号": 5.5,
    "八号": 5.0,
}


def zihao_to_pt(name: str) -> float:
    """Size in points of a 号 name such as ``小五``; raises KeyError for an unknown name."""
    try:
        return ZIHAO[name]
    except KeyError:
        raise KeyError(f"unknown 字号 {name!r}") from None


def pt_to_zihao(size_pt: float, tolerance: float = 0.01) -> str | None:
    """The 号 name of a size in points, or None when the size is not a 号 size."""
    for name, pt in ZIHAO.items():
        if abs(pt - size_pt) <= tolerance:
            return name
    return None


def describe_size(size_pt: float) -> str:
    """Human label for a size: ``小五 (9 pt)`` or ``9.5 pt``."""
    name = pt_to_zihao(size_pt)
    num = f"{size_pt:g} pt"
    return f"{name} ({num})" if name else num
