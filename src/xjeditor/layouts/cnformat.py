"""Chinese numbers and dates as newspapers print them.

These are the jinja2 filters layout templates use (``{{ date|cn_date(weekday=True) }}``,
``{{ page|banci }}``); they are plain functions and usable anywhere.

- ``cn_numeral(102)`` -> ``一百零二`` (counting numerals: ``十一``, ``二十``, ``一万零一``)
- ``cn_digits(2021)`` -> ``二〇二一`` (digit by digit, as in written-out years)
- ``cn_weekday(date)`` -> ``星期五``
- ``cn_date(date)`` -> ``2021年1月15日``; ``weekday=True`` adds `` 星期五``;
  ``chinese=True`` gives ``二〇二一年一月十五日``
- ``banci(2)`` -> ``第2版``, ``qihao(152)`` -> ``第152期``, ``zong_qihao(1234)`` -> ``总第1234期``
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

DIGITS = "零一二三四五六七八九"
DIGITS_O = "〇一二三四五六七八九"  # the written-out-year style uses 〇 for zero
WEEKDAYS = "一二三四五六日"  # Monday first, as date.weekday() counts
_SMALL_UNITS = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))
_GROUP_UNITS = ("", "万", "亿")


def _integer(value: Any, what: str) -> int:
    if isinstance(value, bool):
        raise TypeError(f"{what}: expected an integer, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise TypeError(f"{what}: expected an integer, got {value!r}")


def _group(n: int, leading: bool) -> str:
    """0 < n < 10000 in counting numerals; ``leading`` is False for the first group, where
    10-19 read 十, 十一 … rather than 一十, 一十一."""
    out: list[str] = []
    started = False
    zero = False
    for value, unit in _SMALL_UNITS:
        d = n // value % 10
        if d == 0:
            zero = started
            continue
        if zero:
            out.append("零")
            zero = False
        if value == 10 and d == 1 and not started and not leading:
            out.append("十")
        else:
            out.append(DIGITS[d] + unit)
        started = True
    return "".join(out)


def cn_numeral(value: Any) -> str:
    """An integer in Chinese counting numerals: 11 -> 十一, 20 -> 二十, 102 -> 一百零二."""
    n = _integer(value, "cn_numeral")
    if n < 0:
        return "负" + cn_numeral(-n)
    if n == 0:
        return "零"
    groups: list[int] = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    if len(groups) > len(_GROUP_UNITS):
        raise ValueError(f"cn_numeral: {value!r} is too large (the limit is 999999999999)")
    out = ""
    gap = False  # a zero group between two written groups
    for i in reversed(range(len(groups))):
        g = groups[i]
        if g == 0:
            gap = bool(out)
            continue
        if out and (gap or g < 1000):
            out += "零"
        out += _group(g, leading=bool(out)) + _GROUP_UNITS[i]
        gap = False
    return out


def cn_digits(value: Any) -> str:
    """Digit by digit: 2021 -> 二〇二一 (years, room numbers)."""
    n = _integer(value, "cn_digits")
    sign = "负" if n < 0 else ""
    return sign + "".join(DIGITS_O[int(c)] for c in str(abs(n)))


def as_date(value: Any) -> _dt.date:
    """A ``datetime.date`` from a date, a datetime or an ISO ``YYYY-MM-DD`` string."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise TypeError(f"expected a date (or YYYY-MM-DD), got {value!r}")


def cn_weekday(value: Any, prefix: str = "星期") -> str:
    """星期五 (or 周五 with ``prefix="周"``); Sunday is 星期日."""
    return prefix + WEEKDAYS[as_date(value).weekday()]


def cn_date(value: Any, weekday: bool = False, chinese: bool = False) -> str:
    """``2021年1月15日``; ``weekday=True`` -> ``2021年1月15日 星期五``;
    ``chinese=True`` -> ``二〇二一年一月十五日``."""
    d = as_date(value)
    if chinese:
        text = f"{cn_digits(d.year)}年{cn_numeral(d.month)}月{cn_numeral(d.day)}日"
    else:
        text = f"{d.year}年{d.month}月{d.day}日"
    return f"{text} {cn_weekday(d)}" if weekday else text


def _ordinal(value: Any, what: str, chinese: bool) -> str:
    n = _integer(value, what)
    return cn_numeral(n) if chinese else str(n)


def banci(value: Any, chinese: bool = False) -> str:
    """Page number as printed in a running head: 第2版 (``chinese=True``: 第二版)."""
    return f"第{_ordinal(value, 'banci', chinese)}版"


def qihao(value: Any, chinese: bool = False) -> str:
    """Issue number: 第152期."""
    return f"第{_ordinal(value, 'qihao', chinese)}期"


def zong_qihao(value: Any, chinese: bool = False) -> str:
    """Running total of issues: 总第1234期."""
    return f"总第{_ordinal(value, 'zong_qihao', chinese)}期"


#: The filters every layout template can use, by name.
FILTERS: dict[str, Callable[..., str]] = {
    "cn_numeral": cn_numeral,
    "cn_digits": cn_digits,
    "cn_weekday": cn_weekday,
    "cn_date": cn_date,
    "banci": banci,
    "qihao": qihao,
    "zong_qihao": zong_qihao,
}
